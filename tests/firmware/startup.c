/* tests/firmware/startup.c - reset, vectors, tick and exit of the firmware
 * test images (Cortex-M4 on qemu-system-arm -M mps2-an386, see
 * mps2-an386.ld).  No vendor code: what a bare-metal port of workfront.h
 * needs from the board is a millisecond tick (fw_now_ms), a way to wait
 * (fw_sleep_ms) and, for TLS, an entropy source (firmware.c).
 *
 * Output and exit go through Arm semihosting (newlib's librdimon for
 * stdio; SYS_EXIT_EXTENDED here so the exit status reaches the host).
 */
#include <stdint.h>
#include <string.h>
#include "startup.h"

extern uint32_t __data_load__, __data_start__, __data_end__, __bss_start__, __bss_end__, __stack_top__;
extern void initialise_monitor_handles(void);  /* librdimon: semihosting stdio */
extern int main(void);
void Reset_Handler(void);
void fw_fault_handler(void);
void SysTick_Handler(void);

/* ---------------------------------------------------------- semihosting */
static uint32_t semihost(uint32_t op, const void *arg) {
    register uint32_t r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

void fw_exit(int status) {
    /* SYS_EXIT_EXTENDED: {ADP_Stopped_ApplicationExit, status} */
    uint32_t block[2];
    block[0] = 0x20026u;
    block[1] = (uint32_t)status;
    semihost(0x20u, block);
    for (;;) __asm__ volatile("wfi");
}

static void fw_puts_raw(const char *s) { semihost(0x04u, s); } /* SYS_WRITE0 */

/* ------------------------------------------------------------ the tick
   SysTick from the 25 MHz core clock of the AN386 image: one interrupt per
   millisecond. */
#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
#define FW_CORE_HZ 25000000u

static volatile uint64_t fw_ticks;
void SysTick_Handler(void) { fw_ticks++; }

uint64_t fw_now_ms(void) {
    uint64_t t;
    __asm__ volatile("cpsid i" ::: "memory");  /* a 64-bit read is two loads */
    t = fw_ticks;
    __asm__ volatile("cpsie i" ::: "memory");
    return t;
}

void fw_sleep_ms(int ms) {
    uint64_t until = fw_now_ms() + (uint64_t)(ms > 0 ? ms : 0);
    while (fw_now_ms() < until) __asm__ volatile("wfi");
}

/* ----------------------------------------------------------- the stack
   Painted at reset, so fw_stack_peak() can tell the deepest use. */
#define FW_STACK_PAINT (64u * 1024u)
#define FW_PAINT 0x5afe57a7u

size_t fw_stack_peak(void) {
    uint32_t *p = (uint32_t *)((uintptr_t)&__stack_top__ - FW_STACK_PAINT);
    while (p < &__stack_top__ && *p == FW_PAINT) p++;
    return (size_t)((uintptr_t)&__stack_top__ - (uintptr_t)p);
}

/* ----------------------------------------------------------- reset */
void Reset_Handler(void) {
    uint32_t *src = &__data_load__, *dst, *p;
    uint32_t sp;
    for (dst = &__data_start__; dst < &__data_end__;) *dst++ = *src++;
    for (dst = &__bss_start__; dst < &__bss_end__;) *dst++ = 0;
    /* paint the stack below the current frame */
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    for (p = (uint32_t *)((uintptr_t)&__stack_top__ - FW_STACK_PAINT); (uintptr_t)p < sp - 64u; p++) *p = FW_PAINT;
    SYST_RVR = FW_CORE_HZ / 1000u - 1u;
    SYST_CVR = 0;
    SYST_CSR = 7u;  /* core clock, interrupt, enable */
    initialise_monitor_handles();
    fw_exit(main());
}

void fw_fault_handler(void) {
    fw_puts_raw("firmware: FAULT (hard fault or unexpected exception)\n");
    fw_exit(3);
}

/* ----------------------------------------------------------- vectors */
typedef void (*fw_vector)(void);
typedef struct fw_vector_table { void *initial_sp; fw_vector handler[15]; } fw_vector_table;
__attribute__((section(".vectors"), used)) static const fw_vector_table fw_vectors = {
    &__stack_top__, {
    Reset_Handler,
    fw_fault_handler,  /* NMI */
    fw_fault_handler,  /* HardFault */
    fw_fault_handler,  /* MemManage */
    fw_fault_handler,  /* BusFault */
    fw_fault_handler,  /* UsageFault */
    0, 0, 0, 0,
    fw_fault_handler,  /* SVCall */
    fw_fault_handler,  /* DebugMon */
    0,
    fw_fault_handler,  /* PendSV */
    SysTick_Handler,
} };
