import CurlHTTP
import StructuredLogging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// An invocation exactly as `/next` delivered it: headers (not yet validated) and the event bytes.
public struct RawInvocation: Sendable {
    public var headers: HTTPHeaders
    public var event: [UInt8]
}

/// How the Runtime API took an answer that it did not fail on.
public enum AnswerOutcome: Sendable, Equatable {
    /// 2xx: the answer is recorded; go on to `/next`.
    case accepted
    /// 400 (unknown request id), 403 (already answered), 413 (too large, Lambda already failed the invocation) or
    /// another client error: nothing to retry for this id; log it and go on to `/next`.
    case rejected(status: Int, detail: String)
}

/// The Runtime API over one kept-alive libcurl connection. Not thread-safe: owned by the runtime loop.
public final class RuntimeAPIClient {
    private let endpoint: String
    private let session: CurlSession
    private let logger: Logger
    /// How many times a request is sent when the connection fails before any HTTP status arrives.
    private let transportAttempts: Int
    private let retryDelayMicroseconds: UInt32

    /// - Parameters:
    ///   - endpoint: `host:port` from `AWS_LAMBDA_RUNTIME_API`.
    ///   - session: the libcurl handle dedicated to the Runtime API (keep-alive across invocations).
    public init(
        endpoint: String,
        session: CurlSession,
        logger: Logger,
        transportAttempts: Int = 3,
        retryDelayMicroseconds: UInt32 = 50_000
    ) {
        self.endpoint = endpoint
        self.session = session
        self.logger = logger
        self.transportAttempts = max(1, transportAttempts)
        self.retryDelayMicroseconds = retryDelayMicroseconds
    }

    /// Blocks, without a time limit, until Lambda hands over the next invocation.
    /// - Throws: ``LambdaRuntimeError`` `.containerError` on HTTP 500, `.transport` after the allowed connection
    ///   retries, `.unexpectedStatus` for any other non-200 status. Each means the process should exit.
    public func next() throws(LambdaRuntimeError) -> RawInvocation {
        let response = try send(.next)
        switch response.status {
        case 200:
            return RawInvocation(headers: response.headers, event: response.body)
        case 500...599:
            throw LambdaRuntimeError(.containerError, detail: bodyText(response))
        default:
            throw LambdaRuntimeError(.unexpectedStatus(response.status), detail: bodyText(response))
        }
    }

    /// Posts the successful result of invocation `requestID`. Called at most once per request id.
    /// - Throws: ``LambdaRuntimeError`` when the process should exit (HTTP 5xx, Runtime API unreachable).
    public func respond(requestID: String, body: [UInt8]) throws(LambdaRuntimeError) -> AnswerOutcome {
        try answerOutcome(send(.response(requestID: requestID, body: body)))
    }

    /// Posts the error document for invocation `requestID`. Called at most once per request id.
    /// - Throws: ``LambdaRuntimeError`` when the process should exit (HTTP 5xx, Runtime API unreachable).
    public func fail(requestID: String, error: ErrorResponse) throws(LambdaRuntimeError) -> AnswerOutcome {
        try answerOutcome(send(.error(requestID: requestID, error)))
    }

    /// Reports a start-up failure (`/runtime/init/error`); the caller exits non-zero afterwards.
    public func failInitialization(error: ErrorResponse) throws(LambdaRuntimeError) -> AnswerOutcome {
        try answerOutcome(send(.initError(error)))
    }

    private func answerOutcome(_ response: HTTPResponse) throws(LambdaRuntimeError) -> AnswerOutcome {
        switch response.status {
        case 200...299:
            return .accepted
        case 500...599:
            throw LambdaRuntimeError(.containerError, detail: bodyText(response))
        default:
            return .rejected(status: response.status, detail: bodyText(response))
        }
    }

    /// Sends one request, re-sending it when the connection fails before a status arrives (a kept-alive
    /// connection may have died while Lambda froze the process).
    private func send(_ request: RuntimeAPIRequest) throws(LambdaRuntimeError) -> HTTPResponse {
        let httpRequest = request.httpRequest(endpoint: endpoint)
        var attempt = 1
        while true {
            do {
                return try session.perform(httpRequest)
            } catch {
                guard error.isTransient, attempt < transportAttempts else {
                    throw LambdaRuntimeError(.transport(error))
                }
                logger.warn("Runtime API request failed, retrying", ["attempt": .int(attempt), "error": .string(error.description)])
                attempt += 1
                usleep(retryDelayMicroseconds * UInt32(attempt - 1))
            }
        }
    }

    private func bodyText(_ response: HTTPResponse) -> String {
        String(decoding: response.body.prefix(1_024), as: UTF8.self)
    }
}

@available(*, unavailable)
extension RuntimeAPIClient: Sendable {}
