import CCrypto

/// SHA-256 and HMAC-SHA256 over OpenSSL's libcrypto (the library the release binary links for TLS anyway).
///
/// Operational contract: pure functions of their inputs; never trap. libcrypto's one-shot digests fail only when the
/// library itself is broken; then the result is empty, the signature is wrong and AWS refuses the request (403),
/// which fails the invocation with that error.
public enum Digest {
    /// The 32-byte SHA-256 of `bytes`.
    public static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        let ok = bytes.withUnsafeBufferPointer { input in
            digest.withUnsafeMutableBufferPointer { output in
                pmr_sha256(input.baseAddress, input.count, output.baseAddress)
            }
        }
        return ok == 1 ? digest : []
    }

    /// The 32-byte HMAC-SHA256 of `bytes` under `key` (RFC 2104 over ``sha256(_:)``: two digests, no MAC context
    /// to fetch and free per call as OpenSSL 3's `HMAC()` does).
    public static func hmacSHA256(key: [UInt8], _ bytes: [UInt8]) -> [UInt8] {
        var block = key.count > blockSize ? sha256(key) : key
        block += [UInt8](repeating: 0, count: max(0, blockSize - block.count))
        let inner = sha256(block.map { $0 ^ 0x36 } + bytes)
        guard !inner.isEmpty else { return [] }
        return sha256(block.map { $0 ^ 0x5C } + inner)
    }

    /// SHA-256's block size in bytes.
    private static let blockSize = 64
}
