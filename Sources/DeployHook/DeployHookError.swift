/// Why the hook could not decide. Never a Lambda error: the hook answers it as `FAILED` / `InternalFailure` through
/// `/response` (rule-semantics §9), with ``message`` as the result's `message`.
public struct DeployHookError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
        /// The event is not a readable hook invocation (a member missing or of the wrong type).
        case malformedEvent
        /// `PIDMODE_EXCEPTIONS_PARAMETER` is set but the registry could not be read or used.
        case exceptionsUnavailable
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// A malformed-event error naming the member, e.g. `requestData.targetModel.resourceProperties must be an object`.
    static func malformed(_ field: String, _ problem: String) -> DeployHookError {
        DeployHookError(.malformedEvent, "hook event unreadable: \(field) \(problem)")
    }

    public var description: String { message }
}
