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
    /// Blocks for the attempts and backoffs. Counts every attempt (`AWSCalls`), retry and throttling reply in
    /// `context.metrics`; logs "retrying" only when a retry follows.
    /// - Throws: the last attempt's ``AWSClientError``; `.deadlineExceeded` when no attempt could start, or when the
    ///   attempt's time limit was cut to the time left before the deadline and ran out.
    func run<Output>(
        _ operation: String,
        context: CallContext,
        attempt: (Int, Int) -> Result<Output, AWSClientError>
    ) throws(AWSClientError) -> Output {
        var number = 0
        while true {
            number += 1
            switch gatedAttempt(number, operation: operation, context: context, attempt: attempt) {
            case .success(let output): return output
            case .failure(let failure):
                guard RetryPolicy.isRetryable(failure), let delay = plannedBackoff(afterAttempt: number, context: context) else {
                    throw failure
                }
                context.logger.warn("AWS call failed, retrying", [
                    "operation": .string(operation), "attempt": .int(number), "error": .string(failure.description),
                    "backoffMs": .int(delay),
                ])
                sleep(delay)
            }
        }
    }

    /// One attempt through the context's ``RequestGate`` (when it has one): waits for a slot, at the latest until
    /// an attempt can no longer start, and reports whether AWS throttled it.
    private func gatedAttempt<Output>(
        _ number: Int,
        operation: String,
        context: CallContext,
        attempt: (Int, Int) -> Result<Output, AWSClientError>
    ) -> Result<Output, AWSClientError> {
        guard let gate = context.gate else { return attemptOnce(number, operation: operation, context: context, attempt: attempt) }
        let latestStart = context.deadlineMilliseconds - Int64(policy.reserveMilliseconds + policy.minimumAttemptMilliseconds)
        guard gate.enter(latestStart: latestStart) else {
            return .failure(AWSClientError(
                .deadlineExceeded, operation: operation,
                message: "no request slot free before the invocation deadline for attempt \(number)", attempts: number - 1
            ))
        }
        let outcome = attemptOnce(number, operation: operation, context: context, attempt: attempt)
        if case .failure(let failure) = outcome {
            gate.leave(throttled: RetryPolicy.isThrottling(failure))
        } else {
            gate.leave(throttled: false)
        }
        return outcome
    }

    /// One attempt inside the deadline: its time limit is the time left (at most the policy's), a timeout caused by
    /// that cut becomes `.deadlineExceeded`; counts the call and a throttling reply.
    private func attemptOnce<Output>(
        _ number: Int,
        operation: String,
        context: CallContext,
        attempt: (Int, Int) -> Result<Output, AWSClientError>
    ) -> Result<Output, AWSClientError> {
        let remaining = context.deadlineMilliseconds - clock() - Int64(policy.reserveMilliseconds)
        guard remaining >= Int64(policy.minimumAttemptMilliseconds) else {
            return .failure(AWSClientError(
                .deadlineExceeded, operation: operation,
                message: "too little time left before the invocation deadline to start attempt \(number)",
                attempts: number - 1
            ))
        }
        let cutByDeadline = remaining < Int64(policy.attemptTimeoutMilliseconds)
        let timeout = Int(min(remaining, Int64(policy.attemptTimeoutMilliseconds)))
        let started = WallClock.monotonicNanoseconds()
        context.metrics.count(.awsCalls)
        if number > 1 { context.metrics.count(.awsRetries) }  // counted when sent: the gate or deadline may still refuse
        switch attempt(number, timeout) {
        case .success(let output):
            context.logger.debug("AWS call succeeded", [
                "operation": .string(operation), "attempt": .int(number),
                "durationMs": .double(Double(WallClock.monotonicNanoseconds() - started) / 1e6),
            ])
            return .success(output)
        case .failure(var failure):
            if RetryPolicy.isThrottling(failure) { context.metrics.count(.awsThrottles) }
            let elapsed = Int((WallClock.monotonicNanoseconds() - started) / 1_000_000)
            if Self.isCutOffByDeadline(failure, timeoutMilliseconds: timeout, cutByDeadline: cutByDeadline, elapsedMilliseconds: elapsed) {
                failure = AWSClientError(
                    .deadlineExceeded, operation: operation,
                    message: "no reply within the \(timeout) ms left before the invocation deadline",
                    attempts: failure.attempts, awsRequestID: failure.awsRequestID
                )
            }
            return .failure(failure)
        }
    }

    /// Whether a failed attempt was ended by the invocation deadline: its time limit had been cut to the time left
    /// (`cutByDeadline`), it timed out, and it ran (nearly) that whole limit — a connect timeout (1 s) that fires
    /// well before the limit is a transport failure like any other, and is retried.
    static func isCutOffByDeadline(
        _ failure: AWSClientError, timeoutMilliseconds: Int, cutByDeadline: Bool, elapsedMilliseconds: Int
    ) -> Bool {
        guard cutByDeadline, case .transport(let curlError) = failure.code, curlError.code == .timedOut else { return false }
        return elapsedMilliseconds >= timeoutMilliseconds - max(50, timeoutMilliseconds / 10)
    }

    /// Sleeps the policy's jittered backoff after `attempt` failures, unless that would leave no time for another
    /// attempt before the deadline.
    /// - Returns: `false` (without sleeping) when the policy or the deadline does not allow another attempt.
    public func backOff(afterAttempt attempt: Int, context: CallContext) -> Bool {
        guard let delay = plannedBackoff(afterAttempt: attempt, context: context) else { return false }
        sleep(delay)
        return true
    }

    /// The jittered backoff after `attempt` failures, or `nil` when the policy or the deadline allows no other attempt.
    private func plannedBackoff(afterAttempt attempt: Int, context: CallContext) -> Int? {
        guard attempt < policy.maxAttempts else { return nil }
        let delay = jitter(policy.backoffCeilingMilliseconds(afterAttempt: attempt))
        let afterDelay = context.deadlineMilliseconds - clock() - Int64(delay) - Int64(policy.reserveMilliseconds)
        guard afterDelay >= Int64(policy.minimumAttemptMilliseconds) else { return nil }
        return delay
    }
}
