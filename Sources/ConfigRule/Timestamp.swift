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

    /// `[-]digits[.digits]` → milliseconds (at most 12 integer digits; fraction truncated to 3 digits); `nil` for
    /// other shapes. Reads the UTF-8 bytes once.
    private static func parsePlainDecimal(_ text: String) -> Int64? {
        var text = text
        return text.withUTF8 { bytes -> Int64? in
            var index = 0
            let negative = bytes.first == UInt8(ascii: "-")
            if negative { index = 1 }
            var seconds: Int64 = 0
            let integerStart = index
            while index < bytes.count, let digit = digitValue(bytes[index]) {
                seconds = seconds * 10 + digit
                index += 1
                guard index - integerStart <= 12 else { return nil }
            }
            guard index > integerStart else { return nil }
            var millis: Int64 = 0
            if index < bytes.count {
                guard bytes[index] == UInt8(ascii: "."), index + 1 < bytes.count else { return nil }
                index += 1
                var fractionDigits = 0
                while index < bytes.count {
                    guard let digit = digitValue(bytes[index]) else { return nil }
                    if fractionDigits < 3 { millis = millis * 10 + digit }
                    fractionDigits += 1
                    index += 1
                }
                for _ in min(fractionDigits, 3)..<3 { millis *= 10 }
            }
            let total = seconds * 1_000 + millis
            return negative ? -total : total
        }
    }

    private static func digitValue(_ byte: UInt8) -> Int64? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? Int64(byte - UInt8(ascii: "0")) : nil
    }
}
