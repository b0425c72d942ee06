import Foundation
import SigV4
import Testing

@Suite("AmzDate")
struct AmzDateTests {
    @Test("format", arguments: [
        (Int64(0), "19700101T000000Z"),
        (Int64(1_440_938_160), "20150830T123600Z"),  // the suites' clock
        (Int64(1_705_614_600), "20240118T215000Z"),  // the botocore vectors' clock
        (Int64(1_709_164_800), "20240229T000000Z"),  // leap day 2024
        (Int64(1_709_251_199), "20240229T235959Z"),
        (Int64(1_709_251_200), "20240301T000000Z"),
        (Int64(951_782_400), "20000229T000000Z"),    // 2000 is a leap year (divisible by 400)
        (Int64(951_868_800), "20000301T000000Z"),
        (Int64(951_868_799), "20000229T235959Z"),
        (Int64(4_107_542_400), "21000301T000000Z"),  // 2100 is not a leap year
        (Int64(-1), "19691231T235959Z"),
        (Int64(253_402_300_799), "99991231T235959Z"),
    ])
    func format(epoch: Int64, expected: String) {
        #expect(AmzDate.format(epochSeconds: epoch) == expected)
    }

    @Test("agrees with Foundation's formatter over 3,000 instants, 1900-2200")
    func agreesWithFoundation() {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.calendar = Calendar(identifier: .gregorian)
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        var generator = SplitMix64(seed: 0x5167_4a11)
        let low: Int64 = -2_208_988_800  // 1900-01-01
        let high: Int64 = 7_258_118_400  // 2200-01-01
        for _ in 0..<3_000 {
            let epoch = low + Int64(generator.next() % UInt64(high - low))
            let expected = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(epoch)))
            #expect(AmzDate.format(epochSeconds: epoch) == expected, "epoch \(epoch)")
        }
    }

    @Test("extreme inputs do not trap")
    func extremes() {
        #expect(!AmzDate.format(epochSeconds: .max).isEmpty)
        #expect(!AmzDate.format(epochSeconds: .min).isEmpty)
    }

    @Test("date stamp is the first eight characters")
    func dateStamp() {
        #expect(AmzDate.dateStamp(of: "20150830T123600Z") == "20150830")
        #expect(AmzDate.dateStamp(of: "2015") == "2015")
    }
}

/// Deterministic PRNG for the Foundation cross-check.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("Canonicalisation details")
struct CanonicalisationTests {
    static let signer = SigV4Signer(
        credentials: Credentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
        region: "eu-west-3",
        service: "config")
    static let amzDate = "20240118T215000Z"

    static func request(headers: [(name: String, value: String)]) -> SignableRequest {
        SignableRequest(method: "POST", path: "/", headers: [(name: "Host", value: "config.eu-west-3.amazonaws.com")] + headers)
    }

    /// The canonical header lines (between the query line and the blank line).
    static func headerLines(_ canonical: String) -> [String] {
        let lines = canonical.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // Line 2 is the (here empty) query; the header block starts at line 3.
        guard lines.count > 3, let blank = lines[3...].firstIndex(of: "") else { return [] }
        return Array(lines[3..<blank])
    }

    @Test("header values: trimmed, inner whitespace runs collapsed, case kept", arguments: [
        ("value", "value"),
        ("  value  ", "value"),
        ("\ta \t  b\t", "a b"),
        ("\"a   b   c\"", "\"a b c\""),
        ("a\r\n  b", "a b"),
        ("MiXeD Case", "MiXeD Case"),
        ("   ", ""),
        ("", ""),
    ])
    func trimming(raw: String, canonical: String) {
        #expect(CanonicalRequest.trimmedHeaderValue(raw) == canonical)
        let creq = Self.signer.canonicalRequest(
            for: Self.request(headers: [(name: "My-Header", value: raw)]), amzDate: Self.amzDate)
        #expect(Self.headerLines(creq).contains("my-header:" + canonical))
    }

