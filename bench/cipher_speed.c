/* bench/cipher_speed.c - bulk decryption speed of the AEAD ciphers mbedTLS
   offers for TLS records, in 16 KB records (the TLS maximum), so the notes
   can say how much of an HTTPS run is the cipher.  Rates are per second of
   this process's CPU time, so other load on the machine does not lower
   them.  One JSON line. */
#define _POSIX_C_SOURCE 200809L
#include <mbedtls/chachapoly.h>
#include <mbedtls/gcm.h>
#include <mbedtls/version.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

#define REC 16384
#define SECONDS 0.5

static double gcm(unsigned bits, unsigned char *in, unsigned char *out) {
    mbedtls_gcm_context g;
    unsigned char key[32] = {1}, iv[12] = {2}, tag[16];
    long n = 0;
    double t0 = now(), el;
    mbedtls_gcm_init(&g);
    mbedtls_gcm_setkey(&g, MBEDTLS_CIPHER_ID_AES, key, bits);
    do {
        mbedtls_gcm_crypt_and_tag(&g, MBEDTLS_GCM_DECRYPT, REC, iv, 12, NULL, 0, in, out, 16, tag);
        n++;
        el = now() - t0;
    } while (el < SECONDS);
    mbedtls_gcm_free(&g);
    return n * (double)REC / el / 1e6;
}

static double chachapoly(unsigned char *in, unsigned char *out) {
    mbedtls_chachapoly_context c;
    unsigned char key[32] = {1}, iv[12] = {2}, tag[16];
    long n = 0;
    double t0 = now(), el;
    mbedtls_chachapoly_init(&c);
    mbedtls_chachapoly_setkey(&c, key);
    do {
        mbedtls_chachapoly_encrypt_and_tag(&c, REC, iv, NULL, 0, in, out, tag);
        n++;
        el = now() - t0;
    } while (el < SECONDS);
    mbedtls_chachapoly_free(&c);
    return n * (double)REC / el / 1e6;
}

int main(void) {
    unsigned char *in = calloc(1, REC), *out = calloc(1, REC);
    if (!in || !out) return 1;
    printf("{\"mbedtls\":\"%s\",\"aes128gcm\":%.0f,\"aes256gcm\":%.0f,\"chacha20poly1305\":%.0f}\n", MBEDTLS_VERSION_STRING,
           gcm(128, in, out), gcm(256, in, out), chachapoly(in, out));
    free(in);
    free(out);
    return 0;
}
