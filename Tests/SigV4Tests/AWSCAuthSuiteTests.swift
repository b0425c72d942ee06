import Foundation
import SigV4
import Testing

/// The aws-c-auth v4 suite (`testdata/sigv4/aws-c-auth-v4/<case>/`), header signing only.
@Suite("aws-c-auth v4 suite (header signing)")
struct AWSCAuthSuiteTests {
    static let folder = "sigv4/aws-c-auth-v4"
    static let expectedCaseCount = 38

    /// Every case folder (each holds a `request.txt`). Throws when the suite is missing,
    /// which fails the parameterised tests; `inventory` fails with a clear message too.
    static func caseNames() throws -> [String] {
        let directory = try TestData.directory(folder)
        return try TestData.subdirectories(of: directory).filter {
            FileManager.default.fileExists(atPath: directory.appendingPathComponent($0).appendingPathComponent("request.txt").path)
        }
    }

    /// Inputs of one case.
    struct Case {
        var name: String
        var request: SignableRequest
        var signer: SigV4Signer
        var epochSeconds: Int64
        var amzDate: String

        init(_ name: String) throws {
            self.name = name
            let base = "\(AWSCAuthSuiteTests.folder)/\(name)/"
            let raw = try RawHTTPRequest.parse(try TestData.bytes(base + "request.txt"))
            request = SignableRequest(
                method: raw.method, path: raw.path, query: raw.query, headers: raw.headers, body: raw.body)

            let json = try JSONSerialization.jsonObject(with: Data(try TestData.bytes(base + "context.json")))
            guard let context = json as? [String: Any],
                  let credentials = context["credentials"] as? [String: Any],
                  let accessKey = credentials["access_key_id"] as? String,
                  let secretKey = credentials["secret_access_key"] as? String,
                  let region = context["region"] as? String,
                  let service = context["service"] as? String,
                  let timestamp = context["timestamp"] as? String
            else {
                throw TestData.MissingData(description: "\(name)/context.json lacks a required field")
            }
            let token = credentials["token"] as? String
            let normalize = context["normalize"] as? Bool ?? true
            let signBody = context["sign_body"] as? Bool ?? false
            let omitSessionToken = context["omit_session_token"] as? Bool ?? false
            signer = SigV4Signer(
                credentials: Credentials(accessKeyID: accessKey, secretAccessKey: secretKey, sessionToken: token),
                region: region,
                service: service,
                normalizePath: normalize,
                signSessionToken: !omitSessionToken,
                addContentSHA256Header: signBody)
            epochSeconds = try TestData.epochSeconds(iso8601: timestamp)
            amzDate = AmzDate.format(epochSeconds: epochSeconds)
        }

        func expected(_ file: String) throws -> String {
            try TestData.text("\(AWSCAuthSuiteTests.folder)/\(name)/\(file)")
        }
    }

    @Test("suite is present with all 38 cases")
    func inventory() throws {
        let names = try Self.caseNames()
        #expect(names.count == Self.expectedCaseCount, "aws-c-auth-v4 case folders: \(names)")
    }

    @Test("stage 1: canonical request", arguments: try caseNames())
    func canonicalRequest(_ name: String) throws {
        let testCase = try Case(name)
        let actual = testCase.signer.canonicalRequest(for: testCase.request, amzDate: testCase.amzDate)
        #expect(actual == (try testCase.expected("header-canonical-request.txt")))
    }

    /// Fed the expected canonical request, so this checks stage 2 on its own.
    @Test("stage 2: string to sign", arguments: try caseNames())
    func stringToSign(_ name: String) throws {
        let testCase = try Case(name)
        let actual = testCase.signer.stringToSign(
            canonicalRequest: try testCase.expected("header-canonical-request.txt"), amzDate: testCase.amzDate)
        #expect(actual == (try testCase.expected("header-string-to-sign.txt")))
    }

    /// Fed the expected string to sign, so this checks stages 3-4 on their own.
    @Test("stage 3-4: signature", arguments: try caseNames())
    func signature(_ name: String) throws {
        let testCase = try Case(name)
        let actual = testCase.signer.signature(
            stringToSign: try testCase.expected("header-string-to-sign.txt"), amzDate: testCase.amzDate)
        #expect(actual == (try testCase.expected("header-signature.txt")))
    }

    /// End to end through `signed(_:epochSeconds:)`: the resulting header multiset (names
    /// case-folded, values trimmed) equals `header-signed-request.txt`'s, which also shows
    /// where the token goes when it is added after signing.
    @Test("sign(): headers equal header-signed-request.txt", arguments: try caseNames())
    func signedRequest(_ name: String) throws {
        let testCase = try Case(name)
        let signed = testCase.signer.signed(testCase.request, epochSeconds: testCase.epochSeconds)
        let expected = try RawHTTPRequest.parse(try TestData.bytes("\(Self.folder)/\(name)/header-signed-request.txt"))

        func normalized(_ headers: [(name: String, value: String)]) -> [String] {
            headers.map { $0.name.lowercased() + ":" + CanonicalRequest.trimmedHeaderValue($0.value) }.sorted()
        }
        #expect(normalized(signed.headers) == normalized(expected.headers))
        let authorization = signed.headers.first { $0.name == "Authorization" }?.value ?? ""
        #expect(authorization.hasSuffix("Signature=" + (try testCase.expected("header-signature.txt"))))
        #expect(signed.body == expected.body)
    }
}
