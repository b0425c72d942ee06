import CurlHTTP
import JSON
import StructuredLogging

/// One Parameter Store parameter as `GetParameter` returns it.
public struct SSMParameter: Sendable, Equatable {
    /// The name as SSM reports it (an ARN request is answered with the plain name).
    public var name: String
    /// The value, decrypted for a `SecureString`.
    public var value: String
    /// `String`, `StringList` or `SecureString`.
    public var type: String?
    /// The parameter's version (every `PutParameter` adds one; the history is the audit trail).
    public var version: Int64?

    public init(name: String, value: String, type: String? = nil, version: Int64? = nil) {
        self.name = name
        self.value = value
        self.type = type
        self.version = version
    }
}

/// AWS Systems Manager Parameter Store over awsJson1_1 (`X-Amz-Target: AmazonSSM.<Operation>`, signing name `ssm`,
/// endpoint `AWS_ENDPOINT_URL_SSM` > `AWS_ENDPOINT_URL` > `https://ssm.<region>.amazonaws.com`), with the same
/// retries and deadline as every call of ``AWSJSONClient``. Blocking; not thread-safe (owned by the runtime loop).
public final class SSMClient {
    private let client: AWSJSONClient

    /// - Parameter client: an ``AWSJSONClient`` for ``AWSService/ssm``.
    public init(client: AWSJSONClient) {
        self.client = client
    }

    /// `GetParameter{Name, WithDecryption: true}`: the current value of `name` (a name or an ARN).
    ///
    /// Signed with `context.credentials` when set, else the client's own; callers that must read with the function's
    /// own credentials pass a context without credentials.
    /// - Throws: ``AWSClientError``: `.service("ParameterNotFound", 400)`, `.service("AccessDeniedException", 400)`,
    ///   throttling after the last retry, `.deadlineExceeded`, `.transport`, or `.invalidResponse` when the reply has
    ///   no `Parameter.Value` string.
    public func getParameter(name: String, context: CallContext) throws(AWSClientError) -> SSMParameter {
        let request = JSONValue.object(JSONObject([
            SSMWire.Member.name: .string(name),
            SSMWire.Member.withDecryption: .bool(true),
        ]))
        let output = try client.call(SSMWire.getParameter, body: request, context: context)
        guard let parameter = output[SSMWire.Member.parameter], let value = parameter[SSMWire.Member.value]?.stringValue else {
            throw AWSClientError(
                .invalidResponse, operation: SSMWire.getParameter, message: "the reply has no Parameter.Value string", attempts: 1
            )
        }
        return SSMParameter(
            name: parameter[SSMWire.Member.name]?.stringValue ?? name,
            value: value,
            type: parameter[SSMWire.Member.type]?.stringValue,
            version: parameter[SSMWire.Member.version]?.numberText.flatMap { Int64($0) }
        )
    }

    /// The error code SSM answers for a parameter that does not exist.
    public static let parameterNotFound = SSMWire.parameterNotFound
}

@available(*, unavailable)
extension SSMClient: Sendable {}
