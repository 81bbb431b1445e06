/* mk/cross/mbedtls-cortex-m4.h - the Cortex-M4 firmware image's changes to
   mk/mbedtls36-config.h (read after it as MBEDTLS_USER_CONFIG_FILE by
   mk/dist/mbedtls36-build.sh).  A bare-metal target without a file system,
   a calendar clock or an operating system's random source: */
#undef MBEDTLS_FS_IO                 /* no files: the CA comes as desc.ca_pem */
#undef MBEDTLS_HAVE_TIME_DATE        /* no calendar clock: validity dates are not checked */
#define MBEDTLS_NO_PLATFORM_ENTROPY  /* no /dev/urandom: workfront.h's WF_ENTROPY_SOURCE feeds
                                        the client's DRBG ... */
#define MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG /* ... and PSA's random generator (TLS 1.3 key
                                        shares) asks mbedtls_psa_external_get_random(),
                                        which the application provides from the same source */
#undef MBEDTLS_AESNI_C               /* x86-64 only */
#undef MBEDTLS_AESCE_C               /* AArch64 only */
#define MBEDTLS_PLATFORM_MS_TIME_ALT /* no POSIX clock: the application's mbedtls_ms_time()
                                        (the same tick as WF_NOW_MS) */
