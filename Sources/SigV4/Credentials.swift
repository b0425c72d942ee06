/// AWS credentials used to sign a request.
///
/// The values are used verbatim: no trimming or validation is done. An empty
/// `sessionToken` (`""`) is treated like `nil` by ``SigV4Signer``, since an empty
/// `X-Amz-Security-Token` header is never valid.
///
/// `description` and `debugDescription` redact the secret key and the token, so
/// interpolating a `Credentials` value into a log line does not leak them.
public struct Credentials: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The access key ID (e.g. `AKIDEXAMPLE`); it appears in clear in the `Authorization` header.
    public var accessKeyID: String
    /// The secret access key; it only ever enters the HMAC key derivation, never a header.
    public var secretAccessKey: String
    /// The session token of temporary credentials (STS, Lambda execution role), or `nil`
    /// for long-term keys. When non-empty it is sent as `X-Amz-Security-Token`.
    public var sessionToken: String?

    /// Creates credentials from their three parts; nothing is validated.
    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }

    /// The session token if it is present and non-empty, else `nil`.
    public var effectiveSessionToken: String? {
        guard let token = sessionToken, !token.isEmpty else { return nil }
        return token
    }

    /// A redacted rendering: the access key ID, and whether a token is present.
    public var description: String {
        "Credentials(accessKeyID: \(accessKeyID), secretAccessKey: <redacted>, sessionToken: \(effectiveSessionToken == nil ? "nil" : "<redacted>"))"
    }

    /// Same as ``description``: secrets are redacted.
    public var debugDescription: String { description }
}
