import CurlHTTP
import Foundation
import LoopbackHTTPServer

/// `count` bytes whose value depends on the position (not only modulo 256), so a dropped, duplicated or reordered
/// block of any size changes the content.
func patternedBytes(count: Int, seed: UInt32 = 0x9E37_79B9) -> [UInt8] {
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
func byteMismatch(_ actual: [UInt8], _ expected: [UInt8]) -> String? {
    let common = min(actual.count, expected.count)
    let same = actual.withUnsafeBytes { a in
        expected.withUnsafeBytes { e in common == 0 || memcmp(a.baseAddress!, e.baseAddress!, common) == 0 }
    }
    if same && actual.count == expected.count { return nil }
    var index = 0
    if !same {
        while actual[index] == expected[index] { index += 1 }
    } else {
        index = common
    }
    let got = index < actual.count ? String(actual[index]) : "end"
    let want = index < expected.count ? String(expected[index]) : "end"
    return "\(actual.count) bytes vs \(expected.count) expected; first difference at offset \(index): \(got) vs \(want)"
}

/// Runs `request` on `session` and returns the transport error it throws, or `nil` when a response came back.
func transportError(_ session: CurlSession, _ request: HTTPRequest) -> CurlError? {
    do {
        _ = try session.perform(request)
        return nil
    } catch {
        return error
    }
}

/// Seconds spent running `body`.
func measure<T>(_ body: () throws -> T) rethrows -> (result: T, seconds: Double) {
    let start = DispatchTime.now().uptimeNanoseconds
    let result = try body()
    return (result, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
}

extension RecordedRequest {
    /// The header fields whose name is exactly `name` (byte-for-byte, casing included).
    func exactFields(_ name: String) -> [String] {
        headers.filter { $0.name == name }.map(\.value)
    }
}
