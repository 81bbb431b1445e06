/* mk/mbedtls-musl-config.h - the trimmed mbedTLS 2.28 configuration of
   `make static-musl` (mk/dist.mk, mk/dist/musl-mbedtls.sh).

   It replaces include/mbedtls/config.h of Debian's mbedtls 2.28 source
   package in build/musl/include, so the library and the programs built
   against it see the same configuration.  It keeps exactly what the wf
   binary (workfront.h) needs as an HTTPS client that verifies certificates
   and signs server-to-server JWTs:

     protocol   TLS 1.2 client only (mbedTLS 2.28 has no usable TLS 1.3: its
                MBEDTLS_SSL_PROTO_TLS1_3_EXPERIMENTAL is a prototype without
                a handshake), SNI, extended master secret, session tickets
                (and session-ID resumption, always present)
     key exch.  ECDHE-ECDSA and ECDHE-RSA (forward secrecy only)
     curves     x25519, secp256r1, secp384r1
     ciphers    AES-128/256-GCM, ChaCha20-Poly1305 (AEAD only: no CBC, no
                RC4/DES/3DES/Camellia/ARIA, no static RSA or DHE)
     hashes     SHA-256 (+224), SHA-384/512, SHA-1 (only so that the many
                root certificates self-signed with SHA-1 in the system bundle
                still parse; the default verification profile still refuses
                SHA-1 signatures on a chain), no MD5
     X.509      certificate parsing and verification (PEM and DER, key usage
                and extended key usage checks, validity dates), no CRL/CSR
     pk         RSA (PKCS#1 v1.5 verification, and signing for RS256 JWTs),
                ECDSA verification; mbedtls_pk_parse_key for unencrypted
                PKCS#1 / PKCS#8 PEM keys
     misc       base64/PEM, ctr_drbg + entropy (getrandom / /dev/urandom),
                mbedtls_strerror() texts (MBEDTLS_ERROR_C) so errors stay
                readable, file I/O for CA bundles and key files, the
                platform memory hooks (an application may route mbedTLS's
                allocations to its own allocator, as examples/embedded.c does)
   Left out: the server side, DTLS, renegotiation, the net/timing modules
   (workfront.h has its own sockets), PSA, debug, self tests, key
   generation, encrypted private keys (PKCS#5/#12), ECDSA signing.

   Size and memory (measured with musl, -Os, --gc-sections, stripped):
   MBEDTLS_ERROR_C costs about 14 KB and stays (workfront.h calls
   mbedtls_strerror; without ERROR_C it needs MBEDTLS_ERROR_STRERROR_DUMMY),
   SHA-1 about 6 KB, ChaCha20-Poly1305 about 6 KB, x25519 about 4 KB,
   P-384 about 2 KB.  AES tables are const (ROM, the smaller variant): no
   start-up generation and nothing in RAM.  ECP fixed-point precomputation is
   off: it only saves time on repeated multiplications with one group, and
   costs RAM on every handshake. */
#ifndef MBEDTLS_CONFIG_H
#define MBEDTLS_CONFIG_H

/* ---- platform */
#define MBEDTLS_HAVE_ASM
#define MBEDTLS_HAVE_TIME
#define MBEDTLS_HAVE_TIME_DATE           /* certificate validity dates */
#define MBEDTLS_FS_IO                    /* CA bundle and key files */
#define MBEDTLS_DEPRECATED_REMOVED
#define MBEDTLS_AESNI_C                  /* AES-NI when the CPU has it */
#define MBEDTLS_AES_FEWER_TABLES
#define MBEDTLS_AES_ROM_TABLES
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY          /* mbedtls_platform_set_calloc_free (examples/embedded.c) */

/* ---- randomness */
#define MBEDTLS_ENTROPY_C
#define MBEDTLS_CTR_DRBG_C

/* ---- hashes and MACs */
#define MBEDTLS_MD_C
#define MBEDTLS_SHA1_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA512_C                 /* SHA-384 ciphersuites, certificates */

/* ---- ciphers (AEAD only) */
#define MBEDTLS_CIPHER_C
#define MBEDTLS_AES_C
#define MBEDTLS_GCM_C
#define MBEDTLS_CHACHA20_C
#define MBEDTLS_POLY1305_C
#define MBEDTLS_CHACHAPOLY_C

/* ---- public keys */
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_OID_C
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C             /* ECDSA signatures in TLS */
#define MBEDTLS_RSA_C
#define MBEDTLS_PKCS1_V15
#define MBEDTLS_ECP_C
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED
#define MBEDTLS_ECP_DP_CURVE25519_ENABLED
#define MBEDTLS_ECP_NIST_OPTIM
#define MBEDTLS_ECP_FIXED_POINT_OPTIM 0
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C               /* certificates; JWT keys (mbedtls_pk_parse_key) */
#define MBEDTLS_BASE64_C
#define MBEDTLS_PEM_PARSE_C

/* ---- X.509 */
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C
#define MBEDTLS_X509_CHECK_KEY_USAGE
#define MBEDTLS_X509_CHECK_EXTENDED_KEY_USAGE

/* ---- TLS */
#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED
#define MBEDTLS_SSL_SERVER_NAME_INDICATION
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET
#define MBEDTLS_SSL_SESSION_TICKETS
#define MBEDTLS_SSL_KEEP_PEER_CERTIFICATE
#define MBEDTLS_SSL_ALL_ALERT_MESSAGES
#define MBEDTLS_SSL_CIPHERSUITES                           \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,       \
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,         \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, \
    MBEDTLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,   \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,       \
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256

/* ---- diagnostics */
#define MBEDTLS_ERROR_C                  /* mbedtls_strerror() texts */

#if defined(MBEDTLS_USER_CONFIG_FILE)
#include MBEDTLS_USER_CONFIG_FILE
#endif
#include "mbedtls/check_config.h"

#endif /* MBEDTLS_CONFIG_H */
