# mk/dist.mk - distribution: static binaries, install with pkg-config, examples.
# Included by the top Makefile (-include mk/*.mk); uses its B, CC, WARN, TLSLIBS.
#
#   make static        build/static/wf       fully static, stripped: glibc + the trimmed
#                                            mbedTLS 3.6 LTS (build/static-mbedtls)
#   make static-musl   build/static/wf-musl  fully static, stripped: musl-gcc + the same
#                                            trimmed mbedTLS 3.6 built with musl (build/musl)
#   Both build mbedTLS 3.6 LTS (TLS 1.3 and 1.2) from Debian trixie's source
#   package, fetched once into build/mbedtls3/src, with mk/mbedtls36-config.h
#   (mk/dist/mbedtls36-build.sh; any compiler, so the cross builds use it too).
#   make wf and the tests link Debian's packaged mbedTLS (2.28 on bookworm).
#   make install       PREFIX (default /usr/local), DESTDIR: include/workfront.h,
#                      lib/pkgconfig/workfront.pc, bin/wf: a release build (build/release/wf:
#                      -O2, no debug information, stripped; WF_BIN=path installs another build)
#   make uninstall     removes exactly those three files and names them; when none of them
#                      is under DESTDIR/PREFIX it says so and fails (exit 1)
#   make examples-build  build/examples/*: every example, -std=c99 with all warnings as errors
#   make examples      the examples suite of `make test`: examples-build, then each example
#                      against the test server (tests/dist/test_dist.sh examples)
#   make dist-test     static and static-musl first, then tests/dist/test_dist.sh: install +
#                      pkg-config build, examples against the test server (embedded.c on musl
#                      too), and tests/cli/test_wf.sh against both static binaries (make ci)
#   make dist          the same as dist-test
# Run as root, each target installs the Debian packages it needs (apt-get);
# otherwise it names them and stops.

PREFIX  ?= /usr/local
DESTDIR ?=
WF_BIN  ?= $(B)/release/wf
MUSL_CC ?= musl-gcc

# no unwind tables: C needs none, and .eh_frame was 32 KB of the musl binary
DIST_OPT      := -Os -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables -fno-unwind-tables
DIST_LDOPT    := -static -Wl,--gc-sections -s
DIST_VERSION  := $(shell sed -n 's/^.define WF_VERSION_STRING "\(.*\)"/\1/p' workfront.h)
DIST_MUSL     := $(B)/musl
DIST_EXAMPLES := search create_edit upload jwt embedded webhook
DIST_EX_BINS  := $(DIST_EXAMPLES:%=$(B)/examples/%)
DIST_EXFLAGS  := -std=c99 -O2 -Wall -Wextra -Wpedantic $(WARN) -Werror -I.
DIST_NEED     := cmd:cc=gcc hdr:mbedtls/ssl.h=libmbedtls-dev hdr:jsmn.h=libjsmn-dev \
                 file:/etc/ssl/certs/ca-certificates.crt=ca-certificates
DIST_NEED_STATIC := $(DIST_NEED) 'file:/usr/lib/*/libc.a=libc6-dev'
DIST_MB36     := $(B)/static-mbedtls
DIST_MB36_CONFIG := mk/mbedtls36-config.h

.PHONY: static static-musl install uninstall examples examples-build dist-test dist dist-deps

TEST_SUITES += examples
# make ci builds both static binaries before its suites start: dist-test and
# tls-ci run them side by side
CI_BUILD    += static static-musl
TEST_BUILD  += $(DIST_EX_BINS)
CI_SUITES   += dist-test

dist-deps:
	@sh mk/dist/need.sh $(DIST_NEED)

# ---------------------------------------------------------------- static
static:
	@sh mk/dist/need.sh $(DIST_NEED_STATIC)
	@$(MAKE) --no-print-directory $(B)/static/wf
	@sh mk/dist/sizes.sh $(B)/static

# the script rebuilds only when the configuration, compiler, flags or source change
$(DIST_MB36)/.stamp: $(DIST_MB36_CONFIG) mk/dist/mbedtls36-build.sh
	@CC="$(CC)" CFLAGS="$(DIST_OPT)" nice sh mk/dist/mbedtls36-build.sh $(DIST_MB36) $(DIST_MB36_CONFIG)

