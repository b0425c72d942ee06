import JSON

/// The rule's parameters (`ruleParameters`, a JSON string inside the event). Parameters never block an evaluation:
/// anything unusable falls back to the defaults with a warning.
public struct RuleParameters: Sendable, Equatable {
    /// `SkipInactiveTaskDefinitions`: report deregistered (INACTIVE) revisions as NOT_APPLICABLE. Default `false`.
    public var skipInactiveTaskDefinitions: Bool
    /// `ExecutionRoleName` (organization rules): the role assumed in the event's account for every AWS call of the
    /// invocation, `arn:<partition>:iam::<accountId>:role/<name>`. Default: none (the function's own credentials).
    public var executionRoleName: String?

    public init(skipInactiveTaskDefinitions: Bool = false, executionRoleName: String? = nil) {
        self.skipInactiveTaskDefinitions = skipInactiveTaskDefinitions
        self.executionRoleName = executionRoleName
    }

    static let skipInactiveKey = "SkipInactiveTaskDefinitions"
    static let executionRoleKey = "ExecutionRoleName"
    static let knownKeys: Set<String> = [skipInactiveKey, executionRoleKey]

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
        let unknown = object.keys.filter { !knownKeys.contains($0) }
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
        switch object[executionRoleKey] {
        case nil, .null?, .string("")?:
            break
        case .string(let name)? where isRoleName(name):
            parameters.executionRoleName = name
        default:
            problems.append("ruleParameters.\(executionRoleKey) must be an IAM role name (optionally with a path)")
        }
        return problems.isEmpty ? .success(parameters) : .failure(Problem(text: problems.joined(separator: "; ")))
    }

    /// An IAM role name, optionally behind a path (`path/to/name`): `[A-Za-z0-9+=,.@_/-]`, 1–512 characters.
    private static func isRoleName(_ text: String) -> Bool {
        guard (1...512).contains(text.count), !text.hasPrefix("/"), !text.hasSuffix("/") else { return false }
        return text.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "+=,.@_/-".unicodeScalars.contains(scalar))
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
