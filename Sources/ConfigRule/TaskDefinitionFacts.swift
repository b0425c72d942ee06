import JSON
import PidModePolicy

/// The members of a task definition's recorded `configuration` that the rule reads, as plain values, and nothing
/// else (containers, environment, volumes are never built).
///
/// One extraction for every front door: ``scan(_:)`` reads them from JSON bytes with a ``JSONCursor`` (the periodic
/// sweep's BatchGetResourceConfig items, whose `configuration` is a JSON string), ``init(configuration:)`` from an
/// already parsed object; both pick the same members with the same precedence (``Member``).
public struct TaskDefinitionFacts: Sendable, Equatable {
    /// `PidMode` (Config's casing) or `pidMode` (the ECS API's); when both exist a `host` (any casing) in either wins
    /// (fail safe), else `PidMode`. `nil` when neither member exists; JSON `null` stays `.null`.
    public var pidMode: JSONValue?
    /// `Status`, else `status`, when that member is a string (`ACTIVE`, `INACTIVE`, `DELETE_IN_PROGRESS`).
    public var status: String?
    /// `TaskDefinitionArn`, else `taskDefinitionArn`, when a string.
    public var taskDefinitionArn: String?
    /// `Family`, else `family`, when a string.
    public var family: String?
    /// `Revision`, else `revision`, as its number literal text, when a number.
    public var revision: String?

    public init(
        pidMode: JSONValue? = nil, status: String? = nil, taskDefinitionArn: String? = nil, family: String? = nil,
        revision: String? = nil
    ) {
        self.pidMode = pidMode
        self.status = status
        self.taskDefinitionArn = taskDefinitionArn
        self.family = family
        self.revision = revision
    }

    /// The member names read, Config's PascalCase first, then the ECS API's camelCase.
    enum Member: Int, CaseIterable {
        case pidModePascal, pidModeCamel, statusPascal, statusCamel, arnPascal, arnCamel, familyPascal, familyCamel,
            revisionPascal, revisionCamel

        var name: String {
            switch self {
            case .pidModePascal: "PidMode"
            case .pidModeCamel: "pidMode"
            case .statusPascal: "Status"
            case .statusCamel: "status"
            case .arnPascal: "TaskDefinitionArn"
            case .arnCamel: "taskDefinitionArn"
            case .familyPascal: "Family"
            case .familyCamel: "family"
            case .revisionPascal: "Revision"
            case .revisionCamel: "revision"
            }
        }

        static let keySet = JSONKeySet(allCases.map(\.name))
    }

    /// The values of the ``Member``s found (`nil` = absent), as a reader collects them.
    struct MemberValues {
        private var pidModePascal, pidModeCamel, statusPascal, statusCamel, arnPascal, arnCamel, familyPascal,
            familyCamel, revisionPascal, revisionCamel: JSONValue?

        subscript(member: Member) -> JSONValue? {
            get {
                switch member {
                case .pidModePascal: pidModePascal
                case .pidModeCamel: pidModeCamel
                case .statusPascal: statusPascal
                case .statusCamel: statusCamel
                case .arnPascal: arnPascal
                case .arnCamel: arnCamel
                case .familyPascal: familyPascal
                case .familyCamel: familyCamel
                case .revisionPascal: revisionPascal
                case .revisionCamel: revisionCamel
                }
            }
            set {
                switch member {
                case .pidModePascal: pidModePascal = newValue
                case .pidModeCamel: pidModeCamel = newValue
                case .statusPascal: statusPascal = newValue
                case .statusCamel: statusCamel = newValue
                case .arnPascal: arnPascal = newValue
                case .arnCamel: arnCamel = newValue
                case .familyPascal: familyPascal = newValue
                case .familyCamel: familyCamel = newValue
                case .revisionPascal: revisionPascal = newValue
                case .revisionCamel: revisionCamel = newValue
                }
            }
        }
    }

    /// Picks the facts from the values of the ``Member``s.
    init(members value: MemberValues) {
        func either(_ pascal: Member, _ camel: Member) -> JSONValue? { value[pascal] ?? value[camel] }
        let pascal = value[.pidModePascal]
        let camel = value[.pidModeCamel]
        let pidMode: JSONValue? =
            if let pascal, let camel { Self.isHost(camel) && !Self.isHost(pascal) ? camel : pascal } else { pascal ?? camel }
        self.init(
            pidMode: pidMode,
            status: either(.statusPascal, .statusCamel)?.stringValue,
            taskDefinitionArn: either(.arnPascal, .arnCamel)?.stringValue,
            family: either(.familyPascal, .familyCamel)?.stringValue,
            revision: either(.revisionPascal, .revisionCamel)?.numberText
        )
    }

    /// The facts from the members a reader found, each as its index in ``Member/keySet`` and its value, in document
    /// order (a repeated member: the last one wins, as in ``JSONObject``).
    init(members found: [(index: Int, value: JSONValue)]) {
        var values = MemberValues()
        for (index, value) in found {
            if let member = Member(rawValue: index) { values[member] = value }
        }
        self.init(members: values)
    }

    /// The facts of a parsed configuration object (a change notification's `configuration`).
    public init(configuration: JSONObject) {
        var values = MemberValues()
        for member in Member.allCases { values[member] = configuration[member.name] }
        self.init(members: values)
    }

    /// Reads the facts of the value at `cursor` and consumes it, validating all of it.
    /// - Returns: `nil` (value consumed) when the value is not an object.
    /// - Throws: ``JSONParseError`` when the bytes are not JSON.
    public static func scan(_ cursor: inout JSONCursor) throws(JSONParseError) -> TaskDefinitionFacts? {
        guard try cursor.peekKind() == .object else {
            try cursor.skipValue()
            return nil
        }
        var values = MemberValues()
        try cursor.enterObject()
        while let index = try cursor.nextMember(Member.keySet) {
            if let member = Member(rawValue: index) {
                values[member] = try cursor.value()  // a repeated member: the last one wins, as in JSONObject
            } else {
                try cursor.skipValue()
            }
        }
        return TaskDefinitionFacts(members: values)
    }

    /// Reads the facts of one complete JSON document (an API item's `configuration` string, decoded).
    /// - Returns: `nil` when the document is not an object.
    /// - Throws: ``JSONParseError`` when the bytes are not one JSON document.
    public static func scan(document bytes: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> TaskDefinitionFacts? {
        var cursor = JSONCursor(bytes)
        let facts = try scan(&cursor)
        try cursor.finish()
        return facts
    }

    /// Whether a pid mode value is the string `host` in any letter case (``PidModePolicy/isHost(_:)``).
    public static func isHost(_ value: JSONValue) -> Bool {
        value.stringValue.map(PidModePolicy.isHost) ?? false
    }
}
