import JSON
import PidModePolicy
import Testing

/// rule-semantics §8 at the policy level: decoding, validation, matching and the texts. Time is always a value.
@Suite("ExceptionRegistry: approved exceptions with an owner and an expiry")
struct ExceptionRegistryTests {
    /// 2026-12-06T12:00:00Z.
    static let now: Int64 = 1_796_558_400_000
    static let day: Int64 = 86_400_000

    static func entry(_ members: String) -> String {
        #"{"id":"EXC-0042","family":"node-exporter","owner":"platform@example.com","reason":"reads /proc","expires":"2027-02-01""#
            + (members.isEmpty ? "" : ",\(members)") + "}"
    }

    static func registry(_ entries: [String], now: Int64 = now, maxDays: Int = 365) throws -> ExceptionRegistry {
        let text = #"{"schemaVersion":1,"exceptions":[\#(entries.joined(separator: ","))]}"#
        return try ExceptionRegistry.decode(Array(text.utf8), now: now, maxExceptionDays: maxDays)
    }

    @Test("the document of §8 decodes into one valid exception with every member")
    func documentExample() throws {
        let registry = try Self.registry([Self.entry(
            #""revision":12,"accountIds":["111111111111"],"regions":["eu-west-1"],"ticket":"SEC-1234""#)])
        #expect(registry.problems.isEmpty)
        let exception = try #require(registry.exceptions.first)
        #expect(exception.id == "EXC-0042")
        #expect(exception.family == "node-exporter")
        #expect(exception.revision == 12)
        #expect(exception.accountIDs == ["111111111111"])
        #expect(exception.regions == ["eu-west-1"])
        #expect(exception.ticket == "SEC-1234")
        #expect(exception.expires.text == "2027-02-01")
    }

    @Test("a plain date is valid through the end of that UTC day, and lapses at midnight")
    func endOfDay() throws {
        let expiry = try #require(ExceptionExpiry("2027-02-01"))
        let midnight: Int64 = 1_801_526_400_000  // 2027-02-02T00:00:00Z
        #expect(expiry.endsAtMilliseconds == midnight)
        #expect(expiry.isActive(at: midnight - 1))
        #expect(!expiry.isActive(at: midnight))
    }

    @Test("an RFC 3339 expiry lapses at that instant, zone applied")
    func timestampExpiry() throws {
        let expiry = try #require(ExceptionExpiry("2027-02-01T10:00:00+02:00"))
        #expect(expiry.endsAtMilliseconds == 1_801_468_800_000)  // 08:00Z
        #expect(expiry.isActive(at: 1_801_468_799_999))
        #expect(!expiry.isActive(at: 1_801_468_800_000))
    }

    @Test("expiry texts that are not dates", arguments: [
        "", "2027-2-01", "2027-02-30", "2027-13-01", "01/02/2027", "2027-02-01T10:00:00", "tomorrow", "2027-02-01 ",
        "2027-02-01T25:00:00Z",
    ])
    func badExpiry(_ text: String) {
        #expect(ExceptionExpiry(text) == nil)
    }

    @Test("active → the exception that covers the subject", arguments: [
        ExceptionSubject(family: "node-exporter"),
        ExceptionSubject(family: "node-exporter", revision: 3, accountID: "222222222222", region: "us-east-1"),
    ])
    func active(_ subject: ExceptionSubject) throws {
        let registry = try Self.registry([Self.entry("")])
        guard case .active(let exception) = registry.match(subject, now: Self.now) else {
            Issue.record("expected an active exception")
            return
        }
        #expect(exception.exemptionText == "EXEMPT EXC-0042 until 2027-02-01 (owner platform@example.com): reads /proc")
    }

    @Test("expired → the lapsed exception is named, including the day after a plain-date expiry")
    func expired() throws {
        let registry = try Self.registry([Self.entry("")])
        let later: Int64 = 1_801_526_400_000  // 2027-02-02T00:00:00Z
        guard case .expired(let exception) = registry.match(ExceptionSubject(family: "node-exporter"), now: later) else {
            Issue.record("expected an expired exception")
            return
        }
        #expect(exception.expiryText == "exception EXC-0042 expired 2027-02-01 (owner platform@example.com)")
        #expect(registry.match(ExceptionSubject(family: "node-exporter"), now: later - 1) == .active(exception))
    }

    @Test("matching is by exact strings: family, revision, account and region", arguments: [
        (#""revision":12"#, ExceptionSubject(family: "node-exporter", revision: 12), true),
        (#""revision":12"#, ExceptionSubject(family: "node-exporter", revision: 13), false),
        (#""revision":12"#, ExceptionSubject(family: "node-exporter"), false),
        (#""accountIds":["111111111111"]"#, ExceptionSubject(family: "node-exporter", accountID: "111111111111"), true),
        (#""accountIds":["111111111111"]"#, ExceptionSubject(family: "node-exporter", accountID: "222222222222"), false),
        (#""accountIds":["111111111111"]"#, ExceptionSubject(family: "node-exporter"), false),
        (#""regions":["eu-west-1","eu-west-3"]"#, ExceptionSubject(family: "node-exporter", region: "eu-west-3"), true),
        (#""regions":["eu-west-1"]"#, ExceptionSubject(family: "node-exporter", region: "EU-WEST-1"), false),
        (#""regions":["eu-west-1"]"#, ExceptionSubject(family: "node-exporter"), false),
        ("", ExceptionSubject(family: "Node-Exporter"), false),
        ("", ExceptionSubject(family: "node-exporter-2"), false),
        ("", ExceptionSubject(family: "node"), false),
        ("", ExceptionSubject(family: nil), false),
    ])
    func matching(_ members: String, _ subject: ExceptionSubject, _ matches: Bool) throws {
        let registry = try Self.registry([Self.entry(members)])
        #expect(registry.problems.isEmpty, "\(registry.problems)")
        #expect((registry.match(subject, now: Self.now) != .none) == matches)
    }

    @Test("several entries cover the subject → the one that expires last decides")
    func expiresLast() throws {
        let short = #"{"id":"A","family":"f","owner":"o","reason":"r","expires":"2026-12-01"}"#
        let long = #"{"id":"B","family":"f","owner":"o","reason":"r","expires":"2027-01-01"}"#
        let middle = #"{"id":"C","family":"f","owner":"o","reason":"r","expires":"2026-12-20"}"#
        let registry = try Self.registry([short, long, middle])
        guard case .active(let chosen) = registry.match(ExceptionSubject(family: "f"), now: Self.now) else {
            Issue.record("expected an active exception")
            return
        }
        #expect(chosen.id == "B")
        // Every covering entry lapsed → the last to lapse is named.
        let registryExpired = try Self.registry([short, middle], now: Self.now + 30 * Self.day)
        guard case .expired(let lapsed) = registryExpired.match(ExceptionSubject(family: "f"), now: Self.now + 30 * Self.day) else {
            Issue.record("expected an expired exception")
            return
        }
        #expect(lapsed.id == "C")
    }

    @Test("an invalid entry exempts nothing, and its problem names the id (or index) and the field", arguments: [
        (#"{"family":"f","owner":"o","reason":"r","expires":"2027-01-01"}"#, "exceptions[0]", "id"),
        (#"{"id":"X","owner":"o","reason":"r","expires":"2027-01-01"}"#, "X", "family"),
        (#"{"id":"X","family":"f","reason":"r","expires":"2027-01-01"}"#, "X", "owner"),
        (#"{"id":"X","family":"f","owner":" ","reason":"r","expires":"2027-01-01"}"#, "X", "owner"),
        (#"{"id":"X","family":"f","owner":"o","expires":"2027-01-01"}"#, "X", "reason"),
        (#"{"id":"X","family":"f","owner":"o","reason":"r"}"#, "X", "expires"),
        (#"{"id":"X","family":"f","owner":"o","reason":"r","expires":"2027-02-30"}"#, "X", "expires"),
        (#"{"id":"X","family":"f","owner":"o","reason":"r","expires":20270101}"#, "X", "expires"),
        (#"{"id":"X","family":"f","owner":"o","reason":"r","expires":"2030-01-01"}"#, "X", "expires"),
        (#"{"id":"X","family":"f","owner":"o","reason":"r","expires":"2027-01-01","revision":"12"}"#, "X", "revision"),
        (#"{"id":"X","family":"f","owner":"o","reason":"r","expires":"2027-01-01","revision":0}"#, "X", "revision"),
        (#"{"id":"X","family":"f","owner":"o","reason":"r","expires":"2027-01-01","revision":1.5}"#, "X", "revision"),
        (#"{"id":"X","family":"f","owner":"o","reason":"r","expires":"2027-01-01","accountIds":"111111111111"}"#, "X", "accountIds"),
        (#"{"id":"X","family":"f","owner":"o","reason":"r","expires":"2027-01-01","regions":[]}"#, "X", "regions"),
        (#"{"id":"X","family":"f","owner":"o","reason":"r","expires":"2027-01-01","regions":[1]}"#, "X", "regions"),
        (#"{"id":"X","family":"f","owner":"o","reason":"r","expires":"2027-01-01","revison":3}"#, "X", "revison"),
        // A member with an empty name is named visibly (found by scripts/fuzz --target exceptions-registry).
        (#"{"id":"X","family":"f","owner":"o","reason":"r","expires":"2027-01-01","":3}"#, "X", #""""#),
        (#""not an object""#, "exceptions[0]", "entry"),
    ])
    func invalidEntry(_ entry: String, _ name: String, _ field: String) throws {
        let registry = try Self.registry([entry])
        #expect(registry.exceptions.isEmpty)
        #expect(registry.match(ExceptionSubject(family: "f"), now: Self.now) == .none)
        let problem = try #require(registry.problems.first)
        #expect(problem.entry == name)
        #expect(problem.field == field)
        #expect(problem.description.contains(name) && problem.description.contains(field))
    }

    @Test("a duplicate id invalidates every entry that uses it; other entries stay valid")
    func duplicateID() throws {
        let first = #"{"id":"D","family":"f","owner":"o","reason":"r","expires":"2027-01-01"}"#
        let second = #"{"id":"D","family":"g","owner":"o","reason":"r","expires":"2027-01-01"}"#
        let other = #"{"id":"E","family":"h","owner":"o","reason":"r","expires":"2027-01-01"}"#
        let registry = try Self.registry([first, other, second])
        #expect(registry.exceptions.map(\.id) == ["E"])
        #expect(registry.problems.map(\.index) == [0, 2])
        #expect(registry.problems.allSatisfy { $0.field == "id" })
    }

    @Test("MaxExceptionDays: an expiry more than N × 24 h away is invalid, exactly N days is valid")
    func maxDays() throws {
        // now = 2026-12-06T12:00Z; a plain date ends at the next midnight.
        let inTen = #"{"id":"A","family":"f","owner":"o","reason":"r","expires":"2026-12-15"}"#  // ends 12-16T00:00Z: 9.5 days
        let inEleven = #"{"id":"B","family":"f","owner":"o","reason":"r","expires":"2026-12-16"}"#  // ends 12-17T00:00Z: 10.5 days
        let registry = try Self.registry([inTen, inEleven], maxDays: 10)
        #expect(registry.exceptions.map(\.id) == ["A"])
        #expect(registry.problems.first?.entry == "B")
        #expect(registry.problems.first?.problem.contains("10 days") == true)
        let exact = #"{"id":"C","family":"f","owner":"o","reason":"r","expires":"2026-12-16T12:00:00Z"}"#
        #expect(try Self.registry([exact], maxDays: 10).exceptions.count == 1)
    }

    @Test("a document that can't be used throws, naming the problem", arguments: [
        ("not json", "not JSON"),
        ("[]", "object"),
        (#"{"exceptions":[]}"#, "schemaVersion"),
        (#"{"schemaVersion":2,"exceptions":[]}"#, "schemaVersion"),
        (#"{"schemaVersion":"1","exceptions":[]}"#, "schemaVersion"),
        (#"{"schemaVersion":1}"#, "exceptions"),
        (#"{"schemaVersion":1,"exceptions":{}}"#, "exceptions"),
    ])
    func unusable(_ text: String, _ mention: String) {
        #expect {
            _ = try ExceptionRegistry.decode(Array(text.utf8), now: Self.now, maxExceptionDays: 365)
        } throws: { error in
            (error as? ExceptionRegistryError)?.problem.contains(mention) == true
        }
    }

    @Test("an empty registry is valid and exempts nothing")
    func empty() throws {
        let registry = try Self.registry([])
        #expect(registry.exceptions.isEmpty && registry.problems.isEmpty)
        #expect(registry.match(ExceptionSubject(family: "f"), now: Self.now) == .none)
    }
}
