/// The wire identity of one AWS service spoken over awsJson1_1: every string that differs between services.
public struct AWSService: Sendable, Equatable {
    /// SigV4 signing name (credential scope), e.g. `config`.
    public var signingName: String
    /// Host prefix of the default endpoint, e.g. `config` → `config.<region>.amazonaws.com`.
    public var endpointPrefix: String
    /// `X-Amz-Target` prefix: the header is `<targetPrefix>.<Operation>`.
    public var targetPrefix: String
    /// Service-specific endpoint override variable, e.g. `AWS_ENDPOINT_URL_CONFIG_SERVICE`.
    public var endpointEnvironmentVariable: String

    public init(signingName: String, endpointPrefix: String, targetPrefix: String, endpointEnvironmentVariable: String) {
        self.signingName = signingName
        self.endpointPrefix = endpointPrefix
        self.targetPrefix = targetPrefix
        self.endpointEnvironmentVariable = endpointEnvironmentVariable
    }

    /// AWS Security Token Service (query protocol; used for AssumeRole only, so no target prefix).
    public static let sts = AWSService(
        signingName: "sts",
        endpointPrefix: "sts",
        targetPrefix: "",
        endpointEnvironmentVariable: "AWS_ENDPOINT_URL_STS"
    )

    /// AWS Config (serviceId `Config Service`).
    public static let config = AWSService(
        signingName: "config",
        endpointPrefix: "config",
        targetPrefix: "StarlingDoveService",
        endpointEnvironmentVariable: "AWS_ENDPOINT_URL_CONFIG_SERVICE"
    )

    /// AWS Systems Manager (Parameter Store), for the exceptions registry (`GetParameter` only).
    public static let ssm = AWSService(
        signingName: "ssm",
        endpointPrefix: "ssm",
        targetPrefix: "AmazonSSM",
        endpointEnvironmentVariable: "AWS_ENDPOINT_URL_SSM"
    )

    /// Amazon ECS (serviceId `ECS`): the task-definition, cluster, task and service reads of the revision scopes.
    public static let ecs = AWSService(
        signingName: "ecs",
        endpointPrefix: "ecs",
        targetPrefix: "AmazonEC2ContainerServiceV20141113",
        endpointEnvironmentVariable: "AWS_ENDPOINT_URL_ECS"
    )
}

/// HTTP wire constants shared by every AWS protocol this client speaks (awsJson1_1 and STS's query protocol).
enum AWSWire {
    static let jsonContentType = "application/x-amz-json-1.1"
    static let formContentType = "application/x-www-form-urlencoded; charset=utf-8"
    static let targetHeader = "X-Amz-Target"
    static let contentTypeHeader = "Content-Type"
    static let hostHeader = "Host"
    static let traceHeader = "X-Amzn-Trace-Id"
    static let userAgentHeader = "User-Agent"
    static let requestIDHeader = "x-amzn-RequestId"
    static let errorTypeHeader = "x-amzn-ErrorType"
    static let userAgent = "pid-mode-rule/0.1.0"
}
