import JSON

/// The parts of a Config configuration item this rule reads, in one shape whatever it came from: the change
/// notification (`configuration` an object, ISO capture time) or the API (`configuration` a JSON string, epoch time).
public struct ConfigurationItem: Sendable, Equatable {
    public var resourceType: String
    /// Config's id for the resource, used verbatim as `ComplianceResourceId`.
    public var resourceID: String
    /// For task definitions, `family:revision`.
    public var resourceName: String?
    /// `configurationItemStatus`: `OK`, `ResourceDiscovered`, `ResourceDeleted`, …
    public var status: String
    public var captureTime: Timestamp
    /// What the rule reads of the resource's recorded configuration; `nil` when it is absent, JSON `null` (deleted
    /// resources) or not an object.
    public var configuration: TaskDefinitionFacts?
    /// The item's `ARN` (notification shape) or `arn` (API shape); for a task definition, the revision's ARN.
    public var arn: String?
    /// `awsRegion`: where the resource lives (exception matching, §8); `nil` when absent.
    public var awsRegion: String?

    public init(
        resourceType: String,
        resourceID: String,
        resourceName: String?,
        status: String,
        captureTime: Timestamp,
        configuration: TaskDefinitionFacts?,
        arn: String? = nil,
        awsRegion: String? = nil
    ) {
        self.arn = arn
        self.awsRegion = awsRegion
        self.resourceType = resourceType
        self.resourceID = resourceID
        self.resourceName = resourceName
        self.status = status
        self.captureTime = captureTime
        self.configuration = configuration
    }

    /// Reads a configuration item in the *notification* shape (`invokingEvent.configurationItem`), or the summary of
    /// an oversized notification (which has no `configuration`).
    /// - Parameter path: the JSON path of `object`, used to name the field in errors.
    /// - Throws: ``ConfigRuleError`` `.malformedEvent` naming the first missing or mistyped field.
    init(notification object: JSONObject, path: String) throws(ConfigRuleError) {
        try self.init(object, path: path, configuration: object["configuration"]?.objectValue.map(TaskDefinitionFacts.init(configuration:)))
    }

    /// Reads a configuration item in the *API* shape (GetResourceConfigHistory, BatchGetResourceConfig):
    /// `configuration` is a JSON string that is scanned here, `configurationItemCaptureTime` an epoch number.
    /// - Throws: ``ConfigRuleError`` `.malformedEvent`-style errors naming the field of the AWS response.
    init(apiItem object: JSONObject, path: String) throws(ConfigRuleError) {
        var configuration: TaskDefinitionFacts?
        switch object["configuration"] {
        case .string(let text)?:
            configuration = try Self.scanConfiguration(Array(text.utf8), path: { path })
        case .object(let value)?:
            configuration = TaskDefinitionFacts(configuration: value)
        default:
            configuration = nil
        }
        try self.init(object, path: path, configuration: configuration)
    }

    /// The members of an API item that are read, in the order ``scanAPIItem(_:path:scratch:)`` numbers them, besides
    /// `configuration` (number 7).
    private static let apiMembers = [
        "resourceType", "resourceId", "resourceName", "configurationItemStatus", "configurationItemCaptureTime", "arn", "awsRegion",
    ]
    private static let apiKeySet = JSONKeySet(apiMembers + ["configuration"])

    /// Reads one item in the *API* shape at `cursor` (an element of `baseConfigurationItems`) without building the
    /// members the rule never reads; the `configuration` string is decoded into `scratch` (reused between items) and
    /// scanned there. The same checks and errors as ``init(apiItem:path:)``; `path` is only built for an error.
    /// - Returns: `nil` (value consumed) when the element is not an object.
    /// - Throws: ``JSONParseError`` when the response is not JSON; ``ConfigRuleError`` for a bad item.
    static func scanAPIItem(_ cursor: inout JSONCursor, path: () -> String, scratch: inout [UInt8]) throws -> ConfigurationItem? {
        guard try cursor.peekKind() == .object else {
            try cursor.skipValue()
            return nil
        }
        var type, id, name, status, captureTime, arn, region: JSONValue?
        var configuration: TaskDefinitionFacts?
        try cursor.enterObject()
        while let member = try cursor.nextMember(apiKeySet) {
            // A repeated member: the last one wins, as in JSONObject.
            switch member {
            case 0: type = try cursor.value()
            case 1: id = try cursor.value()
            case 2: name = try cursor.value()
            case 3: status = try cursor.value()
            case 4: captureTime = try cursor.value()
            case 5: arn = try cursor.value()
            case 6: region = try cursor.value()
            case 7:
                switch try cursor.peekKind() {
                case .string:
                    configuration = try scanConfigurationString(&cursor, path: path, scratch: &scratch)
                case .object:
                    configuration = try TaskDefinitionFacts.scan(&cursor)
                default:
                    try cursor.skipValue()
                    configuration = nil
                }
            default:
                try cursor.skipValue()
            }
        }
        // The usual item: required members present and well typed, read without building an object.
        if case .string(let typeText)? = type, !typeText.isEmpty, case .string(let idText)? = id, !idText.isEmpty,
            case .string(let statusText)? = status, !statusText.isEmpty, let time = captureTime.flatMap(Timestamp.init(json:))
        {
            return ConfigurationItem(
                resourceType: typeText, resourceID: idText, resourceName: name?.stringValue, status: statusText,
                captureTime: time, configuration: configuration, arn: arn?.stringValue, awsRegion: region?.stringValue
            )
        }
        // Otherwise the checked reader names what is wrong.
        let values = [type, id, name, status, captureTime, arn, region]
        let object = JSONObject(zip(apiMembers, values).compactMap { name, value in value.map { JSONObject.Member(key: name, value: $0) } })
        return try ConfigurationItem(object, path: path(), configuration: configuration)
    }

