import JSON

/// The Lambda event AWS Config sends to a custom rule, decoded twice (`invokingEvent` is a JSON string inside it).
public struct ConfigEvent: Sendable, Equatable {
    public var invokingEvent: InvokingEvent
    /// The value for PutEvaluations' `ResultToken`; `TESTMODE` selects `TestMode: true`.
    public var resultToken: String
    public var eventLeftScope: Bool
    public var ruleParametersValue: JSONValue?
    public var configRuleName: String?
    /// The account that owns the rule (top-level `accountId`); where an organization rule's evaluations belong.
    public var accountID: String?
    /// The invoking event's `notificationCreationTime` (change, oversized and scheduled notifications alike); `nil`
    /// when absent or not a time. The evaluation time of exceptions (§8).
    public var notificationTime: Timestamp?

    /// Whether PutEvaluations should run in test mode (RDK convention: result token `TESTMODE`).
    public var testMode: Bool { resultToken == ConfigWire.testModeResultToken }

    /// Decodes the raw Lambda payload.
    /// - Throws: ``ConfigRuleError`` `.malformedEvent` for a payload that is not a JSON object, an `invokingEvent` that
    ///   is missing or not JSON, a missing `resultToken`, or any required field of the invoking event.
    public init(payload: [UInt8]) throws(ConfigRuleError) {
        let document: JSONValue
        do {
            document = try JSONParser.parse(payload)
        } catch {
            throw ConfigRuleError.malformed("event", "is not JSON (\(error))")
        }
        try self.init(document: document)
    }

    /// Decodes an already parsed Lambda payload (see ``init(payload:)``).
    public init(document: JSONValue) throws(ConfigRuleError) {
        guard let object = document.objectValue else {
            throw ConfigRuleError.malformed("event", "must be a JSON object, not \(document.typeName)")
        }
        let fields = FieldReader(object: object, path: "")
        let invokingEventObject = try Self.invokingEventObject(object["invokingEvent"])
        self.invokingEvent = try InvokingEvent(object: invokingEventObject)
        self.notificationTime = invokingEventObject["notificationCreationTime"].flatMap { Timestamp(json: $0) }
        self.resultToken = try fields.requiredString("resultToken")
        self.eventLeftScope = try Self.flag(object["eventLeftScope"], field: "eventLeftScope")
        self.ruleParametersValue = object["ruleParameters"]
        self.configRuleName = object["configRuleName"]?.stringValue
        self.accountID = object["accountId"]?.stringValue
    }

    /// `invokingEvent` is a JSON string holding an object (an object given directly is accepted as well); the string is
    /// scanned for what the rule reads (``InvokingEventScan``), not parsed whole.
    private static func invokingEventObject(_ value: JSONValue?) throws(ConfigRuleError) -> JSONObject {
        switch value {
        case nil, .null?:
            throw ConfigRuleError.malformed("invokingEvent", "is missing")
        case .string(let text)?:
            let parsed: JSONValue
            do {
                var text = text
                parsed = try text.withUTF8 { bytes in try InvokingEventScan.scan(bytes) }
            } catch {
                throw ConfigRuleError.malformed("invokingEvent", "is not a JSON document (\(error))")
            }
            guard let object = parsed.objectValue else {
                throw ConfigRuleError.malformed("invokingEvent", "must hold a JSON object, not \(parsed.typeName)")
            }
            return object
        case .object(let object)?:
            return object
        case let other?:
            throw ConfigRuleError.malformed("invokingEvent", "must be a JSON string, not \(other.typeName)")
        }
    }

    /// A boolean that Config sends as JSON `true`/`false` (the strings `"true"`/`"false"` are accepted); absent → false.
    private static func flag(_ value: JSONValue?, field: String) throws(ConfigRuleError) -> Bool {
        switch value {
        case nil, .null?: return false
        case .bool(let flag)?: return flag
        case .string(let text)? where text.lowercased() == "true": return true
        case .string(let text)? where text.lowercased() == "false": return false
        case let other?: throw ConfigRuleError.malformed(field, "must be a boolean, not \(other.typeName)")
        }
    }
}
