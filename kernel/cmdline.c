/* cmdline.c: the Multiboot2 command line, a list of words. */
#include "kernel/config.h"

#include "kernel/console.h"
#include "kernel/log.h"
#include "lib/string.h"

struct kconfig kconfig;

static bool parse_number_word(const char* word, const char* value,
                              uint64_t* out) {
    if (!parse_u64(value, out) || *out == 0) {
        log_printf("cmdline: malformed '%s': expected a positive number\n",
                   word);
        return false;
    }
    return true;
}

static void parse_word(const char* w) {
    const char* eq = strchr(w, '=');
    size_t keylen = eq ? (size_t) (eq - w) : strlen(w);
    const char* value = eq ? eq + 1 : NULL;
#define KEY_IS(k) (keylen == sizeof(k) - 1 && strncmp(w, k, keylen) == 0)
    if (KEY_IS("test") && !value) {
        kconfig.test = true;
    } else if (KEY_IS("kcrash") && !value) {
        kconfig.kcrash = true;
    } else if (KEY_IS("kleak") && !value) {
        kconfig.kleak = true;
    } else if (KEY_IS("krefbug") && !value) {
        kconfig.krefbug = true;
    } else if (KEY_IS("ktriple") && !value) {
        kconfig.ktriple = true;
    } else if (KEY_IS("cow") && !value) {
        kconfig.cow = true;
    } else if (KEY_IS("kiretq") && !value) {
        kconfig.kiretq = true;
    } else if (KEY_IS("dumpscreen") && !value) {
        kconfig.screendump_on_exit = true;
    } else if (KEY_IS("noemuoff") && !value) {
        kconfig.no_emulator_poweroff = true;
    } else if (KEY_IS("acpiscan") && !value) {
        kconfig.acpi_scan_bios = true;
    } else if (KEY_IS("usbnoanswer") && !value) {
        kconfig.usb_never_ready = true;
    } else if (KEY_IS("nomadt") && !value) {
        kconfig.no_madt = true;
    } else if (KEY_IS("endpoweroff") && !value) {
        kconfig.poweroff_at_end = true;
    } else if (KEY_IS("kfakehole") && value) {
        parse_number_word(w, value, &kconfig.fake_hole);
    } else if (KEY_IS("gfxmode") && value) {
        /* For GRUB (iso/grub.cfg.in): the framebuffer mode to set. */
    } else if (KEY_IS("run") && value) {
        if (!*value || strlen(value) >= RUN_NAME_MAX) {
            log_printf("cmdline: malformed '%s': need a name of 1-%d "
                       "characters\n",
                       w, RUN_NAME_MAX - 1);
        } else {
            memcpy(kconfig.run, value, strlen(value) + 1);
        }
    } else if (KEY_IS("kalloc") && value) {
        if (strcmp(value, "scatter") == 0) {
            kconfig.kalloc_scattered = true;
        } else if (strcmp(value, "lowest") != 0) {
            log_printf("cmdline: malformed '%s': kalloc=scatter|lowest\n", w);
        }
    } else if (KEY_IS("kfail") && value) {
        parse_number_word(w, value, &kconfig.kfail_nth);
    } else if (KEY_IS("kfailfrom") && value) {
        parse_number_word(w, value, &kconfig.kfail_from);
    } else {
        log_printf("cmdline: unknown word '%s' ignored\n", w);
    }
#undef KEY_IS
}

/* Reports a cut command line; returns where parsing must stop: before
 * the word the cut split, which would otherwise be read as another. */
static const char* report_cut(const char* cmdline, size_t full_len) {
    size_t kept = strlen(cmdline);
    const char* stop = cmdline + kept;
    while (stop > cmdline && stop[-1] != ' ') {
        --stop;
    }
    log_printf("cmdline: command line of %zu characters cut at %zu; the "
               "rest, from '%.16s', is ignored\n",
               full_len, kept, stop);
    console_message(ROW_MESSAGE, COLOR_RED,
                    "command line of %zu characters cut at %zu (see log)",
                    full_len, kept);
    return stop;
}

void cmdline_parse(const char* cmdline, size_t full_len) {
    char word[BOOT_WORD_MAX];
    const char* p = cmdline;
    const char* end = cmdline + strlen(cmdline);
    if (full_len > (size_t) (end - cmdline)) {
        end = report_cut(cmdline, full_len);
    }
    while (p < end) {
        while (p < end && *p == ' ') {
            ++p;
        }
        size_t n = 0;
        while (p + n < end && p[n] != ' ') {
            ++n;
        }
        if (n == 0) {
            break;
        }
        if (n >= sizeof(word)) {
            log_printf("cmdline: word of %zu characters is too long; "
                       "ignored\n",
                       n);
        } else {
            memcpy(word, p, n);
            word[n] = '\0';
            parse_word(word);
        }
        p += n;
    }
}
