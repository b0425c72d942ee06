import JSON

/// The approved-exceptions registry (rule-semantics §8): one JSON document, decoded and validated at one evaluation
/// time. Pure: the document and the time come in as values; the front door reads the document (SSM, a file).
///
/// An invalid entry exempts nothing and is reported in ``problems``; a document that can't be used at all throws
/// ``ExceptionRegistryError`` (the caller then fails rather than decide as if there were no exceptions).
public struct ExceptionRegistry: Sendable, Equatable {
    /// The supported `schemaVersion`.
    public static let schemaVersion = 1
    /// `MaxExceptionDays` when none is configured.
    public static let defaultMaxExceptionDays = 365
    /// The accepted range of `MaxExceptionDays`.
    public static let maxExceptionDaysRange = 1...3650

    /// The valid entries, in document order.
    public var exceptions: [ApprovedException]
    /// One problem per invalid entry (the first found), in document order.
    public var problems: [ExceptionProblem]

    public init(exceptions: [ApprovedException], problems: [ExceptionProblem] = []) {
        self.exceptions = exceptions
        self.problems = problems
    }

    /// Decodes the registry document's bytes. See ``decode(_:now:maxExceptionDays:)-(JSONValue,_,_)``.
    public static func decode(_ bytes: [UInt8], now: Int64, maxExceptionDays: Int) throws(ExceptionRegistryError) -> ExceptionRegistry {
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes)
        } catch {
            throw ExceptionRegistryError("is not JSON (\(error))")
        }
        return try decode(document, now: now, maxExceptionDays: maxExceptionDays)
    }

    /// Decodes and validates a parsed registry document at evaluation time `now` (epoch milliseconds).
    ///
    /// An entry is invalid when a required member (`id`, `family`, `owner`, `reason`, `expires`) is missing or empty,
    /// a member has the wrong type, `expires` is not a date, the expiry lies more than `maxExceptionDays` × 24 h after
    /// `now`, its `id` appears more than once (every entry with that id is invalid: which one was approved can't be
    /// known), or it has a member the schema does not define (a misspelt `revison` must not widen an exception).
    /// - Throws: ``ExceptionRegistryError`` when the document is not an object, `schemaVersion` is not 1 or
    ///   `exceptions` is not an array.
    public static func decode(_ document: JSONValue, now: Int64, maxExceptionDays: Int) throws(ExceptionRegistryError) -> ExceptionRegistry {
        guard let root = document.objectValue else {
            throw ExceptionRegistryError("must be a JSON object, not \(document.typeName)")
        }
        guard let version = root["schemaVersion"], version.numberText == String(schemaVersion) else {
            throw ExceptionRegistryError("schemaVersion must be \(schemaVersion)")
        }
        guard let entries = root["exceptions"]?.arrayValue else {
            throw ExceptionRegistryError("exceptions must be an array")
        }
        let limit = now + Int64(maxExceptionDays) * 86_400_000
        var decoded: [(index: Int, result: EntryRead)] = []
        for (index, entry) in entries.enumerated() {
            decoded.append((index, EntryReader.read(entry, index: index, latestExpiry: limit, maxExceptionDays: maxExceptionDays)))
        }
        var idCounts: [String: Int] = [:]
        for case (_, .valid(let exception)) in decoded { idCounts[exception.id, default: 0] += 1 }
        var registry = ExceptionRegistry(exceptions: [])
        for (index, result) in decoded {
            switch result {
            case .valid(let exception) where idCounts[exception.id, default: 0] > 1:
                registry.problems.append(ExceptionProblem(
                    entry: exception.id, index: index, field: "id", problem: "is used by more than one exception"))
            case .valid(let exception):
                registry.exceptions.append(exception)
            case .invalid(let problem):
                registry.problems.append(problem)
            }
        }
        return registry
    }

    /// The exception that decides a non-compliant verdict for `subject` at `now`: of the valid entries covering it,
    /// the one that expires last, active or expired.
    public func match(_ subject: ExceptionSubject, now: Int64) -> ExceptionMatch {
        var chosen: ApprovedException?
        for exception in exceptions where exception.covers(subject) {
            if chosen.map({ exception.expires.endsAtMilliseconds > $0.expires.endsAtMilliseconds }) ?? true {
                chosen = exception
            }
        }
        guard let chosen else { return .none }
        return chosen.expires.isActive(at: now) ? .active(chosen) : .expired(chosen)
    }
}

