/// AWS Signature Version 4 header signer (`Authorization` header, not presigned URLs).
///
/// Stateless and `Sendable`: one signer may be shared by concurrent tasks. Nothing
/// here traps on any input; a malformed request just produces a signature that AWS
/// will reject.
///
/// What `sign` does, in order (every stage function below applies the same steps, so
/// each stage can be checked against the official test suites):
/// 1. Takes the request headers, drops any `X-Amz-Date` and sets `X-Amz-Date: amzDate`.
///    If ``addContentSHA256Header`` is on, replaces `X-Amz-Content-Sha256` with the body
///    hash. If the credentials carry a non-empty session token, replaces
///    `X-Amz-Security-Token` with it. All of these are signed, except the token when
///    ``signSessionToken`` is off.
/// 2. Canonical request: see ``CanonicalRequest``. All headers but the ones in
///    ``CanonicalRequest/unsignedHeaderNames`` are signed, including `host`, which the
///    caller must supply.
/// 3. String to sign, 4. signature (``StringToSign``, ``SigningKey``).
public struct SigV4Signer: Sendable {
    /// The credentials the signature is made with.
    public var credentials: Credentials
    /// A signing key derived earlier with ``signingKey(dateStamp:)`` for these credentials, region and service; used
    /// when its date matches the request's (else the key is derived again). `nil` by default.
    public var derivedKey: DerivedSigningKey?
    /// The signing region, e.g. `eu-west-3`.
    public var region: String
    /// The signing name of the service, e.g. `config` or `ecs`.
    public var service: String
    /// Remove dot segments and empty segments from the path before encoding it. `true`
    /// for every service but S3.
    public var normalizePath: Bool
    /// Whether `X-Amz-Security-Token` is part of the signature (`true`, what botocore and
    /// the AWS services this project calls expect), or only added to the request after
    /// signing (`false`: the suites' `post-sts-header-after`, aws-c-auth's
    /// `omit_session_token`).
    public var signSessionToken: Bool
    /// Whether to add a signed `X-Amz-Content-Sha256` header carrying the payload hash
    /// (aws-c-auth's `sign_body`; S3 needs it, JSON APIs do not). Default `false`.
    public var addContentSHA256Header: Bool

    /// Creates a signer. No validation is done; all parameters are used verbatim.
    public init(
        credentials: Credentials,
        region: String,
        service: String,
        normalizePath: Bool = true,
        signSessionToken: Bool = true,
        addContentSHA256Header: Bool = false
    ) {
        self.credentials = credentials
        self.region = region
        self.service = service
        self.normalizePath = normalizePath
        self.signSessionToken = signSessionToken
        self.addContentSHA256Header = addContentSHA256Header
    }

    // MARK: - Stages

    /// Stage 1: the canonical request of `request` as it will be sent when signed at
    /// `amzDate` (`YYYYMMDD'T'HHMMSS'Z'`), i.e. after step 1 in the type's overview
    /// (`X-Amz-Date`, and the session token unless ``signSessionToken`` is off, are
    /// included whether or not `request` already carries them).
    public func canonicalRequest(for request: SignableRequest, amzDate: String) -> String {
        canonicalParts(for: request, amzDate: amzDate).text
    }

    /// Stage 2: the string to sign for a canonical request made at `amzDate`, with this
    /// signer's region and service in the scope.
    public func stringToSign(canonicalRequest: String, amzDate: String) -> String {
        StringToSign.build(
            canonicalRequest: canonicalRequest, amzDate: amzDate, credentialScope: credentialScope(amzDate: amzDate))
    }

    /// Stages 3 and 4: the lower-case hex signature of `stringToSign`, with the key
    /// derived for the date in `amzDate` and this signer's secret, region and service
    /// (``derivedKey`` is used instead of deriving it again when it is for that date).
    public func signature(stringToSign: String, amzDate: String) -> String {
        let dateStamp = AmzDate.dateStamp(of: amzDate)
        let key = derivedKey.flatMap { $0.dateStamp == dateStamp ? $0.key : nil } ?? signingKey(dateStamp: dateStamp).key
        return SigningKey.signature(stringToSign: stringToSign, key: key)
    }

    /// The signing key for `dateStamp` (`YYYYMMDD`) with this signer's secret, region and service: four HMACs, the
    /// same all day, so a caller that signs often keeps it in ``derivedKey``.
    public func signingKey(dateStamp: String) -> DerivedSigningKey {
        DerivedSigningKey(
            dateStamp: dateStamp,
            key: SigningKey.derive(
                secretAccessKey: credentials.secretAccessKey, dateStamp: dateStamp, region: region, service: service))
    }

