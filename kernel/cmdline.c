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

/* calib=NAME: the last such word wins; a bad name changes nothing. */
static void parse_calib(const char* w, const char* value) {
    static const char* const names[] = {
        [CALIB_AUTO] = "auto", [CALIB_CPUID] = "cpuid", [CALIB_HPET] = "hpet",
        [CALIB_PM] = "pm",     [CALIB_PIT] = "pit",     [CALIB_NONE] = "none",
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); ++i) {
        if (strcmp(value, names[i]) == 0) {
            kconfig.calib = (enum calib_source) i;
            return;
        }
    }
    log_printf("cmdline: malformed '%s': calib=auto|cpuid|hpet|pm|pit|none\n",
               w);
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
    } else if (KEY_IS("mapdump") && !value) {
        kconfig.mapdump_on_exit = true;
    } else if (KEY_IS("faildump") && !value) {
        kconfig.screendump_on_fail = true;
    } else if (KEY_IS("unfreed") && !value) {
        kconfig.unfreed = true;
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
    } else if (KEY_IS("kstray") && !value) {
        kconfig.kstray = true;
    } else if (KEY_IS("x2apic") && !value) {
        kconfig.x2apic = true;
    } else if (KEY_IS("tickrtc") && !value) {
        kconfig.tick_rtc = true;
    } else if (KEY_IS("calib") && value) {
        parse_calib(w, value);
    } else if (KEY_IS("tick") && value) {
        if (strcmp(value, "pit") == 0) {
            kconfig.tick_pit = true;
        } else if (strcmp(value, "auto") == 0) {
            kconfig.tick_pit = false;
        } else {
            log_printf("cmdline: malformed '%s': tick=pit|auto\n", w);
        }
    } else if (KEY_IS("ioapicpins") && value) {
        parse_number_word(w, value, &kconfig.ioapic_pins);
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
        /* The last kalloc= word wins, as with run= and kfail=. */
        if (strcmp(value, "scatter") == 0) {
            kconfig.kalloc_scattered = true;
        } else if (strcmp(value, "lowest") == 0) {
            kconfig.kalloc_scattered = false;
        } else {
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

/* What the loader's whole command line held past the cut, recorded by
 * cmdline_note_rest while the loader's copy is still readable: the word
 * the cut split and the first CUT_NAMED words wholly after it (each name
 * kept up to CUT_NAME_MAX - 1 characters, with its whole length), and how
 * many words there were after it in all. */
#define CUT_NAMED    8
#define CUT_NAME_MAX 40
struct cut_word {
    char name[CUT_NAME_MAX];
    size_t len;
};
static struct {
    struct cut_word split; /* len 0: the cut fell between two words */
    struct cut_word named[CUT_NAMED];
    size_t nwords;
} cut;

static void note_word(struct cut_word* w, const char* s, size_t len) {
    size_t n = len < CUT_NAME_MAX - 1 ? len : CUT_NAME_MAX - 1;
    memcpy(w->name, s, n);
    w->name[n] = '\0';
    w->len = len;
}

void cmdline_note_rest(const char* full, size_t len, size_t kept) {
    if (kept >= len) {
        return;
    }
    size_t start = kept;
    while (start > 0 && full[start - 1] != ' ') {
        --start;
    }
    size_t end = kept;
    while (end < len && full[end] != ' ') {
        ++end;
    }
    if (end > start) {
        note_word(&cut.split, full + start, end - start);
    }
    for (size_t p = end; p < len;) {
        while (p < len && full[p] == ' ') {
            ++p;
        }
        size_t n = 0;
        while (p + n < len && full[p + n] != ' ') {
            ++n;
        }
        if (n > 0 && cut.nwords < CUT_NAMED) {
            note_word(&cut.named[cut.nwords], full + p, n);
        }
        cut.nwords += n > 0;
        p += n;
    }
}

/* One dropped word: too long to be a word at all, or named. */
static void report_dropped(const struct cut_word* w, const char* where) {
    if (w->len >= BOOT_WORD_MAX) {
        log_printf("cmdline: word of %zu characters is too long; ignored\n",
                   w->len);
    } else {
        log_printf("cmdline: word '%s%s' %s; dropped\n", w->name,
                   w->len >= CUT_NAME_MAX ? "..." : "", where);
    }
}

/* Reports a cut command line, and each word it drops (as far as
 * cmdline_note_rest recorded them); returns where parsing must stop:
 * before the word the cut split, which would otherwise be read as
 * another. */
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
    if (cut.split.len) {
        report_dropped(&cut.split, "split by the cut");
    }
    for (size_t i = 0; i < cut.nwords && i < CUT_NAMED; ++i) {
        report_dropped(&cut.named[i], "after the cut");
    }
    if (cut.nwords > CUT_NAMED) {
        log_printf("cmdline: %zu more words after the cut; dropped\n",
                   cut.nwords - CUT_NAMED);
    }
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
