import Foundation
import JSON
import Testing

@testable import ConfigRule

@Suite("Timestamp")
struct TimestampTests {
    @Test("ISO-8601 with and without fraction, 1–9 fraction digits (truncated to ms), Z and offsets", arguments: [
        ("2024-01-18T22:05:40.112Z", Int64(1_705_615_540_112)),
        ("2024-01-18T22:05:40Z", 1_705_615_540_000),
        ("2024-01-18T22:05:40.1Z", 1_705_615_540_100),
        ("2024-01-18T22:05:40.11Z", 1_705_615_540_110),
        ("2024-01-18T22:05:40.112Z", 1_705_615_540_112),
        ("2024-01-18T22:05:40.1129Z", 1_705_615_540_112),
        ("2024-01-18T22:05:40.11299Z", 1_705_615_540_112),
        ("2024-01-18T22:05:40.112999Z", 1_705_615_540_112),
        ("2024-01-18T22:05:40.1129999Z", 1_705_615_540_112),
        ("2024-01-18T22:05:40.11299999Z", 1_705_615_540_112),
        ("2024-01-18T22:05:40.112999999Z", 1_705_615_540_112),
        ("2024-01-18T22:05:40.999999999Z", 1_705_615_540_999),
        ("2024-01-18T22:05:40.000Z", 1_705_615_540_000),
        ("2024-01-19T00:05:40.112+02:00", 1_705_615_540_112),
        ("2024-01-19T00:05:40.112+0200", 1_705_615_540_112),
        ("2024-01-18T16:35:40.112-0530", 1_705_615_540_112),
        ("2024-01-18T16:35:40.112-05:30", 1_705_615_540_112),
        ("2024-01-18T22:05:40.112+00:00", 1_705_615_540_112),
        ("2024-01-18t22:05:40.112z", 1_705_615_540_112),
        ("2024-02-29T00:00:00Z", 1_709_164_800_000),
        ("1970-01-01T00:00:00Z", 0),
        ("1969-12-31T23:59:59.999Z", -1),
        ("2016-02-17T01:36:34.043Z", 1_455_672_994_043),
    ])
    func iso8601(_ text: String, _ expected: Int64) {
        #expect(Timestamp(iso8601: text)?.epochMilliseconds == expected)
        #expect(Timestamp(json: .string(text))?.epochMilliseconds == expected)
    }

    @Test("ISO-8601 parsing agrees with Foundation for offsets and fractions")
    func iso8601MatchesFoundation() throws {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        let texts = [
            "2024-01-18T22:05:40Z", "2024-01-19T00:05:40+02:00", "2024-01-18T16:35:40-05:30", "2000-02-29T23:59:59+14:00",
            "1999-12-31T23:59:59-12:00", "2100-03-01T00:00:00Z",
        ]
        for text in texts {
            let date = try #require(formatter.date(from: text), "Foundation cannot read \(text)")
            #expect(Timestamp(iso8601: text)?.epochMilliseconds == Int64(date.timeIntervalSince1970) * 1_000, "\(text)")
        }
    }

    @Test("invalid ISO-8601 texts → nil", arguments: [
        "2023-02-29T00:00:00Z",  // not a leap year
        "2100-02-29T00:00:00Z",
        "2024-13-01T00:00:00Z",  // month 13
        "2024-00-01T00:00:00Z",
        "2024-01-32T00:00:00Z",
        "2024-04-31T00:00:00Z",
        "2024-01-18T24:00:00Z",  // hour 24
        "2024-01-18T22:60:00Z",
        "2024-01-18T22:05:40",  // no zone
        "2024-01-18T22:05:40.Z",  // fraction without digits
        "2024-01-18T22:05:40.112ZZ",
        "2024-01-18T22:05:40.112Z ",
        "2024-01-18T22:05:40+02",  // offset without minutes
        "2024-01-18T22:05:40+24:00",
        "2024-01-18",
        "2024-1-18T22:05:40Z",
        "20240118T220540Z",
        "1705615540",
        "",
        "yesterday",
    ])
    func invalidISO(_ text: String) {
        #expect(Timestamp(iso8601: text) == nil)
        #expect(Timestamp(json: .string(text)) == nil)
    }

