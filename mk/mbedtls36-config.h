/* mk/mbedtls36-config.h - the trimmed mbedTLS 3.6 LTS configuration of the
   static and cross builds (make static, make static-musl; the mingw and
   Cortex-M builds use it too).  mk/dist/mbedtls36-build.sh compiles the
   newest mbedtls 3.6 source package of Debian (sid's 3.6.7 when written)
   with it for any compiler, and installs it as
   include/mbedtls/mbedtls_config.h next to the headers, so the library and
   the programs built against that include directory see the same
   configuration.

   It keeps what workfront.h needs as an HTTPS client that verifies
   certificates and signs server-to-server JWTs:

     protocol   TLS 1.3 and TLS 1.2 client, SNI, extended master secret
                (1.2), middlebox compatibility mode (1.3)
     resumption session tickets for both (1.3: PSK with (EC)DHE, so a
                resumed connection keeps forward secrecy), session IDs (1.2)
     key exch.  TLS 1.3 ephemeral and PSK-ephemeral; TLS 1.2 ECDHE-ECDSA and
                ECDHE-RSA (forward secrecy only)
     groups     x25519, secp256r1, secp384r1
     ciphers    TLS 1.3: AES-128/256-GCM, ChaCha20-Poly1305; TLS 1.2: the
                same as ECDHE suites (AEAD only: no CBC, no CCM, no
                RC4/DES/3DES/Camellia/ARIA, no static RSA, no DHE)
     hashes     SHA-256 (+224), SHA-384/512, SHA-1 (only so that the root
                certificates self-signed with SHA-1 in the system bundle still
                parse; the default verification profile still refuses SHA-1
                signatures on a chain), no MD5, no SHA-3
     X.509      certificate parsing and verification (PEM and DER, key usage
                and extended key usage checks, validity dates), no CRL/CSR
     pk         RSA: PKCS#1 v1.5 and PSS verification (TLS 1.3 servers with
                RSA keys sign with PSS), PKCS#1 v1.5 signing for RS256 JWTs;
                ECDSA verification; mbedtls_pk_parse_key for unencrypted
                PKCS#1 / PKCS#8 PEM keys
     PSA        the PSA crypto core (TLS 1.3 runs its key schedule and
                record protection through it); TLS 1.2 and X.509 use it too
                (MBEDTLS_USE_PSA_CRYPTO), so only one code path per algorithm
                is linked
     misc       base64/PEM, HKDF, ctr_drbg + entropy, mbedtls_strerror()
                texts (MBEDTLS_ERROR_C) so errors stay readable, file I/O for
                CA bundles and key files, the platform memory hooks (an
                application may route mbedTLS's allocations to its own
                allocator, as examples/embedded.c does)
   Left out: the server side, DTLS, renegotiation, early data, the net and
   timing modules (workfront.h has its own sockets), PSA key storage, debug,
   self tests, key generation, encrypted private keys (PKCS#5/#12), ECDSA
   signing, LMS, SHA-3, the ECJPAKE/PAKE and FFDH code.

   Other targets: this file holds nothing host-specific beyond what mbedTLS
   detects itself (AES-NI and the assembly are used only where the compiler
   targets x86-64 or Arm).  A target without a file system, without
   getrandom() or /dev/urandom, or without a date clock adds its own changes
   through MBEDTLS_USER_CONFIG_FILE, which mbedTLS reads after this file
   (mk/dist/mbedtls36-build.sh passes USER_CONFIG through), e.g.
       #undef  MBEDTLS_FS_IO
       #undef  MBEDTLS_HAVE_TIME_DATE
       #define MBEDTLS_NO_PLATFORM_ENTROPY   (and register an entropy source)
   Memory: AES tables are const (ROM, the smaller variant): nothing generated
   at start-up, nothing in RAM.  ECP fixed-point precomputation is off: it
   only saves time on repeated multiplications with one group, and costs RAM
   on every handshake. */
#ifndef WF_MBEDTLS36_CONFIG_H
#define WF_MBEDTLS36_CONFIG_H

/* ---- platform */
#define MBEDTLS_HAVE_ASM
#define MBEDTLS_HAVE_TIME
#define MBEDTLS_HAVE_TIME_DATE           /* certificate validity dates */
#define MBEDTLS_FS_IO                    /* CA bundle and key files */
#define MBEDTLS_DEPRECATED_REMOVED
#define MBEDTLS_AESNI_C                  /* AES-NI when the CPU has it (x86-64 only) */
#define MBEDTLS_AESCE_C                  /* Armv8 crypto extensions (AArch64 only) */
#define MBEDTLS_AES_FEWER_TABLES
#define MBEDTLS_AES_ROM_TABLES
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY          /* mbedtls_platform_set_calloc_free (examples/embedded.c) */
/* As Debian builds its 3.6.7 packages (debian/rules: "Disable buggy
   'efficient unaligned access'"): byte-wise loads instead of unaligned
   word access through packed structs. */
#define MBEDTLS_ALIGNMENT_DISABLE_EFFICENT_UNALIGNED_ACCESS

/* ---- randomness */
#define MBEDTLS_ENTROPY_C
#define MBEDTLS_CTR_DRBG_C

/* ---- hashes, MACs, key derivation */
#define MBEDTLS_MD_C
#define MBEDTLS_SHA1_C
#define MBEDTLS_SHA224_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA384_C                 /* TLS_AES_256_GCM_SHA384, certificates */
#define MBEDTLS_SHA512_C                 /* SHA-384 is computed by the SHA-512 code */
#define MBEDTLS_HKDF_C                   /* TLS 1.3 key schedule */

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
#define MBEDTLS_PKCS1_V21                /* RSA-PSS: TLS 1.3 CertificateVerify */
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

/* ---- PSA crypto (required by TLS 1.3) */
#define MBEDTLS_PSA_CRYPTO_C
#define MBEDTLS_USE_PSA_CRYPTO
#define MBEDTLS_PSA_KEY_STORE_DYNAMIC    /* key slots allocated as used, not a fixed array */

/* ---- X.509 */
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C
#define MBEDTLS_X509_RSASSA_PSS_SUPPORT  /* offers rsa_pss_rsae_* signatures: TLS 1.3 with RSA keys */

/* ---- TLS */
#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_SSL_PROTO_TLS1_3
#define MBEDTLS_SSL_TLS1_3_COMPATIBILITY_MODE
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL_ENABLED
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_EPHEMERAL_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED
#define MBEDTLS_SSL_SERVER_NAME_INDICATION
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET
#define MBEDTLS_SSL_SESSION_TICKETS
#define MBEDTLS_SSL_KEEP_PEER_CERTIFICATE
#define MBEDTLS_SSL_ALL_ALERT_MESSAGES
#define MBEDTLS_SSL_CIPHERSUITES                           \
    MBEDTLS_TLS1_3_AES_256_GCM_SHA384,                     \
    MBEDTLS_TLS1_3_CHACHA20_POLY1305_SHA256,               \
    MBEDTLS_TLS1_3_AES_128_GCM_SHA256,                     \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,       \
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,         \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, \
    MBEDTLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,   \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,       \
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256

/* ---- diagnostics */
#define MBEDTLS_ERROR_C                  /* mbedtls_strerror() texts */

#endif /* WF_MBEDTLS36_CONFIG_H */
