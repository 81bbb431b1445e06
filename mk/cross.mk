# mk/cross.mk - `make cross`: the header where its users build it.
# Included by the top Makefile (-include mk/*.mk); uses its B, CC, WARN, TLSLIBS.
#
#   make cross           everything below; part of make ci
#   make cross-deps      the Debian packages (as root: dpkg --add-architecture
#                        i386 arm64 s390x, then apt-get through mk/dist/need.sh)
#   make cross-linux     i686, aarch64, s390x (big-endian): the header check
#                        with the cross compiler (warnings are errors), then
#                        the unit tests and tests/cli/test_wf.sh (HTTP and HTTPS
#                        against the bundled test server) under qemu-user,
#                        linked against Debian's multiarch mbedTLS and cmocka
#   make cross-windows   x86-64 mingw-w64: header check, unit tests and wf.exe
#                        (mbedTLS built for mingw) under wine, CLI tests over
#                        HTTP and HTTPS
#   make cross-firmware  Cortex-M4 (arm-none-eabi, newlib-nano, -Os): the
#                        header check, the firmware test image under
#                        qemu-system-arm -M mps2-an386 (tests/firmware/), its
#                        TLS twin against mbedTLS built for the target, the
#                        size and heap budgets (build/cross/firmware/sizes.txt)
#   make cross-linux-aarch64 (-i686, -s390x)   one Linux target
#
# Everything lands in build/cross/; the mbedTLS builds are cached there.

CROSS        := $(B)/cross
CROSS_LINUX  := i686 aarch64 s390x
CROSS_CF     := -std=c99 -O1 -g $(WARN)

# per target: compiler and qemu-user.  The programs run on the target's
# multiarch libc (libc6:ARCH, /lib/ld-*), the one Debian's multiarch mbedTLS
# and cmocka are built against; the cross toolchain's own libc (qemu -L
# /usr/TRIPLET) broke setjmp/longjmp on s390x ("stack smashing detected" in
# every cmocka test).
CROSS_GCC_i686       := i686-linux-gnu-gcc
CROSS_GCC_aarch64    := aarch64-linux-gnu-gcc
CROSS_GCC_s390x      := s390x-linux-gnu-gcc
CROSS_QEMU_i686      := qemu-i386-static
CROSS_QEMU_aarch64   := qemu-aarch64-static
CROSS_QEMU_s390x     := qemu-s390x-static

.PHONY: cross cross-deps cross-linux cross-windows cross-firmware cross-check-windows cross-check-cortex-m4 \
        $(CROSS_LINUX:%=cross-linux-%) $(CROSS_LINUX:%=cross-check-%)

# make ci runs it (the top Makefile's CI_SUITES); make test does not: it
# takes a few minutes of emulation.
# CI_SUITES += cross   (added once every target builds from main)

cross-deps:
	@sh mk/cross/deps.sh

cross: cross-deps
	@fail=""; \
	for s in $(CROSS_LINUX:%=cross-linux-%) cross-windows cross-firmware; do \
	  echo "== $$s"; \
	  $(MAKE) --no-print-directory $$s || fail="$$fail $$s"; \
	done; \
	if [ -z "$$fail" ]; then echo "make cross: all passed"; \
	else echo "make cross: FAILED:$$fail"; exit 1; fi

# ------------------------------------------------------------- Linux targets
cross-linux: $(CROSS_LINUX:%=cross-linux-%)

$(CROSS_LINUX:%=$(CROSS)/%/test_unit): $(CROSS)/%/test_unit: tests/test_unit.c workfront.h
	@mkdir -p $(@D)
	$(CROSS_GCC_$*) $(CROSS_CF) -I. tests/test_unit.c -o $@ -lcmocka $(TLSLIBS)

$(CROSS_LINUX:%=$(CROSS)/%/wf.bin): $(CROSS)/%/wf.bin: examples/wf.c workfront.h
	@mkdir -p $(@D)
	$(CROSS_GCC_$*) -std=c99 -O2 -g $(WARN) -I. examples/wf.c -o $@ $(TLSLIBS)

# tests/cli/test_wf.sh runs $WF: a script that runs the target's wf under qemu
$(CROSS_LINUX:%=$(CROSS)/%/wf): $(CROSS)/%/wf: $(CROSS)/%/wf.bin mk/cross.mk
	@printf '#!/bin/sh\nexec %s "%s" "$$@"\n' "$(CROSS_QEMU_$*)" "$(abspath $<)" >$@
	@chmod +x $@

# the header alone, at the level of make check, every warning an error
$(CROSS_LINUX:%=cross-check-%): cross-check-%:
	@B=$(CROSS)/$* CHECK_CC=$(CROSS_GCC_$*) CHECK_CXX= CHECK_NM=$(patsubst %-gcc,%-nm,$(CROSS_GCC_$*)) sh mk/check.sh

