/// Formatting of the SigV4 timestamp (`X-Amz-Date`), without Foundation.
public enum AmzDate {
    /// Formats Unix time (seconds since 1970-01-01T00:00:00Z, UTC, no leap seconds) as
    /// the ISO 8601 basic format SigV4 uses: `YYYYMMDD'T'HHMMSS'Z'`, e.g.
    /// `1440938160` → `"20150830T123600Z"`.
    ///
    /// Total over all of `Int64`: negative values are before 1970 (floor division), the
    /// year is zero-padded to at least four digits and simply grows past 9999 (a year
    /// before 0 gets a leading `-`). Only years 0001...9999 make sense for AWS.
    public static func format(epochSeconds: Int64) -> String {
        let (days, secondsOfDay) = floorDivMod(epochSeconds, 86_400)
        let (year, month, day) = civilFromDays(days)
        let hour = secondsOfDay / 3600
        let minute = (secondsOfDay % 3600) / 60
        let second = secondsOfDay % 60
        var text: [UInt8] = []
        text.reserveCapacity(16)
        appendPadded(year, 4, to: &text)
        appendPadded(month, 2, to: &text)
        appendPadded(day, 2, to: &text)
        text.append(UInt8(ascii: "T"))
        appendPadded(hour, 2, to: &text)
        appendPadded(minute, 2, to: &text)
        appendPadded(second, 2, to: &text)
        text.append(UInt8(ascii: "Z"))
        return String(decoding: text, as: UTF8.self)
    }

    /// The `YYYYMMDD` date stamp used in the credential scope: the first eight
    /// characters of an `X-Amz-Date` value (fewer if the value is shorter).
    public static func dateStamp(of amzDate: String) -> String {
        String(amzDate.prefix(8))
    }

    /// Floor division and the matching non-negative remainder (`divisor` > 0).
    private static func floorDivMod(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        var quotient = value / divisor
        var remainder = value % divisor
        if remainder < 0 {
            quotient -= 1
            remainder += divisor
        }
        return (quotient, remainder)
    }

    /// Days since 1970-01-01 → proleptic Gregorian (year, month 1...12, day 1...31).
    /// Howard Hinnant's `civil_from_days`; no intermediate overflows for any `Int64`
    /// day count that `floorDivMod(Int64, 86_400)` can produce.
    private static func civilFromDays(_ days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097                                              // [0, 146096]
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365  // [0, 399]
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)  // [0, 365], from March 1
        let monthPrime = (5 * dayOfYear + 2) / 153                                      // [0, 11], March = 0
        let day = dayOfYear - (153 * monthPrime + 2) / 5 + 1                            // [1, 31]
        let month = monthPrime < 10 ? monthPrime + 3 : monthPrime - 9                   // [1, 12]
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    /// Appends the decimal rendering of `value`, its digits left-padded with zeros to `width` (a `-` before them when
    /// negative).
    private static func appendPadded(_ value: Int64, _ width: Int, to text: inout [UInt8]) {
        if value < 0 { text.append(UInt8(ascii: "-")) }
        var digitCount = 1
        var rest = value.magnitude
        while rest >= 10 {
            rest /= 10
            digitCount += 1
        }
        text.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: max(width, digitCount)))
        rest = value.magnitude
        var position = text.count - 1
        for _ in 0..<digitCount {
            text[position] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
            position -= 1
        }
    }
}
