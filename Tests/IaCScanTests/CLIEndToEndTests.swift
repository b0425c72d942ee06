import Foundation
import JSON
import Testing

/// The built `pidmode-check` executable run on real files: exit status, output formats, `--output`, usage errors.
/// The executable is `$PIDMODE_CHECK`, else `pidmode-check` beside the test bundle (`swift build --build-tests`
/// builds it).
@Suite("pidmode-check end to end (the built executable on real files)")
struct CLIEndToEndTests {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func executable() throws -> URL {
        if let override = ProcessInfo.processInfo.environment["PIDMODE_CHECK"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        let sibling = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("pidmode-check")
        guard FileManager.default.isExecutableFile(atPath: sibling.path) else {
            throw TestFailure("pidmode-check not found at \(sibling.path) (build it, or set PIDMODE_CHECK)")
        }
        return sibling
    }

    static func run(_ arguments: [String], in directory: URL = packageRoot) throws -> Run {
        let process = Process()
        process.executableURL = try executable()
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pidmode-check-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test("exit 1 with text findings on examples/; exit 0 on a compliant file; paths relative to the current directory")
    func exitStatuses() throws {
        let failing = try Self.run(["examples"])
        #expect(failing.status == 1)
        #expect(failing.stdout.contains("examples/cloudformation/web-service.yaml:35:16: NodeExporterTaskDefinition: noncompliant: pidMode is 'host'. Fix: Remove PidMode or set it to 'task'."))
        #expect(failing.stdout.hasSuffix("pidmode-check: 9 files, 23 task definitions: 12 noncompliant (0 exempted), 4 indeterminate, 7 compliant; 0 errors\n"))
        let passing = try Self.run(["examples/taskdef/describe-web.json"])
        #expect(passing.status == 0)
        #expect(passing.stdout == "pidmode-check: 1 file, 1 task definition: 0 noncompliant (0 exempted), 0 indeterminate, 1 compliant; 0 errors\n")
    }

    @Test("exceptions-report: invalid, expired and soon-expiring entries with owners; exit 1, 0 when clean, 2 when unusable")
    func exceptionsReport() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        func entry(_ id: String, _ expires: String, owner: String = "team@example.com") -> String {
            #"{"id":"\#(id)","family":"f-\#(id)","owner":"\#(owner)","reason":"r","expires":"\#(expires)"}"#
        }
        func write(_ name: String, _ entries: [String]) throws {
            try #"{"schemaVersion":1,"exceptions":[\#(entries.joined(separator: ","))]}"#
                .write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        try write("registry.json", [entry("OLD", "2026-12-01"), entry("SOON", "2026-12-20"), entry("BAD", "2027-01-01", owner: ""),
                                    entry("LATER", "2027-06-01")])
        let now = ["--now", "2026-12-06T12:00:00Z"]
        let report = try Self.run(["exceptions-report", "registry.json"] + now, in: directory)
        #expect(report.status == 1, "\(report)")
        #expect(report.stdout == """
            INVALID   BAD  f-BAD  owner is empty  owner -
            EXPIRED   OLD  f-OLD  expired 2026-12-01 (5 days ago)  owner team@example.com
            EXPIRING  SOON  f-SOON  expires 2026-12-20 (in 15 days)  owner team@example.com
            4 entries: 1 invalid, 1 expired, 1 expiring soon, 1 active beyond the window

            """)
        #expect(try Self.run(["exceptions-report", "registry.json", "--within", "10"] + now, in: directory).stdout.contains("SOON") == false)
        try write("clean.json", [entry("SOON", "2026-12-20")])
        #expect(try Self.run(["exceptions-report", "clean.json"] + now, in: directory).status == 0)
        try #"{"schemaVersion":2,"exceptions":[]}"#.write(to: directory.appendingPathComponent("v2.json"), atomically: true, encoding: .utf8)
        let unusable = try Self.run(["exceptions-report", "v2.json"], in: directory)
        #expect(unusable.status == 2 && unusable.stderr.contains("schemaVersion must be 1"), "\(unusable)")
        #expect(try Self.run(["exceptions-report", "missing.json"], in: directory).status == 2)
        #expect(try Self.run(["exceptions-report", "registry.json", "--now", "yesterday"], in: directory).status == 2)
        let help = try Self.run(["exceptions-report", "--help"], in: directory)
        #expect(help.status == 0 && help.stdout.contains("--within"))
    }

    @Test("--fail-on indeterminate makes an indeterminate-only file fail")
    func failOnIndeterminate() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try "resource \"aws_ecs_task_definition\" \"t\" {\n  pid_mode = var.mode\n}\n".write(to: directory.appendingPathComponent("main.tf"), atomically: true, encoding: .utf8)
        #expect(try Self.run(["main.tf"], in: directory).status == 0)
        let strict = try Self.run(["--fail-on", "indeterminate", "main.tf"], in: directory)
        #expect(strict.status == 1)
        #expect(strict.stdout.hasPrefix("main.tf:2:14: aws_ecs_task_definition.t: indeterminate: pidMode is var.mode (not known before deploy)."))
    }

    @Test("exit 2 with file:line:column for a malformed file, a missing path, a 100 MB file and a usage error")
    func errors() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try "Resources:\n  T:\n    Type: AWS::ECS::TaskDefinition\n    Properties: {PidMode: host\n".write(to: directory.appendingPathComponent("broken.yaml"), atomically: true, encoding: .utf8)
        try "{\"family\": \"ok\", \"pidMode\": \"host\", \"containerDefinitions\": []}".write(to: directory.appendingPathComponent("ok.json"), atomically: true, encoding: .utf8)
        let broken = try Self.run(["."], in: directory)
        #expect(broken.status == 2)
        #expect(broken.stderr.contains("pidmode-check: error: broken.yaml:5:1: YAML:"), "\(broken.stderr)")
        #expect(broken.stdout.contains("ok.json:1:29: ok: noncompliant"), "the other files are still reported")
        let missing = try Self.run(["no-such-file.json"], in: directory)
        #expect(missing.status == 2 && missing.stderr.contains("no-such-file.json:1:1: no such file or directory"))
        let huge = directory.appendingPathComponent("huge.json")
        FileManager.default.createFile(atPath: huge.path, contents: Data("{\"pidMode\": \"host\"".utf8))
        let handle = try #require(FileHandle(forWritingAtPath: huge.path))
        try handle.truncate(atOffset: 100 * 1024 * 1024)
        try handle.close()
        let refused = try Self.run(["huge.json"], in: directory)
        #expect(refused.status == 2 && refused.stderr.contains("huge.json:1:1: file is 104857600 bytes, over the limit"))
        let deep = directory.appendingPathComponent("deep.json")
        try (String(repeating: "[", count: 50_000) + "\"pidMode\"" + String(repeating: "]", count: 50_000)).write(to: deep, atomically: true, encoding: .utf8)
        let nested = try Self.run(["deep.json"], in: directory)
        #expect(nested.status == 2 && nested.stderr.contains("deep.json:1:257: nesting deeper than 256 levels"))
        let usage = try Self.run(["--format", "xml", "ok.json"], in: directory)
        #expect(usage.status == 2 && usage.stderr.contains("xml"))
        let help = try Self.run(["--help"], in: directory)
        #expect(help.status == 0 && help.stdout.contains("--fail-on"))
    }

    @Test("--format json --output FILE writes the report there; --format sarif validates against the SARIF 2.1.0 schema")
    func outputs() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let jsonPath = directory.appendingPathComponent("report.json").path
        let json = try Self.run(["--format", "json", "--output", jsonPath, "examples"])
        #expect(json.status == 1 && json.stdout.isEmpty)
        let report = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: jsonPath))))
        #expect(report["summary"]?["taskDefinitions"] == .number("23"))
        #expect(report["findings"]?.arrayValue?.first?["file"] == .string("examples/cdk/cdk.out/WebStack.template.json"))

        let sarifPath = directory.appendingPathComponent("results.sarif").path
        let sarif = try Self.run(["--format", "sarif", "--output", sarifPath, "examples"])
        #expect(sarif.status == 1)
        let brokenSarifPath = directory.appendingPathComponent("errors.sarif").path
        try "{\"pidMode\": [".write(to: directory.appendingPathComponent("bad.json"), atomically: true, encoding: .utf8)
        #expect(try Self.run(["--format", "sarif", "--output", brokenSarifPath, "bad.json"], in: directory).status == 2)
        let validator = Process()
        validator.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        validator.arguments = ["python3", packageRoot.appendingPathComponent("scripts/lib/validate_sarif.py").path, sarifPath, brokenSarifPath]
        let out = Pipe()
        validator.standardOutput = out
        try validator.run()
        let printed = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        validator.waitUntilExit()
        #expect(validator.terminationStatus == 0, "\(printed)")
        #expect(printed == "valid: \(sarifPath)\nvalid: \(brokenSarifPath)\n")
    }
}
