import Foundation

/// Builds Lambda events exactly as AWS Config sends them: a JSON object whose `invokingEvent` (and `ruleParameters`)
/// is a JSON *string*. Variants are made by parsing a sample, editing the configuration item, re-serialising.
enum E2EEvents {
    /// `events/<name>` as a JSON object.
    static func sample(_ name: String) throws -> [String: Any] {
        try load(E2EPaths.packageRoot().appendingPathComponent("events").appendingPathComponent(name))
    }

    /// `../shared/testdata/payloads/<name>` as a JSON object.
    static func payload(_ name: String) throws -> [String: Any] {
        try load(E2EPaths.sharedTestdata().appendingPathComponent("payloads").appendingPathComponent(name))
    }

    /// `events/<name>`, byte for byte.
    static func sampleText(_ name: String) throws -> String {
        let url = E2EPaths.packageRoot().appendingPathComponent("events").appendingPathComponent(name)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw HarnessError("sample event not found: \(url.path)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    private static func load(_ url: URL) throws -> [String: Any] {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw HarnessError("""
                test data not found: \(url.path) (events/ is in the package; payloads are in ../shared/testdata, \
                or set PIDMODE_SHARED_TESTDATA)
                """)
        }
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw HarnessError("\(url.path) is not a JSON object")
        }
        return object
    }

    /// Compact JSON text (slashes not escaped).
    static func text(_ value: Any) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: value, options: [.withoutEscapingSlashes, .fragmentsAllowed])
        return String(decoding: data, as: UTF8.self)
    }

    /// The decoded `invokingEvent` of an event.
    static func invokingEvent(of event: [String: Any]) throws -> [String: Any] {
        guard let text = event["invokingEvent"] as? String,
            let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        else { throw HarnessError("invokingEvent is not a JSON string holding an object") }
        return object
    }

    /// `event` with its invoking event replaced (re-serialised as a string).
    static func withInvokingEvent(_ event: [String: Any], _ change: (inout [String: Any]) throws -> Void) throws -> [String: Any] {
        var invoking = try invokingEvent(of: event)
        try change(&invoking)
        var copy = event
        copy["invokingEvent"] = try text(invoking)
        return copy
    }

    /// `event` with its `configurationItem` edited.
    static func withItem(_ event: [String: Any], _ change: (inout [String: Any]) throws -> Void) throws -> [String: Any] {
        try withInvokingEvent(event) { invoking in
            guard var item = invoking["configurationItem"] as? [String: Any] else {
                throw HarnessError("invokingEvent has no configurationItem")
            }
            try change(&item)
            invoking["configurationItem"] = item
        }
    }

    /// `event` with `configurationItem.configuration` edited (it must be an object).
    static func withConfiguration(_ event: [String: Any], _ change: (inout [String: Any]) throws -> Void) throws -> [String: Any] {
        try withItem(event) { item in
            guard var configuration = item["configuration"] as? [String: Any] else {
                throw HarnessError("configurationItem.configuration is not an object")
            }
            try change(&configuration)
            item["configuration"] = configuration
        }
    }

    /// The configuration item (or oversized summary) of an event.
    static func item(of event: [String: Any]) throws -> [String: Any] {
        let invoking = try invokingEvent(of: event)
        guard let item = (invoking["configurationItem"] ?? invoking["configurationItemSummary"]) as? [String: Any] else {
            throw HarnessError("invokingEvent has no configurationItem / configurationItemSummary")
        }
        return item
    }

    /// `configurationItemCaptureTime` of the event's item, as epoch seconds.
    static func captureEpochSeconds(of event: [String: Any]) throws -> Double {
        guard let text = try item(of: event)["configurationItemCaptureTime"] as? String,
            let seconds = epochSeconds(iso8601: text)
        else { throw HarnessError("configurationItemCaptureTime missing or not ISO-8601") }
        return seconds
    }

    /// Parses an ISO-8601 time with or without fractional seconds.
    static func epochSeconds(iso8601 text: String) -> Double? {
        let withFraction = ISO8601DateFormatter()
        withFraction.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = withFraction.date(from: text) { return date.timeIntervalSince1970 }
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        return plain.date(from: text)?.timeIntervalSince1970
    }
}
