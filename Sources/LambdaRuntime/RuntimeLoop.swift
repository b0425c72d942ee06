import StructuredLogging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The custom runtime's main loop: `/next` → export the trace id → handle → answer exactly once → repeat.
///
/// Synchronous and single-threaded: libcurl's easy API blocks, and Lambda runs one invocation at a time per process.
public struct RuntimeLoop {
    private let client: RuntimeAPIClient
    private let logger: Logger
    private let exportTraceID: (String?) -> Void

    /// - Parameter exportTraceID: publishes the invocation's trace header; by default sets (or, when absent, unsets)
    ///   `_X_AMZN_TRACE_ID` so no trace id leaks from one invocation into the next.
    public init(
        client: RuntimeAPIClient,
        logger: Logger,
        exportTraceID: ((String?) -> Void)? = nil
    ) {
        self.client = client
        self.logger = logger
        self.exportTraceID = exportTraceID ?? TraceEnvironment().export
    }

    /// Serves invocations until the Runtime API becomes unusable (HTTP 500, unreachable after retries), or until
    /// `maxInvocations` have been served. Blocks for the life of the process.
    /// - Returns: the error that ended the loop (`nil` only when `maxInvocations` was reached); the caller exits
    ///   non-zero on an error.
    public func run(handler: some LambdaHandler, maxInvocations: Int? = nil) -> LambdaRuntimeError? {
        var served = 0
        while maxInvocations.map({ served < $0 }) ?? true {
            do {
                try serveOne(handler: handler)
            } catch {
                logger.error("runtime loop stopped", ["error": .string(error.description)])
                return error
            }
            served += 1
        }
        return nil
    }

    /// One iteration: waits for an invocation and answers it exactly once.
    private func serveOne(handler: some LambdaHandler) throws(LambdaRuntimeError) {
        let invocation = try client.next()
        let metadata: InvocationMetadata
        do {
            metadata = try InvocationMetadata(headers: invocation.headers)
        } catch {
            try rejectInvalidInvocation(invocation, error: error)
            return
        }
        exportTraceID(metadata.traceID)
        let context = LambdaContext(metadata: metadata, logger: logger.with("requestId", .string(metadata.requestID)))
        let outcome: AnswerOutcome
        switch handler.handle(invocation.event, context: context) {
        case .success(let body):
            outcome = try client.respond(requestID: metadata.requestID, body: body)
        case .failure(let error):
            context.logger.error("invocation failed", ["errorType": .string(error.errorType), "errorMessage": .string(error.errorMessage)])
            outcome = try client.fail(requestID: metadata.requestID, error: error)
        }
        if case .rejected(let status, let detail) = outcome {
            context.logger.warn("Runtime API rejected the answer", ["status": .int(status), "detail": .string(detail)])
        }
    }

    /// An invocation whose headers are unusable: answered with an error when it has a request id, skipped otherwise.
    private func rejectInvalidInvocation(_ invocation: RawInvocation, error: LambdaRuntimeError) throws(LambdaRuntimeError) {
        guard let requestID = invocation.headers[RuntimeAPIWire.Header.requestID], !requestID.isEmpty else {
            logger.error("invocation without a request id skipped", ["error": .string(error.description)])
            return
        }
        exportTraceID(nil)
        let document = ErrorResponse(errorType: "Runtime.InvalidInvocationHeaders", errorMessage: error.description)
        logger.with("requestId", .string(requestID)).error("invocation headers invalid", ["error": .string(error.description)])
        _ = try client.fail(requestID: requestID, error: document)
    }
}
