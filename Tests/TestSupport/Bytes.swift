/// `count` bytes whose value depends on the position (not only modulo 256), so a dropped, duplicated or reordered
/// block of any size changes the content.
public func patternedBytes(count: Int, seed: UInt32 = 0x9E37_79B9) -> [UInt8] {
    var state = seed == 0 ? 1 : seed
    return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
        for index in 0..<count {
            // xorshift32: cheap, deterministic, period 2³² − 1 (far longer than the payloads used here)
            state ^= state << 13
            state ^= state >> 17
            state ^= state << 5
            buffer[index] = UInt8(truncatingIfNeeded: state)
        }
        initialized = count
    }
}

/// `nil` when `actual` and `expected` hold the same bytes, else a short description of the first difference.
/// (Comparing multi-megabyte arrays inside `#expect` would print them whole on failure.)
public func byteMismatch(_ actual: [UInt8], _ expected: [UInt8]) -> String? {
    if actual == expected { return nil }
    let common = min(actual.count, expected.count)
    var index = 0
    while index < common, actual[index] == expected[index] { index += 1 }
    let got = index < actual.count ? String(actual[index]) : "end"
    let want = index < expected.count ? String(expected[index]) : "end"
    return "\(actual.count) bytes vs \(expected.count) expected; first difference at offset \(index): \(got) vs \(want)"
}
