import PidModePolicy
import Testing

/// `ExceptionRegistryReport`: the owners' review of a registry (scripts/exceptions-report).
@Suite("ExceptionRegistryReport: invalid, expired and soon-expiring entries with their owners")
struct ExceptionRegistryReportTests {
    /// 2026-12-06T12:00:00Z.
    static let now: Int64 = 1_796_558_400_000

    static func document(_ entries: [String]) -> [UInt8] {
        Array(#"{"schemaVersion":1,"exceptions":[\#(entries.joined(separator: ","))]}"#.utf8)
    }

    static func entry(_ id: String, expires: String, owner: String = "team@example.com", extra: String = "") -> String {
        #"{"id":"\#(id)","family":"fam-\#(id)","owner":"\#(owner)","reason":"r","expires":"\#(expires)"\#(extra)}"#
    }

    @Test("each entry lands in exactly one group; most urgent first; healthy ones are only counted")
    func classification() throws {
        let report = try ExceptionRegistryReport.review(Self.document([
            Self.entry("HEALTHY", expires: "2027-06-01"),
            Self.entry("SOON", expires: "2026-12-20", extra: #","revision":4"#),
            Self.entry("LAPSED", expires: "2026-12-01", owner: "old@example.com"),
            Self.entry("BROKEN", expires: "2026-02-30"),
            Self.entry("NO-OWNER", expires: "2027-01-01", owner: " "),
        ]), now: Self.now)
        #expect(report.findings.map(\.status) == [.invalid, .invalid, .expired, .expiring])
        #expect(report.findings.map(\.entry) == ["BROKEN", "NO-OWNER", "LAPSED", "SOON"])
        #expect(report.findings.map(\.owner) == ["team@example.com", nil, "old@example.com", "team@example.com"])
        #expect(report.findings[0].problem?.hasPrefix("expires is not a date") == true)
        #expect(report.findings[1].problem == "owner is empty")
        #expect(report.findings[2].days == 5)  // ended 2026-12-02T00:00Z, 4.5 days ago → 5
        #expect(report.findings[3].days == 15)  // ends 2026-12-21T00:00Z, 14.5 days ahead → 15
        #expect(report.findings[3].target == "fam-SOON:4")
        #expect(report.healthyCount == 1)
        #expect(report.entryCount == 5)
        #expect(report.needsAction)
    }

    @Test("the window is a parameter; its edge counts as expiring")
    func window() throws {
        // 2026-12-15 ends 2026-12-16T00:00Z: 9.5 days ahead.
        let document = Self.document([Self.entry("E", expires: "2026-12-15")])
        #expect(try ExceptionRegistryReport.review(document, now: Self.now, windowDays: 9).findings.isEmpty)
        #expect(try ExceptionRegistryReport.review(document, now: Self.now, windowDays: 10).findings.map(\.status) == [.expiring])
        let edge = Self.document([Self.entry("EDGE", expires: "2026-12-16T12:00:00Z")])  // exactly 10 days
        #expect(try ExceptionRegistryReport.review(edge, now: Self.now, windowDays: 10).findings.map(\.status) == [.expiring])
    }

    @Test("MaxExceptionDays is honoured: a far expiry is invalid, named as such")
    func horizon() throws {
        let report = try ExceptionRegistryReport.review(
            Self.document([Self.entry("FAR", expires: "2027-03-01")]), now: Self.now, maxExceptionDays: 30)
        #expect(report.findings.map(\.status) == [.invalid])
        #expect(report.findings.first?.problem?.contains("MaxExceptionDays") == true)
    }

    @Test("an entry without id is named by its index; a valid id shared with an invalid entry keeps its own index")
    func naming() throws {
        let report = try ExceptionRegistryReport.review(Self.document([
            #"{"family":"f","owner":"o@example.com","reason":"r","expires":"2026-12-10"}"#,
            #"{"id":"X","family":"f","owner":"","reason":"r","expires":"2026-12-10"}"#,
            Self.entry("X", expires: "2026-12-10"),
        ]), now: Self.now)
        #expect(report.findings.map(\.entry) == ["exceptions[0]", "X", "X"])
        #expect(report.findings.map(\.index) == [0, 1, 2])
        #expect(report.findings.map(\.status) == [.invalid, .invalid, .expiring])
        #expect(report.findings[0].owner == "o@example.com")
    }

    @Test("text: one line per finding with the owner, then the summary")
    func text() throws {
        let report = try ExceptionRegistryReport.review(Self.document([
            Self.entry("LAPSED", expires: "2026-12-05"), Self.entry("SOON", expires: "2026-12-06"),
        ]), now: Self.now)
        #expect(report.text == """
            EXPIRED   LAPSED  fam-LAPSED  expired 2026-12-05 (1 day ago)  owner team@example.com
            EXPIRING  SOON  fam-SOON  expires 2026-12-06 (in 1 day)  owner team@example.com
            2 entries: 0 invalid, 1 expired, 1 expiring soon, 0 active beyond the window
            """)
    }

    @Test("a document the rule could not use is an error, not an empty report", arguments: [
        "not json", "[]", #"{"schemaVersion":2,"exceptions":[]}"#, #"{"schemaVersion":1}"#,
    ])
    func unusable(_ text: String) {
        #expect(throws: ExceptionRegistryError.self) { try ExceptionRegistryReport.review(Array(text.utf8), now: Self.now) }
    }

    @Test("a clean registry needs no action")
    func clean() throws {
        let report = try ExceptionRegistryReport.review(Self.document([Self.entry("OK", expires: "2027-06-01")]), now: Self.now)
        #expect(report.findings.isEmpty)
        #expect(!report.needsAction)
    }
}
