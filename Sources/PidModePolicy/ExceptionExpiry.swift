import StructuredLogging

/// When an approved exception lapses: a plain date `YYYY-MM-DD` (valid through the end of that UTC day) or an RFC 3339
/// timestamp with a zone (valid until that instant).
public struct ExceptionExpiry: Sendable, Equatable, CustomStringConvertible {
    /// The text as written in the registry (shown in annotations).
    public var text: String
    /// The first instant at which the exception no longer applies, epoch milliseconds (for a plain date, midnight
    /// UTC of the next day).
    public var endsAtMilliseconds: Int64

    /// Parses `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`; `nil` for anything else or an impossible date.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        if bytes.count == 10 {
            guard bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
                let year = Self.number(bytes[0..<4]), let month = Self.number(bytes[5..<7]), let day = Self.number(bytes[8..<10]),
                CivilTime.isValidDate(year: year, month: month, day: day)
            else { return nil }
            let days = Int64(CivilTime.daysSinceEpoch(year: year, month: month, day: day))
            self.endsAtMilliseconds = (days + 1) * 86_400_000
        } else {
            guard bytes.count > 10, bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t"),
                let instant = CivilTime.epochMilliseconds(iso8601: text)
            else { return nil }
            self.endsAtMilliseconds = instant
        }
        self.text = text
    }

    /// Whether the exception still applies at `now` (epoch milliseconds).
    public func isActive(at now: Int64) -> Bool { now < endsAtMilliseconds }

    public var description: String { text }

    private static func number(_ digits: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for digit in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit) else { return nil }
            value = value * 10 + Int(digit - UInt8(ascii: "0"))
        }
        return value
    }
}
