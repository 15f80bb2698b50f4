/* mapdump.h: the physical map and every live process's virtual map as
 * machine-readable log lines (key `p`, command-line word `mapdump`). */
#ifndef KERNEL_MAPDUMP_H
#define KERNEL_MAPDUMP_H

/* Logs one dump (MAPDUMP BEGIN ... MAPDUMP END), why being the reason
 * written on its first line (a word: key, exit). */
void mapdump_log(const char* why);

#endif