    @Test("duplicate names are joined with ',' in wire order, after trimming")
    func duplicates() {
        let creq = Self.signer.canonicalRequest(
            for: Self.request(headers: [(name: "X-B", value: " 2 "), (name: "x-b", value: "1"), (name: "X-A", value: "z")]),
            amzDate: Self.amzDate)
        #expect(Self.headerLines(creq) == [
            "host:config.eu-west-3.amazonaws.com", "x-a:z", "x-amz-date:20240118T215000Z", "x-b:2,1",
        ])
    }

    @Test("user-agent and x-amzn-trace-id are never signed, whatever their case or value")
    func traceIdAndUserAgentUnsigned() {
        let base = Self.request(headers: [])
        let noisy = Self.request(headers: [
            (name: "User-Agent", value: "pid-mode-rule/1.0"),
            (name: "X-Amzn-Trace-Id", value: "Root=1-65a9a1f2-0123456789abcdef01234567"),
            (name: "user-agent", value: "other"),
            (name: "X-AMZN-TRACE-ID", value: "Root=2"),
        ])
        let authorization = Self.signer.authorization(for: noisy, amzDate: Self.amzDate)
        #expect(authorization.contains("SignedHeaders=host;x-amz-date,"))
        #expect(!authorization.contains("user-agent"))
        #expect(!authorization.contains("x-amzn-trace-id"))
        #expect(authorization == Self.signer.authorization(for: base, amzDate: Self.amzDate))
        let creq = Self.signer.canonicalRequest(for: noisy, amzDate: Self.amzDate)
        #expect(!creq.contains("user-agent"))
        #expect(!creq.contains("x-amzn-trace-id"))
    }

    @Test("every botocore blacklisted header is unsigned")
    func blacklist() {
        let names = [
            "Authorization", "Connection", "Expect", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization",
            "TE", "Trailer", "Transfer-Encoding", "Upgrade", "User-Agent", "X-Amzn-Trace-Id",
        ]
        #expect(CanonicalRequest.unsignedHeaderNames.count == names.count)
        for name in names {
            #expect(!CanonicalRequest.isSigned(headerName: name), "\(name)")
        }
        let parts = CanonicalRequest.canonicalHeaders(names.map { (name: $0, value: "x") })
        #expect(parts.signedHeaders == "")
        #expect(CanonicalRequest.isSigned(headerName: "Content-Type"))
        #expect(CanonicalRequest.isSigned(headerName: "X-Amz-Target"))
    }

    @Test("canonical URI", arguments: [
        ("/", true, "/"),
        ("", true, "/"),
        ("", false, "/"),
        ("/a/b/../c/./d", true, "/a/c/d"),
        ("/a/b/../c/./d", false, "/a/b/../c/./d"),
        ("/a%20b", true, "/a%2520b"),           // non-S3: the wire path is encoded again
        ("/a b/$x", true, "/a%20b/%24x"),
        ("/../..", true, "/"),
        ("//a//b//", true, "/a/b/"),
        ("/a/..", true, "/"),
        ("/-._~AZaz09", true, "/-._~AZaz09"),
    ])
    func canonicalURI(path: String, normalize: Bool, expected: String) {
        #expect(CanonicalRequest.canonicalURI(path: path, normalize: normalize) == expected)
    }

    @Test("canonical query", arguments: [
        ("", ""),
        ("b=2&a=1", "a=1&b=2"),
        ("a=2&a=1&A=3", "A=3&a=1&a=2"),
        ("flag", "flag="),
        ("a=1&&b=", "a=1&b="),
        ("k=a+b", "k=a%2Bb"),                   // '+' is a literal plus, not a space
        ("k=a%20b", "k=a%20b"),
        ("k=a b", "k=a%20b"),
        ("k=%7e%7E", "k=~~"),                   // decoded then re-encoded
        ("k=%zz%", "k=%25zz%25"),               // malformed escapes are literal '%'
        ("k=v=w", "k=v%3Dw"),
        ("Action=ListUsers&Version=2010-05-08", "Action=ListUsers&Version=2010-05-08"),
    ])
    func canonicalQuery(raw: String, expected: String) {
        #expect(CanonicalRequest.canonicalQuery(raw) == expected)
    }

    @Test("hexSHA256 of the empty payload")
    func emptyPayloadHash() {
        #expect(hexSHA256([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(hexEncode([0x00, 0x0f, 0xa0, 0xff]) == "000fa0ff")
    }
}

