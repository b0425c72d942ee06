import CurlHTTP
import JSON
import StructuredLogging

/// An awsJson1_1 client for one service: signs with SigV4, posts over one kept-alive libcurl handle, parses error
/// replies and retries what ``RetryPolicy`` allows inside the invocation deadline.
///
/// Not thread-safe: owned by the runtime loop's thread. Each `call` blocks until it succeeds or gives up.
public final class AWSJSONClient {
    public let service: AWSService
    private let transport: SignedTransport
    private let retries: RetryRunner

    public var endpoint: Endpoint { transport.endpoint }

    /// - Parameters:
    ///   - clock: epoch milliseconds, for the signature date (the retry runner has its own for deadlines).
    public init(
        service: AWSService,
        endpoint: Endpoint,
        environment: AWSEnvironment,
        session: CurlSession,
        retries: RetryRunner = RetryRunner(),
        clock: @escaping () -> Int64 = WallClock.nowMilliseconds
    ) {
        self.service = service
        self.transport = SignedTransport(
            endpoint: endpoint, session: session, region: environment.region, signingName: service.signingName,
            credentials: environment.credentials, clock: clock
        )
        self.retries = retries
    }

    /// Calls `operation` with `body` (the JSON input) and returns the parsed JSON output (always an object).
    ///
    /// Blocks until the call succeeds, fails for good, or the deadline leaves no room for another attempt.
    /// - Throws: ``AWSClientError`` with the AWS error code and message of the last attempt.
    public func call(_ operation: String, body: JSONValue, context: CallContext) throws(AWSClientError) -> JSONValue {
        try call(operation, payload: JSONWriter.serialize(body), context: context)
    }

    /// Like ``call(_:body:context:)`` with the JSON input already written (a large request built without a
    /// ``JSONValue`` tree, e.g. 100 evaluations); `payload` must be one JSON object.
    public func call(_ operation: String, payload: [UInt8], context: CallContext) throws(AWSClientError) -> JSONValue {
        try send(operation, payload: payload, context: context) { response, attempt in
            Self.parsedObject(response, operation: operation, attempt: attempt)
        }
    }

    /// Like ``call(_:body:context:)`` but returns the 2xx reply's raw body (`{}` when empty) for the caller to read
    /// selectively (e.g. with a ``JSONCursor``); the caller validates it.
    public func callReturningBody(_ operation: String, body: JSONValue, context: CallContext) throws(AWSClientError) -> [UInt8] {
        try send(operation, payload: JSONWriter.serialize(body), context: context) { response, _ in
            .success(response.body.isEmpty ? Array("{}".utf8) : response.body)
        }
    }

    /// Signs, sends and retries one operation; `read` turns a 2xx reply into the output (or an error for it).
    private func send<Output>(
        _ operation: String,
        payload: [UInt8],
        context: CallContext,
        read: (HTTPResponse, Int) -> Result<Output, AWSClientError>
    ) throws(AWSClientError) -> Output {
        let headers = [
            (name: AWSWire.contentTypeHeader, value: AWSWire.jsonContentType),
            (name: AWSWire.targetHeader, value: "\(service.targetPrefix).\(operation)"),
        ]
        return try retries.run(operation, context: context) { attempt, timeout in
            transport.post(
                operation, headers: headers, body: payload, context: context, attempt: attempt, timeoutMilliseconds: timeout
            ).flatMap { response in
                Self.serviceError(response, operation: operation, attempt: attempt).map { .failure($0) } ?? read(response, attempt)
            }
                .mapError { transport.redacting($0, context: context) }
        }
    }

    /// Sleeps the retry policy's backoff after `attempt` failures unless the deadline forbids another attempt
    /// (for callers that retry at their level, e.g. `FailedEvaluations` re-sends).
    public func backOff(afterAttempt attempt: Int, context: CallContext) -> Bool {
        retries.backOff(afterAttempt: attempt, context: context)
    }

    /// The service error a non-2xx reply reports, or `nil` for a 2xx reply.
    private static func serviceError(_ response: HTTPResponse, operation: String, attempt: Int) -> AWSClientError? {
        guard !(200...299).contains(response.status) else { return nil }
        let body = AWSErrorBody(response: response)
        return AWSClientError(
            .service(awsErrorType: body.errorType, httpStatus: response.status),
            operation: operation, message: body.message, attempts: attempt, awsRequestID: response.headers[AWSWire.requestIDHeader]
        )
    }

    /// A 2xx reply's body as a JSON object (an empty body counts as `{}`).
    private static func parsedObject(_ response: HTTPResponse, operation: String, attempt: Int) -> Result<JSONValue, AWSClientError> {
        let requestID = response.headers[AWSWire.requestIDHeader]
        if response.body.isEmpty { return .success(.object(JSONObject())) }
        let output: JSONValue
        do {
            output = try JSONParser.parse(response.body)
        } catch {
            return .failure(AWSClientError(
                .invalidResponse, operation: operation, message: "body is not JSON: \(error)", attempts: attempt,
                awsRequestID: requestID
            ))
        }
        guard output.objectValue != nil else {
            return .failure(AWSClientError(
                .invalidResponse, operation: operation, message: "body is a JSON \(output.typeName), not an object",
                attempts: attempt, awsRequestID: requestID
            ))
        }
        return .success(output)
    }
}

@available(*, unavailable)
extension AWSJSONClient: Sendable {}
