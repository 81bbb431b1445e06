# mk/platform.mk - the platform section's own tests (tests/test_platform.c).
# Included by the top Makefile, which defines B, CC, TESTCF and TLSLIBS.
#
#   make platform    the default build (formatter, files, 2 GiB+ sizes) and
#                    the hooks build (WF_NO_SOCKETS, clock/sleep/time/entropy/
#                    double-formatting hooks through an in-memory transport)

$(B)/test_platform: tests/test_platform.c tests/harness.h workfront.h | $(B)
	$(CC) $(TESTCF) tests/test_platform.c -o $@ -lcmocka $(TLSLIBS)

$(B)/test_platform_hooks: tests/test_platform.c tests/harness.h workfront.h | $(B)
	$(CC) $(TESTCF) -DWFT_HOOKS tests/test_platform.c -o $@ -lcmocka $(TLSLIBS)

# Where the i686 cross compiler, qemu-user and the i386 cmocka and mbedTLS
# are installed (make cross installs them), the default build runs as a
# 32-bit program too: there a long is 32 bits, and sizes above 2 GiB only
# work through 64-bit file offsets.
I686_CC   ?= i686-linux-gnu-gcc
I686_QEMU ?= qemu-i386-static

.PHONY: platform
platform: deps $(B)/test_platform $(B)/test_platform_hooks
	./$(B)/test_platform
	./$(B)/test_platform_hooks
	@if command -v $(I686_CC) >/dev/null 2>&1 && command -v $(I686_QEMU) >/dev/null 2>&1 && \
	    [ -e /usr/lib/i386-linux-gnu/libcmocka.so ] && [ -e /usr/lib/i386-linux-gnu/libmbedtls.so ]; then \
	  echo "platform: the default build as a 32-bit i686 program under $(I686_QEMU)"; \
	  $(I686_CC) -std=c99 -O1 -g -Wall -Wextra -Werror -I. tests/test_platform.c -o $(B)/test_platform_i686 -lcmocka $(TLSLIBS) && \
	  $(I686_QEMU) -L /usr/i686-linux-gnu ./$(B)/test_platform_i686; \
	else echo "platform: no i686 toolchain here, the 32-bit run is left to make cross"; fi

TEST_SUITES += platform
TEST_BUILD += $(B)/test_platform $(B)/test_platform_hooks
