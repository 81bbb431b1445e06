/* tests/firmware/wf_impl.c - the one translation unit with the workfront.h
 * implementation in the firmware images, kept apart so that make cross can
 * tell the library's own code size from the link map. */
#include "wf_port.h"
#define WORKFRONT_IMPLEMENTATION
#include "workfront.h"