# glibc warns that getaddrinfo in a static binary still loads the NSS modules
# of the same glibc at run time; the note below says it in plain words.
# -I$(DIST_MB36)/include comes first: its mbedTLS 3.6 headers, not Debian's.
$(B)/static/wf: examples/wf.c workfront.h mk/dist.mk $(DIST_MB36)/.stamp
	@mkdir -p $(B)/static
	@echo "  CC (static, glibc)  $@"
	@$(CC) -std=c99 $(DIST_OPT) -I$(DIST_MB36)/include -I. examples/wf.c -o $@ -L$(DIST_MB36)/lib $(DIST_LDOPT) $(TLSLIBS) 2>$@.log; rc=$$?; \
	  grep -v -e "requires at runtime the shared libraries from the glibc" -e "in function .wf__tcp_connect" $@.log >&2; \
	  rm -f $@.log; exit $$rc
	@echo "  note: host names resolve through glibc's NSS, loaded at run time from the same glibc"
	@echo "        version; for one binary that runs on any Linux, use make static-musl."

# ----------------------------------------------------------- static-musl
# mk/dist/musl-mbedtls.sh builds mbedTLS 3.6 with musl-gcc and
# mk/mbedtls36-config.h into build/musl (mk/dist/mbedtls36-build.sh), and
# copies jsmn.h next to the mbedTLS headers: musl-gcc must not search
# /usr/include (glibc's headers).
static-musl:
	@MUSL_CC="$(MUSL_CC)" MBEDTLS_CFLAGS="$(DIST_OPT)" nice sh mk/dist/musl-mbedtls.sh $(DIST_MUSL) $(DIST_MB36_CONFIG)
	@$(MAKE) --no-print-directory $(B)/static/wf-musl
	@sh mk/dist/sizes.sh $(B)/static

# a file target: linked again only when out of date, so that a second
# make static-musl (make ci's suites run side by side) never replaces the
# binary while another suite runs it
$(B)/static/wf-musl: examples/wf.c workfront.h $(DIST_MUSL)/.stamp
	@mkdir -p $(B)/static
	@echo "  CC (static, musl)   $@"
	@$(MUSL_CC) -std=c99 $(DIST_OPT) -I$(DIST_MUSL)/include -I. examples/wf.c -o $@.tmp \
	  -L$(DIST_MUSL)/lib $(DIST_LDOPT) $(TLSLIBS) && mv $@.tmp $@

# --------------------------------------------------------------- install
# make install's wf: -O2 without -g, stripped at link time (-s)
$(B)/release/wf: examples/wf.c workfront.h
	@mkdir -p $(B)/release
	$(CC) -std=c99 -O2 $(WARN) -I. examples/wf.c -o $@ -s $(TLSLIBS)

# Debian ships no .pc for mbedTLS, so workfront.pc carries its link flags.
install:
	@sh mk/dist/need.sh $(DIST_NEED)
	@$(MAKE) --no-print-directory $(WF_BIN)
	@sh mk/dist/install.sh install "$(DESTDIR)" "$(PREFIX)" "$(WF_BIN)" "$(DIST_VERSION)" "$(TLSLIBS)"

uninstall:
	@sh mk/dist/install.sh uninstall "$(DESTDIR)" "$(PREFIX)"

# -------------------------------------------------------------- examples
examples-build: $(DIST_EX_BINS)
	@echo "examples-build: $(DIST_EXAMPLES) built warning-free in $(B)/examples"

examples: dist-deps
	@sh tests/dist/test_dist.sh examples

$(DIST_EX_BINS): $(B)/examples/%: examples/%.c workfront.h | dist-deps
	@mkdir -p $(B)/examples
	@echo "  CC (example)        $@"
	@$(CC) $(DIST_EXFLAGS) $< -o $@ $(TLSLIBS)

# ------------------------------------------------------------------ tests
# make ci runs dist-test: both static binaries and the CLI tests against
# each; test_dist.sh run by hand skips what is not built.
dist-test: dist-deps
	@$(MAKE) --no-print-directory static
	@$(MAKE) --no-print-directory static-musl
	@sh tests/dist/test_dist.sh

dist: dist-test
