import CurlHTTP
import Testing

@testable import AWSClient

@Suite("RetryPolicy")
struct RetryPolicyTests {
    func service(_ type: String, _ status: Int) -> AWSClientError {
        AWSClientError(.service(awsErrorType: type, httpStatus: status), operation: "PutEvaluations")
    }

    func transport(_ code: CurlError.Code) -> AWSClientError {
        AWSClientError(.transport(CurlError(code: code, curlCode: 0, message: "test")), operation: "PutEvaluations")
    }

    @Test("throttling codes are retried", arguments: [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException", "TooManyRequestsException",
        "ProvisionedThroughputExceededException", "TransactionInProgressException", "RequestLimitExceeded",
        "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
        "EC2ThrottledException",
    ])
    func throttling(type: String) {
        #expect(RetryPolicy.isRetryable(service(type, 400)))
    }

    @Test("transient service codes are retried", arguments: ["RequestTimeout", "RequestTimeoutException", "InternalFailure", "ServiceUnavailable"])
    func transientCodes(type: String) {
        #expect(RetryPolicy.isRetryable(service(type, 400)))
    }

    @Test("HTTP 5xx and 429 are retried whatever the code", arguments: [500, 502, 503, 504, 599, 429])
    func statuses(status: Int) {
        #expect(RetryPolicy.isRetryable(service("HTTP\(status)", status)))
        #expect(RetryPolicy.isRetryable(service("SomethingNew", status)))
    }

    @Test("transient transport failures are retried", arguments: [CurlError.Code.couldNotConnect, .couldNotResolveHost, .timedOut, .connectionLost])
    func transientTransport(code: CurlError.Code) {
        #expect(RetryPolicy.isRetryable(transport(code)))
    }

    @Test("other transport failures are not retried", arguments: [CurlError.Code.tls, .invalidURL, .setupFailed, .other])
    func permanentTransport(code: CurlError.Code) {
        #expect(!RetryPolicy.isRetryable(transport(code)))
    }

    @Test("client errors are not retried", arguments: [
        ("AccessDeniedException", 400), ("AccessDeniedException", 403), ("ValidationException", 400),
        ("InvalidResultTokenException", 400), ("InvalidParameterValueException", 400), ("NoSuchConfigRuleException", 400),
        ("ExpiredTokenException", 400), ("UnrecognizedClientException", 400), ("HTTP400", 400), ("HTTP404", 404),
        ("HTTP413", 413),
    ])
    func nonRetryable(type: String, status: Int) {
        #expect(!RetryPolicy.isRetryable(service(type, status)))
    }

    @Test("deadline, invalid response and configuration errors are not retried")
    func otherCodes() {
        #expect(!RetryPolicy.isRetryable(AWSClientError(.deadlineExceeded)))
        #expect(!RetryPolicy.isRetryable(AWSClientError(.invalidResponse)))
        #expect(!RetryPolicy.isRetryable(AWSClientError(.missingConfiguration(name: "AWS_REGION"))))
        #expect(!RetryPolicy.isRetryable(AWSClientError(.invalidConfiguration(name: "AWS_ENDPOINT_URL", value: "x"))))
    }

    @Test("backoff ceilings: 50, 100, 200, … capped at 2000")
    func ceilings() {
        let policy = RetryPolicy()
        #expect((1...9).map { policy.backoffCeilingMilliseconds(afterAttempt: $0) } == [50, 100, 200, 400, 800, 1600, 2000, 2000, 2000])
        #expect(policy.backoffCeilingMilliseconds(afterAttempt: 64) == 2000)
        #expect(policy.backoffCeilingMilliseconds(afterAttempt: Int.max) == 2000)
        #expect(policy.backoffCeilingMilliseconds(afterAttempt: 0) == 50)
    }

    @Test("custom base and cap")
    func customCeilings() {
        let policy = RetryPolicy(baseDelayMilliseconds: 10, maxDelayMilliseconds: 35)
        #expect((1...4).map { policy.backoffCeilingMilliseconds(afterAttempt: $0) } == [10, 20, 35, 35])
    }

    @Test("defaults and clamping")
    func defaults() {
        let policy = RetryPolicy()
        #expect(policy.maxAttempts >= 3)
        #expect(RetryPolicy(maxAttempts: 0).maxAttempts == 1)
        #expect(RetryPolicy(maxAttempts: -5).maxAttempts == 1)
    }
}
