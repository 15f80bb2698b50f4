/* elf.c: validates ELF program images and loads them into an address
 * space. A bad image is refused with a message naming it and the reason
 * (SPEC section 7); the loader never trusts a field it has not checked. */
#include "lib/elf.h"
#include "abi/syscall.h"
#include "kernel/log.h"
#include "lib/string.h"
#include "mm/direct.h"
#include "mm/physpages.h"
#include "proc/proc.h"

#define MAX_PHDRS 16

static int refuse(const char* name, const char* why) {
    log_printf("elf: '%s' refused: %s\n", name, why);
    return E_INVAL;
}

static const char* check_header(const Elf64_Ehdr* eh, size_t size) {
    if (size < sizeof(Elf64_Ehdr) || memcmp(eh->e_ident, ELFMAG, 4) != 0) {
        return "not an ELF file";
    }
    if (eh->e_ident[4] != ELFCLASS64 || eh->e_ident[5] != ELFDATA2LSB) {
        return "not 64-bit little-endian ELF";
    }
    if (eh->e_machine != EM_X86_64) {
        return "wrong machine (not x86-64)";
    }
    if (eh->e_type != ET_EXEC) {
        return "not an executable";
    }
    if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum == 0 ||
        eh->e_phnum > MAX_PHDRS || eh->e_phoff > size ||
        eh->e_phnum * sizeof(Elf64_Phdr) > size - eh->e_phoff) {
        return "bad program header table";
    }
    return NULL;
}

static const char* check_segment(const Elf64_Phdr* ph, size_t size) {
    if (ph->p_filesz > ph->p_memsz) {
        return "segment with filesz > memsz";
    }
    if (ph->p_offset > size || ph->p_filesz > size - ph->p_offset) {
        return "segment extends past the end of the file (truncated?)";
    }
    if (ph->p_vaddr < PROC_START_ADDR || ph->p_vaddr >= MEMSIZE_VIRTUAL ||
        ph->p_memsz > MEMSIZE_VIRTUAL - ph->p_vaddr) {
        return "segment outside user memory [0x100000, 0x300000)";
    }
    if (ph->p_vaddr + ph->p_memsz > USER_STACK_PAGE) {
        return "segment overlaps the stack page";
    }
    return NULL;
}

/* Segments may not share a page: each page has one set of permissions. */
static bool segments_overlap(const Elf64_Phdr* a, const Elf64_Phdr* b) {
    uint64_t a0 = ROUNDDOWN(a->p_vaddr, PAGESIZE);
    uint64_t a1 = ROUNDUP(a->p_vaddr + a->p_memsz, PAGESIZE);
    uint64_t b0 = ROUNDDOWN(b->p_vaddr, PAGESIZE);
    uint64_t b1 = ROUNDUP(b->p_vaddr + b->p_memsz, PAGESIZE);
    return a0 < b1 && b0 < a1;
}

static const char* validate(const Elf64_Ehdr* eh, const Elf64_Phdr* ph,
                            size_t size) {
    const char* why = check_header(eh, size);
    if (why) {
        return why;
    }
    bool any = false, entry_ok = false;
    for (int i = 0; i < eh->e_phnum; ++i) {
        if (ph[i].p_type != PT_LOAD || ph[i].p_memsz == 0) {
            continue;
        }
        if ((why = check_segment(&ph[i], size))) {
            return why;
        }
        for (int j = 0; j < i; ++j) {
            if (ph[j].p_type == PT_LOAD && ph[j].p_memsz != 0 &&
                segments_overlap(&ph[i], &ph[j])) {
                return "segments overlap";
            }
        }
        any = true;
        entry_ok |= (ph[i].p_flags & PF_X) && eh->e_entry >= ph[i].p_vaddr &&
                    eh->e_entry < ph[i].p_vaddr + ph[i].p_memsz;
    }
    if (!any) {
        return "no loadable segment";
    }
    if (!entry_ok) {
        return "entry point is not in an executable segment";
    }
    return NULL;
}

/* Maps fresh zeroed pages over the segment, then copies its file bytes
 * through the iterator, so the pages' physical order does not matter. */
static int load_segment(pagetable* pt, int pid, const Elf64_Phdr* ph,
                        const uint8_t* image) {
    /* Only segments marked executable may run (PTE_NX on the rest). */
    uint64_t perm = PTE_P | PTE_U | ((ph->p_flags & PF_W) ? PTE_W : 0) |
                    ((ph->p_flags & PF_X) ? 0 : PTE_NX);
    uint64_t end = ph->p_vaddr + ph->p_memsz;
    for (struct vmiter it = vmiter_at(pt, ROUNDDOWN(ph->p_vaddr, PAGESIZE));
         vmiter_va(&it) < end; vmiter_next(&it)) {
        /* STEP 3: virtual page allocation */
        void* page = kalloc_zeroed(PAGE_USER, pid);
        /* STENCIL
        void* page = kalloc_at(vmiter_va(&it), PAGE_USER, pid);
        END STEP 3 */
        if (!page) {
            return E_NOMEM;
        }
        if (vmiter_try_map(&it, kva2pa(page), perm) != 0) {
            kfree(page);
            return E_NOMEM;
        }
    }
    for (uint64_t off = 0; off < ph->p_filesz;) {
        struct vmiter it = vmiter_at(pt, ph->p_vaddr + off);
        uint64_t n = PAGESIZE - (vmiter_va(&it) % PAGESIZE);
        if (n > ph->p_filesz - off) {
            n = ph->p_filesz - off;
        }
        memcpy(vmiter_kptr(&it), image + ph->p_offset + off, n);
        off += n;
    }
    return 0;
}

int elf_load(pagetable* pt, int pid, const char* name, const uint8_t* image,
             size_t size, uint64_t* entry) {
    const Elf64_Ehdr* eh = (const void*) image;
    const char* why = check_header(eh, size);
    if (why) {
        return refuse(name, why);
    }
    const Elf64_Phdr* ph = (const void*) (image + eh->e_phoff);
    if ((why = validate(eh, ph, size))) {
        return refuse(name, why);
    }
    for (int i = 0; i < eh->e_phnum; ++i) {
        if (ph[i].p_type == PT_LOAD && ph[i].p_memsz != 0) {
            int r = load_segment(pt, pid, &ph[i], image);
            if (r != 0) {
                log_printf("elf: '%s': out of memory while loading\n", name);
                return r;
            }
        }
    }
    *entry = eh->e_entry;
    return 0;
}
