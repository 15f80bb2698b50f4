/* ksyms.c: looks up kernel function names in the ELF symbol table of the
 * kernel image, passed as a module so that no second link is needed. */
#include "kernel/ksyms.h"

#include "kernel/bootinfo.h"
#include "kernel/log.h"
#include "lib/elf.h"
#include "lib/string.h"

static const Elf64_Sym* syms;
static size_t nsyms;
static const char* strtab;
static size_t strtab_size;

bool ksyms_init(void) {
    const struct boot_module* m = bootinfo_module("kernel.sym");
    if (!m || m->size < sizeof(Elf64_Ehdr)) {
        log_printf("ksyms: no kernel.sym module; backtraces show addresses\n");
        return false;
    }
    const Elf64_Ehdr* eh = (const void*) m->data;
    if (memcmp(eh->e_ident, ELFMAG, 4) != 0 ||
        eh->e_shentsize != sizeof(Elf64_Shdr) ||
        eh->e_shoff + (uint64_t) eh->e_shnum * sizeof(Elf64_Shdr) > m->size) {
        log_printf("ksyms: kernel.sym is not a usable ELF file\n");
        return false;
    }
    const Elf64_Shdr* sh = (const void*) (m->data + eh->e_shoff);
    for (unsigned i = 0; i < eh->e_shnum; ++i) {
        if (sh[i].sh_type != SHT_SYMTAB || sh[i].sh_link >= eh->e_shnum) {
            continue;
        }
        const Elf64_Shdr* str = &sh[sh[i].sh_link];
        if (sh[i].sh_offset + sh[i].sh_size > m->size ||
            str->sh_offset + str->sh_size > m->size) {
            break;
        }
        syms = (const void*) (m->data + sh[i].sh_offset);
        nsyms = sh[i].sh_size / sizeof(Elf64_Sym);
        strtab = (const char*) m->data + str->sh_offset;
        strtab_size = str->sh_size;
        return true;
    }
    log_printf("ksyms: kernel.sym has no symbol table\n");
    return false;
}

const char* ksyms_lookup(uint64_t addr, uint64_t* offset) {
    const Elf64_Sym* best = NULL;
    for (size_t i = 0; i < nsyms; ++i) {
        const Elf64_Sym* s = &syms[i];
        if (ELF64_ST_TYPE(s->st_info) != STT_FUNC || s->st_value > addr ||
            s->st_name >= strtab_size) {
            continue;
        }
        if (!best || s->st_value > best->st_value) {
            best = s;
        }
    }
    if (!best || (best->st_size && addr >= best->st_value + best->st_size)) {
        return NULL;
    }
    *offset = addr - best->st_value;
    return strtab + best->st_name;
}
