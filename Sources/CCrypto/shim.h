// SHA-256 from OpenSSL's libcrypto, for SigV4: the same library the release binary already links for
// TLS (scripts/build-openssl builds it static; debug builds and tests use Debian's libcrypto.so from libssl-dev).
// One-shot SHA-256 only (HMAC is two of them, in Swift), the digest written into a caller-provided 32-byte buffer.
#ifndef PID_MODE_RULE_CCRYPTO_SHIM_H
#define PID_MODE_RULE_CCRYPTO_SHIM_H

// SHA256_Init/Update/Final are deprecated in OpenSSL 3 in favour of EVP, whose per-call context allocation and
// algorithm fetch cost more than hashing a SigV4 request (3.0's SHA256() one-shot goes through EVP_Q_digest too);
// the low-level calls are still built (scripts/build-openssl keeps the deprecated API) and hash directly.
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/sha.h>
#include <stddef.h>
#include <stdint.h>

// SHA-256 of `length` bytes at `data` into `digest` (32 bytes). Returns 1 on success, 0 on failure.
static inline int pmr_sha256(const uint8_t *data, size_t length, uint8_t *digest) {
    SHA256_CTX context;
    return SHA256_Init(&context) == 1 && SHA256_Update(&context, data, length) == 1 && SHA256_Final(digest, &context) == 1;
}

#endif
