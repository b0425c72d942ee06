import StructuredLogging
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

// Small helpers: clocks, a seeded RNG, ISO-8601 formatting, errors.

/// CLOCK_MONOTONIC in nanoseconds (latency and start-up measurements).
@inline(__always)
func monotonicNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
}

/// Wall clock, epoch milliseconds (the `Lambda-Runtime-Deadline-Ms` header).
func wallMilliseconds() -> Int64 {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    return Int64(now.tv_sec) * 1_000 + Int64(now.tv_nsec) / 1_000_000
}

/// SplitMix64: tiny, fast, deterministic for a seed on every platform and toolchain (unlike `Int.random(in:)`,
/// whose algorithm is not part of Swift's contract).
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    mutating func unit() -> Double {
        Double(next() >> 11) / Double(UInt64(1) << 53)
    }

    /// Uniform in `0..<bound` (the modulo bias is < 2^-50 for the small bounds used here).
    mutating func below(_ bound: Int) -> Int {
        Int(next() % UInt64(bound))
    }
}

/// `2024-01-18T22:05:40.112Z` for epoch milliseconds (proleptic Gregorian, UTC).
func isoTimestamp(epochMilliseconds: Int64) -> String {
    CivilTime.rfc3339(epochMilliseconds: epochMilliseconds)
}

func pad(_ value: Int, _ width: Int) -> String {
    CivilTime.pad(value, width)
}

func hex(_ value: UInt64, width: Int) -> String {
    let text = String(value, radix: 16)
    return text.count >= width ? String(text.suffix(width)) : String(repeating: "0", count: width - text.count) + text
}

/// A fatal set-up problem of the harness itself (not a finding about the bootstrap): exit 2.
struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

func errnoText(_ code: Int32 = errno) -> String {
    String(cString: strerror(code))
}

/// Writes `text` and a newline to stderr, unbuffered.
func log(_ text: String) {
    var line = Array("bench-harness: \(text)\n".utf8)
    line.withUnsafeMutableBytes { raw in
        var offset = 0
        while offset < raw.count {
            let written = write(2, raw.baseAddress! + offset, raw.count - offset)
            if written <= 0 { return }
            offset += written
        }
    }
}
