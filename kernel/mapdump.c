/* mapdump.c: the memory map as machine-readable log lines, for graders
 * and tools (tools/parse_log.py; the format is in README.md, "Map dumps").
 * Reads physpages[] and the live processes' page tables; changes nothing.
 *
 *   MAPDUMP BEGIN why=<key|exit> shown=<pid> procs=<pid,pid,...|->
 *   PAGEINFO <pn> <kind> <owner> <refcount>      one per physical page
 *   VMAP <pid> <va> <pa> <perm>                  one per mapped page of each
 *                                                live process below
 *                                                MEMSIZE_VIRTUAL
 *   MAPDUMP END pages=<n> vmaps=<n>
 */
#include "kernel/mapdump.h"

#include "kernel/console.h"
#include "kernel/log.h"
#include "kernel/memviewer.h"
#include "lib/format.h"
#include "mm/physpages.h"
#include "mm/vm.h"
#include "mm/vmiter.h"
#include "proc/proc.h"

static const char* kind_name(uint64_t pa, const struct physpage* pg) {
    if (pa == CONSOLE_ADDR || pa == console_frame()) {
        return "console";
    }
    switch (pg->kind) {
    case PAGE_FREE:
        return "free";
    case PAGE_RESERVED:
        return "reserved";
    case PAGE_KERNEL:
        return "kernel";
    case PAGE_USER:
        return "user";
    default:
        return "pagetable";
    }
}

/* P, W, U, then S (MAP_SHARED) and C (copy-on-write) from the software
 * bits, and X when the page may be executed; '-' for each that is not. */
static void perm_string(const struct vmiter* it, char out[7]) {
    uint64_t perm = vmiter_perm(it), flags = vmiter_flags(it);
    out[0] = (perm & PTE_P) ? 'P' : '-';
    out[1] = (perm & PTE_W) ? 'W' : '-';
    out[2] = (perm & PTE_U) ? 'U' : '-';
    out[3] = (flags & PTE_SHARED) ? 'S' : '-';
    out[4] = (flags & PTE_COW) ? 'C' : '-';
    out[5] = (perm & PTE_NX) ? '-' : 'X';
    out[6] = '\0';
}

static size_t dump_process(const struct proc* p) {
    size_t n = 0;
    for (struct vmiter it = vmiter_at(p->pt, 0);
         vmiter_find_present(&it, MEMSIZE_VIRTUAL); vmiter_next(&it)) {
        char perm[7];
        perm_string(&it, perm);
        log_printf("VMAP %d 0x%06lx 0x%06lx %s\n", p->pid, vmiter_va(&it),
                   vmiter_pa(&it), perm);
        ++n;
    }
    return n;
}

void mapdump_log(const char* why) {
    char procs_list[NPROC * 4 + 2];
    size_t len = 0;
    for (int pid = 1; pid < NPROC; ++pid) {
        if (procs[pid].state != P_FREE) {
            len += (size_t) snprintf(procs_list + len, sizeof(procs_list) - len,
                                     "%s%d", len ? "," : "", pid);
        }
    }
    log_printf("MAPDUMP BEGIN why=%s shown=%d procs=%s\n", why,
               memviewer_shown_pid(), len ? procs_list : "-");
    for (size_t pn = 0; pn < NPAGES_PHYSICAL; ++pn) {
        const struct physpage* pg = &physpages[pn];
        bool owned = pg->kind == PAGE_USER || pg->kind == PAGE_PAGETABLE;
        log_printf("PAGEINFO %zu %s %d %u\n", pn, kind_name(pn * PAGESIZE, pg),
                   owned ? pg->pid : 0, pg->refcount);
    }
    size_t vmaps = 0;
    for (int pid = 1; pid < NPROC; ++pid) {
        if (procs[pid].state != P_FREE) {
            vmaps += dump_process(&procs[pid]);
        }
    }
    log_printf("MAPDUMP END pages=%lu vmaps=%zu\n", NPAGES_PHYSICAL, vmaps);
}
