#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The real-time clock, in the units the Lambda and AWS protocols use.
public enum WallClock {
    /// Milliseconds since the Unix epoch (`CLOCK_REALTIME`), the unit of `Lambda-Runtime-Deadline-Ms`.
    public static func nowMilliseconds() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1_000 + Int64(time.tv_nsec) / 1_000_000
    }

    /// Nanoseconds of a monotonic clock (`CLOCK_MONOTONIC`), for measuring durations.
    public static func monotonicNanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}