/// Why one registry entry exempts nothing.
public struct ExceptionProblem: Sendable, Equatable, CustomStringConvertible {
    /// The entry's `id`, or `exceptions[<index>]` when it has none.
    public var entry: String
    /// The entry's 0-based position in `exceptions`.
    public var index: Int
    /// The member at fault (`expires`, `owner`, …).
    public var field: String
    public var problem: String

    public init(entry: String, index: Int, field: String, problem: String) {
        self.entry = entry
        self.index = index
        self.field = field
        self.problem = problem
    }

    /// `exception EXC-0042: expires is not a date (YYYY-MM-DD or an RFC 3339 timestamp with a zone)`.
    public var description: String { "exception \(entry): \(field) \(problem)" }
}

/// A registry document that can't be used at all. The message says what is wrong; the caller names the source.
public struct ExceptionRegistryError: Error, Sendable, Equatable, CustomStringConvertible {
    public var problem: String

    public init(_ problem: String) {
        self.problem = problem
    }

    public var description: String { problem }
}

/// One entry of `exceptions`, read: valid, or the first problem found.
private enum EntryRead {
    case valid(ApprovedException)
    case invalid(ExceptionProblem)
}

/// Reads one entry of `exceptions`, stopping at the first problem.
private struct EntryReader {
    static let requiredStrings = ["id", "family", "owner", "reason", "expires"]
    static let knownMembers: Set<String> = Set(requiredStrings + ["revision", "accountIds", "regions", "ticket"])

    static func read(_ value: JSONValue, index: Int, latestExpiry: Int64, maxExceptionDays: Int) -> EntryRead {
        let fallbackName = "exceptions[\(index)]"
        guard let object = value.objectValue else {
            return .invalid(ExceptionProblem(entry: fallbackName, index: index, field: "entry", problem: "must be an object, not \(value.typeName)"))
        }
        let name = object["id"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } ?? fallbackName
        func problem(_ field: String, _ text: String) -> EntryRead {
            .invalid(ExceptionProblem(entry: name, index: index, field: field, problem: text))
        }
        if let unknown = object.keys.first(where: { !knownMembers.contains($0) }) {
            return problem(unknown.isEmpty ? "\"\"" : unknown, "is not a member of an exception (allowed: \(knownMembers.sorted().joined(separator: ", ")))")
        }
        var strings: [String: String] = [:]
        for field in requiredStrings {
            guard let member = object[field] else { return problem(field, "is missing") }
            guard let text = member.stringValue else { return problem(field, "must be a string, not \(member.typeName)") }
            guard !text.allSatisfy(\.isWhitespace) else { return problem(field, "is empty") }
            strings[field] = text
        }
        guard let expiresText = strings["expires"], let expires = ExceptionExpiry(expiresText) else {
            return problem("expires", "is not a date (YYYY-MM-DD, or an RFC 3339 timestamp with a zone)")
        }
        guard expires.endsAtMilliseconds <= latestExpiry else {
            return problem("expires", "is more than \(maxExceptionDays) days away (MaxExceptionDays)")
        }
        var revision: Int?
        switch object["revision"] {
        case nil, .null?:
            break
        case .number(let text)? where text.count <= 9 && Int(text).map({ $0 > 0 }) == true:
            revision = Int(text)
        case let other?:
            return problem("revision", "must be a positive integer, not \(other.typeName == "number" ? other.numberText ?? "" : other.typeName)")
        }
        var lists: [String: [String]] = [:]
        for field in ["accountIds", "regions"] {
            switch object[field] {
            case nil, .null?:
                continue
            case .array(let items)?:
                let texts = items.compactMap { $0.stringValue.flatMap { $0.isEmpty ? nil : $0 } }
                guard texts.count == items.count, !texts.isEmpty else {
                    return problem(field, "must be a non-empty array of non-empty strings")
                }
                lists[field] = texts
            case let other?:
                return problem(field, "must be an array of strings, not \(other.typeName)")
            }
        }
        var ticket: String?
        switch object["ticket"] {
        case nil, .null?: break
        case .string(let text)?: ticket = text
        case let other?: return problem("ticket", "must be a string, not \(other.typeName)")
        }
        return .valid(ApprovedException(
            id: strings["id"] ?? name, family: strings["family"] ?? "", revision: revision, accountIDs: lists["accountIds"],
            regions: lists["regions"], owner: strings["owner"] ?? "", reason: strings["reason"] ?? "", ticket: ticket,
            expires: expires
        ))
    }
}
