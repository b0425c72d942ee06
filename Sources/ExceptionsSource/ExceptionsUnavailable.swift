import AWSClient

/// The configured exceptions registry can't be used: the SSM parameter can't be read (`ParameterNotFound`,
/// `AccessDeniedException`, retries exhausted, no time left), or its value is not a registry document (not JSON, not
/// an object, `schemaVersion` not 1, `exceptions` not an array). rule-semantics §8: the caller must then fail rather
/// than decide as if there were no exceptions (the Config rule reports `ConfigRule.ExceptionsUnavailable`; the hook
/// answers `FAILED` `InternalFailure`).
public struct ExceptionsUnavailable: Error, Sendable, CustomStringConvertible {
    /// The SSM parameter name or ARN that was configured.
    public var parameterName: String
    /// What went wrong, e.g. `GetParameter failed: ParameterNotFound (HTTP 400)` or `schemaVersion must be 1`.
    public var problem: String
    /// The AWS failure, when reading the parameter failed.
    public var awsError: AWSClientError?

    public init(parameterName: String, problem: String, awsError: AWSClientError? = nil) {
        self.parameterName = parameterName
        self.problem = problem
        self.awsError = awsError
    }

    /// `exceptions registry /pid-mode-rule/exceptions is unusable: <problem>`.
    public var description: String { "exceptions registry \(parameterName) is unusable: \(problem)" }
}
