import CurlHTTP
import SigV4

/// Sends SigV4-signed `POST`s to one endpoint over one kept-alive libcurl handle. Not thread-safe: owned by the
/// runtime loop's thread.
final class SignedTransport {
    let endpoint: Endpoint
    private let session: CurlSession
    private let region: String
    private let signingName: String
    private let credentials: Credentials
    private let clock: () -> Int64
    /// Signing keys already derived, per credentials (four HMACs saved on every call of the same day).
    private var derivedKeys: [String: DerivedSigningKey] = [:]

    init(endpoint: Endpoint, session: CurlSession, region: String, signingName: String, credentials: Credentials, clock: @escaping () -> Int64) {
        self.endpoint = endpoint
        self.session = session
        self.region = region
        self.signingName = signingName
        self.credentials = credentials
        self.clock = clock
    }

    /// Signs (with `context`'s credentials when set, else the transport's) and sends one request; blocks until the
    /// reply arrives or `timeoutMilliseconds` pass. `X-Amzn-Trace-Id` and `User-Agent` are added unsigned.
    /// - Returns: the reply, whatever its status, or ``AWSClientError`` `.transport` when none was received.
    func post(
        _ operation: String,
        headers: [(name: String, value: String)],
        body: [UInt8],
        context: CallContext,
        attempt: Int,
        timeoutMilliseconds: Int
    ) -> Result<HTTPResponse, AWSClientError> {
        let unsigned = SignableRequest(
            method: "POST", path: endpoint.path,
            headers: [(name: AWSWire.hostHeader, value: endpoint.hostHeader)] + headers, body: body
        )
        let signingCredentials = context.credentials ?? credentials
        var signer = SigV4Signer(credentials: signingCredentials, region: region, service: signingName)
        let epochSeconds = clock() / 1_000
        signer.derivedKey = derivedKey(for: signer, dateStamp: AmzDate.dateStamp(of: AmzDate.format(epochSeconds: epochSeconds)))
        let signed = signer.signed(unsigned, epochSeconds: epochSeconds)
        var httpHeaders = HTTPHeaders(signed.headers.map { HTTPHeaders.Field(name: $0.name, value: $0.value) })
        httpHeaders.add(name: AWSWire.userAgentHeader, value: AWSWire.userAgent)
        if let traceID = context.traceID {
            httpHeaders.add(name: AWSWire.traceHeader, value: traceID)  // unsigned, as the AWS SDKs send it
        }
        let request = HTTPRequest(
            method: "POST", url: endpoint.url, headers: httpHeaders, body: body, timeoutMilliseconds: timeoutMilliseconds
        )
        do {
            return .success(try session.perform(request))
        } catch {
            // The CurlError already carries libcurl's message: repeating it as the AWS message would print it twice.
            return .failure(AWSClientError(.transport(error), operation: operation, attempts: attempt))
        }
    }

    /// The cached signing key of `signer`'s credentials for `dateStamp`, deriving (and caching) it when needed. The
    /// cache is cleared when it would hold more than a few credentials (assumed roles rotate their keys).
    private func derivedKey(for signer: SigV4Signer, dateStamp: String) -> DerivedSigningKey {
        let cacheKey = signer.credentials.accessKeyID + "\u{0}" + signer.credentials.secretAccessKey
        if let cached = derivedKeys[cacheKey], cached.dateStamp == dateStamp { return cached }
        if derivedKeys.count >= 16 { derivedKeys.removeAll() }
        let fresh = signer.signingKey(dateStamp: dateStamp)
        derivedKeys[cacheKey] = fresh
        return fresh
    }

    /// `error` with every secret the request could have carried (secret access key and session token of the
    /// transport's and the context's credentials) replaced by `<redacted>`. AWS echoes the canonical request, and so
    /// the `x-amz-security-token` line, in some signature errors; such a message must never reach a log or an error
    /// document.
    func redacting(_ error: AWSClientError, context: CallContext) -> AWSClientError {
        var redacted = error
        let secrets = [credentials, context.credentials].compactMap { $0 }
            .flatMap { [$0.secretAccessKey, $0.sessionToken ?? ""] }
            .filter { $0.count >= 8 }
        for secret in secrets {
            redacted.message = redacted.message.replacingAll(secret, with: "<redacted>")
        }
        return redacted
    }
}

extension String {
    /// `self` with every occurrence of `target` replaced (stdlib only, no Foundation).
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty, let first = target.first else { return self }
        var result = ""
        var rest = self[...]
        while let start = rest.firstIndex(of: first) {
            if rest[start...].starts(with: target) {
                result += rest[..<start]
                result += replacement
                rest = rest[rest.index(start, offsetBy: target.count)...]
            } else {
                result += rest[...start]
                rest = rest[rest.index(after: start)...]
            }
        }
        return result + rest
    }
}

@available(*, unavailable)
extension SignedTransport: Sendable {}
