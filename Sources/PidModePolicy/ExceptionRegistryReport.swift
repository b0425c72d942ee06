import JSON

/// The review of a registry document for the people who own it (rule-semantics §8, `scripts/exceptions-report`):
/// which entries are invalid, which have expired and which expire soon, each with its owner. Pure: the document and
/// the time come in as values.
public struct ExceptionRegistryReport: Sendable, Equatable {
    /// How far ahead an expiry counts as "soon" when the caller does not say.
    public static let defaultWindowDays = 30

    /// What needs attention, most urgent first.
    public enum Status: String, Sendable, Equatable, Comparable {
        /// The entry exempts nothing (§8's validation).
        case invalid = "INVALID"
        /// The entry has lapsed: its resources are NON_COMPLIANT again, naming it.
        case expired = "EXPIRED"
        /// Still active, but it lapses within the window.
        case expiring = "EXPIRING"

        private var rank: Int {
            switch self {
            case .invalid: 0
            case .expired: 1
            case .expiring: 2
            }
        }

        public static func < (lhs: Status, rhs: Status) -> Bool { lhs.rank < rhs.rank }
    }

    /// One entry that needs attention.
    public struct Finding: Sendable, Equatable {
        public var status: Status
        /// The entry's `id`, or `exceptions[<index>]` when it has none.
        public var entry: String
        /// The 0-based position in `exceptions`.
        public var index: Int
        /// `family` (and `:revision`) as written, when readable.
        public var target: String?
        /// `owner` as written, when it is a non-empty string.
        public var owner: String?
        /// `expires` as written, when it is a string.
        public var expires: String?
        /// Whole days left (expiring) or since the lapse (expired), rounded up; `nil` for invalid entries.
        public var days: Int?
        /// For an invalid entry, what is wrong (`owner is empty`).
        public var problem: String?
    }

    /// The entries that need attention: invalid, then expired, then expiring; each group in document order.
    public var findings: [Finding]
    /// Entries in the document.
    public var entryCount: Int
    /// Valid entries active beyond the window.
    public var healthyCount: Int

    /// Reviews a registry document at `now` (epoch milliseconds).
    /// - Parameters:
    ///   - maxExceptionDays: as the rule's `MaxExceptionDays` (an expiry further away makes an entry invalid).
    ///   - windowDays: an active entry ending within this many days × 24 h is reported as expiring.
    /// - Throws: ``ExceptionRegistryError`` when the document can't be used at all (the rule would fail too).
    public static func review(
        _ bytes: [UInt8], now: Int64, maxExceptionDays: Int = ExceptionRegistry.defaultMaxExceptionDays,
        windowDays: Int = defaultWindowDays
    ) throws(ExceptionRegistryError) -> ExceptionRegistryReport {
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes)
        } catch {
            throw ExceptionRegistryError("is not JSON (\(error))")
        }
        let registry = try ExceptionRegistry.decode(document, now: now, maxExceptionDays: maxExceptionDays)
        let entries = document["exceptions"]?.arrayValue ?? []
        let day: Int64 = 86_400_000
        var findings: [Finding] = []
        for problem in registry.problems {
            let raw = problem.index < entries.count ? entries[problem.index] : .null
            findings.append(Finding(
                status: .invalid, entry: problem.entry, index: problem.index, target: target(raw), owner: owner(raw),
                expires: raw["expires"]?.stringValue, days: nil, problem: "\(problem.field) \(problem.problem)"
            ))
        }
        var healthy = 0
        let invalidIndexes = Set(registry.problems.map(\.index))
        for exception in registry.exceptions {
            let index = entries.indices.first {
                !invalidIndexes.contains($0) && entries[$0]["id"]?.stringValue == exception.id
            } ?? 0
            let left = exception.expires.endsAtMilliseconds - now
            let status: Status
            if left <= 0 {
                status = .expired
            } else if left <= Int64(windowDays) * day {
                status = .expiring
            } else {
                healthy += 1
                continue
            }
            let days = Int(((left < 0 ? -left : left) + day - 1) / day)
            findings.append(Finding(
                status: status, entry: exception.id, index: index, target: target(entries[index]), owner: exception.owner,
                expires: exception.expires.text, days: days, problem: nil
            ))
        }
        findings.sort { ($0.status, $0.index) < ($1.status, $1.index) }
        return ExceptionRegistryReport(findings: findings, entryCount: entries.count, healthyCount: healthy)
    }

    /// One line per finding, then a summary line:
    /// `EXPIRED  EXC-0042  node-exporter:12  expired 2027-02-01 (3 days ago)  owner platform@example.com`.
    public var text: String {
        var lines: [String] = []
        for finding in findings {
            var parts = [finding.status.rawValue.padding(to: 8), finding.entry, finding.target ?? "-"]
            switch finding.status {
            case .invalid:
                parts.append(finding.problem ?? "invalid")
            case .expired:
                parts.append("expired \(finding.expires ?? "?") (\(finding.days ?? 0) day\(finding.days == 1 ? "" : "s") ago)")
            case .expiring:
                parts.append("expires \(finding.expires ?? "?") (in \(finding.days ?? 0) day\(finding.days == 1 ? "" : "s"))")
            }
            parts.append("owner \(finding.owner ?? "-")")
            lines.append(parts.joined(separator: "  "))
        }
        func count(_ status: Status) -> Int { findings.filter { $0.status == status }.count }
        lines.append(
            "\(entryCount) entr\(entryCount == 1 ? "y" : "ies"): \(count(.invalid)) invalid, \(count(.expired)) expired, "
                + "\(count(.expiring)) expiring soon, \(healthyCount) active beyond the window"
        )
        return lines.joined(separator: "\n")
    }

    /// Whether anything is invalid or expired (the report's failing condition).
    public var needsAction: Bool { findings.contains { $0.status != .expiring } }

    private static func target(_ entry: JSONValue) -> String? {
        guard let family = entry["family"]?.stringValue, !family.isEmpty else { return nil }
        if let revision = entry["revision"]?.numberText { return "\(family):\(revision)" }
        return family
    }

    private static func owner(_ entry: JSONValue) -> String? {
        guard let owner = entry["owner"]?.stringValue, !owner.allSatisfy(\.isWhitespace) else { return nil }
        return owner
    }
}

extension String {
    /// `self` padded with spaces to `width` characters (never cut).
    fileprivate func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
