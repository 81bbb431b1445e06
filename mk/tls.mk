# mk/tls.mk - `wf` against servers that accept one TLS version
# (tests/cli/test_tls.sh; the test server's --tls-only 1.3 / 1.2).
#
#   make tls-test   build/wf-san (Debian's mbedTLS 2.28, no TLS 1.3): a TLS
#                   1.3-only server gets an error that names the missing TLS
#                   version and how to get it, nothing sent; login, search,
#                   logout and resumption against a TLS 1.2-only server.
#                   Part of make test (about 10 s).
#   make tls-ci     the static builds (build/static/wf-musl, build/static/wf:
#                   the trimmed mbedTLS 3.6) and build/mbedtls3-bin/wf-san
#                   (3.6 in its default configuration), each required to
#                   speak TLS 1.3: login, search, logout over TLS 1.3 with
#                   the certificate verified (and a wrong CA / wrong host
#                   refused), one full handshake then resumed ones when the
#                   server closes every connection, the same over TLS 1.2.
#                   Then a wf on the same trimmed 3.6 built without TLS 1.3
#                   (tests/cli/mbedtls-no-tls13.h): the TLS 1.3-only server's
#                   error as on 2.28 (on 3.x it reads the alert differently).
#                   Part of make ci (CI_SUITES); builds what it needs first
#                   (about 3 minutes from a cold build/, most of it mbedTLS).
.PHONY: tls-test tls-ci

TLS_NO13 := $(B)/tls-no13

$(TLS_NO13)/mbedtls/.stamp: mk/mbedtls36-config.h tests/cli/mbedtls-no-tls13.h mk/dist/mbedtls36-build.sh
	@CC="$(CC)" CFLAGS="$(DIST_OPT)" USER_CONFIG=tests/cli/mbedtls-no-tls13.h \
	  nice sh mk/dist/mbedtls36-build.sh $(TLS_NO13)/mbedtls mk/mbedtls36-config.h

$(TLS_NO13)/wf: examples/wf.c workfront.h $(TLS_NO13)/mbedtls/.stamp
	$(CC) -std=c99 -O2 $(WARN) -I$(TLS_NO13)/mbedtls/include $$(cat $(TLS_NO13)/mbedtls/cflags) -I. \
	  examples/wf.c -o $@ -L$(TLS_NO13)/mbedtls/lib $(TLSLIBS)

tls-test: deps $(B)/wf-san
	WF=$(B)/wf-san sh tests/cli/test_tls.sh

tls-ci: deps
	@$(MAKE) --no-print-directory static
	@$(MAKE) --no-print-directory static-musl
	@$(MAKE) --no-print-directory $(B)/mbedtls3-bin/wf-san $(TLS_NO13)/wf
	@fail=""; \
	for w in $(B)/static/wf-musl $(B)/static/wf $(B)/mbedtls3-bin/wf-san; do \
	  echo "== tls-ci: $$w"; \
	  WF=$$w WANT_TLS13=1 sh tests/cli/test_tls.sh || fail="$$fail $$w"; \
	done; \
	echo "== tls-ci: $(TLS_NO13)/wf (mbedTLS 3.6 without TLS 1.3)"; \
	WF=$(TLS_NO13)/wf WANT_TLS13=0 sh tests/cli/test_tls.sh || fail="$$fail $(TLS_NO13)/wf"; \
	if [ -z "$$fail" ]; then echo "tls-ci: all passed"; else echo "tls-ci: FAILED:$$fail"; exit 1; fi

TEST_SUITES += tls-test
CI_SUITES += tls-ci
