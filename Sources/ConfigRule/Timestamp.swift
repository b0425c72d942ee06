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
        let bytes = Array(text.utf8)
        func number(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[start..<start + count] {
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        func byte(_ index: Int) -> UInt8? { index < bytes.count ? bytes[index] : nil }
        guard let year = number(0, 4), byte(4) == UInt8(ascii: "-"), let month = number(5, 2), byte(7) == UInt8(ascii: "-"),
            let day = number(8, 2), byte(10) == UInt8(ascii: "T") || byte(10) == UInt8(ascii: "t") || byte(10) == 0x20,
            let hour = number(11, 2), byte(13) == UInt8(ascii: ":"), let minute = number(14, 2),
            byte(16) == UInt8(ascii: ":"), let second = number(17, 2),
            CivilTime.isValidDate(year: year, month: month, day: day), hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 19
        var millis = 0
        if byte(index) == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            while let digit = byte(index), digit >= 0x30, digit <= 0x39 {
                if digits < 3 { millis = millis * 10 + Int(digit - 0x30) }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in min(digits, 3)..<3 { millis *= 10 }
        }
        var offsetMinutes = 0
        switch byte(index) {
        case UInt8(ascii: "Z")?, UInt8(ascii: "z")?:
            index += 1
        case UInt8(ascii: "+")?, UInt8(ascii: "-")?:
            let sign = byte(index) == UInt8(ascii: "-") ? -1 : 1
            guard let hours = number(index + 1, 2) else { return nil }
            var minutesStart = index + 3
            if byte(minutesStart) == UInt8(ascii: ":") { minutesStart += 1 }
            guard let minutes = number(minutesStart, 2), hours < 24, minutes < 60 else { return nil }
            offsetMinutes = sign * (hours * 60 + minutes)
            index = minutesStart + 2
        default:
            return nil
        }
        guard index == bytes.count else { return nil }
        let days = Int64(CivilTime.daysSinceEpoch(year: year, month: month, day: day))
        let seconds = days * 86_400 + Int64(hour * 3_600 + minute * 60 + second) - Int64(offsetMinutes * 60)
        self.epochMilliseconds = seconds * 1_000 + Int64(millis)
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
