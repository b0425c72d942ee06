// libFuzzer target: bytes → ConfigEvent → PidModeRule → Evaluation → PutEvaluations JSON, plus the JSON round trip
// and the timestamp parsers. Built by `scripts/fuzz` against the project's real modules (see Fuzz/README.md).
//
// Any outcome is fine except a trap in the code under test or a broken invariant below. A broken invariant traps
// here, in the harness only (`violated`), so libFuzzer saves the input as a crash artifact.

import JSON
import StructuredLogging

@testable import ConfigRule

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes: [UInt8] = (size == 0 || data == nil) ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    Harness.run(bytes)
    return 0
}

enum Harness {
    static let complianceNames: Set<String> = ["COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE"]
    static let taskDefinitionType = "AWS::ECS::TaskDefinition"
    static let notApplicableStatuses: Set<String> = ["ResourceDeleted", "ResourceDeletedNotRecorded", "ResourceNotRecorded"]
    /// Timestamp checks per input (every string and number of the document is a candidate); keeps exec/s up.
    static let maxTimestampChecks = 48

    static func run(_ bytes: [UInt8]) {
        let document = checkJSONRoundTrip(bytes)
        checkCursor(bytes, document: document)
        checkEvent(bytes, document: document)
        if let document {
            checkAPIItems(document)
            var budget = maxTimestampChecks
            checkTimestamps(in: document, budget: &budget)
        }
        // The raw input as a timestamp text (short inputs only: timestamps are short).
        if bytes.count <= 64, let text = String(validating: bytes, as: UTF8.self) {
            checkISO8601(text)
            checkEpochText(text)
        }
    }

    // MARK: - Invariants

    static func violated(_ what: String, file: StaticString = #file, line: UInt = #line) -> Never {
        fatalError("FUZZ INVARIANT VIOLATED: \(what)", file: file, line: line)
    }

    static func require(_ condition: Bool, _ what: @autoclosure () -> String, file: StaticString = #file, line: UInt = #line) {
        if !condition { violated(what(), file: file, line: line) }
    }

    /// Exact (UTF-8 byte) equality: `String ==` is canonical equivalence, "verbatim" means the same bytes.
    static func sameBytes(_ a: String, _ b: String) -> Bool {
        a.utf8.elementsEqual(b.utf8)
    }

    // MARK: - JSON

