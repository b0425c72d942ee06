import JSON
import Testing

@testable import ConfigRule

/// Inputs from fuzzing `ConfigEvent(payload:)` + `PidModeRule` (Fuzz/README.md, `scripts/fuzz`): the corpus entries
/// at the edges of the decoder (nesting at the limit, huge numbers, invalid UTF-8, surrogate escapes, annotations
/// over the limit). Each must give an orderly result — an event and an evaluation, or `.malformedEvent` — never a
/// trap. The bytes are spelled out here so the tests do not depend on the corpus' file names.
@Suite("Fuzz regressions: ConfigEvent(payload:) and the rule on hostile bytes")
struct FuzzRegressionTests {
    // MARK: - Helpers (static: nothing leaks into the test module's namespace)

    struct Unexpected: Error {}

    /// `payload` with the first occurrence of the ASCII `placeholder` replaced by `bytes` (for bytes a Swift string
    /// literal cannot hold, such as invalid UTF-8).
    static func splice(_ payload: [UInt8], _ placeholder: String, _ bytes: [UInt8]) -> [UInt8] {
        let marker = Array(placeholder.utf8)
        guard let start = (0...(payload.count - marker.count)).first(where: { payload[$0..<$0 + marker.count].elementsEqual(marker) })
        else { return payload }
        return Array(payload[..<start]) + bytes + Array(payload[(start + marker.count)...])
    }

