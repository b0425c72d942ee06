import JSON
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