    /// parse → serialize → parse gives an equal value, and serialising again gives the same bytes.
    static func checkJSONRoundTrip(_ bytes: [UInt8]) -> JSONValue? {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            require(error.offset >= 0 && error.offset <= bytes.count, "JSONParseError offset \(error.offset) outside 0...\(bytes.count)")
            require(!error.reason.isEmpty, "JSONParseError without a reason")
            return nil
        }
        let text = JSONWriter.serialize(value)
        let again: JSONValue
        do {
            again = try JSONParser.parse(text)
        } catch {
            violated("serialised JSON does not re-parse: \(error); text: \(String(decoding: text.prefix(300), as: UTF8.self))")
        }
        require(again == value, "JSON round trip changed the value")
        require(JSONWriter.serialize(again) == text, "JSON round trip is not byte-stable")
        return value
    }

    /// The focused scanner agrees with the parser: `JSONCursor` accepts exactly what `JSONParser` accepts, and
    /// `TaskDefinitionFacts.scan(document:)` reads the same facts as `TaskDefinitionFacts(configuration:)` of the
    /// parsed object (and `nil` for any other parsed value), and `decodeString(into:)` decodes a string document as the
    /// parser does.
    static func checkCursor(_ bytes: [UInt8], document: JSONValue?) {
        let skipped: Bool = bytes.withUnsafeBufferPointer { buffer in
            var cursor = JSONCursor(buffer)
            do throws(JSONParseError) {
                try cursor.skipValue()
                try cursor.finish()
                return true
            } catch {
                require(error.offset >= 0 && error.offset <= bytes.count, "cursor error offset \(error.offset) outside 0...\(bytes.count)")
                return false
            }
        }
        require(skipped == (document != nil), "JSONCursor \(skipped ? "accepted" : "rejected") what JSONParser \(document != nil ? "accepted" : "rejected")")
        let scanned: Result<TaskDefinitionFacts?, JSONParseError> = bytes.withUnsafeBufferPointer { buffer in
            do throws(JSONParseError) {
                return .success(try TaskDefinitionFacts.scan(document: buffer))
            } catch {
                return .failure(error)
            }
        }
        switch scanned {
        case .failure:
            require(document == nil, "TaskDefinitionFacts.scan rejected what JSONParser accepted")
        case .success(let facts):
            require(document != nil, "TaskDefinitionFacts.scan accepted what JSONParser rejected")
            require(facts == document?.objectValue.map(TaskDefinitionFacts.init(configuration:)), "scanned facts differ from the parsed object's")
        }
        // A string document decodes into the buffer as the parser decodes it (the sweep's `configuration` strings).
        var buffer: [UInt8] = [0x41]
        let decoded: Bool? = bytes.withUnsafeBufferPointer { raw in
            var cursor = JSONCursor(raw)
            do throws(JSONParseError) {
                let isString = try cursor.decodeString(into: &buffer)
                if isString { try cursor.finish() }
                return isString
            } catch {
                return nil
            }
        }
        if case .string(let text)? = document {
            require(decoded == true && buffer == Array(text.utf8), "decodeString differs from the parser's string")
        } else {
            require(decoded != true, "decodeString accepted what JSONParser rejected")
        }
        // The object embedded in a string, read escaped, is the decoded string parsed (when the fast reader answers and
        // only whitespace follows the string, so that the parser's answer is about the same string).
        let names = TaskDefinitionFacts.Member.allCases.map(\.name)
        let embedded: Result<[(index: Int, value: JSONValue)]?, JSONParseError> = bytes.withUnsafeBufferPointer { raw in
            var cursor = JSONCursor(raw)
            do throws(JSONParseError) {
                guard let found = try cursor.embeddedObjectMembers(JSONKeySet(names)) else { return .success(nil) }
                try cursor.finish()
                return .success(found)
            } catch {
                return .failure(error)
            }
        }
        if case .success(let found?) = embedded {
            let inner: JSONValue? = document?.stringValue.flatMap { try? JSONParser.parse($0) }
            let expected = inner?.objectValue?.members.compactMap { member in
                names.firstIndex(of: member.key).map { (index: $0, value: member.value) }
            }
            require(expected.map { $0.elementsEqual(found) { $0.index == $1.index && $0.value == $1.value } } == true,
                    "embeddedObjectMembers differs from the decoded string parsed")
        }
    }

    // MARK: - Event → rule

    static func checkEvent(_ bytes: [UInt8], document: JSONValue?) {
        let event: ConfigEvent
        do {
            event = try ConfigEvent(payload: bytes)
        } catch {
            require(error.code == .malformedEvent, "ConfigEvent threw \(error.code), not malformedEvent")
            require(!error.message.isEmpty, "empty error message")
            require(error.errorType == "ConfigRule.MalformedEvent", "errorType \(error.errorType)")
            return
        }
        require(document != nil, "ConfigEvent accepted a payload JSONParser rejects")
        require(document?.objectValue != nil, "ConfigEvent accepted a non-object payload")
        require(!event.resultToken.isEmpty, "empty resultToken accepted")
        let (parameters, warnings) = RuleParameters.parse(event.ruleParametersValue)
        // Per-key fallback (rule-semantics §3): any number of warnings, each about ruleParameters; a whole-document
        // problem resets every key.
        require(warnings.allSatisfy { $0.hasPrefix("ruleParameters") }, "a parameter warning that does not name ruleParameters")
        if warnings.contains(where: { $0.hasSuffix("evaluating with the defaults") }) {
            require(warnings.count == 1 && parameters == RuleParameters(), "a whole-document problem without falling back to every default")
        }
        let messageType = event.invokingEvent.messageType
        require(!messageType.isEmpty, "empty messageType")

        var evaluations: [Evaluation] = []
        switch event.invokingEvent {
        case .change(let item):
            if let evaluation = checkEvaluate(item, parameters: parameters, eventLeftScope: event.eventLeftScope,
                orderingTimestamp: item.captureTime, resultToken: event.resultToken, testMode: event.testMode) {
                evaluations.append(evaluation)
            }
            checkTimestamp(item.captureTime)
        case .oversizedChange(let summary):
            let reason = PidModeRule.notApplicableReason(summary, eventLeftScope: event.eventLeftScope)
            let evaluation = checkEvaluate(summary, parameters: parameters, eventLeftScope: event.eventLeftScope,
                orderingTimestamp: summary.captureTime, resultToken: event.resultToken, testMode: event.testMode)
            if let reason {
                require(!reason.isEmpty, "empty notApplicableReason")
                require(evaluation?.complianceType == .notApplicable, "notApplicableReason set but evaluation is not NOT_APPLICABLE")
                require(evaluation.map { sameBytes($0.annotation, Evaluation.clampAnnotation(reason)) } ?? false,
                        "NOT_APPLICABLE annotation differs from notApplicableReason")
            }
            if let evaluation { evaluations.append(evaluation) }
            checkTimestamp(summary.captureTime)
        case .scheduled(let time):
            require(messageType == "ScheduledNotification", "scheduled with messageType \(messageType)")
            checkTimestamp(time)
        case .other(let type):
            require(!["ConfigurationItemChangeNotification", "OversizedConfigurationItemChangeNotification",
                      "ScheduledNotification"].contains(where: { sameBytes($0, type) }), "known messageType decoded as .other")
        }
        let summary = ConfigRuleHandler.summary(messageType: messageType, evaluations: evaluations, ignored: evaluations.isEmpty,
                                                testMode: event.testMode)
        do {
            let parsed = try JSONParser.parse(summary)
            require(parsed["messageType"]?.stringValue.map { sameBytes($0, messageType) } ?? false, "summary messageType")
        } catch {
            violated("invocation summary does not re-parse: \(error)")
        }
    }

    /// GetResourceConfigHistory / BatchGetResourceConfig response shapes: the API-item decoder, then the rule.
    static func checkAPIItems(_ document: JSONValue) {
        for key in ["configurationItems", "baseConfigurationItems"] {
            for element in (document[key]?.arrayValue ?? []).prefix(4) {
                guard let object = element.objectValue else { continue }
                do {
                    let item = try ConfigurationItem(apiItem: object, path: key)
                    _ = checkEvaluate(item, parameters: RuleParameters(), eventLeftScope: false,
                                      orderingTimestamp: item.captureTime, resultToken: "fuzz", testMode: false)
                    _ = checkEvaluate(item, parameters: RuleParameters(skipInactiveTaskDefinitions: true), eventLeftScope: false,
                                      orderingTimestamp: item.captureTime, resultToken: "TESTMODE", testMode: true)
                    checkTimestamp(item.captureTime)
                } catch {
                    require(error.code == .malformedEvent, "apiItem threw \(error.code)")
                }
            }
        }
    }

    /// Evaluates once and checks the evaluation and its PutEvaluations serialisation. `nil` when the rule threw.
    static func checkEvaluate(
        _ item: ConfigurationItem,
        parameters: RuleParameters,
        eventLeftScope: Bool,
        orderingTimestamp: Timestamp,
        resultToken: String,
        testMode: Bool
    ) -> Evaluation? {
        let evaluation: Evaluation
        do {
            evaluation = try PidModeRule.evaluate(item, parameters: parameters, eventLeftScope: eventLeftScope,
                                                  orderingTimestamp: orderingTimestamp)
        } catch {
            require(error.code == .malformedEvent, "evaluate threw \(error.code)")
            require(PidModeRule.notApplicableReason(item, eventLeftScope: eventLeftScope) == nil,
                    "evaluate threw for an item that has a NOT_APPLICABLE reason")
            require(item.configuration == nil, "evaluate threw although configuration is an object")
            return nil
        }
        // The evaluation itself.
        require(!evaluation.annotation.isEmpty, "empty annotation")
        require(evaluation.annotation.utf16.count <= 256, "annotation has \(evaluation.annotation.utf16.count) UTF-16 units")
        require(complianceNames.contains(evaluation.complianceType.rawValue), "complianceType \(evaluation.complianceType.rawValue)")
        require(sameBytes(evaluation.resourceID, item.resourceID), "resource id not verbatim")
        require(sameBytes(evaluation.resourceType, item.resourceType), "resource type not verbatim")
        require(evaluation.orderingTimestamp == orderingTimestamp, "orderingTimestamp changed")
        // Rule semantics (rule-semantics §2): applicability first, then pidMode host ⇔ NON_COMPLIANT.
        if eventLeftScope || notApplicableStatuses.contains(item.status) || item.resourceType != taskDefinitionType {
            require(evaluation.complianceType == .notApplicable, "out-of-scope item not NOT_APPLICABLE")
        }
        let hostRecorded = item.configuration?.pidMode.map(TaskDefinitionFacts.isHost) ?? false
        if evaluation.complianceType == .nonCompliant {
            require(hostRecorded, "NON_COMPLIANT without pidMode host")
        } else if evaluation.complianceType == .compliant {
            require(!hostRecorded, "COMPLIANT although pidMode is host")
        }

        // The PutEvaluations `Evaluation` structure, inside a whole request body, serialised and parsed back.
        let wire = evaluation.wireValue
        var request = JSONObject([
            "Evaluations": .array([wire]),
            "ResultToken": .string(resultToken),
        ])
        if testMode { request.append("TestMode", .bool(true)) }
        let body = JSONWriter.serialize(.object(request))
        let parsed: JSONValue
        do {
            parsed = try JSONParser.parse(body)
        } catch {
            violated("PutEvaluations body does not re-parse: \(error)")
        }
        require(parsed == .object(request), "PutEvaluations body changed in the round trip")
        require(JSONWriter.serialize(parsed) == body, "PutEvaluations body is not byte-stable")
        guard let sent = parsed["Evaluations"]?.arrayValue?.first else { violated("no Evaluations[0] in the body") }
        require(sent["ComplianceResourceId"]?.stringValue.map { sameBytes($0, item.resourceID) } ?? false,
                "ComplianceResourceId on the wire is not the item's resourceId verbatim")
        require(sent["ComplianceResourceType"]?.stringValue.map { sameBytes($0, item.resourceType) } ?? false,
                "ComplianceResourceType on the wire differs")
        require(sent["ComplianceType"]?.stringValue == evaluation.complianceType.rawValue, "ComplianceType on the wire differs")
        let annotation = sent["Annotation"]?.stringValue ?? ""
        require(!annotation.isEmpty && annotation.utf16.count <= 256, "Annotation on the wire out of 1...256 UTF-16 units")
        guard let stamp = sent["OrderingTimestamp"], stamp.numberText != nil else { violated("OrderingTimestamp not a number") }
        require(Timestamp(json: stamp) == orderingTimestamp,
                "OrderingTimestamp \(stamp.numberText ?? "?") re-parses to \(String(describing: Timestamp(json: stamp))), not \(orderingTimestamp.epochMilliseconds) ms")
        return evaluation
    }

    // MARK: - Timestamps

    static func checkTimestamps(in value: JSONValue, budget: inout Int) {
        guard budget > 0 else { return }
        switch value {
        case .string(let text):
            budget -= 1
            checkISO8601(text)
            checkEpochText(text)
        case .number(let text):
            budget -= 1
            checkEpochText(text)
        case .array(let elements):
            for element in elements where budget > 0 { checkTimestamps(in: element, budget: &budget) }
        case .object(let object):
            for member in object.members where budget > 0 { checkTimestamps(in: member.value, budget: &budget) }
        case .null, .bool:
            break
        }
    }

    static func checkISO8601(_ text: String) {
        guard let time = Timestamp(iso8601: text) else { return }
        checkTimestamp(time)
        // A time in years 0000…9999 prints as ISO-8601 that parses back to the same instant.
        let seconds = time.epochMilliseconds >= 0 ? time.epochMilliseconds / 1000 : (time.epochMilliseconds - 999) / 1000
        let year = CivilTime.components(epochSeconds: seconds).year
        if (0...9999).contains(year) {
            require(Timestamp(iso8601: time.description) == time,
                    "ISO-8601 '\(text)' → \(time.epochMilliseconds) ms → '\(time.description)' does not parse back")
        }
    }

    static func checkEpochText(_ text: String) {
        guard let time = Timestamp(epochSecondsText: text) else { return }
        checkTimestamp(time)
    }

    /// epochSecondsJSON is a JSON number that re-parses (as JSON and as a timestamp) to the same millisecond.
    static func checkTimestamp(_ time: Timestamp) {
        _ = time.description
        let json = time.epochSecondsJSON
        guard let text = json.numberText else { violated("epochSecondsJSON is not a number") }
        let parsed: JSONValue
        do {
            parsed = try JSONParser.parse(text)
        } catch {
            violated("epochSecondsJSON '\(text)' is not a JSON number: \(error)")
        }
        require(parsed == json, "epochSecondsJSON '\(text)' changes when parsed")
        require(Timestamp(json: parsed)?.epochMilliseconds == time.epochMilliseconds,
                "epochSecondsJSON '\(text)' re-parses to \(String(describing: Timestamp(json: parsed)?.epochMilliseconds)), not \(time.epochMilliseconds) ms")
    }
}
