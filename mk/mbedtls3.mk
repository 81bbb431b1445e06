# mk/mbedtls3.mk - `make test-mbedtls3`: the header against mbedTLS 3.6.
#
# mk/hardening/mbedtls3.sh builds mbedTLS 3.6 from Debian trixie's source
# package into build/mbedtls3/ (static libraries, no tests or programs; a
# private APT configuration, nothing under /etc/apt changes).  The unit and
# integration tests are then rebuilt against it (ASan+UBSan, as in make test)
# and run.  MBEDTLS3_SRC=/path/to/mbedtls-3.6.x uses an unpacked tree instead.
.PHONY: mbedtls3 test-mbedtls3

MB3      := $(B)/mbedtls3
MB3_LIBS := $(MB3)/lib/libmbedtls.a $(MB3)/lib/libmbedx509.a $(MB3)/lib/libmbedcrypto.a
MB3_CF   := -std=c99 -g -O1 $(SAN) $(WARN) -I$(MB3)/include -I.

$(MB3)/lib/libmbedtls.a:
	@sh mk/hardening/mbedtls3.sh $(MB3)

mbedtls3: deps $(MB3)/lib/libmbedtls.a

$(B)/mbedtls3-bin:
	@mkdir -p $@

$(B)/mbedtls3-bin/test_unit: tests/test_unit.c workfront.h $(MB3)/lib/libmbedtls.a | $(B)/mbedtls3-bin
	$(CC) $(MB3_CF) tests/test_unit.c -o $@ -lcmocka $(MB3_LIBS)

$(B)/mbedtls3-bin/test_integration: tests/test_integration.c tests/harness.h workfront.h $(MB3)/lib/libmbedtls.a | $(B)/mbedtls3-bin
	$(CC) $(MB3_CF) tests/test_integration.c -o $@ -lcmocka $(MB3_LIBS)

$(B)/mbedtls3-bin/test_hardening: tests/test_hardening.c tests/harness.h workfront.h $(MB3)/lib/libmbedtls.a | $(B)/mbedtls3-bin
	$(CC) $(MB3_CF) -Itests tests/test_hardening.c -o $@ -lcmocka $(MB3_LIBS)

$(B)/mbedtls3-bin/wf-san: examples/wf.c workfront.h $(MB3)/lib/libmbedtls.a | $(B)/mbedtls3-bin
	$(CC) $(MB3_CF) examples/wf.c -o $@ $(MB3_LIBS)

# The header alone against 3.6's headers: mk/check.sh (C99, C11, C++11 with
# gcc and clang, every warning an error, WF_NO_TLS, wf_ exports only) with
# 3.6's include directory first.
$(B)/mbedtls3-bin/check.stamp: workfront.h mk/check.sh $(MB3)/lib/libmbedtls.a | $(B)/mbedtls3-bin
	@echo "test-mbedtls3: the header alone against mbedTLS 3.6"
	@B=$(B)/mbedtls3-bin CHECK_INC="-I$(MB3)/include" sh mk/check.sh
	@touch $@

# The binaries must really carry 3.6: wf_tls_version() is checked first.
test-mbedtls3: deps $(MB3)/lib/libmbedtls.a $(B)/mbedtls3-bin/check.stamp $(B)/mbedtls3-bin/test_unit \
               $(B)/mbedtls3-bin/test_integration $(B)/mbedtls3-bin/test_hardening $(B)/mbedtls3-bin/wf-san
	@v=$$($(B)/mbedtls3-bin/wf-san version 2>&1 | grep -o 'TLS 3\.[0-9.]*' | head -n 1); \
	 case "$$v" in "TLS 3."*) echo "test-mbedtls3: binaries built with Mbed $$v";; \
	 *) echo "test-mbedtls3: the binaries do not report mbedTLS 3.x ($$v)"; exit 1;; esac
	@fail=""; \
	echo "== mbedtls3: unit"; ./$(B)/mbedtls3-bin/test_unit || fail="$$fail unit"; \
	echo "== mbedtls3: integration"; ./$(B)/mbedtls3-bin/test_integration || fail="$$fail integration"; \
	echo "== mbedtls3: hardening"; ./$(B)/mbedtls3-bin/test_hardening || fail="$$fail hardening"; \
	echo "== mbedtls3: cli"; WF=$(B)/mbedtls3-bin/wf-san sh tests/cli/test_wf.sh || fail="$$fail cli"; \
	if [ -z "$$fail" ]; then echo "test-mbedtls3: all passed against mbedTLS 3.6"; \
	else echo "test-mbedtls3: FAILED:$$fail"; exit 1; fi

# make ci runs it (about 1.5 minutes from a cold build/, most of it the
# tests themselves; the mbedTLS 3.6 build is about 20 s with -j2).
CI_SUITES += test-mbedtls3