$(CROSS_LINUX:%=cross-linux-%): cross-linux-%: cross-deps cross-check-% $(CROSS)/%/test_unit $(CROSS)/%/wf
	@echo "== cross $*: unit tests under $(CROSS_QEMU_$*)"
	@$(CROSS_QEMU_$*) $(CROSS)/$*/test_unit
	@echo "== cross $*: CLI tests (HTTP and HTTPS) with wf under $(CROSS_QEMU_$*)"
	@WF=$(CROSS)/$*/wf sh tests/cli/test_wf.sh >$(CROSS)/$*/cli.log 2>&1; rc=$$?; \
	  grep -v '^ok ' $(CROSS)/$*/cli.log; exit $$rc

# ---------------------------------------------------- Windows x86-64 (wine)
WIN         := $(CROSS)/windows
WIN_CC      := x86_64-w64-mingw32-gcc
WIN_MBEDTLS := $(WIN)/mbedtls
WIN_CMOCKA  := $(WIN)/cmocka
WINEPFX     := $(abspath $(CROSS))/wine
# the C99 printf of mingw-w64 (%zu, %lld), as the format checks assume
WIN_CF      := -std=c99 -D__USE_MINGW_ANSI_STDIO=1 $(WARN) -I$(WIN_MBEDTLS)/include -I$(CROSS)/include -I.
WIN_LIBS    := -L$(WIN_MBEDTLS)/lib $(TLSLIBS) -lws2_32 -lcrypt32 -lbcrypt -static
WINE        := env WINEPREFIX=$(WINEPFX) WINEDEBUG=-all WINEDLLOVERRIDES=mscoree,mshtml= wine

$(WIN_MBEDTLS)/lib/libmbedtls.a: mk/cross/mbedtls.sh
	@sh mk/cross/mbedtls.sh mingw64 $(WIN_MBEDTLS)

$(WIN_CMOCKA)/lib/libcmocka.a: mk/cross/cmocka.sh
	@CC=$(WIN_CC) nice sh mk/cross/cmocka.sh $(WIN_CMOCKA)

$(WIN)/test_unit.exe: tests/test_unit.c tests/harness.h workfront.h $(WIN_MBEDTLS)/lib/libmbedtls.a \
                      $(WIN_CMOCKA)/lib/libcmocka.a $(CROSS)/include/jsmn.h
	$(WIN_CC) $(WIN_CF) -O1 -g -I$(WIN_CMOCKA)/include tests/test_unit.c -o $@ -L$(WIN_CMOCKA)/lib -lcmocka $(WIN_LIBS)

$(WIN)/wf.exe: examples/wf.c workfront.h $(WIN_MBEDTLS)/lib/libmbedtls.a $(CROSS)/include/jsmn.h
	$(WIN_CC) $(WIN_CF) -O2 -g examples/wf.c -o $@ $(WIN_LIBS)

$(WIN)/wf: $(WIN)/wf.exe mk/cross.mk
	@printf '#!/bin/sh\nexec %s "%s" "$$@"\n' "$(WINE)" "$(abspath $<)" >$@
	@chmod +x $@

# a wine prefix of our own (wineboot makes it once, about 40 s)
$(WINEPFX)/system.reg:
	@mkdir -p $(WINEPFX)
	@echo "  wineboot (new wine prefix in $(WINEPFX))"
	@env WINEPREFIX=$(WINEPFX) WINEDEBUG=-all WINEDLLOVERRIDES=mscoree,mshtml= wineboot --init >$(WINEPFX).log 2>&1 || \
	  { cat $(WINEPFX).log; exit 1; }

cross-check-windows: $(WIN_MBEDTLS)/lib/libmbedtls.a $(CROSS)/include/jsmn.h
	@B=$(WIN) CHECK_CC=$(WIN_CC) CHECK_CXX=x86_64-w64-mingw32-g++ CHECK_NM=x86_64-w64-mingw32-nm \
	  CHECK_INC="-I$(WIN_MBEDTLS)/include -I$(CROSS)/include" sh mk/check.sh

# The wine server of our prefix runs for the whole test (one start instead of
# 313) and is stopped afterwards (wineserver -k: this prefix's only).
cross-windows: cross-deps cross-check-windows $(WIN)/test_unit.exe $(WIN)/wf $(WINEPFX)/system.reg
	@env WINEPREFIX=$(WINEPFX) wineserver -p
	@echo "== cross windows: unit tests under wine"
	@fail=0; $(WINE) $(WIN)/test_unit.exe || fail=1; \
	echo "== cross windows: CLI tests (HTTP and HTTPS) with wf.exe under wine"; \
	WF=$(WIN)/wf sh tests/cli/test_wf.sh >$(WIN)/cli.log 2>&1 || fail=1; \
	grep -v '^ok ' $(WIN)/cli.log; \
	env WINEPREFIX=$(WINEPFX) wineserver -k; exit $$fail

