/* t-console: user code may read and write the console page directly. */
#include "t-check.h"

int process_main(void) {
    volatile uint16_t* cells = (volatile uint16_t*) CONSOLE_ADDR;
    int pos = CPOS(9, 60);
    cells[pos] = 0x0E00 | 'T';
    CHECK_EQ(cells[pos], 0x0E00 | 'T', "console cell read back");
    console_printf(CPOS(9, 62), 0x0A, "console ok");
    log_printf("t-console: ok\n");
    return 0;
}
