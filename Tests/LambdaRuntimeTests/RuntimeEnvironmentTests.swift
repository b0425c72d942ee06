import Testing

@testable import LambdaRuntime

@Suite("RuntimeEnvironment: AWS_LAMBDA_RUNTIME_API")
struct RuntimeEnvironmentTests {
    static let name = "AWS_LAMBDA_RUNTIME_API"

    @Test("missing → missingEnvironment")
    func missing() {
        #expect(throws: LambdaRuntimeError.self) { try RuntimeEnvironment(environment: ["AWS_REGION": "eu-west-3"]) }
        do {
            _ = try RuntimeEnvironment(environment: [:])
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .missingEnvironment(name: Self.name))
            #expect(error.description.contains(Self.name))
        }
    }

    @Test("empty → missingEnvironment")
    func empty() {
        do {
            _ = try RuntimeEnvironment(environment: [Self.name: ""])
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .missingEnvironment(name: Self.name))
        }
    }

    @Test("host:port accepted verbatim", arguments: ["127.0.0.1:9001", "[::1]:9001", "localhost:1", "runtime.example:65535"])
    func valid(value: String) throws {
        let environment = try RuntimeEnvironment(environment: [Self.name: value])
        #expect(environment.runtimeAPIEndpoint == value)
    }

    @Test("not host:port → invalidEnvironment naming the variable and the value",
          arguments: ["http://x:1", "host:0", "host:99999", "host", ":9001", "host:", "host:abc", "host:-1", "a/b:1",
                      "user@host:1", "host:1/path", "host :1", "[::1]"])
    func invalid(value: String) {
        expectInvalid(value)
    }

    /// A port is digits only (RFC 3986 `port = *DIGIT`) and an IPv6 host needs brackets; otherwise the value passes
    /// validation but `http://<value>/2018-06-01/...` is not a URL libcurl accepts, and the failure only shows up on the
    /// first `/next` as a non-retryable `.invalidURL` transport error instead of a clear start-up error.
    @Test("a signed port or an unbracketed IPv6 host is not host:port", arguments: ["host:+9001", "127.0.0.1:+1", "::1:9001"])
    func invalidPortOrHostSyntax(value: String) {
        expectInvalid(value)
    }

    private func expectInvalid(_ value: String, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            let environment = try RuntimeEnvironment(environment: [Self.name: value])
            Issue.record("accepted '\(value)' as \(environment.runtimeAPIEndpoint)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.code == .invalidEnvironment(name: Self.name, value: value), sourceLocation: sourceLocation)
        }
    }
}
