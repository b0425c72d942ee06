import CurlHTTP

/// What the Runtime API says about one invocation, read from the `/next` response headers (any casing).
public struct InvocationMetadata: Sendable, Equatable {
    public var requestID: String
    /// The invocation's deadline, in epoch milliseconds.
    public var deadlineMilliseconds: Int64
    public var invokedFunctionARN: String
    /// The X-Ray trace header (`Root=…;Parent=…;Sampled=…`), when Lambda sent one.
    public var traceID: String?

    public init(requestID: String, deadlineMilliseconds: Int64, invokedFunctionARN: String, traceID: String?) {
        self.requestID = requestID
        self.deadlineMilliseconds = deadlineMilliseconds
        self.invokedFunctionARN = invokedFunctionARN
        self.traceID = traceID
    }

    /// Reads the request id (required), the deadline (required, epoch milliseconds), the function ARN and the trace id.
    /// - Throws: ``LambdaRuntimeError`` naming the missing or invalid header.
    public init(headers: HTTPHeaders) throws(LambdaRuntimeError) {
        guard let requestID = headers[RuntimeAPIWire.Header.requestID], !requestID.isEmpty else {
            throw LambdaRuntimeError(.missingHeader(name: RuntimeAPIWire.Header.requestID))
        }
        guard let deadlineText = headers[RuntimeAPIWire.Header.deadlineMilliseconds] else {
            throw LambdaRuntimeError(.missingHeader(name: RuntimeAPIWire.Header.deadlineMilliseconds))
        }
        guard let deadline = Int64(deadlineText), deadline > 0 else {
            throw LambdaRuntimeError(.invalidHeader(name: RuntimeAPIWire.Header.deadlineMilliseconds, value: deadlineText))
        }
        let trace = headers[RuntimeAPIWire.Header.traceID]
        self.init(
            requestID: requestID,
            deadlineMilliseconds: deadline,
            invokedFunctionARN: headers[RuntimeAPIWire.Header.invokedFunctionARN] ?? "",
            traceID: (trace?.isEmpty ?? true) ? nil : trace
        )
    }
}
