/* tests/cli/mbedtls-no-tls13.h - mk/mbedtls36-config.h without TLS 1.3 (read
   after it as MBEDTLS_USER_CONFIG_FILE).  make tls-ci builds wf with it to
   check what a 3.x build without TLS 1.3 says to a server that requires 1.3
   (workfront.h reads the alert through MBEDTLS_PRIVATE there, unlike 2.28). */
#undef MBEDTLS_SSL_PROTO_TLS1_3
#undef MBEDTLS_SSL_TLS1_3_COMPATIBILITY_MODE
#undef MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL_ENABLED
#undef MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_EPHEMERAL_ENABLED
#undef MBEDTLS_HKDF_C
