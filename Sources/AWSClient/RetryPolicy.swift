import CurlHTTP

/// Which failed calls are sent again, how often, and how long to wait in between (exponential backoff with full
/// jitter), always leaving time to answer the invocation before its deadline.
public struct RetryPolicy: Sendable {
    /// Most times one request is sent (first try included).
    public var maxAttempts: Int
    /// Backoff before retry *n* is uniformly random in `0 … min(maxDelay, baseDelay · 2^(n-1))` milliseconds.
    public var baseDelayMilliseconds: Int
    public var maxDelayMilliseconds: Int
    /// Upper bound for one attempt (connect + request + reply).
    public var attemptTimeoutMilliseconds: Int
    /// Time kept free before the invocation deadline for answering the Runtime API.
    public var reserveMilliseconds: Int
    /// An attempt is not started with less time than this left (after the reserve).
    public var minimumAttemptMilliseconds: Int

    public init(
        maxAttempts: Int = 6,
        baseDelayMilliseconds: Int = 50,
        maxDelayMilliseconds: Int = 2_000,
        attemptTimeoutMilliseconds: Int = 10_000,
        reserveMilliseconds: Int = 300,
        minimumAttemptMilliseconds: Int = 200
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelayMilliseconds = baseDelayMilliseconds
        self.maxDelayMilliseconds = maxDelayMilliseconds
        self.attemptTimeoutMilliseconds = attemptTimeoutMilliseconds
        self.reserveMilliseconds = reserveMilliseconds
        self.minimumAttemptMilliseconds = minimumAttemptMilliseconds
    }

    /// AWS error codes that mean "slow down and try again" (the SDKs' standard retry mode set).
    public static let throttlingErrorTypes: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
        "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled", "SlowDown",
        "PriorRequestNotComplete", "EC2ThrottledException",
    ]

    /// AWS error codes for transient service-side failures.
    public static let transientErrorTypes: Set<String> = [
        "RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete", "InternalFailure", "InternalError",
        "ServiceUnavailable",
    ]

    /// Whether a service error may succeed when sent again: throttling and transient codes, HTTP 429, 5xx.
    public static func isRetryable(awsErrorType: String, httpStatus: Int) -> Bool {
        throttlingErrorTypes.contains(awsErrorType) || transientErrorTypes.contains(awsErrorType)
            || httpStatus == 429 || (500...599).contains(httpStatus)
    }

    /// Whether a failure is the service asking to slow down: a throttling error code or HTTP 429.
    public static func isThrottling(_ error: AWSClientError) -> Bool {
        guard case .service(let type, let status) = error.code else { return false }
        return throttlingErrorTypes.contains(type) || status == 429
    }

    /// Whether a failure may succeed when sent again.
    public static func isRetryable(_ error: AWSClientError) -> Bool {
        switch error.code {
        case .service(let type, let status): isRetryable(awsErrorType: type, httpStatus: status)
        case .transport(let curlError): curlError.isTransient
        case .missingConfiguration, .invalidConfiguration, .deadlineExceeded, .invalidResponse: false
        }
    }

    /// The upper bound of the backoff before attempt `attempt + 1` (after `attempt` failures), in milliseconds.
    public func backoffCeilingMilliseconds(afterAttempt attempt: Int) -> Int {
        let exponent = min(max(attempt - 1, 0), 20)
        return min(maxDelayMilliseconds, baseDelayMilliseconds << exponent)
    }
}
