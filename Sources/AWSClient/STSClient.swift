import CurlHTTP
import SigV4
import StructuredLogging

/// Temporary credentials from STS AssumeRole, with their expiry.
public struct AssumedCredentials: Sendable, Equatable {
    public var credentials: Credentials
    public var expirationMilliseconds: Int64
}

/// STS AssumeRole over the query protocol (form-encoded `POST`, XML reply), signed with the function's own
/// credentials. Used for organization rules: the evaluation is put in the member account with a role assumed there.
/// Not thread-safe; blocking.
public final class STSClient {
    private let transport: SignedTransport
    private let retries: RetryRunner

    public init(endpoint: Endpoint, environment: AWSEnvironment, session: CurlSession, retries: RetryRunner = RetryRunner(),
                clock: @escaping () -> Int64 = WallClock.nowMilliseconds) {
        self.transport = SignedTransport(
            endpoint: endpoint, session: session, region: environment.region, signingName: AWSService.sts.signingName,
            credentials: environment.credentials, clock: clock
        )
        self.retries = retries
    }

    static let operation = "AssumeRole"

    /// Assumes `roleARN` for `durationSeconds` (900…43 200). Blocks; retried like every AWS call.
    /// - Throws: ``AWSClientError`` (e.g. `.service("AccessDenied", 403)`), `.invalidResponse` for an unreadable reply.
    public func assumeRole(
        roleARN: String,
        sessionName: String,
        durationSeconds: Int,
        context: CallContext
    ) throws(AWSClientError) -> AssumedCredentials {
        let form = [
            ("Action", Self.operation), ("Version", "2011-06-15"), ("RoleArn", roleARN),
            ("RoleSessionName", sessionName), ("DurationSeconds", String(durationSeconds)),
        ].map { "\(Self.formEncode($0.0))=\(Self.formEncode($0.1))" }.joined(separator: "&")
        let headers = [(name: AWSWire.contentTypeHeader, value: AWSWire.formContentType)]
        var unsignedContext = context
        unsignedContext.credentials = nil  // always the function's own credentials
        return try retries.run(Self.operation, context: unsignedContext) { attempt, timeout in
            transport.post(
                Self.operation, headers: headers, body: Array(form.utf8), context: unsignedContext, attempt: attempt,
                timeoutMilliseconds: timeout
            ).flatMap { Self.interpret($0, attempt: attempt) }
                .mapError { transport.redacting($0, context: unsignedContext) }
        }
    }

    private static func interpret(_ response: HTTPResponse, attempt: Int) -> Result<AssumedCredentials, AWSClientError> {
        let document = String(decoding: response.body, as: UTF8.self)
        let requestID = response.headers[AWSWire.requestIDHeader] ?? XMLText.firstElement("RequestId", in: document)
        guard (200...299).contains(response.status) else {
            let code = XMLText.firstElement("Code", in: document) ?? "HTTP\(response.status)"
            return .failure(AWSClientError(
                .service(awsErrorType: code, httpStatus: response.status), operation: operation,
                message: XMLText.firstElement("Message", in: document) ?? "", attempts: attempt, awsRequestID: requestID
            ))
        }
        guard let accessKeyID = XMLText.firstElement("AccessKeyId", in: document),
            let secret = XMLText.firstElement("SecretAccessKey", in: document),
            let token = XMLText.firstElement("SessionToken", in: document),
            let expirationText = XMLText.firstElement("Expiration", in: document),
            let expiration = CivilTime.epochMilliseconds(iso8601: expirationText)
        else {
            return .failure(AWSClientError(
                .invalidResponse, operation: operation, message: "AssumeRole reply lacks Credentials", attempts: attempt,
                awsRequestID: requestID
            ))
        }
        return .success(AssumedCredentials(
            credentials: Credentials(accessKeyID: accessKeyID, secretAccessKey: secret, sessionToken: token),
            expirationMilliseconds: expiration
        ))
    }

    /// `application/x-www-form-urlencoded` value encoding: unreserved characters kept, everything else `%XX`.
    static func formEncode(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                result += "%"
                result.unicodeScalars.append(hex[Int(byte >> 4)])
                result.unicodeScalars.append(hex[Int(byte & 0x0F)])
            }
        }
        return result
    }
}

@available(*, unavailable)
extension STSClient: Sendable {}
