import JSON
import StructuredLogging

/// An instant with millisecond precision, as Config uses them: ISO-8601 strings in events, epoch-second numbers on
/// the awsJson wire (`1705615540.112`). Exact: no binary floating point is involved in parsing or formatting.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var epochMilliseconds: Int64

    public init(epochMilliseconds: Int64) {
        self.epochMilliseconds = epochMilliseconds
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM|±HHMM)`; digits beyond milliseconds are truncated.
    /// Returns `nil` for anything else, including impossible dates.
    public init?(iso8601 text: String) {
        guard let milliseconds = CivilTime.epochMilliseconds(iso8601: text) else { return nil }
        self.epochMilliseconds = milliseconds
    }

    /// Parses an awsJson epoch-seconds number literal (`1705615540`, `1705615540.112`, `1.705615540112E9`).
    public init?(epochSecondsText text: String) {
        if let plain = Self.parsePlainDecimal(text) {
            self.epochMilliseconds = plain
        } else if let value = Double(text), value.isFinite, abs(value) < 1e14 {
            self.epochMilliseconds = Int64((value * 1_000).rounded())
        } else {
            return nil
        }
    }

    /// Reads a timestamp from either JSON form: an ISO-8601 string or an epoch-seconds number.
    public init?(json: JSONValue) {
        switch json {
        case .string(let text): self.init(iso8601: text)
        case .number(let text): self.init(epochSecondsText: text)
        default: return nil
        }
    }

    /// The awsJson wire form: epoch seconds as a JSON number, with a millisecond fraction when there is one.
    public var epochSecondsJSON: JSONValue {
        let magnitude = epochMilliseconds.magnitude
        let sign = epochMilliseconds < 0 ? "-" : ""
        let seconds = magnitude / 1_000
        let millis = Int(magnitude % 1_000)
        return .number(millis == 0 ? "\(sign)\(seconds)" : "\(sign)\(seconds).\(CivilTime.pad(millis, 3))")
    }

    /// ISO-8601 UTC with milliseconds.
    public var description: String { CivilTime.rfc3339(epochMilliseconds: epochMilliseconds) }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.epochMilliseconds < rhs.epochMilliseconds }

    /// `[-]digits[.digits]` → milliseconds (fraction truncated to 3 digits); `nil` for other shapes.
    private static func parsePlainDecimal(_ text: String) -> Int64? {
        var integerPart = Substring(text)
        var fraction: Substring = ""
        if let dot = text.firstIndex(of: ".") {
            integerPart = text[..<dot]
            fraction = text[text.index(after: dot)...]
            guard !fraction.isEmpty, fraction.allSatisfy(\.isASCIIDigit) else { return nil }
        }
        let negative = integerPart.hasPrefix("-")
        if negative { integerPart = integerPart.dropFirst() }
        guard !integerPart.isEmpty, integerPart.count <= 12, integerPart.allSatisfy(\.isASCIIDigit),
            let seconds = Int64(integerPart)
        else { return nil }
        let millisText = String(fraction.prefix(3)) + String(repeating: "0", count: max(0, 3 - fraction.count))
        let millis = Int64(millisText) ?? 0
        let total = seconds * 1_000 + millis
        return negative ? -total : total
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
