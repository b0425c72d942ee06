import JSON

/// The rule's parameters (`ruleParameters`, a JSON string inside the event). Parameters never block an evaluation:
/// anything unusable falls back to the defaults with a warning.
public struct RuleParameters: Sendable, Equatable {
    /// `SkipInactiveTaskDefinitions`: report deregistered (INACTIVE) revisions as NOT_APPLICABLE. Default `false`.
    public var skipInactiveTaskDefinitions: Bool

    public init(skipInactiveTaskDefinitions: Bool = false) {
        self.skipInactiveTaskDefinitions = skipInactiveTaskDefinitions
    }

    static let skipInactiveKey = "SkipInactiveTaskDefinitions"

    /// Parses the `ruleParameters` value. Absent, `""` or `{}` → defaults. Malformed JSON, a non-object, an unknown
    /// key or a bad value → defaults plus one warning naming the problem.
    /// - Returns: the parameters and the warnings to log (empty when all was well).
    public static func parse(_ value: JSONValue?) -> (RuleParameters, [String]) {
        let object: JSONObject
        switch value {
        case nil, .null?:
            return (RuleParameters(), [])
        case .string(let text)?:
            if text.trimmingSpaces.isEmpty { return (RuleParameters(), []) }
            guard let parsed = try? JSONParser.parse(text) else {
                return (RuleParameters(), ["ruleParameters is not valid JSON; using defaults"])
            }
            guard let parsedObject = parsed.objectValue else {
                return (RuleParameters(), ["ruleParameters must be a JSON object, not \(parsed.typeName); using defaults"])
            }
            object = parsedObject
        case .object(let direct)?:
            object = direct
        case let other?:
            return (RuleParameters(), ["ruleParameters must be a JSON string, not \(other.typeName); using defaults"])
        }
        var warnings: [String] = []
        for key in object.keys where key != skipInactiveKey {
            warnings.append("ruleParameters has unknown key '\(key)'; it is ignored")
        }
        guard let raw = object[skipInactiveKey] else { return (RuleParameters(), warnings) }
        switch raw {
        case .bool(let flag):
            return (RuleParameters(skipInactiveTaskDefinitions: flag), warnings)
        case .string(let text) where text.lowercased() == "true":
            return (RuleParameters(skipInactiveTaskDefinitions: true), warnings)
        case .string(let text) where text.lowercased() == "false" || text.isEmpty:
            return (RuleParameters(skipInactiveTaskDefinitions: false), warnings)
        default:
            warnings.append("ruleParameters.\(skipInactiveKey) must be \"true\" or \"false\"; using the default (false)")
            return (RuleParameters(), warnings)
        }
    }
}

extension String {
    fileprivate var trimmingSpaces: Substring {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return text
    }
}
