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

    /// The 32-byte HMAC-SHA256 of `bytes` under `key`.
    public static func hmacSHA256(key: [UInt8], _ bytes: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        let ok = key.withUnsafeBufferPointer { keyBytes in
            bytes.withUnsafeBufferPointer { input in
                digest.withUnsafeMutableBufferPointer { output in
                    pmr_hmac_sha256(keyBytes.baseAddress, keyBytes.count, input.baseAddress, input.count, output.baseAddress)
                }
            }
        }
        return ok == 1 ? digest : []
    }
}
