import Foundation
import SigV4
import Testing

/// The classic AWS SigV4 suite as botocore ships it (`testdata/sigv4/botocore-aws4_testsuite`).
@Suite("botocore aws4_testsuite")
struct BotocoreSuiteTests {
    static let folder = "sigv4/botocore-aws4_testsuite"
    static let expectedCaseCount = 34

    /// Fixed inputs from botocore's tests/unit/auth/test_sigv4.py.
    static let accessKey = "AKIDEXAMPLE"
    static let secretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    static let region = "us-east-1"
    static let service = "service"
    static let timestamp = "2015-08-30T12:36:00Z"

    /// Cases not run, with the reason. Empty: botocore skips four cases
    /// (`botocoreSkips`), but all four pass with this signer, so they are run.
    static let knownSkips: [String: String] = [:]

    /// botocore's `TESTS_TO_IGNORE`, kept for the record; they are run here (and pass).
    static let botocoreSkips: [String: String] = [
        "normalize-path/get-space": "Python's request-line parser rejects the space in the path",
        "get-vanilla-query-order-key-case": "SDKs don't support repeated query keys",
        "get-vanilla-query-order-key": "SDKs don't support repeated query keys",
        "get-vanilla-query-order-value": "SDKs don't support repeated query keys",
    ]

    /// Cases whose session token is added to the request after signing, so it is not
    /// signed: post-sts-token/readme.txt ("post-sts-header-after - The X-Amz-Security-Token
    /// header is added to the request after you calculate the signature").
    static let tokenAddedAfterSigning: Set<String> = ["post-sts-token/post-sts-header-after"]

    /// All case ids: `<case>` for top-level folders holding `<case>.req`, and
    /// `<group>/<case>` for the folders one level down (normalize-path/, post-sts-token/).
    static func allCaseIDs() throws -> [String] {
        let root = try TestData.directory(folder)
        var ids: [String] = []
        for name in try TestData.subdirectories(of: root) {
            let directory = root.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("\(name).req").path) {
                ids.append(name)
            } else {
                for sub in try TestData.subdirectories(of: directory)
                where FileManager.default.fileExists(atPath: directory.appendingPathComponent(sub).appendingPathComponent("\(sub).req").path) {
                    ids.append("\(name)/\(sub)")
                }
            }
        }
        return ids.sorted()
    }

    static func caseIDs() throws -> [String] {
        try allCaseIDs().filter { knownSkips[$0] == nil }
    }

    struct Case {
        var id: String
        var request: SignableRequest
        var signer: SigV4Signer
        var epochSeconds: Int64
        var amzDate: String

        init(_ id: String) throws {
            self.id = id
            let raw = try RawHTTPRequest.parse(try TestData.bytes(Self.file(id, "req")))
            request = SignableRequest(
                method: raw.method, path: raw.path, query: raw.query, headers: raw.headers, body: raw.body)
            // The session token, when the case has one, is the one its signed request (.sreq)
            // carries; the .req of get-vanilla-with-session-token and post-sts-header-after
            // does not contain it.
            let signedRequest = try RawHTTPRequest.parse(try TestData.bytes(Self.file(id, "sreq")))
            let token = signedRequest.header("X-Amz-Security-Token")
            signer = SigV4Signer(
                credentials: Credentials(
                    accessKeyID: BotocoreSuiteTests.accessKey,
                    secretAccessKey: BotocoreSuiteTests.secretKey,
                    sessionToken: token),
                region: BotocoreSuiteTests.region,
                service: BotocoreSuiteTests.service,
                signSessionToken: !BotocoreSuiteTests.tokenAddedAfterSigning.contains(id))
            epochSeconds = try TestData.epochSeconds(iso8601: BotocoreSuiteTests.timestamp)
            amzDate = AmzDate.format(epochSeconds: epochSeconds)
        }

        static func file(_ id: String, _ ext: String) -> String {
            let base = id.split(separator: "/").last.map(String.init) ?? id
            return "\(BotocoreSuiteTests.folder)/\(id)/\(base).\(ext)"
        }

        func expected(_ ext: String) throws -> String {
            try TestData.text(Self.file(id, ext))
        }
    }

    @Test("suite is present with all 34 cases; skips are named")
    func inventory() throws {
        let ids = try Self.allCaseIDs()
        #expect(ids.count == Self.expectedCaseCount, "botocore case ids: \(ids)")
        for id in Self.knownSkips.keys {
            #expect(ids.contains(id), "knownSkips names a case that does not exist: \(id)")
        }
        for id in Self.botocoreSkips.keys {
            #expect(ids.contains(id), "botocoreSkips names a case that does not exist: \(id)")
        }
    }

    @Test("post-sts-token/readme.txt says header-after adds the token after signing")
    func stsReadme() throws {
        let readme = try TestData.text("\(Self.folder)/post-sts-token/readme.txt")
        #expect(readme.contains(
            "post-sts-header-after - The X-Amz-Security-Token header is added to the request after you calculate the signature."))
    }

    @Test("stage 1: canonical request (.creq)", arguments: try caseIDs())
    func canonicalRequest(_ id: String) throws {
        let testCase = try Case(id)
        let actual = testCase.signer.canonicalRequest(for: testCase.request, amzDate: testCase.amzDate)
        #expect(actual == (try testCase.expected("creq")))
    }

    /// Fed the expected canonical request, so this checks stage 2 on its own.
    @Test("stage 2: string to sign (.sts)", arguments: try caseIDs())
    func stringToSign(_ id: String) throws {
        let testCase = try Case(id)
        let actual = testCase.signer.stringToSign(canonicalRequest: try testCase.expected("creq"), amzDate: testCase.amzDate)
        #expect(actual == (try testCase.expected("sts")))
    }

    /// End to end: `authorization(for:)` and the `Authorization` that `sign` returns.
    @Test("stage 3-4: Authorization (.authz)", arguments: try caseIDs())
    func authorization(_ id: String) throws {
        let testCase = try Case(id)
        let expected = try testCase.expected("authz")
        #expect(testCase.signer.authorization(for: testCase.request, amzDate: testCase.amzDate) == expected)

        let added = testCase.signer.sign(testCase.request, epochSeconds: testCase.epochSeconds)
        #expect(added.last?.name == "Authorization")
        #expect(added.last?.value == expected)
        #expect(added.first { $0.name == "X-Amz-Date" }?.value == "20150830T123600Z")
    }
}
