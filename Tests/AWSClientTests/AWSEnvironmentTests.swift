import SigV4
import Testing

@testable import AWSClient

@Suite("AWSEnvironment(environment:)")
struct AWSEnvironmentTests {
    static let keys = [
        "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        "AWS_SESSION_TOKEN": "token+/=",
    ]

    func environment(_ extra: [String: String], removing: [String] = []) -> [String: String] {
        var result = Self.keys.merging(extra) { _, new in new }
        for name in removing { result[name] = nil }
        return result
    }

    func missingName(_ environment: [String: String]) -> String? {
        do {
            _ = try AWSEnvironment(environment: environment)
            return nil
        } catch {
            guard case .missingConfiguration(let name) = error.code else { return "unexpected \(error.code)" }
            #expect(error.description.contains(name))
            return name
        }
    }

    @Test("everything set: region and credentials verbatim")
    func complete() throws {
        let result = try AWSEnvironment(environment: environment(["AWS_REGION": "eu-west-3"]))
        #expect(result == AWSEnvironment(
            region: "eu-west-3",
            credentials: Credentials(
                accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                sessionToken: "token+/=")))
    }

    @Test("AWS_REGION wins over AWS_DEFAULT_REGION")
    func regionWins() throws {
        let result = try AWSEnvironment(environment: environment(["AWS_REGION": "eu-west-3", "AWS_DEFAULT_REGION": "us-east-1"]))
        #expect(result.region == "eu-west-3")
    }

    @Test("AWS_DEFAULT_REGION is the fallback when AWS_REGION is absent or empty", arguments: [nil, ""] as [String?])
    func regionFallback(region: String?) throws {
        var values = ["AWS_DEFAULT_REGION": "cn-north-1"]
        if let region { values["AWS_REGION"] = region }
        let result = try AWSEnvironment(environment: environment(values))
        #expect(result.region == "cn-north-1")
    }

    @Test("no region at all → missingConfiguration(AWS_REGION)")
    func missingRegion() {
        #expect(missingName(environment([:])) == "AWS_REGION")
        #expect(missingName(environment(["AWS_REGION": "", "AWS_DEFAULT_REGION": ""])) == "AWS_REGION")
    }

    @Test("missing or empty access key / secret → missingConfiguration naming it",
          arguments: ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"])
    func missingCredential(name: String) {
        #expect(missingName(environment(["AWS_REGION": "eu-west-3"], removing: [name])) == name)
        #expect(missingName(environment(["AWS_REGION": "eu-west-3", name: ""])) == name)
    }

    @Test("missing or empty session token → nil (long-term keys)", arguments: [nil, ""] as [String?])
    func noSessionToken(token: String?) throws {
        var values = environment(["AWS_REGION": "eu-west-3"], removing: ["AWS_SESSION_TOKEN"])
        if let token { values["AWS_SESSION_TOKEN"] = token }
        let result = try AWSEnvironment(environment: values)
        #expect(result.credentials.sessionToken == nil)
        #expect(result.credentials.accessKeyID == "AKIDEXAMPLE")
    }
}
