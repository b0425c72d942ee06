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
    /// key or a bad value → all defaults (the safe choice: nothing skipped) plus one warning naming the problems.
    /// - Returns: the parameters and the warnings to log (empty when all was well, else exactly one).
    public static func parse(_ value: JSONValue?) -> (RuleParameters, [String]) {
        switch decode(value) {
        case .success(let parameters): return (parameters, [])
        case .failure(let problem): return (RuleParameters(), ["\(problem.text); evaluating with the defaults"])
        }
    }

    private struct Problem: Error {
        var text: String
    }

    private static func decode(_ value: JSONValue?) -> Result<RuleParameters, Problem> {
        let object: JSONObject
        switch value {
        case nil, .null?:
            return .success(RuleParameters())
        case .string(let text)?:
            if text.trimmingSpaces.isEmpty { return .success(RuleParameters()) }
            guard let parsed = try? JSONParser.parse(text) else {
                return .failure(Problem(text: "ruleParameters is not valid JSON"))
            }
            guard let parsedObject = parsed.objectValue else {
                return .failure(Problem(text: "ruleParameters must be a JSON object, not \(parsed.typeName)"))
            }
            object = parsedObject
        case .object(let direct)?:
            object = direct
        case let other?:
            return .failure(Problem(text: "ruleParameters must be a JSON string, not \(other.typeName)"))
        }
        var problems: [String] = []
        let unknown = object.keys.filter { $0 != skipInactiveKey }
        if !unknown.isEmpty {
            problems.append("ruleParameters has unknown key(s) \(unknown.map { "'\($0)'" }.joined(separator: ", "))")
        }
        var parameters = RuleParameters()
        switch object[skipInactiveKey] {
        case nil:
            break
        case .bool(let flag)?:
            parameters.skipInactiveTaskDefinitions = flag
        case .string(let text)? where text.lowercased() == "true":
            parameters.skipInactiveTaskDefinitions = true
        case .string(let text)? where text.lowercased() == "false" || text.isEmpty:
            parameters.skipInactiveTaskDefinitions = false
        default:
            problems.append("ruleParameters.\(skipInactiveKey) must be \"true\" or \"false\"")
        }
        return problems.isEmpty ? .success(parameters) : .failure(Problem(text: problems.joined(separator: "; ")))
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
