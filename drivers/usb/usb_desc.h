/* usb_desc.h: checking and reading USB descriptors a device sent: device,
 * configuration (with its interfaces and endpoints) and hub. Every length
 * field is checked against what was received before anything is read.
 * Pure code: also built on the host by a unit test with malformed input. */
#ifndef DRIVERS_USB_DESC_H
#define DRIVERS_USB_DESC_H

#include "abi/types.h"

enum usb_desc_err {
    USB_DESC_OK,
    USB_DESC_SHORT,             /* fewer bytes than the descriptor's minimum */
    USB_DESC_BAD_TYPE,          /* bDescriptorType is not the one asked for */
    USB_DESC_BAD_LENGTH,        /* a bLength under its minimum (0 included) */
    USB_DESC_PAST_TOTAL,        /* a descriptor runs past wTotalLength */
    USB_DESC_TOTAL_PAST_BUFFER, /* wTotalLength past the bytes received */
    USB_DESC_BAD_VALUE,         /* a field out of range (max packet, ports) */
    USB_DESC_NO_ENDPOINT, /* a keyboard/hub interface without interrupt IN */
};

/* A short phrase for logs ("bLength 0 or too small", ...). */
const char* usb_desc_error(enum usb_desc_err e);

#define USB_DT_DEVICE       1
#define USB_DT_CONFIG       2
#define USB_DT_INTERFACE    4
#define USB_DT_ENDPOINT     5
#define USB_DT_HUB          0x29
#define USB_DT_SS_HUB       0x2A
#define USB_DEVICE_DESC_LEN 18
#define USB_CONFIG_DESC_LEN 9

#define USB_CLASS_HID 3
#define USB_CLASS_HUB 9

struct usb_device_info {
    uint16_t bcd_usb, vendor, product;
    uint8_t cls, sub, proto;
    uint8_t max_packet0; /* bytes; 512 for SuperSpeed is stored as 0 */
    uint8_t nconfigs;
};

/* Checks the first len bytes of a device descriptor. With len 8 (the first
 * read, to learn bMaxPacketSize0) only the fields in those 8 bytes are
 * filled. */
enum usb_desc_err usb_parse_device(const uint8_t* buf, size_t len,
                                   struct usb_device_info* out);

enum usb_role {
    USB_ROLE_OTHER,    /* nothing WeensyOS drives */
    USB_ROLE_KEYBOARD, /* HID class 3, boot subclass 1, keyboard protocol 1 */
    USB_ROLE_HUB,      /* class 9 */
};

struct usb_config_info {
    uint16_t total; /* wTotalLength */
    uint8_t value;  /* bConfigurationValue, for SET_CONFIGURATION */
    enum usb_role role;
    uint8_t iface;          /* bInterfaceNumber of the keyboard or hub */
    uint8_t ep_addr;        /* its interrupt IN endpoint: address (0x8N) */
    uint16_t ep_max_packet; /* wMaxPacketSize bits [10:0] */
    uint8_t ep_interval;    /* bInterval */
    /* The first interface (alternate setting 0), for naming others. */
    uint8_t cls, sub, proto;
    uint8_t ninterfaces;
};

/* Reads the 9-byte header, then walks every descriptor inside wTotalLength
 * (which must lie within len) looking for a boot keyboard interface (first
 * choice) or a hub interface, each with an interrupt IN endpoint, among
 * alternate settings 0. Any malformed length fails the whole set. With
 * len 9 (the header alone) it checks and fills total and value only. */
enum usb_desc_err usb_parse_config(const uint8_t* buf, size_t len,
                                   struct usb_config_info* out);

struct usb_hub_info {
    uint8_t nports;
    uint16_t characteristics;
    uint8_t power_on_ms; /* bPwrOn2PwrGood * 2 */
};

/* A USB 2 hub descriptor (type 0x29) or a SuperSpeed one (0x2A); a hub
 * of more than 15 ports is used for its first 15 (route strings). */
enum usb_desc_err usb_parse_hub(const uint8_t* buf, size_t len,
                                struct usb_hub_info* out);

/* A name for an interface class triple, for logs: "mouse", "hub", ... */
const char* usb_class_name(uint8_t cls, uint8_t sub, uint8_t proto);

#endif
