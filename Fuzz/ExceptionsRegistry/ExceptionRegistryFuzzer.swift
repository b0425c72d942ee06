// libFuzzer target: bytes → ExceptionRegistry.decode (two horizons) → match → texts, plus ExceptionRegistryReport and
// ExceptionExpiry. Built by `scripts/fuzz --target exceptions-registry` against the project's real PidModePolicy.
//
// Any outcome is fine except a trap in the code under test or a broken invariant below (the harness's own traps).

import JSON
import PidModePolicy

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes: [UInt8] = (size == 0 || data == nil) ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    RegistryHarness.run(bytes)
    return 0
}

enum RegistryHarness {
    /// 2026-12-06T12:00:00Z.
    static let now: Int64 = 1_796_558_400_000
    static let day: Int64 = 86_400_000

    static func violated(_ what: String, file: StaticString = #file, line: UInt = #line) -> Never {
        fatalError("FUZZ INVARIANT VIOLATED: \(what)", file: file, line: line)
    }

    static func require(_ condition: Bool, _ what: @autoclosure () -> String, file: StaticString = #file, line: UInt = #line) {
        if !condition { violated(what(), file: file, line: line) }
    }

    static func run(_ bytes: [UInt8]) {
        let document = try? JSONParser.parse(bytes)
        for maxDays in [1, 365, 3650] {
            checkDecode(bytes, document: document, maxDays: maxDays)
        }
        if bytes.count <= 64, let text = String(validating: bytes, as: UTF8.self) {
            checkExpiry(text)
        }
    }

    static func checkDecode(_ bytes: [UInt8], document: JSONValue?, maxDays: Int) {
        let registry: ExceptionRegistry
        do {
            registry = try ExceptionRegistry.decode(bytes, now: now, maxExceptionDays: maxDays)
        } catch {
            require(!error.problem.isEmpty, "an ExceptionRegistryError says what is wrong")
            do {
                _ = try ExceptionRegistryReport.review(bytes, now: now, maxExceptionDays: maxDays)
                violated("the report accepted a document decode rejected")
            } catch {}
            return
        }
        guard let entries = document?["exceptions"]?.arrayValue else { violated("decoded without an exceptions array") }
        require(registry.exceptions.count + registry.problems.count == entries.count,
                "every entry is either valid or has one problem (\(registry.exceptions.count)+\(registry.problems.count) vs \(entries.count))")
        var lastIndex = -1
        for problem in registry.problems {
            require(problem.index > lastIndex && problem.index < entries.count, "problems in document order, indexes in range")
            lastIndex = problem.index
            require(!problem.field.isEmpty && !problem.problem.isEmpty && !problem.entry.isEmpty, "a problem names entry and field")
        }
        var ids = Set<String>()
        for exception in registry.exceptions {
            require(ids.insert(exception.id).inserted, "valid ids are unique: \(exception.id)")
            for text in [exception.id, exception.family, exception.owner, exception.reason] {
                require(!text.allSatisfy(\.isWhitespace), "required members are non-blank")
            }
            require(exception.expires.endsAtMilliseconds <= now + Int64(maxDays) * day, "no valid entry beyond MaxExceptionDays")
            require(exception.revision.map { $0 > 0 } ?? true, "revisions are positive")
            require(exception.accountIDs.map { !$0.isEmpty } ?? true, "accountIds, when given, are non-empty")
            require(exception.exemptionText.hasPrefix("EXEMPT \(exception.id) until "), "exemption text names the id")
            require(exception.expiryText.hasPrefix("exception \(exception.id) expired "), "expiry text names the id")
            checkMatch(registry, subjectOf: exception)
        }
        let report: ExceptionRegistryReport
        do {
            report = try ExceptionRegistryReport.review(bytes, now: now, maxExceptionDays: maxDays)
        } catch {
            violated("the report rejected a document decode accepted: \(error)")
        }
        require(report.findings.filter { $0.status == .invalid }.count == registry.problems.count, "report: invalid = problems")
        require(report.findings.count + report.healthyCount == entries.count, "report: every entry counted once")
        require(!report.text.isEmpty, "report text")
    }

    /// The subject an exception describes matches it (or one that expires later), with the right state.
    static func checkMatch(_ registry: ExceptionRegistry, subjectOf exception: ApprovedException) {
        let subject = ExceptionSubject(
            family: exception.family, revision: exception.revision, accountID: exception.accountIDs?.first,
            region: exception.regions?.first
        )
        let covering = registry.exceptions.filter { $0.covers(subject) }
        require(covering.contains(exception), "an exception covers its own subject")
        let latest = covering.map(\.expires.endsAtMilliseconds).max() ?? Int64.min
        for at in [now, exception.expires.endsAtMilliseconds - 1, exception.expires.endsAtMilliseconds] {
            switch registry.match(subject, now: at) {
            case .none:
                violated("a covered subject matched nothing")
            case .active(let chosen):
                require(chosen.expires.endsAtMilliseconds == latest && chosen.expires.isActive(at: at), "active = latest, not lapsed")
            case .expired(let chosen):
                require(chosen.expires.endsAtMilliseconds == latest && !chosen.expires.isActive(at: at), "expired = latest, lapsed")
            }
        }
        require(registry.match(ExceptionSubject(family: nil), now: now) == .none, "an unknown family matches nothing")
    }

    static func checkExpiry(_ text: String) {
        guard let expiry = ExceptionExpiry(text) else { return }
        require(expiry.text == text, "the expiry keeps its text")
        if text.utf8.count == 10 {
            require(expiry.endsAtMilliseconds % day == 0, "a plain date ends at midnight UTC")
        }
        require(expiry.isActive(at: expiry.endsAtMilliseconds - 1) && !expiry.isActive(at: expiry.endsAtMilliseconds), "the end is exclusive")
    }
}