    /// The credential scope `YYYYMMDD/region/service/aws4_request` for `amzDate`.
    public func credentialScope(amzDate: String) -> String {
        StringToSign.credentialScope(amzDate: amzDate, region: region, service: service)
    }

    /// The complete `Authorization` header value for `request` signed at `amzDate`:
    /// `AWS4-HMAC-SHA256 Credential=AKID/scope, SignedHeaders=a;b, Signature=hex`.
    public func authorization(for request: SignableRequest, amzDate: String) -> String {
        let parts = canonicalParts(for: request, amzDate: amzDate)
        let sts = stringToSign(canonicalRequest: parts.text, amzDate: amzDate)
        return StringToSign.algorithm
            + " Credential=" + credentials.accessKeyID + "/" + credentialScope(amzDate: amzDate)
            + ", SignedHeaders=" + parts.signedHeaders
            + ", Signature=" + signature(stringToSign: sts, amzDate: amzDate)
    }

    // MARK: - Signing

    /// Signs `request` at `epochSeconds` (Unix time, UTC) and returns the headers to
    /// add, in this order: `X-Amz-Date`, `X-Amz-Content-Sha256` (only with
    /// ``addContentSHA256Header``), `X-Amz-Security-Token` (only when the credentials
    /// carry a non-empty token), `Authorization`.
    ///
    /// Each returned header REPLACES any header of the same name (case-insensitive) in
    /// the request; ``signed(_:epochSeconds:)`` does that for you.
    public func sign(_ request: SignableRequest, epochSeconds: Int64) -> [(name: String, value: String)] {
        let amzDate = AmzDate.format(epochSeconds: epochSeconds)
        return addedHeaders(for: request, amzDate: amzDate)
            + [(name: "Authorization", value: authorization(for: request, amzDate: amzDate))]
    }

    /// `request` with the headers from ``sign(_:epochSeconds:)`` in place: headers of
    /// the same names are removed, the rest keep their order, the new ones are appended.
    public func signed(_ request: SignableRequest, epochSeconds: Int64) -> SignableRequest {
        let added = sign(request, epochSeconds: epochSeconds)
        let replaced = added.map { CanonicalRequest.lowercasedASCII($0.name) }  // a few names: no hashing
        var result = request
        result.headers = request.headers.filter { !replaced.contains(CanonicalRequest.lowercasedASCII($0.name)) }
            + added
        return result
    }

    // MARK: - Internals

    static let amzDateHeader = "X-Amz-Date"
    static let securityTokenHeader = "X-Amz-Security-Token"
    static let contentSHA256Header = "X-Amz-Content-Sha256"

    /// The headers step 1 sets (everything `sign` returns except `Authorization`).
    func addedHeaders(for request: SignableRequest, amzDate: String) -> [(name: String, value: String)] {
        var added: [(name: String, value: String)] = [(name: Self.amzDateHeader, value: amzDate)]
        if addContentSHA256Header {
            added.append((name: Self.contentSHA256Header, value: hexSHA256(request.body)))
        }
        if let token = credentials.effectiveSessionToken {
            added.append((name: Self.securityTokenHeader, value: token))
        }
        return added
    }

    /// The headers that enter the canonical request: the request's headers with the
    /// step-1 replacements applied, minus the token when it is added after signing.
    func headersToSign(for request: SignableRequest, amzDate: String) -> [(name: String, value: String)] {
        let added = addedHeaders(for: request, amzDate: amzDate)
        var replaced = added.map { CanonicalRequest.lowercasedASCII($0.name) }  // a few names: no hashing
        if !signSessionToken {
            replaced.append(CanonicalRequest.lowercasedASCII(Self.securityTokenHeader))
        }
        let kept = request.headers.filter { !replaced.contains(CanonicalRequest.lowercasedASCII($0.name)) }
        let signedAdditions = added.filter {
            signSessionToken || CanonicalRequest.lowercasedASCII($0.name) != "x-amz-security-token"
        }
        return kept + signedAdditions
    }

    func canonicalParts(for request: SignableRequest, amzDate: String) -> CanonicalRequest.Parts {
        CanonicalRequest.build(
            method: request.method,
            path: request.path,
            query: request.query,
            headers: headersToSign(for: request, amzDate: amzDate),
            payloadHash: hexSHA256(request.body),
            normalizePath: normalizePath)
    }
}

/// A SigV4 signing key and the day (`YYYYMMDD`) it is valid for.
public struct DerivedSigningKey: Sendable {
    public var dateStamp: String
    /// The 32-byte HMAC key.
    public var key: [UInt8]

    public init(dateStamp: String, key: [UInt8]) {
        self.dateStamp = dateStamp
        self.key = key
    }
}
