/* scenario.c: the scenario table and soft reboots. */
#include "kernel/scenario.h"

#include "kernel/bootinfo.h"
#include "kernel/config.h"
#include "kernel/console.h"
#include "kernel/exitpark.h"
#include "kernel/log.h"
#include "kernel/memviewer.h"
#include "kernel/panic.h"
#include "lib/string.h"
#include "mm/physpages.h"
#include "proc/proc.h"

#define SCENARIO_COW 1 /* fork shares pages copy-on-write */

struct scenario {
    const char* name;
    char key;
    const char* programs;
    unsigned options; /* SCENARIO_* */
};

static const struct scenario scenarios[] = {
#define SCENARIO(name, key, programs, options) {#name, key, programs, options},
#include "kernel/scenarios.def"
#undef SCENARIO
};
#define NSCENARIOS (sizeof(scenarios) / sizeof(scenarios[0]))

static size_t boot_free_pages;

void scenario_init(void) {
    boot_free_pages = physpages_free_count();
    log_printf("mm: %zu free pages of %lu at start\n", boot_free_pages,
               NPAGES_PHYSICAL);
}

static bool spawn_named(int pid, const char* name) {
    const struct boot_module* m = bootinfo_module(name);
    if (!m) {
        log_printf("run: no module named '%s'\n", name);
        return false;
    }
    return proc_spawn(pid, m) == 0;
}

/* Starts each program of a space-separated list as pids 1, 2, ...;
 * returns true if at least one started. */
static bool start_programs(const char* list) {
    int pid = 1;
    bool ok = false;
    for (const char* p = list; *p;) {
        char name[BOOT_NAME_MAX];
        size_t n = 0;
        while (p[n] && p[n] != ' ') {
            ++n;
        }
        if (n > 0 && n < sizeof(name)) {
            memcpy(name, p, n);
            name[n] = '\0';
            if (spawn_named(pid, name)) {
                ok = true;
                ++pid;
            }
        }
        p += n;
        while (*p == ' ') {
            ++p;
        }
    }
    return ok;
}

bool scenario_start(const char* name) {
    for (size_t i = 0; i < NSCENARIOS; ++i) {
        if (strcmp(scenarios[i].name, name) == 0) {
            bool cow = kconfig.cow || (scenarios[i].options & SCENARIO_COW);
            proc_set_fork_cow(cow);
            log_printf("run: scenario '%s'%s\n", name,
                       cow ? " (copy-on-write fork)" : "");
            return start_programs(scenarios[i].programs);
        }
    }
    /* Not a scenario: one module, or several separated by commas (each
     * started in order; the run counts if any of them started). */
    proc_set_fork_cow(kconfig.cow);
    log_printf("run: modules '%s'%s\n", name,
               kconfig.cow ? " (copy-on-write fork)" : "");
    char list[RUN_NAME_MAX];
    size_t n = strnlen(name, sizeof(list) - 1);
    for (size_t i = 0; i < n; ++i) {
        list[i] = name[i] == ',' ? ' ' : name[i];
    }
    list[n] = '\0';
    return start_programs(list);
}

const char* scenario_for_key(int key) {
    for (size_t i = 0; i < NSCENARIOS; ++i) {
        if (scenarios[i].key == key) {
            return scenarios[i].name;
        }
    }
    return NULL;
}

bool scenario_check_no_leak(void) {
    size_t now = physpages_free_count();
    if (now != boot_free_pages) {
        memviewer_error("leak: %zu free pages, %zu at boot", now,
                        boot_free_pages);
        return false;
    }
    log_printf("mm: all %zu pages back, no leak\n", now);
    return true;
}

void scenario_soft_reboot(const char* name) {
    log_printf("reboot: ending every process\n");
    proc_end_all();
    exitpark_forget();
    scenario_check_no_leak();
    console_clear();
    memviewer_reset();
    if (name && !scenario_start(name)) {
        /* Nothing runs, so no exit will ever bring a verdict: give one. */
        log_printf("reboot: cannot run '%s': no process started\n", name);
        console_message(ROW_MESSAGE, COLOR_RED, "cannot run '%s' (see log)",
                        name);
        if (kconfig.test) {
            system_fail();
        }
    }
}
