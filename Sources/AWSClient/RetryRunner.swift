import StructuredLogging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Runs one AWS operation's attempts under a ``RetryPolicy``: retries only what the policy allows, sleeps the jittered
/// backoff in between, and never starts an attempt or a backoff that would cross the invocation deadline.
public struct RetryRunner {
    public let policy: RetryPolicy
    let clock: () -> Int64
    let sleep: (Int) -> Void
    let jitter: (Int) -> Int

    /// - Parameters:
    ///   - clock: epoch milliseconds (deadline checks).
    ///   - sleep: blocks for the given milliseconds (backoff).
    ///   - jitter: a uniformly random integer in `0...ceiling`.
    public init(
        policy: RetryPolicy = RetryPolicy(),
        clock: @escaping () -> Int64 = WallClock.nowMilliseconds,
        sleep: @escaping (Int) -> Void = { milliseconds in usleep(UInt32(max(0, milliseconds)) * 1_000) },
        jitter: @escaping (Int) -> Int = { ceiling in Int.random(in: 0...max(0, ceiling)) }
    ) {
        self.policy = policy
        self.clock = clock
        self.sleep = sleep
        self.jitter = jitter
    }

    /// Calls `attempt(number, timeoutMilliseconds)` until it succeeds, fails for good, or time runs out.
    /// Blocks for the attempts and backoffs.
    /// - Throws: the last attempt's ``AWSClientError``, or `.deadlineExceeded` when no attempt could start.
    func run<Output>(
        _ operation: String,
        context: CallContext,
        attempt: (Int, Int) -> Result<Output, AWSClientError>
    ) throws(AWSClientError) -> Output {
        var number = 0
        while true {
            number += 1
            let remaining = context.deadlineMilliseconds - clock() - Int64(policy.reserveMilliseconds)
            guard remaining >= Int64(policy.minimumAttemptMilliseconds) else {
                throw AWSClientError(.deadlineExceeded, operation: operation, attempts: number - 1)
            }
            let started = WallClock.monotonicNanoseconds()
            switch attempt(number, Int(min(remaining, Int64(policy.attemptTimeoutMilliseconds)))) {
            case .success(let output):
                context.logger.debug("AWS call succeeded", [
                    "operation": .string(operation), "attempt": .int(number),
                    "durationMs": .double(Double(WallClock.monotonicNanoseconds() - started) / 1e6),
                ])
                return output
            case .failure(let failure):
                guard RetryPolicy.isRetryable(failure), number < policy.maxAttempts else { throw failure }
                context.logger.warn("AWS call failed, retrying", [
                    "operation": .string(operation), "attempt": .int(number), "error": .string(failure.description),
                ])
                guard backOff(afterAttempt: number, context: context) else { throw failure }
            }
        }
    }

    /// Sleeps the policy's jittered backoff after `attempt` failures, unless that would leave no time for another
    /// attempt before the deadline.
    /// - Returns: `false` (without sleeping) when the policy or the deadline does not allow another attempt.
    public func backOff(afterAttempt attempt: Int, context: CallContext) -> Bool {
        guard attempt < policy.maxAttempts else { return false }
        let delay = jitter(policy.backoffCeilingMilliseconds(afterAttempt: attempt))
        let afterDelay = context.deadlineMilliseconds - clock() - Int64(delay) - Int64(policy.reserveMilliseconds)
        guard afterDelay >= Int64(policy.minimumAttemptMilliseconds) else { return false }
        sleep(delay)
        return true
    }
}
