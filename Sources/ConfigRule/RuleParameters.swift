import JSON
import PidModePolicy

/// The rule's parameters (`ruleParameters`, a JSON string inside the event), rule-semantics §3. Parameters never
/// block an evaluation: each key stands on its own, and an unusable value falls back to that key's default (the safe
/// choice: nothing skipped, nothing exempted) with a warning.
public struct RuleParameters: Sendable, Equatable {
    /// `SkipInactiveTaskDefinitions`: report deregistered (INACTIVE) revisions as NOT_APPLICABLE. Default `false`.
    public var skipInactiveTaskDefinitions: Bool
    /// `ExecutionRoleName` (organization rules): the role assumed in the event's account for every AWS call of the
    /// invocation, `arn:<partition>:iam::<accountId>:role/<name>`. Default: none (the function's own credentials).
    public var executionRoleName: String?
    /// `EvaluatedRevisions` (§7): which revisions are evaluated. Default `ALL`.
    public var evaluatedRevisions: EvaluatedRevisions
    /// `ExceptionsParameterName` (§8): the SSM parameter (name or ARN) holding the exceptions registry. `nil`: the
    /// function's `PIDMODE_EXCEPTIONS_PARAMETER`, else no registry (the front door resolves that fallback).
    public var exceptionsParameterName: String?
    /// `MaxExceptionDays` (§8): exceptions expiring further away than this are invalid. Default 365.
    public var maxExceptionDays: Int
    /// `ExemptComplianceType` (§8): what an active exception reports. Default `COMPLIANT`.
    public var exemptComplianceType: ComplianceType

    public init(
        skipInactiveTaskDefinitions: Bool = false,
        executionRoleName: String? = nil,
        evaluatedRevisions: EvaluatedRevisions = .all,
        exceptionsParameterName: String? = nil,
        maxExceptionDays: Int = ExceptionRegistry.defaultMaxExceptionDays,
        exemptComplianceType: ComplianceType = .compliant
    ) {
        self.skipInactiveTaskDefinitions = skipInactiveTaskDefinitions
        self.executionRoleName = executionRoleName
        self.evaluatedRevisions = evaluatedRevisions
        self.exceptionsParameterName = exceptionsParameterName
        self.maxExceptionDays = maxExceptionDays
        self.exemptComplianceType = exemptComplianceType
    }

    enum Key {
        static let skipInactive = "SkipInactiveTaskDefinitions"
        static let executionRole = "ExecutionRoleName"
        static let evaluatedRevisions = "EvaluatedRevisions"
        static let exceptionsParameter = "ExceptionsParameterName"
        static let maxExceptionDays = "MaxExceptionDays"
        static let exemptComplianceType = "ExemptComplianceType"
        static let all: Set<String> = [skipInactive, executionRole, evaluatedRevisions, exceptionsParameter, maxExceptionDays, exemptComplianceType]
    }

