import Foundation
import JSON
import Testing

/// `--exceptions FILE` (rule-semantics §8 and §10) through the built executable, at the current clock.
@Suite("pidmode-check --exceptions end to end")
struct ExceptionsEndToEndTests {
    /// `YYYY-MM-DD`, `days` from today (UTC).
    static func date(daysFromNow days: Int) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: Date().addingTimeInterval(Double(days) * 86_400))
    }

    static func entry(_ id: String, family: String, expires: String, extra: String = "") -> String {
        #"{"id": "\#(id)", "family": "\#(family)", "owner": "team@example.com", "reason": "needs host pids", "expires": "\#(expires)"\#(extra)}"#
    }

    static func setUp(_ entries: [String]) throws -> URL {
        let directory = try CLIEndToEndTests.temporaryDirectory()
        try #"{"schemaVersion": 1, "exceptions": [\#(entries.joined(separator: ", "))]}"#
            .write(to: directory.appendingPathComponent("exceptions.json"), atomically: true, encoding: .utf8)
        try #"{"family": "agent", "pidMode": "host", "containerDefinitions": []}"#
            .write(to: directory.appendingPathComponent("agent.json"), atomically: true, encoding: .utf8)
        try "Resources:\n  Collector:\n    Type: AWS::ECS::TaskDefinition\n    Properties: {Family: collector, PidMode: host}\n"
            .write(to: directory.appendingPathComponent("collector.yaml"), atomically: true, encoding: .utf8)
        return directory
    }

    @Test("an active exception: still noncompliant, exception id set, counted as exempted, the run passes; SARIF suppression")
    func active() throws {
        let expires = Self.date(daysFromNow: 30)
        let directory = try Self.setUp([Self.entry("EXC-1", family: "agent", expires: expires)])
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try CLIEndToEndTests.run(["--exceptions", "exceptions.json", "--format", "json", "agent.json"], in: directory)
        #expect(run.status == 0, "\(run.stderr)")
        let report = try JSONParser.parse(run.stdout)
        let finding = try #require(report["findings"]?.arrayValue?.first)
        #expect(finding["verdict"] == .string("noncompliant") && finding["exception"] == .string("EXC-1"))
        #expect(finding["message"] == .string("pidMode is 'host'; EXEMPT EXC-1 until \(expires) (owner team@example.com): needs host pids"))
        #expect(report["summary"]?["exempted"] == .number("1") && report["summary"]?["noncompliant"] == .number("1"))
        let sarif = try CLIEndToEndTests.run(["--exceptions", "exceptions.json", "--format", "sarif", "agent.json"], in: directory)
        let result = try #require(try JSONParser.parse(sarif.stdout)["runs"]?.arrayValue?.first?["results"]?.arrayValue?.first)
        #expect(result["ruleId"] == .string("PIDMODE001"))
        #expect(result["suppressions"] == .array([.object(JSONObject([
            "kind": .string("external"), "justification": .string("EXC-1 until \(expires) (owner team@example.com): needs host pids"),
        ]))]))
        // The other file has no exception: it still fails the run.
        #expect(try CLIEndToEndTests.run(["--exceptions", "exceptions.json", "."], in: directory).status == 1)
    }

    @Test("an expired exception leaves the finding failing and names it")
    func expired() throws {
        let directory = try Self.setUp([Self.entry("EXC-OLD", family: "agent", expires: "2020-01-31")])
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try CLIEndToEndTests.run(["--exceptions", "exceptions.json", "agent.json"], in: directory)
        #expect(run.status == 1)
        #expect(run.stdout.contains("agent.json:1:32: agent: noncompliant: pidMode is 'host'; exception EXC-OLD expired 2020-01-31 (owner team@example.com). Fix:"))
    }

    @Test("accountIds/regions apply only when --account-id/--region are given and listed; revision only where stated")
    func scope() throws {
        let expires = Self.date(daysFromNow: 10)
        let directory = try Self.setUp([
            Self.entry("EXC-ACC", family: "agent", expires: expires, extra: #", "accountIds": ["111111111111"], "regions": ["eu-west-1"]"#),
            Self.entry("EXC-REV", family: "collector", expires: expires, extra: #", "revision": 3"#),
        ])
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try CLIEndToEndTests.run(["--exceptions", "exceptions.json", "agent.json"], in: directory).status == 1)
        #expect(try CLIEndToEndTests.run(["--exceptions", "exceptions.json", "--account-id", "111111111111", "agent.json"], in: directory).status == 1)
        #expect(try CLIEndToEndTests.run(["--exceptions", "exceptions.json", "--account-id", "111111111111", "--region", "eu-west-1", "agent.json"], in: directory).status == 0)
        #expect(try CLIEndToEndTests.run(["--exceptions", "exceptions.json", "--account-id", "222222222222", "--region", "eu-west-1", "agent.json"], in: directory).status == 1)
        // A template states no revision: an entry with a revision never matches it.
        #expect(try CLIEndToEndTests.run(["--exceptions", "exceptions.json", "collector.yaml"], in: directory).status == 1)
    }

    @Test("an unusable registry is exit 2; an invalid entry (expiry past --max-exception-days) exempts nothing, with a warning")
    func invalid() throws {
        let directory = try Self.setUp([Self.entry("EXC-FAR", family: "agent", expires: Self.date(daysFromNow: 40))])
        defer { try? FileManager.default.removeItem(at: directory) }
        let limited = try CLIEndToEndTests.run(["--exceptions", "exceptions.json", "--max-exception-days", "30", "agent.json"], in: directory)
        #expect(limited.status == 1)
        #expect(limited.stderr.contains("pidmode-check: warning: exceptions.json: exception EXC-FAR: expires"), "\(limited.stderr)")
        try #"{"schemaVersion": 2, "exceptions": []}"#.write(to: directory.appendingPathComponent("exceptions.json"), atomically: true, encoding: .utf8)
        let unusable = try CLIEndToEndTests.run(["--exceptions", "exceptions.json", "agent.json"], in: directory)
        #expect(unusable.status == 2 && unusable.stderr.contains("exceptions.json: the registry schemaVersion must be 1"))
        #expect(try CLIEndToEndTests.run(["--exceptions", "missing.json", "agent.json"], in: directory).status == 2)
    }
}