# -------------------------------------------------------- Cortex-M4 firmware
FW      := $(CROSS)/firmware
FW_ARCH := -mcpu=cortex-m4 -mthumb -mfloat-abi=soft
FW_CF   := -std=c99 -Os -g -ffunction-sections -fdata-sections $(FW_ARCH) $(WARN) -Werror \
           -I. -I$(CROSS)/include -Itests/firmware -I$(FW)
FW_LD   := $(FW_ARCH) --specs=nano.specs --specs=rdimon.specs -nostartfiles \
           -T tests/firmware/mps2-an386.ld -Wl,--gc-sections
FW_SRC  := tests/firmware/firmware.c tests/firmware/scenario.h tests/firmware/wf_port.h \
           tests/firmware/startup.h workfront.h
# mbedTLS 3.6 for the target: mk/mbedtls36-config.h plus the target's changes
FW_MBEDTLS := $(CROSS)/mbedtls-cortex-m4

$(CROSS)/include/jsmn.h: /usr/include/jsmn.h
	@mkdir -p $(@D)
	@cp $< $@

# The recorder runs the scenario against the test server on the host and
# writes the exchanges as C arrays: recorded at build time, never by hand.
$(FW)/record: tests/firmware/record.c tests/firmware/scenario.h workfront.h
	@mkdir -p $(@D)
	$(CC) -std=c99 -O1 -g $(WARN) -I. -Itests/firmware tests/firmware/record.c -o $@ $(TLSLIBS)

$(FW)/recording.h: $(FW)/record mk/cross/record.sh $(wildcard tests/server/*.py)
	@sh mk/cross/record.sh $(FW)/record $@

$(FW)/ca_pem.h: $(FW)/recording.h
	@{ echo "/* the test server's CA (build/certs/ca.pem); generated by make cross */"; \
	   printf '#define FW_CA_PEM \\\n'; sed 's/.*/    "&\\n" \\/' $(B)/certs/ca.pem; echo '    ""'; } >$@

# no TLS
$(FW)/notls/%.o: tests/firmware/%.c $(FW_SRC) $(FW)/recording.h $(CROSS)/include/jsmn.h
	@mkdir -p $(@D)
	arm-none-eabi-gcc $(FW_CF) -DWF_NO_TLS --specs=nano.specs -c $< -o $@

$(FW)/fw-notls.elf: $(FW)/notls/firmware.o $(FW)/notls/wf_impl.o $(FW)/notls/startup.o tests/firmware/mps2-an386.ld
	arm-none-eabi-gcc $(FW_LD) -Wl,-Map=$(FW)/fw-notls.map $(filter %.o,$^) -o $@

# TLS, against mbedTLS built for the target with the entropy hook
$(FW_MBEDTLS)/lib/libmbedtls.a: mk/cross/mbedtls-cortex-m4.h
	@sh mk/cross/mbedtls.sh cortex-m4 $(FW_MBEDTLS)

$(FW)/tls/%.o: tests/firmware/%.c $(FW_SRC) $(FW)/recording.h $(FW)/ca_pem.h $(CROSS)/include/jsmn.h $(FW_MBEDTLS)/lib/libmbedtls.a
	@mkdir -p $(@D)
	arm-none-eabi-gcc $(FW_CF) -DFW_TLS -I$(FW_MBEDTLS)/include $$(cat $(FW_MBEDTLS)/cflags) --specs=nano.specs -c $< -o $@

$(FW)/fw-tls.elf: $(FW)/tls/firmware.o $(FW)/tls/wf_impl.o $(FW)/tls/startup.o tests/firmware/mps2-an386.ld
	arm-none-eabi-gcc $(FW_LD) -Wl,-Map=$(FW)/fw-tls.map $(filter %.o,$^) -o $@ \
	  -L$(FW_MBEDTLS)/lib -lmbedtls -lmbedx509 -lmbedcrypto

cross-check-cortex-m4: $(CROSS)/include/jsmn.h $(FW_MBEDTLS)/lib/libmbedtls.a
	@B=$(FW)/check-notls CHECK_CC=arm-none-eabi-gcc CHECK_CXX=arm-none-eabi-g++ CHECK_NM=arm-none-eabi-nm \
	  CHECK_FLAGS="$(FW_ARCH) -Itests/firmware -include wf_port.h -DWF_NO_TLS" CHECK_INC="-I$(CROSS)/include" sh mk/check.sh
	@B=$(FW)/check-tls CHECK_CC=arm-none-eabi-gcc CHECK_CXX=arm-none-eabi-g++ CHECK_NM=arm-none-eabi-nm \
	  CHECK_FLAGS="$(FW_ARCH) -Itests/firmware -include wf_port.h $$(cat $(FW_MBEDTLS)/cflags)" \
	  CHECK_INC="-I$(FW_MBEDTLS)/include -I$(CROSS)/include" sh mk/check.sh

cross-firmware: cross-deps cross-check-cortex-m4 $(FW)/fw-notls.elf $(FW)/fw-tls.elf
	@sh mk/cross/firmware.sh $(FW)
