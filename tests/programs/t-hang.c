/* t-hang: never ends. The harness must call this a hang (timeout). */
#include "ulib.h"

int process_main(void) {
    log_printf("t-hang: spinning forever\n");
    for (;;) {
        __asm__ volatile("pause");
    }
}
