import IaCScan
import JSON
import PidModePolicy
import Testing

/// rule-semantics §10 "Verdicts", decided by the shared policy on what each reader found.
@Suite("Verdicts: every row of §10 through the shared policy")
struct VerdictTests {
    @Test("CloudFormation / task definitions: host (any case), \"\" and non-strings are noncompliant",
          arguments: ["host", "HOST", "Host", "\"host\"", "''", "\"\"", "1", "true", "[host]", "{a: b}"])
    func cloudFormationNoncompliant(value: String) throws {
        #expect(try verdict(cfnYAML("PidMode: \(value)")) == .noncompliant)
    }

    @Test("CloudFormation / task definitions: absent, null, task, AWS::NoValue and other strings are compliant",
          arguments: ["Family: x", "PidMode: task", "PidMode: null", "PidMode: ~", "PidMode:", "PidMode: !Ref AWS::NoValue",
                      "PidMode: ' host'", "PidMode: hostile"])
    func cloudFormationCompliant(line: String) throws {
        #expect(try verdict(cfnYAML(line)) == .compliant)
    }

    @Test("CloudFormation: parameters and functions are indeterminate",
          arguments: ["!Ref Mode", "!Sub '${Mode}'", "!FindInMap [M, K, V]", "!Select [0, !Ref Modes]", "!GetAtt A.B",
                      "{Ref: Mode}", "{'Fn::Sub': x}", "!Base64 host", "!Ref AWS::Region"])
    func cloudFormationIndeterminate(value: String) throws {
        #expect(try verdict(cfnYAML("PidMode: \(value)")) == .indeterminate)
    }

    @Test("task-definition JSON: the same reading as CloudFormation")
    func taskDefinitionJSON() throws {
        func taskDefinition(_ value: String) throws -> Verdict {
            try verdict(#"{"family": "f", "containerDefinitions": [], "pidMode": \#(value)}"#)
        }
        #expect(try taskDefinition(#""host""#) == .noncompliant)
        #expect(try taskDefinition(#""hOsT""#) == .noncompliant)
        #expect(try taskDefinition(#""""#) == .noncompliant)
        #expect(try taskDefinition("0") == .noncompliant)
        #expect(try taskDefinition("null") == .compliant)
        #expect(try taskDefinition(#""task""#) == .compliant)
        #expect(try verdict(#"{"family": "f", "containerDefinitions": []}"#) == .compliant)
    }

    @Test("Terraform .tf and plan JSON: \"\" is unset (compliant); host and non-strings are noncompliant")
    func terraformReading() throws {
        #expect(try verdict(terraform(#"pid_mode = """#)) == .compliant)
        #expect(try verdict(terraform(#"pid_mode = "host""#)) == .noncompliant)
        #expect(try verdict(terraform(#"pid_mode = "HOST""#)) == .noncompliant)
        #expect(try verdict(terraform("pid_mode = true")) == .noncompliant)
        #expect(try verdict(terraform("pid_mode = null")) == .compliant)
        #expect(try verdict(terraform("family = \"f\"")) == .compliant)
        #expect(try verdict(terraform("pid_mode = var.mode")) == .indeterminate)
        func plan(_ after: String, unknown: String = "{}") throws -> Verdict {
            try verdict(#"{"resource_changes": [{"address": "a.b", "type": "aws_ecs_task_definition", "change": {"actions": ["create"], "after": \#(after), "after_unknown": \#(unknown)}}]}"#)
        }
        #expect(try plan(#"{"pid_mode": ""}"#) == .compliant)
        #expect(try plan(#"{"pid_mode": "host"}"#) == .noncompliant)
        #expect(try plan(#"{"pid_mode": null}"#) == .compliant)
        #expect(try plan("{}", unknown: #"{"pid_mode": true}"#) == .indeterminate)
        #expect(try plan(#"{"pid_mode": "host"}"#, unknown: #"{"pid_mode": false}"#) == .noncompliant)
    }

    @Test("a conditional takes its worst branch (noncompliant > indeterminate > compliant) and names it")
    func worstBranch() throws {
        let cases: [(String, Verdict, Int)] = [
            ("!If [C, task, host]", .noncompliant, 2),
            ("!If [C, !Ref M, task]", .indeterminate, 1),
            ("!If [C, !Ref M, host]", .noncompliant, 2),
            ("!If [C, task, !Ref AWS::NoValue]", .compliant, 1),
            ("!If [C, !If [D, task, ''], task]", .noncompliant, 2),
        ]
        for (value, expected, branch) in cases {
            let finding = FindingEvaluator().evaluate(try site(cfnYAML("PidMode: \(value)")))
            #expect(finding.verdict == expected, "\(value)")
            #expect(finding.branch?.index == branch, "\(value)")
            #expect(finding.message.contains("branch \(branch) of"), "\(finding.message)")
        }
        let terraformFinding = FindingEvaluator().evaluate(try site(terraform(#"pid_mode = var.x ? "task" : "host""#)))
        #expect(terraformFinding.verdict == .noncompliant)
        #expect(terraformFinding.literalValue == .string("host"))
        #expect(terraformFinding.message == "pidMode is 'host' (branch 2 of 2 of ?:, the worst)")
    }

    @Test("fail-on: indeterminate fails only with --fail-on indeterminate; exempt noncompliant never fails")
    func failOn() throws {
        let indeterminate = FindingEvaluator().evaluate(try site(cfnYAML("PidMode: !Ref M")))
        #expect(!indeterminate.fails(.noncompliant) && indeterminate.fails(.indeterminate))
        let exempt = FindingEvaluator { _ in .exempt(id: "EXC-1", justification: "EXC-1 until 2027-01-01 (owner o): r") }
            .evaluate(try site(cfnYAML("PidMode: host")))
        #expect(exempt.verdict == .noncompliant && exempt.isExempt && !exempt.fails(.indeterminate))
        let expired = FindingEvaluator { _ in .expired(id: "EXC-1", note: "exception EXC-1 expired 2026-01-01 (owner o)") }
            .evaluate(try site(cfnYAML("PidMode: host")))
        #expect(expired.fails(.noncompliant) && expired.message.contains("EXC-1 expired"))
        let compliantLookup = FindingEvaluator { _ in .exempt(id: "EXC-1", justification: "j") }.evaluate(try site(cfnYAML("PidMode: task")))
        #expect(compliantLookup.exception == .none)
    }
}
