import Testing

@testable import AWSClient

@Suite("Endpoint.resolve and Endpoint(url:)")
struct EndpointTests {
    static let serviceVariable = "AWS_ENDPOINT_URL_CONFIG_SERVICE"
    static let globalVariable = "AWS_ENDPOINT_URL"

    func resolve(_ environment: [String: String], region: String = "eu-west-3") throws(AWSClientError) -> Endpoint {
        try Endpoint.resolve(for: .config, region: region, environment: environment)
    }

    @Test("default: https://config.<region>.amazonaws.com/")
    func defaultEndpoint() throws {
        let endpoint = try resolve([:])
        #expect(endpoint.url == "https://config.eu-west-3.amazonaws.com/")
        #expect(endpoint.hostHeader == "config.eu-west-3.amazonaws.com")
        #expect(endpoint.path == "/")
    }

    @Test("cn-* regions use amazonaws.com.cn", arguments: ["cn-north-1", "cn-northwest-1"])
    func chinaEndpoint(region: String) throws {
        let endpoint = try resolve([:], region: region)
        #expect(endpoint.url == "https://config.\(region).amazonaws.com.cn/")
        #expect(endpoint.hostHeader == "config.\(region).amazonaws.com.cn")
    }

    @Test("the ECS service gets its own prefix")
    func ecsDefault() throws {
        let ecs = AWSService(
            signingName: "ecs", endpointPrefix: "ecs", targetPrefix: "AmazonEC2ContainerServiceV20141113",
            endpointEnvironmentVariable: "AWS_ENDPOINT_URL_ECS")
        let endpoint = try Endpoint.resolve(
            for: ecs, region: "eu-west-3",
            environment: [Self.serviceVariable: "http://127.0.0.1:1/", "AWS_ENDPOINT_URL_ECS": "http://127.0.0.1:2/"])
        #expect(endpoint.url == "http://127.0.0.1:2/")
        #expect(try Endpoint.resolve(for: ecs, region: "eu-west-3", environment: [:]).hostHeader == "ecs.eu-west-3.amazonaws.com")
    }

    @Test("AWS_ENDPOINT_URL_CONFIG_SERVICE beats AWS_ENDPOINT_URL, which beats the default")
    func precedence() throws {
        let both = try resolve([Self.serviceVariable: "http://127.0.0.1:4566", Self.globalVariable: "http://127.0.0.1:9999"])
        #expect(both.hostHeader == "127.0.0.1:4566")
        let global = try resolve([Self.globalVariable: "http://127.0.0.1:9999"])
        #expect(global.hostHeader == "127.0.0.1:9999")
        // An empty service-specific value counts as unset.
        let emptyService = try resolve([Self.serviceVariable: "", Self.globalVariable: "http://127.0.0.1:9999"])
        #expect(emptyService.hostHeader == "127.0.0.1:9999")
    }

    @Test("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true disables both overrides (even invalid ones)", arguments: ["true", "TRUE", "True"])
    func ignoreOverrides(value: String) throws {
        let endpoint = try resolve([
            "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": value,
            Self.serviceVariable: "http://127.0.0.1:4566", Self.globalVariable: "not a url",
        ])
        #expect(endpoint.url == "https://config.eu-west-3.amazonaws.com/")
    }

    @Test("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS other than true keeps the overrides", arguments: ["false", "", "1", "yes"])
    func ignoreOverridesOff(value: String) throws {
        let endpoint = try resolve(["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": value, Self.serviceVariable: "http://127.0.0.1:4566"])
        #expect(endpoint.hostHeader == "127.0.0.1:4566")
    }

    @Test("http://127.0.0.1:4566 → Host 127.0.0.1:4566, path /")
    func loopbackOverride() throws {
        let endpoint = try resolve([Self.serviceVariable: "http://127.0.0.1:4566"])
        #expect(endpoint.hostHeader == "127.0.0.1:4566")
        #expect(endpoint.path == "/")
        #expect(endpoint.url == "http://127.0.0.1:4566/")
    }

    @Test("default ports are left out of the Host header", arguments: [
        ("https://x.example:443/", "x.example"), ("http://x.example:80/", "x.example"),
        ("http://x.example:443/", "x.example:443"), ("https://x.example:80", "x.example:80"),
        ("https://x.example", "x.example"), ("http://[::1]:4566/", "[::1]:4566"), ("http://[::1]", "[::1]"),
    ])
    func hostHeader(url: String, expected: String) throws {
        let endpoint = try #require(Endpoint(url: url))
        #expect(endpoint.hostHeader == expected)
    }

    @Test("an override with a path keeps it", arguments: [
        ("http://127.0.0.1:4566/prefix", "/prefix"), ("https://x.example/prefix/", "/prefix/"), ("https://x.example/a/b", "/a/b"),
    ])
    func overridePath(url: String, path: String) throws {
        let endpoint = try resolve([Self.globalVariable: url])
        #expect(endpoint.path == path)
        #expect(endpoint.url == url)
    }

    @Test("an unusable override → invalidConfiguration naming the variable and value",
          arguments: ["localhost:4566", "ftp://x", "http://", "https://", "http://:4566", "http://x:0", "http://x:70000",
                      "http://x:abc", "http://x/?q=1", "http://x/#f", "http://user@x/", "127.0.0.1"])
    func invalidOverride(value: String) {
        for name in [Self.serviceVariable, Self.globalVariable] {
            do {
                let endpoint = try resolve([name: value])
                Issue.record("\(name)=\(value) accepted as \(endpoint)")
            } catch {
                #expect(error.code == .invalidConfiguration(name: name, value: value))
                #expect(error.description.contains(name))
            }
        }
    }

    @Test("an invalid service-specific override is an error even when AWS_ENDPOINT_URL is valid")
    func invalidServiceOverrideWins() {
        do {
            _ = try resolve([Self.serviceVariable: "localhost:4566", Self.globalVariable: "http://127.0.0.1:4566"])
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .invalidConfiguration(name: Self.serviceVariable, value: "localhost:4566"))
        }
    }
}
