/// Lower-case hexadecimal digits, indexed by nibble value.
private let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

/// Encodes bytes as lower-case hexadecimal, two characters per byte, no separators.
///
/// Total: never fails; an empty input yields `""`.
public func hexEncode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
    var out: [UInt8] = []
    out.reserveCapacity(bytes.underestimatedCount * 2)
    for byte in bytes {
        out.append(hexDigits[Int(byte >> 4)])
        out.append(hexDigits[Int(byte & 0x0F)])
    }
    return String(decoding: out, as: UTF8.self)
}

/// Lower-case hex SHA-256 of `bytes` (64 characters).
///
/// This is the SigV4 payload hash: `hexSHA256([])` is
/// `e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855`.
public func hexSHA256(_ bytes: [UInt8]) -> String {
    hexEncode(Digest.sha256(bytes))
}

/// Lower-case hex SHA-256 of the UTF-8 encoding of `text` (64 characters).
public func hexSHA256(_ text: String) -> String {
    hexSHA256(Array(text.utf8))
}
