import Foundation
import IaCScan
import JSON
import PidModePolicy
import Testing

/// The shipped `examples/` tree (real-shaped inputs of every format), scanned as a user would.
@Suite("examples/: every format, exact findings")
struct ExamplesTests {
    /// file:line:column resource verdict, for every task definition in examples/.
    static let expected: [String] = [
        "cdk/cdk.out/WebStack.template.json:16:16 WebTaskDef8F8B4D3C noncompliant",
        "cloudformation/batch-workers.json:15:20 WorkerTaskDefinition compliant",
        "cloudformation/batch-workers.json:25:20 ProfilerTaskDefinition noncompliant",
        "cloudformation/batch-workers.json:35:20 LegacyTaskDefinition noncompliant",
        "cloudformation/batch-workers.json:45:20 MappedTaskDefinition indeterminate",
        "cloudformation/web-service.yaml:17:3 WebTaskDefinition compliant",
        "cloudformation/web-service.yaml:35:16 NodeExporterTaskDefinition noncompliant",
        "cloudformation/web-service.yaml:45:16 DebugTaskDefinition noncompliant",
        "cloudformation/web-service.yaml:55:16 ExporterTaskDefinition indeterminate",
        "sam/template.yaml:21:16 SidecarTaskDefinition noncompliant",
        "taskdef/describe-web.json:8:16 web:7 compliant",
        "taskdef/exporters.json:8:18 node-exporter:12 noncompliant",
        "taskdef/exporters.json:12:3 log-router compliant",
        "taskdef/register-node-exporter.json:4:14 node-exporter noncompliant",
        "terraform/main.tf:15:18 aws_ecs_task_definition.node_exporter noncompliant",
        "terraform/main.tf:27:1 aws_ecs_task_definition.web compliant",
        "terraform/main.tf:40:27 aws_ecs_task_definition.tunable indeterminate",
        "terraform/main.tf:46:27 aws_ecs_task_definition.debug noncompliant",
        "terraform/main.tf:52:14 awscc_ecs_task_definition.cloud_control compliant",
        "terraform/plan.json:20:7 aws_ecs_task_definition.node_exporter noncompliant",
        "terraform/plan.json:41:7 aws_ecs_task_definition.web compliant",
        "terraform/plan.json:57:7 aws_ecs_task_definition.tunable indeterminate",
        "terraform/plan.json:87:7 module.agents.aws_ecs_task_definition.this[\"datadog\"] noncompliant",
    ]

    @Test("every task definition in examples/, with its position and verdict; cdk.out/asset.* is skipped")
    func findings() throws {
        let examples = packageRoot.appendingPathComponent("examples").path
        let report = Scan.run(paths: [examples])
        #expect(report.errors.isEmpty, "\(report.errors)")
        let lines = report.findings.map { finding in
            let file = finding.site.file.components(separatedBy: "examples/").last ?? finding.site.file
            return "\(file):\(finding.site.position) \(finding.site.resource) \(finding.verdict.name)"
        }
        #expect(lines == Self.expected)
        #expect(report.inputFiles == 9)  // manifest.json and exceptions.json are not inputs
        #expect(report.exitStatus(failOn: .noncompliant) == 1)
    }
}

