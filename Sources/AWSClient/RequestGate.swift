import StructuredLogging

/// A cap on the AWS requests in flight, shared by the threads of one invocation (the periodic sweep's workers), that
/// backs off together when AWS throttles.
///
/// Every attempt passes through it (``RetryRunner`` calls ``enter(latestStart:)`` and ``leave(throttled:)`` when the
/// call context carries a gate). A throttling reply halves the cap (never below 1) and pauses every new attempt for a
/// jittered 100 ms doubling with each throttle in a row, up to 2 s; each run of `cap` successes raises the cap by
/// one again, up to ``maximum`` (additive increase, multiplicative decrease). The per-call retry policy is unchanged:
/// the gate only spaces the attempts out. Thread-safe.
public final class RequestGate: @unchecked Sendable {
    /// The cap when nothing is throttled.
    public let maximum: Int
    private let lock = Lock()
    private let clock: () -> Int64
    private let jitter: (Int) -> Int
    private var cap: Int
    private var inFlight = 0
    private var pausedUntil: Int64 = 0
    private var throttlesInARow = 0
    private var successesAtCap = 0

    /// - Parameters:
    ///   - clock: epoch milliseconds.
    ///   - jitter: a uniformly random integer in `0...ceiling`.
    public init(
        maximum: Int,
        clock: @escaping () -> Int64 = WallClock.nowMilliseconds,
        jitter: @escaping (Int) -> Int = { ceiling in Int.random(in: 0...max(0, ceiling)) }
    ) {
        self.maximum = max(1, maximum)
        self.cap = self.maximum
        self.clock = clock
        self.jitter = jitter
    }

    /// The current cap and requests in flight (for tests and logs).
    public var state: (cap: Int, inFlight: Int, pausedUntil: Int64) {
        lock.withLock { (cap, inFlight, pausedUntil) }
    }

    /// Waits for a free slot outside a throttling pause.
    /// - Returns: `false` (no slot taken) when `latestStart` (epoch milliseconds) passes first.
    public func enter(latestStart: Int64) -> Bool {
        lock.withLock {
            while true {
                let now = clock()
                if now >= pausedUntil, inFlight < cap {
                    inFlight += 1
                    return true
                }
                if now >= latestStart { return false }
                lock.wait(untilEpochMilliseconds: min(latestStart, now < pausedUntil ? pausedUntil : now + 1_000))
            }
        }
    }

    /// Frees the slot of an attempt that ended; `throttled` when AWS answered with a throttling error.
    public func leave(throttled: Bool) {
        lock.withLock {
            inFlight -= 1
            if throttled {
                throttlesInARow += 1
                successesAtCap = 0
                cap = max(1, cap / 2)
                let ceiling = min(2_000, 100 << min(throttlesInARow - 1, 5))
                pausedUntil = max(pausedUntil, clock() + Int64(ceiling / 2 + jitter(ceiling / 2)))
            } else {
                throttlesInARow = 0
                successesAtCap += 1
                if successesAtCap >= cap, cap < maximum {
                    cap += 1
                    successesAtCap = 0
                }
            }
            lock.broadcast()
        }
    }
}
