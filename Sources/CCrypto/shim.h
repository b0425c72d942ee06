// SHA-256 and HMAC-SHA256 from OpenSSL's libcrypto, for SigV4: the same library the release binary already links for
// TLS (scripts/build-openssl builds it static; debug builds and tests use Debian's libcrypto.so from libssl-dev).
// One-shot calls only, with the digest written into a caller-provided 32-byte buffer.
#ifndef PID_MODE_RULE_CCRYPTO_SHIM_H
#define PID_MODE_RULE_CCRYPTO_SHIM_H

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stddef.h>
#include <stdint.h>

// SHA-256 of `length` bytes at `data` into `digest` (32 bytes). Returns 1 on success, 0 on failure.
static inline int pmr_sha256(const uint8_t *data, size_t length, uint8_t *digest) {
    unsigned int size = 0;
    return EVP_Digest(data, length, digest, &size, EVP_sha256(), NULL) == 1 && size == 32;
}

// HMAC-SHA256 of `length` bytes at `data` under `key` into `digest` (32 bytes). Returns 1 on success, 0 on failure.
static inline int pmr_hmac_sha256(const uint8_t *key, size_t keyLength, const uint8_t *data, size_t length,
                                  uint8_t *digest) {
    unsigned int size = 0;
    static const uint8_t empty = 0;
    return HMAC(EVP_sha256(), keyLength ? key : &empty, (int)keyLength, length ? data : &empty, length, digest, &size)
        != NULL && size == 32;
}

#endif