@Suite("Writers: text, JSON and SARIF")
struct WriterTests {
    static func report() throws -> ScanReport {
        let template = try sites(cfnYAML("Family: node-exporter\nPidMode: !If [C, task, host]"), name: "dir/app one.yaml")
        let plan = try sites(#"{"resource_changes": [{"address": "a.b", "type": "aws_ecs_task_definition", "change": {"actions": ["create"], "after": {}, "after_unknown": {"pid_mode": true}}}]}"#, name: "plan.json")
        let compliant = try sites(terraform(#"pid_mode = "task""#), name: "main.tf")
        let exempt = try sites(#"{"family": "node-exporter", "pidMode": "host", "containerDefinitions": []}"#, name: "td.json")
        let evaluator = FindingEvaluator { site in
            site.file == "td.json" ? .exempt(id: "EXC-0042", justification: "EXC-0042 until 2027-02-01 (owner o@example.com): r") : .none
        }
        return ScanReport(
            findings: (template + plan + compliant + exempt).map(evaluator.evaluate),
            errors: [ScanError(file: "bad.json", position: at(3, 4), message: "expected a string key")], inputFiles: 4)
    }

    @Test("text: file:line:col, resource, verdict, message, fix; compliant findings only counted")
    func text() throws {
        let text = TextReportWriter.render(try Self.report())
        #expect(text == """
            dir/app one.yaml:6:16: Task: noncompliant: pidMode is 'host' (branch 2 of 2 of Fn::If, the worst). Fix: Remove PidMode or set it to 'task'.
            plan.json:1:24: a.b: indeterminate: pidMode is (known after apply) (not known before deploy). Fix: Write pid_mode as a literal ("task"), or make sure it can never resolve to 'host'.
            td.json:1:40: node-exporter: noncompliant (exempt): pidMode is 'host'; EXEMPT EXC-0042 until 2027-02-01 (owner o@example.com): r
            pidmode-check: 4 files, 4 task definitions: 2 noncompliant (1 exempted), 1 indeterminate, 1 compliant; 1 error

            """)
    }

    @Test("json: one object with findings (compliant included) and the summary, as §10 names them")
    func json() throws {
        let value = try JSONParser.parse(JSONReportWriter.render(try Self.report()))
        let findings = try #require(value["findings"]?.arrayValue)
        #expect(findings.count == 4)
        let first = try #require(findings.first?.objectValue)
        #expect(first.keys == ["file", "line", "column", "format", "resource", "verdict", "value", "message", "exception"])
        #expect(findings[0]["value"] == .string("host") && findings[0]["line"] == .number("6") && findings[0]["column"] == .number("16"))
        #expect(findings[0]["format"] == .string("cloudformation") && findings[0]["exception"] == .null)
        #expect(findings[1]["verdict"] == .string("compliant") && findings[1]["format"] == .string("terraform"))
        #expect(findings[1]["value"] == .string("task"))
        #expect(findings[2]["verdict"] == .string("indeterminate") && findings[2]["value"] == .null)
        #expect(findings[2]["format"] == .string("terraform-plan"))
        #expect(findings[3]["exception"] == .string("EXC-0042") && findings[3]["format"] == .string("taskdef"))
        let summary = try #require(value["summary"]?.objectValue)
        #expect(summary.keys == ["files", "taskDefinitions", "noncompliant", "indeterminate", "compliant", "exempted", "errors"])
        #expect(["4", "4", "2", "1", "1", "1", "1"].map(JSONValue.number) == summary.members.map(\.value))
    }

    @Test("sarif: rules, levels, security-severity, uri, region, fingerprints, suppression for the exempted finding")
    func sarif() throws {
        let log = try JSONParser.parse(SARIFReportWriter.render(try Self.report()))
        #expect(log["version"] == .string("2.1.0"))
        let run = try #require(log["runs"]?.arrayValue?.first)
        let rules = try #require(run["tool"]?["driver"]?["rules"]?.arrayValue)
        #expect(rules.map { $0["id"] } == [.string("PIDMODE001"), .string("PIDMODE002")])
        #expect(rules[0]["defaultConfiguration"]?["level"] == .string("error"))
        #expect(rules[0]["properties"]?["security-severity"] == .string("8.9"))
        #expect(rules[0]["properties"]?["tags"] == .array([.string("security")]))
        #expect(rules[1]["defaultConfiguration"]?["level"] == .string("warning"))
        #expect(rules.allSatisfy { $0["help"]?["text"]?.stringValue?.isEmpty == false })
        let results = try #require(run["results"]?.arrayValue)
        #expect(results.map { $0["ruleId"] } == [.string("PIDMODE001"), .string("PIDMODE002"), .string("PIDMODE001")])
        #expect(results.map { $0["level"] } == [.string("error"), .string("warning"), .string("error")])
        let location = try #require(results[0]["locations"]?.arrayValue?.first?["physicalLocation"])
        #expect(location["artifactLocation"]?["uri"] == .string("dir/app%20one.yaml"))
        #expect(location["region"]?["startLine"] == .number("6") && location["region"]?["startColumn"] == .number("16"))
        #expect(results[0]["partialFingerprints"]?["pidmodeFinding/v1"]?.stringValue?.count == 16)
        #expect(results[0]["suppressions"] == nil)
        let suppression = try #require(results[2]["suppressions"]?.arrayValue?.first)
        #expect(suppression["kind"] == .string("external"))
        #expect(suppression["justification"] == .string("EXC-0042 until 2027-02-01 (owner o@example.com): r"))
        let invocation = try #require(run["invocations"]?.arrayValue?.first)
        #expect(invocation["executionSuccessful"] == .bool(false))
        #expect(invocation["toolExecutionNotifications"]?.arrayValue?.count == 1)
    }

    @Test("sarif: the fingerprint is stable across runs and ignores the line; it changes with the resource")
    func fingerprint() throws {
        let moved = try sites(cfnYAML("Family: x\n\n\nPidMode: host"), name: "a.yaml")
        let original = try sites(cfnYAML("PidMode: host"), name: "a.yaml")
        func print(_ sites: [TaskDefinitionSite]) throws -> JSONValue? {
            let log = try JSONParser.parse(SARIFReportWriter.render(ScanReport(findings: sites.map(FindingEvaluator().evaluate), errors: [], inputFiles: 1)))
            return log["runs"]?.arrayValue?.first?["results"]?.arrayValue?.first?["partialFingerprints"]
        }
        #expect(try print(moved) == print(original))
        var renamed = original
        renamed[0].resource = "Other"
        #expect(try print(renamed) != print(original))
    }
}
