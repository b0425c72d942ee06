import SigV4

/// Region and credentials for AWS calls, read from the Lambda environment.
public struct AWSEnvironment: Sendable, Equatable {
    public var region: String
    public var credentials: Credentials

    /// The ARN partition of the region: `aws-cn` for `cn-*`, `aws-us-gov` for `us-gov-*`, else `aws`.
    public var partition: String {
        if region.hasPrefix("cn-") { return "aws-cn" }
        if region.hasPrefix("us-gov-") { return "aws-us-gov" }
        return "aws"
    }

    public init(region: String, credentials: Credentials) {
        self.region = region
        self.credentials = credentials
    }

    /// Region from `AWS_REGION`, else `AWS_DEFAULT_REGION`; credentials from `AWS_ACCESS_KEY_ID`,
    /// `AWS_SECRET_ACCESS_KEY` and the optional `AWS_SESSION_TOKEN` (empty counts as unset).
    /// - Throws: ``AWSClientError`` `.missingConfiguration` naming the first missing variable.
    public init(environment: [String: String]) throws(AWSClientError) {
        func value(_ name: String) -> String? {
            guard let text = environment[name], !text.isEmpty else { return nil }
            return text
        }
        guard let region = value("AWS_REGION") ?? value("AWS_DEFAULT_REGION") else {
            throw AWSClientError(.missingConfiguration(name: "AWS_REGION"))
        }
        guard let accessKeyID = value("AWS_ACCESS_KEY_ID") else {
            throw AWSClientError(.missingConfiguration(name: "AWS_ACCESS_KEY_ID"))
        }
        guard let secretAccessKey = value("AWS_SECRET_ACCESS_KEY") else {
            throw AWSClientError(.missingConfiguration(name: "AWS_SECRET_ACCESS_KEY"))
        }
        self.init(
            region: region,
            credentials: Credentials(
                accessKeyID: accessKeyID,
                secretAccessKey: secretAccessKey,
                sessionToken: value("AWS_SESSION_TOKEN")
            )
        )
    }
}