@Suite("Signer behaviour")
struct SignerBehaviourTests {
    static let epoch: Int64 = 1_705_614_600
    static let request = SignableRequest(
        method: "POST",
        path: "/",
        headers: [
            (name: "Host", value: "ecs.eu-west-3.amazonaws.com"),
            (name: "X-Amz-Date", value: "19990101T000000Z"),
            (name: "Authorization", value: "stale"),
            (name: "x-amz-security-token", value: "stale-token"),
        ],
        body: Array("{}".utf8))

    static func signer(token: String?, signSessionToken: Bool = true) -> SigV4Signer {
        SigV4Signer(
            credentials: Credentials(accessKeyID: "AKID", secretAccessKey: "secret", sessionToken: token),
            region: "eu-west-3", service: "ecs", signSessionToken: signSessionToken)
    }

    @Test("sign() replaces X-Amz-Date, token and Authorization; signed() keeps one of each")
    func replacesExisting() {
        let signer = Self.signer(token: "TOKEN")
        let added = signer.sign(Self.request, epochSeconds: Self.epoch)
        #expect(added.map(\.name) == ["X-Amz-Date", "X-Amz-Security-Token", "Authorization"])
        #expect(added[0].value == "20240118T215000Z")
        #expect(added[1].value == "TOKEN")

        let creq = signer.canonicalRequest(for: Self.request, amzDate: "20240118T215000Z")
        #expect(creq.contains("\nx-amz-date:20240118T215000Z\n"))
        #expect(creq.contains("\nx-amz-security-token:TOKEN\n"))
        #expect(!creq.contains("19990101"))
        #expect(!creq.contains("stale"))

        let signed = signer.signed(Self.request, epochSeconds: Self.epoch)
        #expect(signed.headers.map(\.name) == ["Host", "X-Amz-Date", "X-Amz-Security-Token", "Authorization"])
        #expect(signed.headers.last?.value == added.last?.value)
    }

    @Test("without a token nothing token-related is added; an empty token counts as none")
    func noToken() {
        for token in [nil, ""] as [String?] {
            let plain = SignableRequest(method: "GET", path: "/", headers: [(name: "Host", value: "h")])
            let added = Self.signer(token: token).sign(plain, epochSeconds: Self.epoch)
            #expect(added.map(\.name) == ["X-Amz-Date", "Authorization"])
            #expect(added.last?.value.contains("SignedHeaders=host;x-amz-date,") == true)
        }
    }

    @Test("signSessionToken: false adds the token after signing, outside SignedHeaders")
    func tokenAfterSigning() {
        let signer = Self.signer(token: "TOKEN", signSessionToken: false)
        let added = signer.sign(Self.request, epochSeconds: Self.epoch)
        #expect(added.map(\.name) == ["X-Amz-Date", "X-Amz-Security-Token", "Authorization"])
        #expect(added.last?.value.contains("SignedHeaders=host;x-amz-date,") == true)
        #expect(!signer.canonicalRequest(for: Self.request, amzDate: "20240118T215000Z").contains("token"))
    }

    @Test("Credentials never print their secrets")
    func redaction() {
        let credentials = Credentials(accessKeyID: "AKID", secretAccessKey: "SECRET-KEY", sessionToken: "SESSION-TOKEN")
        for text in ["\(credentials)", String(describing: credentials), String(reflecting: credentials)] {
            #expect(!text.contains("SECRET-KEY"))
            #expect(!text.contains("SESSION-TOKEN"))
            #expect(text.contains("AKID"))
        }
    }

    @Test("the signature changes with the body, region, service and date")
    func sensitivity() {
        let base = Self.signer(token: nil)
        let reference = base.authorization(for: Self.request, amzDate: "20240118T215000Z")
        var otherBody = Self.request
        otherBody.body = Array("{ }".utf8)
        #expect(base.authorization(for: otherBody, amzDate: "20240118T215000Z") != reference)
        var otherRegion = base
        otherRegion.region = "eu-west-1"
        #expect(otherRegion.authorization(for: Self.request, amzDate: "20240118T215000Z") != reference)
        var otherService = base
        otherService.service = "config"
        #expect(otherService.authorization(for: Self.request, amzDate: "20240118T215000Z") != reference)
        #expect(base.authorization(for: Self.request, amzDate: "20240118T215001Z") != reference)
    }
}