    /// A compact change-notification event with the invoking event as an object (so the nesting is one document).
    static func changeEvent(
        configuration: String = #"{"Family":"testtaskdef","Revision":2,"PidMode":"host"}"#,
        captureTime: String = #""2024-01-18T22:05:40.112Z""#,
        status: String = #""OK""#,
        resourceType: String = #""AWS::ECS::TaskDefinition""#,
        resourceID: String = #""testtaskdef""#,
        resourceName: String = #""testtaskdef:2""#,
        resultToken: String = #""myResultToken""#
    ) -> [UInt8] {
        Array(
            (#"{"invokingEvent":{"messageType":"ConfigurationItemChangeNotification","configurationItem":{"#
                + #""configuration":\#(configuration),"configurationItemCaptureTime":\#(captureTime),"#
                + #""configurationItemStatus":\#(status),"resourceType":\#(resourceType),"resourceId":\#(resourceID),"#
                + #""resourceName":\#(resourceName)}},"ruleParameters":"{}","resultToken":\#(resultToken)}"#).utf8)
    }

    /// Decodes, and evaluates a change notification as the handler does.
    static func outcome(_ payload: [UInt8]) -> Result<(ConfigEvent, Evaluation?), ConfigRuleError> {
        do {
            let event = try ConfigEvent(payload: payload)
            guard case .change(let item) = event.invokingEvent else { return .success((event, nil)) }
            let parameters = RuleParameters.parse(event.ruleParametersValue).0
            let evaluation = try PidModeRule.evaluate(
                item, parameters: parameters, eventLeftScope: event.eventLeftScope, orderingTimestamp: item.captureTime)
            return .success((event, evaluation))
        } catch {
            return .failure(error)
        }
    }

    /// The evaluation of a payload that must decode and evaluate, checked like the fuzz harness checks it.
    static func evaluation(_ payload: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) throws -> Evaluation {
        let result = outcome(payload)
        guard case .success((_, let evaluation?)) = result else {
            Issue.record("expected an evaluation, got \(result)", sourceLocation: sourceLocation)
            throw Unexpected()
        }
        #expect(!evaluation.annotation.isEmpty, sourceLocation: sourceLocation)
        #expect(evaluation.annotation.utf16.count <= 256, sourceLocation: sourceLocation)
        let body = JSONWriter.serialize(.object(JSONObject(["Evaluations": .array([evaluation.wireValue])])))
        let parsed = try JSONParser.parse(body)
        #expect(parsed["Evaluations"]?.arrayValue?.first == evaluation.wireValue, sourceLocation: sourceLocation)
        return evaluation
    }

    /// The error of a payload that must be rejected as malformed.
    static func malformed(_ payload: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> ConfigRuleError? {
        switch outcome(payload) {
        case .success(let value):
            Issue.record("expected .malformedEvent, got \(value)", sourceLocation: sourceLocation)
            return nil
        case .failure(let error):
            #expect(error.code == .malformedEvent, sourceLocation: sourceLocation)
            #expect(error.errorType == "ConfigRule.MalformedEvent", sourceLocation: sourceLocation)
            return error
        }
    }

    static func nested(_ levels: Int, around inner: String = "") -> String {
        String(repeating: "[", count: levels) + inner + String(repeating: "]", count: levels)
    }

    // MARK: - Nesting at the parser's limit (256)

    /// The outer event, invokingEvent, configurationItem and configuration objects are 4 levels of one document.
    @Test("nesting of exactly 256 levels inside the event decodes; 257 is malformed, not a stack overflow")
    func nestingAtTheLimit() throws {
        let at = Self.changeEvent(configuration: #"{"PidMode":"host","x":\#(Self.nested(252))}"#)
        #expect(try Self.evaluation(at).complianceType == .nonCompliant)
        let over = Self.changeEvent(configuration: #"{"PidMode":"host","x":\#(Self.nested(253))}"#)
        let error = Self.malformed(over)
        #expect(error?.message.contains("nesting deeper than 256") == true)
    }

    @Test("bare documents nested 256 / 257 / 100 000 deep are malformed events")
    func bareNesting() {
        #expect(Self.malformed(Array(Self.nested(256).utf8))?.message.contains("must be a JSON object") == true)
        #expect(Self.malformed(Array(Self.nested(257).utf8))?.message.contains("nesting deeper") == true)
        #expect(Self.malformed(Array(String(repeating: "[", count: 100_000).utf8))?.message.contains("nesting deeper") == true)
        let objects = String(repeating: #"{"a":"#, count: 300) + "1" + String(repeating: "}", count: 300)
        #expect(Self.malformed(Array(objects.utf8))?.message.contains("nesting deeper") == true)
    }

    /// `invokingEvent` as a JSON string is a second document with its own depth budget.
    @Test("an invokingEvent string nested 256 deep inside is parsed with its own limit")
    func nestedInsideTheInvokingEventString() throws {
        // invokingEvent object, configurationItem, configuration: 3 levels, + 253 = 256.
        func payload(_ levels: Int) -> [UInt8] {
            let inner = #"{"messageType":"ConfigurationItemChangeNotification","configurationItem":{"#
                + #""configuration":{"PidMode":"host","x":\#(Self.nested(levels))},"#
                + #""configurationItemCaptureTime":"2024-01-18T22:05:40Z","configurationItemStatus":"OK","#
                + #""resourceType":"AWS::ECS::TaskDefinition","resourceId":"td"}}"#
            return JSONWriter.serialize(.object(JSONObject([
                "invokingEvent": .string(inner), "resultToken": .string("t"),
            ])))
        }
        #expect(try Self.evaluation(payload(253)).complianceType == .nonCompliant)
        let rejected = payload(254)
        #expect(Self.malformed(rejected)?.message.hasPrefix("invokingEvent is not a JSON document") == true)
    }

    // MARK: - Numbers

    @Test("huge and extreme numbers as the capture time are malformed, never an overflow trap",
          arguments: ["1e999999", "-1e999999", "123456789012345678901234567890", "1e14", "-1e14", "9223372036854775807",
                      "1.7976931348623157e308"])
    func hugeCaptureTimes(_ number: String) {
        let error = Self.malformed(Self.changeEvent(captureTime: number))
        #expect(error?.message.contains("configurationItemCaptureTime") == true)
    }

    @Test("epoch capture times at the edges of the accepted range decode and round-trip exactly",
          arguments: [
              ("999999999999.9999", 999_999_999_999_999 as Int64), ("-999999999999.999", -999_999_999_999_999),
              // 14 integer digits take the Double path: 99999999999999.9 is 99999999999999.90625 in binary.
              ("99999999999999.9", 99_999_999_999_999_904), ("1.705615540112E9", 1_705_615_540_112),
              ("-0.0005", 0), ("0", 0), ("-0", 0), ("1e-400", 0),
          ])
    func epochEdges(_ number: String, _ milliseconds: Int64) throws {
        let evaluation = try Self.evaluation(Self.changeEvent(captureTime: number))
        #expect(evaluation.orderingTimestamp.epochMilliseconds == milliseconds)
        let wire = try #require(evaluation.wireValue["OrderingTimestamp"])
        #expect(Timestamp(json: try JSONParser.parse(JSONWriter.serialize(wire))) == evaluation.orderingTimestamp)
    }

    @Test("numbers anywhere else keep their text: configurationStateId beyond 2^64, 1e999999 in the configuration")
    func numbersElsewhere() throws {
        let payload = Self.changeEvent(
            configuration: #"{"PidMode":"task","Revision":123456789012345678901234567890,"Cpu":1e999999,"Memory":-0.0e-0}"#)
        let evaluation = try Self.evaluation(payload)
        #expect(evaluation.complianceType == .compliant)
        let event = try ConfigEvent(payload: payload)
        guard case .change(let item) = event.invokingEvent else { Issue.record("not a change"); return }
        #expect(item.configuration?.revision == "123456789012345678901234567890")
    }

    // MARK: - UTF-8 and escapes

    @Test("invalid UTF-8 anywhere in the payload is a malformed event",
          arguments: [
              [0xFF, 0xFE] as [UInt8],  // not UTF-8 at all
              [0xC0, 0xAF],  // overlong "/"
              [0xE0, 0x80, 0xAF],  // overlong, 3 bytes
              [0xED, 0xA0, 0x80],  // a surrogate (U+D800) encoded as UTF-8
              [0xF4, 0x90, 0x80, 0x80],  // beyond U+10FFFF
              [0xE2, 0x82],  // truncated sequence
          ])
    func invalidUTF8(_ bad: [UInt8]) {
        let inResourceID = Self.splice(Self.changeEvent(resourceID: #""id-@@""#), "@@", bad)
        #expect(Self.malformed(inResourceID)?.message.contains("invalid UTF-8") == true)
        let inKey = Self.splice(Self.changeEvent(), "resultToken", bad)
        #expect(Self.malformed(inKey)?.message.contains("invalid UTF-8") == true)
    }

    @Test("surrogate-pair escapes decode to the scalar and reach the wire verbatim")
    func surrogatePairs() throws {
        let evaluation = try Self.evaluation(
            Self.changeEvent(resourceID: #""\ud83d\ude00-\uD834\uDD1E""#, resourceName: #""\u0000\u001f""#))
        #expect(Array(evaluation.resourceID.utf8) == Array("😀-𝄞".utf8))
        #expect(evaluation.wireValue["ComplianceResourceId"]?.stringValue == "😀-𝄞")
        #expect(evaluation.complianceType == .nonCompliant)
    }

    @Test("lone or malformed surrogate escapes are malformed events",
          arguments: [#""\ud800""#, #""\udc00""#, #""\ud800\u0041""#, #""\ud800\""#, #""\ud83d\ude0""#, #""\uDBFF\uDBFF""#])
    func loneSurrogates(_ id: String) {
        #expect(Self.malformed(Self.changeEvent(resourceID: id))?.message.contains("is not JSON") == true)
    }

    @Test("escapes inside the invokingEvent string are decoded twice: \\\\u0068ost is host, \\u0054ESTMODE is TESTMODE")
    func doubleEscapes() throws {
        let payload = Array((#"{"invokingEvent":"{\"messageType\":\"ConfigurationItemChangeNotification\","#
            + #"\"configurationItem\":{\"configurationItemCaptureTime\":\"2024-01-18T22:05:40Z\","#
            + #"\"configurationItemStatus\":\"OK\",\"resourceType\":\"AWS::ECS::TaskDefinition\","#
            + #"\"resourceId\":\"\\ud83d\\ude00\",\"configuration\":{\"PidMode\":\"\\u0068ost\"}}}","#
            + #""resultToken":"\u0054ESTMODE"}"#).utf8)
        let evaluation = try Self.evaluation(payload)
        #expect(evaluation.complianceType == .nonCompliant)
        #expect(evaluation.resourceID == "😀")
        #expect(try ConfigEvent(payload: payload).testMode)
    }

    @Test("a NFD resource id stays NFD on the wire (verbatim bytes, not just canonically equal)")
    func decomposedResourceID() throws {
        let evaluation = try Self.evaluation(Self.changeEvent(resourceID: "\"cafe\u{301}\""))
        let wire = try #require(evaluation.wireValue["ComplianceResourceId"]?.stringValue)
        #expect(Array(wire.utf8) == Array("cafe\u{301}".utf8))
        #expect(Array(wire.utf8) != Array("caf\u{E9}".utf8))
    }

    // MARK: - Annotation limits

    @Test("annotations built from long or multi-unit names stay within 1…256 UTF-16 units",
          arguments: [
              (#""\#(String(repeating: "n", count: 300))""#, #""OK""#, #""AWS::ECS::TaskDefinition""#),
              (#""\#(String(repeating: "😀", count: 200))""#, #""OK""#, #""AWS::ECS::TaskDefinition""#),
              (#""\#(String(repeating: "👩‍👩‍👧", count: 60))""#, #""OK""#, #""AWS::ECS::TaskDefinition""#),
              (#""x""#, #""ResourceDeleted""#, #""AWS::\#(String(repeating: "X", count: 400))""#),
              (#""x""#, #""e\#(String(repeating: "\u{301}", count: 400))""#, #""AWS::ECS::TaskDefinition""#),
              (#""x""#, #""OK""#, #""\#(String(repeating: "\u{301}", count: 300))""#),
          ])
    func longAnnotations(_ name: String, _ status: String, _ type: String) throws {
        let configuration = status == #""OK""# ? #"{"PidMode":"host"}"# : "null"
        let evaluation = try Self.evaluation(
            Self.changeEvent(configuration: configuration, status: status, resourceType: type, resourceName: name))
        #expect(!evaluation.annotation.isEmpty)
        #expect(evaluation.annotation.utf16.count <= 256)
    }

    // MARK: - Framing

    @Test("empty input, a bare BOM-prefixed object, literals and trailing garbage are malformed events",
          arguments: [[], [0xEF, 0xBB, 0xBF, 0x7B, 0x7D], Array("null".utf8), Array("{} x".utf8), Array("{\"a\":1,}".utf8),
                      Array("{\"invokingEvent\":\"{}\",\"resultToken\":\"t\"".utf8), [0x00]] as [[UInt8]])
    func framing(_ payload: [UInt8]) {
        #expect(Self.malformed(payload) != nil)
    }
}
