import Metrics
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
    /// The invocation's counts: the retry loop adds every request sent (`AWSCalls`), retry and throttle; front doors
    /// add their own. Shared by every copy of the context.
    public var metrics: InvocationMetrics
    /// Shared by the threads of one invocation that call AWS concurrently: caps the requests in flight and pauses
    /// them all on throttling (``RequestGate``); `nil` for a single thread.
    public var gate: RequestGate?

    public init(
        deadlineMilliseconds: Int64,
        traceID: String?,
        logger: Logger,
        credentials: Credentials? = nil,
        metrics: InvocationMetrics = InvocationMetrics()
    ) {
        self.deadlineMilliseconds = deadlineMilliseconds
        self.traceID = traceID
        self.logger = logger
        self.credentials = credentials
        self.metrics = metrics
    }
}
