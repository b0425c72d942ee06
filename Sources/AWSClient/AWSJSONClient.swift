import CurlHTTP
import JSON
import SigV4
import StructuredLogging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// What one AWS call needs to know about the invocation it serves.
public struct CallContext: Sendable {
    /// The invocation deadline (epoch milliseconds); no attempt or backoff runs past it (minus the policy's reserve).
    public var deadlineMilliseconds: Int64
    /// Sent unsigned as `X-Amzn-Trace-Id` when present.
    public var traceID: String?
    public var logger: Logger

    public init(deadlineMilliseconds: Int64, traceID: String?, logger: Logger) {
        self.deadlineMilliseconds = deadlineMilliseconds
        self.traceID = traceID
        self.logger = logger
    }
}

/// An awsJson1_1 client for one service: signs with SigV4, posts over one kept-alive libcurl handle, parses error
/// replies and retries what ``RetryPolicy`` allows inside the invocation deadline.
///
/// Not thread-safe: owned by the runtime loop's thread. Each `call` blocks until it succeeds or gives up.
public final class AWSJSONClient {
    public let service: AWSService
    public let endpoint: Endpoint
    private let signer: SigV4Signer
    private let session: CurlSession
    private let policy: RetryPolicy
    private let clock: () -> Int64
    private let sleep: (Int) -> Void
    private let jitter: (Int) -> Int

    /// - Parameters:
    ///   - clock: epoch milliseconds (signing time and deadline checks).
    ///   - sleep: blocks for the given milliseconds (backoff).
    ///   - jitter: a uniformly random integer in `0...ceiling`.
    public init(
        service: AWSService,
        endpoint: Endpoint,
        environment: AWSEnvironment,
        session: CurlSession,
        policy: RetryPolicy = RetryPolicy(),
        clock: @escaping () -> Int64 = WallClock.nowMilliseconds,
        sleep: @escaping (Int) -> Void = { milliseconds in usleep(UInt32(max(0, milliseconds)) * 1_000) },
        jitter: @escaping (Int) -> Int = { ceiling in Int.random(in: 0...max(0, ceiling)) }
    ) {
        self.service = service
        self.endpoint = endpoint
        self.signer = SigV4Signer(credentials: environment.credentials, region: environment.region, service: service.signingName)
        self.session = session
        self.policy = policy
        self.clock = clock
        self.sleep = sleep
        self.jitter = jitter
    }

    /// Calls `operation` with `body` (the JSON input) and returns the parsed JSON output.
    ///
    /// Blocks until the call succeeds, fails for good, or the deadline leaves no room for another attempt.
    /// - Throws: ``AWSClientError`` with the AWS error code and message of the last attempt.
    public func call(_ operation: String, body: JSONValue, context: CallContext) throws(AWSClientError) -> JSONValue {
        let payload = JSONWriter.serialize(body)
        var attempt = 0
        while true {
            attempt += 1
            let remaining = context.deadlineMilliseconds - clock() - Int64(policy.reserveMilliseconds)
            guard remaining >= Int64(policy.minimumAttemptMilliseconds) else {
                throw AWSClientError(.deadlineExceeded, operation: operation, attempts: attempt - 1)
            }
            let timeout = Int(min(remaining, Int64(policy.attemptTimeoutMilliseconds)))
            let started = WallClock.monotonicNanoseconds()
            let failure: AWSClientError
            switch send(operation, payload: payload, timeout: timeout, traceID: context.traceID, attempt: attempt) {
            case .success(let output):
                context.logger.debug("AWS call succeeded", [
                    "operation": .string(operation), "attempt": .int(attempt),
                    "durationMs": .double(Double(WallClock.monotonicNanoseconds() - started) / 1e6),
                ])
                return output
            case .failure(let error):
                failure = error
            }
            guard RetryPolicy.isRetryable(failure), attempt < policy.maxAttempts else { throw failure }
            context.logger.warn("AWS call failed, retrying", [
                "operation": .string(operation), "attempt": .int(attempt), "error": .string(failure.description),
            ])
            guard backOff(afterAttempt: attempt, context: context) else { throw failure }
        }
    }

    /// Sleeps the policy's jittered backoff after `attempt` failures, unless that would leave no time for another
    /// attempt before the deadline.
    /// - Returns: `false` (without sleeping) when the deadline does not allow another attempt.
    public func backOff(afterAttempt attempt: Int, context: CallContext) -> Bool {
        guard attempt < policy.maxAttempts else { return false }
        let delay = jitter(policy.backoffCeilingMilliseconds(afterAttempt: attempt))
        let afterDelay = context.deadlineMilliseconds - clock() - Int64(delay) - Int64(policy.reserveMilliseconds)
        guard afterDelay >= Int64(policy.minimumAttemptMilliseconds) else { return false }
        sleep(delay)
        return true
    }

    /// One attempt: build, sign, send, interpret.
    private func send(
        _ operation: String,
        payload: [UInt8],
        timeout: Int,
        traceID: String?,
        attempt: Int
    ) -> Result<JSONValue, AWSClientError> {
        let unsigned = SignableRequest(
            method: "POST",
            path: endpoint.path,
            headers: [
                (name: AWSJSONWire.hostHeader, value: endpoint.hostHeader),
                (name: AWSJSONWire.contentTypeHeader, value: AWSJSONWire.contentType),
                (name: AWSJSONWire.targetHeader, value: "\(service.targetPrefix).\(operation)"),
            ],
            body: payload
        )
        let signed = signer.signed(unsigned, epochSeconds: clock() / 1_000)
        var headers = HTTPHeaders(signed.headers.map { HTTPHeaders.Field(name: $0.name, value: $0.value) })
        headers.add(name: AWSJSONWire.userAgentHeader, value: AWSJSONWire.userAgent)
        if let traceID {
            headers.add(name: AWSJSONWire.traceHeader, value: traceID)  // unsigned, as the AWS SDKs send it
        }
        let request = HTTPRequest(method: "POST", url: endpoint.url, headers: headers, body: payload, timeoutMilliseconds: timeout)
        let response: HTTPResponse
        do {
            response = try session.perform(request)
        } catch {
            return .failure(AWSClientError(.transport(error), operation: operation, message: error.message, attempts: attempt))
        }
        let requestID = response.headers[AWSJSONWire.requestIDHeader]
        guard (200...299).contains(response.status) else {
            let body = AWSErrorBody(response: response)
            return .failure(AWSClientError(
                .service(awsErrorType: body.errorType, httpStatus: response.status),
                operation: operation, message: body.message, attempts: attempt, awsRequestID: requestID
            ))
        }
        if response.body.isEmpty { return .success(.object(JSONObject())) }
        do {
            return .success(try JSONParser.parse(response.body))
        } catch {
            return .failure(AWSClientError(
                .invalidResponse, operation: operation, message: "body is not JSON: \(error)", attempts: attempt,
                awsRequestID: requestID
            ))
        }
    }
}

@available(*, unavailable)
extension AWSJSONClient: Sendable {}