    @Test("epoch-seconds number literals", arguments: [
        ("1705615540", Int64(1_705_615_540_000)),
        ("1705615540.112", 1_705_615_540_112),
        ("1705615540.1", 1_705_615_540_100),
        ("1705615540.10", 1_705_615_540_100),
        ("1705615540.100", 1_705_615_540_100),
        ("1705615540.1129", 1_705_615_540_112),
        ("1.705615540112E9", 1_705_615_540_112),
        ("1.705615540112e9", 1_705_615_540_112),
        ("1705615540112e-3", 1_705_615_540_112),
        ("0", 0),
        ("0.001", 1),
        ("-0.001", -1),
        ("-1.5", -1_500),
        ("-1705615540.112", -1_705_615_540_112),
    ])
    func epochSecondsText(_ text: String, _ expected: Int64) {
        #expect(Timestamp(epochSecondsText: text)?.epochMilliseconds == expected)
        #expect(Timestamp(json: .number(text))?.epochMilliseconds == expected)
    }

    @Test("unusable epoch-seconds literals → nil", arguments: ["", "abc", "1e400", "-1e400", "nan", "inf", "1.2.3"])
    func invalidEpochSeconds(_ text: String) {
        #expect(Timestamp(epochSecondsText: text) == nil)
    }

    @Test("JSON values other than strings and numbers → nil")
    func otherJSON() {
        #expect(Timestamp(json: .null) == nil)
        #expect(Timestamp(json: .bool(true)) == nil)
        #expect(Timestamp(json: .array([])) == nil)
    }

    @Test("epochSecondsJSON renders seconds with a millisecond fraction only when there is one", arguments: [
        (Int64(1_705_615_540_112), "1705615540.112"),
        (1_705_615_540_000, "1705615540"),
        (1_705_615_540_001, "1705615540.001"),
        (1_705_615_540_010, "1705615540.010"),
        (0, "0"),
        (999, "0.999"),
    ])
    func epochSecondsJSON(_ milliseconds: Int64, _ expected: String) {
        #expect(Timestamp(epochMilliseconds: milliseconds).epochSecondsJSON == .number(expected))
    }

    @Test("1705615540.100 renders as a JSON number that reads back as the same millisecond")
    func hundredMilliseconds() throws {
        let json = Timestamp(epochMilliseconds: 1_705_615_540_100).epochSecondsJSON
        let text = try #require(json.numberText)
        #expect(try JSONParser.parse(text) == .number(text), "not a valid JSON number: \(text)")
        #expect(Timestamp(epochSecondsText: text)?.epochMilliseconds == 1_705_615_540_100)
        #expect(Double(text).map { ($0 * 1_000).rounded() } == 1_705_615_540_100)
    }

    @Test("epochSecondsJSON round-trips through the parser, negative instants included", arguments: [
        Int64(1_705_615_540_112), 1_705_615_540_100, 1_705_615_540_000, 1, 0, -1, -999, -1_000, -1_001, -1_500,
        -86_400_000, -1_705_615_540_112, -2_208_988_800_001,
    ])
    func roundTrip(_ milliseconds: Int64) throws {
        let json = Timestamp(epochMilliseconds: milliseconds).epochSecondsJSON
        let text = try #require(json.numberText)
        #expect(try JSONParser.parse(text) == .number(text), "not a valid JSON number: \(text)")
        #expect(
            Timestamp(epochSecondsText: text)?.epochMilliseconds == milliseconds,
            "\(milliseconds) ms rendered as \(text)")
        // The value as a double (what botocore and Config read) is the same instant.
        let seconds = try #require(Double(text))
        #expect((seconds * 1_000).rounded() == Double(milliseconds), "\(milliseconds) ms rendered as \(text)")
    }

    @Test("description is RFC 3339 UTC with milliseconds; ordering follows time")
    func descriptionAndOrder() {
        #expect(Timestamp(epochMilliseconds: 1_705_615_540_112).description == "2024-01-18T22:05:40.112Z")
        #expect(Timestamp(epochMilliseconds: 1) < Timestamp(epochMilliseconds: 2))
        #expect(Timestamp(epochMilliseconds: -5) < Timestamp(epochMilliseconds: 0))
        #expect(Timestamp(iso8601: "2024-01-19T00:05:40.112+02:00") == Timestamp(iso8601: "2024-01-18T22:05:40.112Z"))
    }

    @Test("ISO text → Timestamp → description → Timestamp is stable over a range of instants")
    func isoRoundTrip() {
        var milliseconds: Int64 = -10_000_000_000_000
        while milliseconds < 10_000_000_000_000 {
            let timestamp = Timestamp(epochMilliseconds: milliseconds)
            #expect(Timestamp(iso8601: timestamp.description) == timestamp, "\(milliseconds)")
            milliseconds += 7_777_777_777
        }
    }
}