    /// Parses the `ruleParameters` value. Absent, `""` or `{}` → defaults and no warning. Malformed JSON or a
    /// non-object → every default and one warning. Otherwise one warning per unknown key (ignored) and per bad value
    /// (that key keeps its default); the other keys are used as given.
    /// - Returns: the parameters and the warnings to log.
    public static func parse(_ value: JSONValue?) -> (RuleParameters, [String]) {
        let object: JSONObject
        switch value {
        case nil, .null?:
            return (RuleParameters(), [])
        case .string(let text)?:
            if text.allSatisfy(\.isWhitespace) { return (RuleParameters(), []) }
            guard let parsed = try? JSONParser.parse(text) else {
                return (RuleParameters(), ["ruleParameters is not valid JSON; evaluating with the defaults"])
            }
            guard let parsedObject = parsed.objectValue else {
                return (RuleParameters(), ["ruleParameters must be a JSON object, not \(parsed.typeName); evaluating with the defaults"])
            }
            object = parsedObject
        case .object(let direct)?:
            object = direct
        case let other?:
            return (RuleParameters(), ["ruleParameters must be a JSON string, not \(other.typeName); evaluating with the defaults"])
        }
        var parameters = RuleParameters()
        var warnings: [String] = []
        for key in object.keys where !Key.all.contains(key) {
            warnings.append("ruleParameters has unknown key '\(key)'; ignored")
        }
        func reject(_ key: String, _ expected: String, default shown: String) {
            warnings.append("ruleParameters.\(key) must be \(expected); using the default (\(shown))")
        }
        if let value = object[Key.skipInactive] {
            if let flag = boolean(value) { parameters.skipInactiveTaskDefinitions = flag } else {
                reject(Key.skipInactive, "\"true\" or \"false\"", default: "false")
            }
        }
        switch object[Key.executionRole] {
        case nil, .null?, .string("")?: break
        case .string(let name)? where isRoleName(name): parameters.executionRoleName = name
        default: reject(Key.executionRole, "an IAM role name (optionally with a path)", default: "the function's own credentials")
        }
        switch object[Key.evaluatedRevisions] {
        case nil, .null?, .string("")?: break
        case .string(let text)? where EvaluatedRevisions(parameter: text) != nil:
            parameters.evaluatedRevisions = EvaluatedRevisions(parameter: text) ?? .all
        default: reject(Key.evaluatedRevisions, "ALL, ACTIVE, LATEST_ACTIVE or IN_USE", default: "ALL")
        }
        switch object[Key.exceptionsParameter] {
        case nil, .null?, .string("")?: break
        case .string(let name)? where isParameterName(name): parameters.exceptionsParameterName = name
        default: reject(Key.exceptionsParameter, "an SSM parameter name or ARN", default: "PIDMODE_EXCEPTIONS_PARAMETER")
        }
        switch object[Key.maxExceptionDays] {
        case nil, .null?, .string("")?: break
        case let value? where wholeNumber(value).map(ExceptionRegistry.maxExceptionDaysRange.contains) == true:
            parameters.maxExceptionDays = wholeNumber(value) ?? ExceptionRegistry.defaultMaxExceptionDays
        default: reject(Key.maxExceptionDays, "a whole number from 1 to 3650", default: "365")
        }
        switch object[Key.exemptComplianceType] {
        case nil, .null?, .string("")?: break
        case .string(let text)? where text.uppercased() == ComplianceType.compliant.rawValue:
            parameters.exemptComplianceType = .compliant
        case .string(let text)? where text.uppercased() == ComplianceType.notApplicable.rawValue:
            parameters.exemptComplianceType = .notApplicable
        default: reject(Key.exemptComplianceType, "COMPLIANT or NOT_APPLICABLE", default: "COMPLIANT")
        }
        return (parameters, warnings)
    }

    /// JSON `true`/`false` or the strings `"true"`/`"false"` in any letter case (`""` reads as false).
    private static func boolean(_ value: JSONValue) -> Bool? {
        switch value {
        case .bool(let flag): return flag
        case .string(let text) where text.lowercased() == "true": return true
        case .string(let text) where text.lowercased() == "false" || text.isEmpty: return false
        default: return nil
        }
    }

    /// A JSON integer or a string holding one (`365`, `"365"`); `nil` for anything else.
    private static func wholeNumber(_ value: JSONValue) -> Int? {
        let text: String
        switch value {
        case .number(let literal): text = literal
        case .string(let literal): text = literal
        default: return nil
        }
        guard (1...6).contains(text.count), text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(text)
    }

    /// An IAM role name, optionally behind a path (`path/to/name`): `[A-Za-z0-9+=,.@_/-]`, 1–512 characters.
    private static func isRoleName(_ text: String) -> Bool {
        guard (1...512).contains(text.count), !text.hasPrefix("/"), !text.hasSuffix("/") else { return false }
        return text.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "+=,.@_/-".unicodeScalars.contains(scalar))
        }
    }

    /// An SSM parameter name (`/path/name`, `[A-Za-z0-9_.-/]`, ≤ 2048) or an `arn:` ARN of one (no white space).
    private static func isParameterName(_ text: String) -> Bool {
        guard (1...2048).contains(text.utf8.count) else { return false }
        if text.hasPrefix("arn:") { return text.contains(":parameter/") && !text.contains(where: \.isWhitespace) }
        return text.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "_.-/".unicodeScalars.contains(scalar))
        }
    }
}