    /// The facts of an API item's `configuration` string at `cursor`: read from the escaped text in one pass when it
    /// holds only common bytes (``JSONCursor/embeddedObjectMembers(_:)``), else decoded into `scratch` and scanned.
    private static func scanConfigurationString(
        _ cursor: inout JSONCursor, path: () -> String, scratch: inout [UInt8]
    ) throws -> TaskDefinitionFacts? {
        let members: [(index: Int, value: JSONValue)]?
        do {
            members = try cursor.embeddedObjectMembers(TaskDefinitionFacts.Member.keySet)
        } catch {
            throw ConfigRuleError.malformed("\(path()).configuration", "is not a JSON document: \(error)")
        }
        if let members { return TaskDefinitionFacts(members: members) }
        _ = try cursor.decodeString(into: &scratch)
        return try scanConfiguration(scratch, path: path)
    }

    /// The facts of an API item's `configuration` JSON text (`path` names the item in an error).
    private static func scanConfiguration(_ text: [UInt8], path: () -> String) throws(ConfigRuleError) -> TaskDefinitionFacts? {
        do {
            return try text.withUnsafeBufferPointer { bytes throws(JSONParseError) in try TaskDefinitionFacts.scan(document: bytes) }
        } catch {
            throw ConfigRuleError.malformed("\(path()).configuration", "is not a JSON document: \(error)")
        }
    }

    /// The members both shapes share; the capture time may be an ISO-8601 string or an epoch-seconds number.
    private init(_ object: JSONObject, path: String, configuration: TaskDefinitionFacts?) throws(ConfigRuleError) {
        let fields = FieldReader(object: object, path: path)
        let captureField = "configurationItemCaptureTime"
        guard let captureValue = object[captureField], let captureTime = Timestamp(json: captureValue) else {
            throw ConfigRuleError.malformed("\(path).\(captureField)", "is missing or not a timestamp")
        }
        self.init(
            resourceType: try fields.requiredString("resourceType"),
            resourceID: try fields.requiredString("resourceId"),
            resourceName: object["resourceName"]?.stringValue,
            status: try fields.requiredString("configurationItemStatus"),
            captureTime: captureTime,
            configuration: configuration,
            arn: (object["ARN"] ?? object["arn"])?.stringValue,
            awsRegion: object["awsRegion"]?.stringValue
        )
    }
}

/// Reads required members of one JSON object and names `path.member` in the error when one is wrong.
struct FieldReader {
    let object: JSONObject
    let path: String

    /// A non-empty string member.
    func requiredString(_ name: String) throws(ConfigRuleError) -> String {
        guard let value = object[name] else { throw ConfigRuleError.malformed(field(name), "is missing") }
        guard let text = value.stringValue else {
            throw ConfigRuleError.malformed(field(name), "must be a string, not \(value.typeName)")
        }
        guard !text.isEmpty else { throw ConfigRuleError.malformed(field(name), "is empty") }
        return text
    }

    /// An object member.
    func requiredObject(_ name: String) throws(ConfigRuleError) -> JSONObject {
        guard let value = object[name], !value.isNull else { throw ConfigRuleError.malformed(field(name), "is missing") }
        guard let member = value.objectValue else {
            throw ConfigRuleError.malformed(field(name), "must be an object, not \(value.typeName)")
        }
        return member
    }

    func field(_ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }
}
