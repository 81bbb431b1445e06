/* tests/firmware/wf_port.h - the port of workfront.h to the firmware test
 * images (bare metal, Cortex-M4, newlib-nano): every translation unit that
 * includes workfront.h includes this first.  A port to an RTOS looks the
 * same, with the RTOS's tick and delay (README, "Porting").
 */
#ifndef FW_WF_PORT_H
#define FW_WF_PORT_H
#include "startup.h"

#define WF_NO_SOCKETS                    /* the network is desc.transport */
#define WF_NO_FILES                      /* no file system: CA as desc.ca_pem */
#define WF_NOW_MS() fw_now_ms()          /* monotonic milliseconds (SysTick) */
#define WF_SLEEP_MS(ms) fw_sleep_ms(ms)  /* retry back-off */
#define WF_TIME_S() 0                    /* no real-time clock: no JWT signing */
#define WF_IO_BUFFER_SIZE 2048           /* reads of about one TCP segment: a
                                            streamed search stays near 24 KB */
#ifndef WF_NO_TLS
/* mbedTLS here has no platform entropy: this is the strong source */
#  define WF_ENTROPY_SOURCE fw_entropy
#  include <stddef.h>
int fw_entropy(void *data, unsigned char *out, size_t len, size_t *olen); /* firmware.c */
#endif

#endif
