/* tests/firmware/startup.h - what startup.c gives the firmware test. */
#ifndef FW_STARTUP_H
#define FW_STARTUP_H
#include <stddef.h>
#include <stdint.h>
uint64_t fw_now_ms(void);      /* milliseconds since reset (SysTick) */
void fw_sleep_ms(int ms);      /* waits with wfi */
size_t fw_stack_peak(void);    /* deepest stack use so far, bytes */
void fw_exit(int status);      /* semihosting exit with status */
#endif
