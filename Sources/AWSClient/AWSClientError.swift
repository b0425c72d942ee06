import CurlHTTP

/// Every failure of an AWS call or of the AWS configuration, with the operation and AWS error code it concerns.
public struct AWSClientError: Error, Sendable, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
        /// A required environment variable is absent or empty.
        case missingConfiguration(name: String)
        /// An environment variable has an unusable value (e.g. an endpoint URL without scheme).
        case invalidConfiguration(name: String, value: String)
        /// The service answered with an error (`__type` after the last `#`, e.g. `ThrottlingException`).
        case service(awsErrorType: String, httpStatus: Int)
        /// No HTTP response was received.
        case transport(CurlError)
        /// The invocation deadline cut the call short: too little time was left to try (again), or the attempt's time
        /// limit, cut to the time left, ran out without a reply.
        case deadlineExceeded
        /// A 2xx reply whose body is not the JSON the operation returns.
        case invalidResponse
    }

    public var code: Code
    /// The operation that failed, e.g. `PutEvaluations` (empty for configuration errors).
    public var operation: String
    /// The service's or the transport's message.
    public var message: String
    /// How many times the request was sent.
    public var attempts: Int
    /// The `x-amzn-RequestId` of the last reply, when there was one.
    public var awsRequestID: String?

    public init(_ code: Code, operation: String = "", message: String = "", attempts: Int = 0, awsRequestID: String? = nil) {
        self.code = code
        self.operation = operation
        self.message = message
        self.attempts = attempts
        self.awsRequestID = awsRequestID
    }

    /// The AWS error code for service errors (`ThrottlingException`, `AccessDeniedException`, …), else `nil`.
    public var awsErrorType: String? {
        if case .service(let type, _) = code { return type }
        return nil
    }

    public var description: String {
        let what: String
        switch code {
        case .missingConfiguration(let name): return "environment variable \(name) is not set"
        case .invalidConfiguration(let name, let value): return "environment variable \(name) has an invalid value '\(value)'"
        case .service(let type, let status): what = "\(type) (HTTP \(status))"
        case .transport(let error): what = "transport failure, \(error)"
        case .deadlineExceeded: what = "deadline exceeded"
        case .invalidResponse: what = "unreadable response"
        }
        var text = "\(operation) failed: \(what)"
        if !message.isEmpty { text += ": \(message)" }
        if attempts > 1 { text += " (after \(attempts) attempts)" }
        return text
    }
}
