import AWSClient
import StructuredLogging

/// What every front door needs to read the exceptions registry (rule-semantics §8), built once at start-up: the SSM
/// client, the function's `PIDMODE_EXCEPTIONS_PARAMETER` and a clock. Not thread-safe (owned by the runtime loop).
///
/// Per invocation, ask it for an ``ExceptionsSource`` with ``source(parameterName:now:maxExceptionDays:context:)``.
public final class ExceptionsReader {
    private let ssm: SSMClient?
    /// `PIDMODE_EXCEPTIONS_PARAMETER`, read once at start-up; `nil` when unset or empty.
    public let environmentParameterName: String?
    private let clock: () -> Int64

    /// - Parameters:
    ///   - ssm: the Parameter Store client signed with the function's own credentials; `nil` makes every configured
    ///     registry unusable (``ExceptionsUnavailable``), never silently absent.
    ///   - environmentParameterName: the function's `PIDMODE_EXCEPTIONS_PARAMETER` (empty counts as unset).
    ///   - clock: epoch milliseconds, the evaluation time when the event has none.
    public init(ssm: SSMClient?, environmentParameterName: String?, clock: @escaping () -> Int64 = WallClock.nowMilliseconds) {
        self.ssm = ssm
        self.environmentParameterName = environmentParameterName.flatMap { $0.isEmpty ? nil : $0 }
        self.clock = clock
    }

    /// The registry source of one invocation, or `nil` when no registry is configured (then nothing is exempt and no
    /// SSM call is made).
    /// - Parameters:
    ///   - parameterName: a per-invocation choice (the Config rule's `ExceptionsParameterName`); `nil` falls back to
    ///     `PIDMODE_EXCEPTIONS_PARAMETER`.
    ///   - now: the evaluation time in epoch milliseconds (the Config event's `notificationCreationTime`); `nil` uses
    ///     the clock.
    ///   - maxExceptionDays: entries expiring further away are invalid (`MaxExceptionDays`, default 365).
    ///   - context: the invocation's deadline, trace id and logger. Its `credentials` are ignored: the registry is
    ///     always read with the function's own credentials, also when the rest of an organization rule's calls use a
    ///     role assumed in a member account.
    public func source(parameterName: String?, now: Int64?, maxExceptionDays: Int, context: CallContext) -> ExceptionsSource? {
        guard let name = parameterName.flatMap({ $0.isEmpty ? nil : $0 }) ?? environmentParameterName else { return nil }
        return ExceptionsSource(
            parameterName: name, ssm: ssm, now: now ?? clock(), maxExceptionDays: maxExceptionDays, context: context
        )
    }
}

@available(*, unavailable)
extension ExceptionsReader: Sendable {}
