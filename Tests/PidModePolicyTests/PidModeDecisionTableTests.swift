import JSON
import PidModePolicy
import Testing

/// rule-semantics §2 (recorded), §9 (hook) and §10 (checker): one row per value, one column per reading.
@Suite("PidModePolicy.decide: the decision table")
struct PidModeDecisionTableTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var value: PidModeValue
        var recorded: Verdict
        var proposed: Verdict
        var terraform: Verdict
        var testDescription: String { "\(value)" }
    }

    static let rows: [Row] = [
        Row(value: .literal(.string("host")), recorded: .noncompliant, proposed: .noncompliant, terraform: .noncompliant),
        Row(value: .literal(.string("HOST")), recorded: .noncompliant, proposed: .noncompliant, terraform: .noncompliant),
        Row(value: .literal(.string("hOsT")), recorded: .noncompliant, proposed: .noncompliant, terraform: .noncompliant),
        Row(value: .literal(.string("task")), recorded: .compliant, proposed: .compliant, terraform: .compliant),
        Row(value: .literal(.string("none")), recorded: .compliant, proposed: .compliant, terraform: .compliant),
        Row(value: .literal(.string(" host")), recorded: .compliant, proposed: .compliant, terraform: .compliant),
        Row(value: .literal(.string("hostname")), recorded: .compliant, proposed: .compliant, terraform: .compliant),
        Row(value: .literal(.string("")), recorded: .compliant, proposed: .noncompliant, terraform: .compliant),
        Row(value: .literal(.null), recorded: .compliant, proposed: .compliant, terraform: .compliant),
        Row(value: .absent, recorded: .compliant, proposed: .compliant, terraform: .compliant),
        Row(value: .literal(.number("1")), recorded: .compliant, proposed: .noncompliant, terraform: .noncompliant),
        Row(value: .literal(.bool(true)), recorded: .compliant, proposed: .noncompliant, terraform: .noncompliant),
        Row(value: .literal(.array([.string("host")])), recorded: .compliant, proposed: .noncompliant, terraform: .noncompliant),
        Row(value: .literal(.object(JSONObject(["Ref": .string("Mode")]))), recorded: .compliant, proposed: .noncompliant,
            terraform: .noncompliant),
        Row(value: .notLiteral(description: "Ref PidModeParameter"), recorded: .indeterminate, proposed: .indeterminate,
            terraform: .indeterminate),
    ]

    @Test("verdict per reading", arguments: rows)
    func verdicts(_ row: Row) {
        #expect(PidModePolicy.decide(row.value, reading: .recorded).verdict == row.recorded)
        #expect(PidModePolicy.decide(row.value, reading: .proposed).verdict == row.proposed)
        #expect(PidModePolicy.decide(row.value, reading: .terraform).verdict == row.terraform)
    }

    @Test("the finding quotes the value as written, never rewritten")
    func findings() {
        #expect(PidModePolicy.decide(.literal(.string("HoSt")), reading: .recorded).finding == "pidMode is 'HoSt'")
        #expect(PidModePolicy.decide(.absent, reading: .proposed).finding == "pidMode not set")
        #expect(PidModePolicy.decide(.literal(.string("")), reading: .proposed).finding == "pidMode is '' (not a valid setting)")
        #expect(PidModePolicy.decide(.literal(.number("7")), reading: .proposed).finding == "pidMode is a number (not a valid setting)")
        #expect(PidModePolicy.decide(.notLiteral(description: "Fn::Sub"), reading: .proposed).finding
            == "pidMode is Fn::Sub (not known before deploy)")
    }

    @Test("the decision carries the value it decided")
    func carriesValue() {
        let value = PidModeValue.literal(.string("task"))
        #expect(PidModePolicy.decide(value, reading: .terraform).value == value)
    }

    @Test("a conditional takes its worst branch: noncompliant > indeterminate > compliant, first among equals")
    func worstBranch() {
        let compliant = PidModePolicy.decide(.literal(.string("task")), reading: .proposed)
        let unknown = PidModePolicy.decide(.notLiteral(description: "Ref Mode"), reading: .proposed)
        let host = PidModePolicy.decide(.literal(.string("host")), reading: .proposed)
        let otherHost = PidModePolicy.decide(.literal(.string("HOST")), reading: .proposed)
        #expect(PidModePolicy.worst([compliant, host]) == host)
        #expect(PidModePolicy.worst([host, compliant]) == host)
        #expect(PidModePolicy.worst([compliant, unknown]) == unknown)
        #expect(PidModePolicy.worst([unknown, otherHost, host]) == otherHost)
        #expect(PidModePolicy.worst([compliant]) == compliant)
        #expect(PidModePolicy.worst([]) == nil)
    }

    @Test("verdicts are ordered by severity")
    func ordering() {
        #expect(Verdict.compliant < .indeterminate)
        #expect(Verdict.indeterminate < .noncompliant)
        #expect(Verdict.allCases.map(\.name) == ["compliant", "indeterminate", "noncompliant"])
    }
}
