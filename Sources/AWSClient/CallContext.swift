import SigV4
import StructuredLogging

/// What one AWS call needs to know about the invocation it serves.
public struct CallContext: Sendable {
    /// The invocation deadline (epoch milliseconds); no attempt or backoff runs past it (minus the policy's reserve).
    public var deadlineMilliseconds: Int64
    /// Sent unsigned as `X-Amzn-Trace-Id` when present.
    public var traceID: String?
    public var logger: Logger
    /// Credentials to sign with instead of the client's own (e.g. a role assumed in a member account); `nil` uses
    /// the client's.
    public var credentials: Credentials?

    public init(deadlineMilliseconds: Int64, traceID: String?, logger: Logger, credentials: Credentials? = nil) {
        self.deadlineMilliseconds = deadlineMilliseconds
        self.traceID = traceID
        self.logger = logger
        self.credentials = credentials
    }
}
