import AWSClient

/// Why an invocation fails. Each case becomes the `/invocation/{id}/error` document: ``errorType`` and ``message``.
public struct ConfigRuleError: Error, Sendable, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
        /// The event is not what Config sends (not JSON, a required field missing or of the wrong type).
        case malformedEvent
        /// GetResourceConfigHistory returned no configuration item for an oversized notification.
        case configurationItemNotFound
        /// An AWS call failed for good (non-retryable error, retries exhausted, or no time left).
        case awsCallFailed
        /// PutEvaluations kept reporting some evaluations in `FailedEvaluations`.
        case evaluationsNotDelivered
        /// The configured exceptions registry can't be read or is not a registry document (§8).
        case exceptionsUnavailable
    }

    public var code: Code
    public var message: String
    /// The AWS failure behind `.awsCallFailed`.
    public var awsError: AWSClientError?

    public init(_ code: Code, _ message: String, awsError: AWSClientError? = nil) {
        self.code = code
        self.message = message
        self.awsError = awsError
    }

    /// A malformed-event error naming the offending field, e.g. `invokingEvent.configurationItem.resourceId`.
    static func malformed(_ field: String, _ problem: String) -> ConfigRuleError {
        ConfigRuleError(.malformedEvent, "\(field) \(problem)")
    }

    static func aws(_ error: AWSClientError) -> ConfigRuleError {
        ConfigRuleError(.awsCallFailed, error.description, awsError: error)
    }

    /// The stable error type reported to Lambda, e.g. `ConfigRule.MalformedEvent` or, for AWS failures, the AWS error
    /// code (`ConfigRule.AccessDeniedException`, `ConfigRule.ThrottlingException`, `ConfigRule.DeadlineExceeded`).
    public var errorType: String {
        switch code {
        case .malformedEvent: return "ConfigRule.MalformedEvent"
        case .configurationItemNotFound: return "ConfigRule.ConfigurationItemNotFound"
        case .evaluationsNotDelivered: return "ConfigRule.EvaluationsNotDelivered"
        case .exceptionsUnavailable: return "ConfigRule.ExceptionsUnavailable"
        case .awsCallFailed:
            switch awsError?.code {
            case .service(let type, _)?: return "ConfigRule.\(type.filter { $0.isLetter || $0.isNumber })"
            case .transport?: return "ConfigRule.TransportError"
            case .deadlineExceeded?: return "ConfigRule.DeadlineExceeded"
            case .invalidResponse?: return "ConfigRule.InvalidResponse"
            case .missingConfiguration?, .invalidConfiguration?, nil: return "ConfigRule.AWSCallFailed"
            }
        }
    }

    public var description: String { "\(errorType): \(message)" }
}
