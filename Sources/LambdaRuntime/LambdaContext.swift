import StructuredLogging

/// Everything a handler knows about the invocation it is serving. Valid for that one invocation only.
public struct LambdaContext: Sendable {
    public var metadata: InvocationMetadata
    /// A logger that tags every line with this invocation's `requestId`.
    public var logger: Logger

    public init(metadata: InvocationMetadata, logger: Logger) {
        self.metadata = metadata
        self.logger = logger
    }

    public var requestID: String { metadata.requestID }
    public var deadlineMilliseconds: Int64 { metadata.deadlineMilliseconds }
    public var traceID: String? { metadata.traceID }

    /// Milliseconds left before Lambda ends the invocation (negative once it has passed).
    public func remainingMilliseconds(now: Int64 = WallClock.nowMilliseconds()) -> Int64 {
        metadata.deadlineMilliseconds - now
    }
}
