import JSON
import PidModePolicy
import Testing

@testable import ConfigRule

@Suite("RuleParameters.parse (rule-semantics §3)")
struct RuleParametersTests {
    @Test("absent, null, empty or '{}' → defaults and no warning", arguments: [
        nil, JSONValue.null, .string(""), .string("   "), .string("{}"), .string(" { } "), .object(JSONObject()),
    ])
    func defaults(_ value: JSONValue?) {
        let (parameters, warnings) = RuleParameters.parse(value)
        #expect(parameters == RuleParameters())
        #expect(parameters.skipInactiveTaskDefinitions == false)
        #expect(warnings.isEmpty, "\(warnings)")
    }

    @Test("valid SkipInactiveTaskDefinitions values → that value and no warning", arguments: [
        (#"{"SkipInactiveTaskDefinitions":"true"}"#, true),
        (#"{"SkipInactiveTaskDefinitions":"TRUE"}"#, true),
        (#"{"SkipInactiveTaskDefinitions":"True"}"#, true),
        (#"{"SkipInactiveTaskDefinitions":true}"#, true),
        (#"{"SkipInactiveTaskDefinitions":"false"}"#, false),
        (#"{"SkipInactiveTaskDefinitions":"FALSE"}"#, false),
        (#"{"SkipInactiveTaskDefinitions":false}"#, false),
        (#" {"SkipInactiveTaskDefinitions" : "true"} "#, true),
    ])
    func valid(_ text: String, _ expected: Bool) {
        let (parameters, warnings) = RuleParameters.parse(.string(text))
        #expect(parameters.skipInactiveTaskDefinitions == expected)
        #expect(warnings.isEmpty, "\(warnings)")
    }

    @Test("an object given directly (not as a string) is read the same way")
    func directObject() {
        let (parameters, warnings) = RuleParameters.parse(.object(JSONObject(["SkipInactiveTaskDefinitions": .string("true")])))
        #expect(parameters.skipInactiveTaskDefinitions)
        #expect(warnings.isEmpty)
    }

    /// Each problem: the parameters fall back to the defaults and exactly one warning names the problem.
    @Test("unusable parameters → defaults plus exactly one warning naming the problem", arguments: [
        (JSONValue.string("{not json"), ["JSON"]),
        (.string(#"{"SkipInactiveTaskDefinitions":"true""#), ["JSON"]),
        (.string("[1]"), ["object", "array"]),
        (.string("\"true\""), ["object", "string"]),
        (.string("42"), ["object", "number"]),
        (.string(#"{"SkipInactive":"true"}"#), ["SkipInactive"]),
        (.string(#"{"myParameterKey":"myParameterValue"}"#), ["myParameterKey"]),
        (.string(#"{"SkipInactiveTaskDefinitions":"yes"}"#), ["SkipInactiveTaskDefinitions"]),
        (.string(#"{"SkipInactiveTaskDefinitions":1}"#), ["SkipInactiveTaskDefinitions"]),
        (.string(#"{"SkipInactiveTaskDefinitions":null}"#), ["SkipInactiveTaskDefinitions"]),
        (.string(#"{"SkipInactiveTaskDefinitions":["true"]}"#), ["SkipInactiveTaskDefinitions"]),
        (.number("1"), ["string"]),
        (.array([]), ["string"]),
    ])
    func problem(_ value: JSONValue, _ mentions: [String]) {
        let (parameters, warnings) = RuleParameters.parse(value)
        #expect(parameters == RuleParameters())
        #expect(warnings.count == 1, "\(warnings)")
        for word in mentions {
            #expect(warnings.first?.contains(word) == true, "warning \(warnings) should mention \(word)")
        }
    }

    @Test("ruleParameters of the AWS doc example (unknown key) → one warning, evaluation still happens")
    func docExample() throws {
        let decided = try decideChange(try Payloads.bytes(Payloads.ec2))
        #expect(decided.parameters == RuleParameters())
        #expect(decided.warnings.count == 1)
        #expect(decided.warnings.first?.contains("myParameterKey") == true)
        #expect(decided.evaluation.complianceType == .notApplicable)
    }
}

@Suite("RuleParameters: the keys of scopes and exceptions, each with its own fallback (rule-semantics §3)")
struct RuleParametersPerKeyTests {
    @Test("every key valid → every value used, no warning")
    func allValid() {
        let text = #"{"SkipInactiveTaskDefinitions":"true","ExecutionRoleName":"audit/pid-mode","EvaluatedRevisions":"latest_active","#
            + #""ExceptionsParameterName":"/pid-mode-rule/exceptions","MaxExceptionDays":"90","ExemptComplianceType":"not_applicable"}"#
        let (parameters, warnings) = RuleParameters.parse(.string(text))
        #expect(warnings.isEmpty, "\(warnings)")
        #expect(parameters == RuleParameters(
            skipInactiveTaskDefinitions: true, executionRoleName: "audit/pid-mode", evaluatedRevisions: .latestActive,
            exceptionsParameterName: "/pid-mode-rule/exceptions", maxExceptionDays: 90, exemptComplianceType: .notApplicable
        ))
    }

    @Test("EvaluatedRevisions in any letter case", arguments: [
        ("ALL", EvaluatedRevisions.all), ("active", .active), ("Latest_Active", .latestActive), ("in_use", .inUse),
    ])
    func scopes(_ text: String, _ expected: EvaluatedRevisions) {
        let (parameters, warnings) = RuleParameters.parse(.string(#"{"EvaluatedRevisions":"\#(text)"}"#))
        #expect(parameters.evaluatedRevisions == expected)
        #expect(warnings.isEmpty)
    }

    @Test("a bad EvaluatedRevisions falls back to ALL and keeps ExecutionRoleName (the per-key fallback)")
    func badScopeKeepsRole() {
        let (parameters, warnings) = RuleParameters.parse(.string(#"{"EvaluatedRevisions":"RUNNING","ExecutionRoleName":"member-audit"}"#))
        #expect(parameters.evaluatedRevisions == .all)
        #expect(parameters.executionRoleName == "member-audit")
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("EvaluatedRevisions") == true)
        #expect(warnings.first?.contains("ALL") == true)
    }

    @Test("each bad value → one warning naming its key, that key's default, the other keys kept", arguments: [
        (#""MaxExceptionDays":"0""#, "MaxExceptionDays"),
        (#""MaxExceptionDays":3651"#, "MaxExceptionDays"),
        (#""MaxExceptionDays":"30.5""#, "MaxExceptionDays"),
        (#""MaxExceptionDays":-1"#, "MaxExceptionDays"),
        (#""ExemptComplianceType":"NON_COMPLIANT""#, "ExemptComplianceType"),
        (#""ExemptComplianceType":true"#, "ExemptComplianceType"),
        (#""ExceptionsParameterName":"my parameter""#, "ExceptionsParameterName"),
        (#""ExceptionsParameterName":42"#, "ExceptionsParameterName"),
        (#""EvaluatedRevisions":["ALL"]"#, "EvaluatedRevisions"),
        (#""Unknown":"x""#, "Unknown"),
    ])
    func badValue(_ member: String, _ key: String) {
        let (parameters, warnings) = RuleParameters.parse(.string(#"{\#(member),"SkipInactiveTaskDefinitions":"true"}"#))
        #expect(warnings.count == 1, "\(warnings)")
        #expect(warnings.first?.contains(key) == true)
        #expect(parameters.skipInactiveTaskDefinitions)
        #expect(parameters.maxExceptionDays == 365)
        #expect(parameters.exemptComplianceType == .compliant)
        #expect(parameters.exceptionsParameterName == nil)
        #expect(parameters.evaluatedRevisions == .all)
    }

    @Test("MaxExceptionDays as a JSON number or a string; ExceptionsParameterName as an ARN")
    func numberAndARN() {
        let (parameters, warnings) = RuleParameters.parse(.string(
            #"{"MaxExceptionDays":3650,"ExceptionsParameterName":"arn:aws:ssm:eu-west-1:111111111111:parameter/pid/exceptions"}"#))
        #expect(warnings.isEmpty, "\(warnings)")
        #expect(parameters.maxExceptionDays == 3650)
        #expect(parameters.exceptionsParameterName == "arn:aws:ssm:eu-west-1:111111111111:parameter/pid/exceptions")
    }

    @Test("two bad keys → two warnings, the good key still used")
    func twoProblems() {
        let (parameters, warnings) = RuleParameters.parse(.string(#"{"EvaluatedRevisions":"x","MaxExceptionDays":"y","ExemptComplianceType":"NOT_APPLICABLE"}"#))
        #expect(warnings.count == 2)
        #expect(parameters.exemptComplianceType == .notApplicable)
    }
}
