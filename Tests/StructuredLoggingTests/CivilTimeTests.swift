import Foundation
import StructuredLogging
import Testing

@Suite("CivilTime")
struct CivilTimeTests {
    @Test("rfc3339 of known instants", arguments: [
        (Int64(0), "1970-01-01T00:00:00.000Z"),
        (1_705_615_540_112, "2024-01-18T22:05:40.112Z"),
        (1_705_615_540_000, "2024-01-18T22:05:40.000Z"),
        (1_705_615_540_001, "2024-01-18T22:05:40.001Z"),
        (951_782_400_000, "2000-02-29T00:00:00.000Z"),  // leap day of a year divisible by 400
        (1_709_251_199_999, "2024-02-29T23:59:59.999Z"),  // last millisecond of a leap day
        (1_709_251_200_000, "2024-03-01T00:00:00.000Z"),
        (4_107_542_400_000, "2100-03-01T00:00:00.000Z"),  // 2100 is not a leap year: Feb 28 → Mar 1
        (-1, "1969-12-31T23:59:59.999Z"),
        (-1_000, "1969-12-31T23:59:59.000Z"),
        (-86_400_000, "1969-12-31T00:00:00.000Z"),
        (-2_208_988_800_000, "1900-01-01T00:00:00.000Z"),
        (-62_135_596_800_000, "0001-01-01T00:00:00.000Z"),
        (253_402_300_799_999, "9999-12-31T23:59:59.999Z"),
    ])
    func rfc3339(_ milliseconds: Int64, _ expected: String) {
        #expect(CivilTime.rfc3339(epochMilliseconds: milliseconds) == expected)
    }

    @Test("rfc3339 agrees with Foundation's ISO8601DateFormatter over a spread of instants, negative ones included")
    func rfc3339MatchesFoundation() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        var samples: [Int64] = [0, -1, 1, 1_705_615_540_112]
        for _ in 0..<2_000 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            // within ±200 years of the epoch
            samples.append(Int64(bitPattern: state % 12_622_780_800_000) - 6_311_390_400_000)
        }
        for milliseconds in samples {
            // Foundation formats whole seconds (no floating-point fraction involved); the milliseconds are checked apart.
            let seconds = milliseconds >= 0 ? milliseconds / 1_000 : -((-milliseconds + 999) / 1_000)
            let fraction = Int(milliseconds - seconds * 1_000)
            let wholeSeconds = formatter.string(from: Date(timeIntervalSince1970: Double(seconds)))
            let expected = wholeSeconds.dropLast() + "." + CivilTime.pad(fraction, 3) + "Z"
            #expect(CivilTime.rfc3339(epochMilliseconds: milliseconds) == expected, "\(milliseconds)")
        }
    }

    @Test("components(epochSeconds:) and daysSinceEpoch round-trip for every day in ±1000 years")
    func dayRoundTrip() {
        var previous: CivilTime.Components?
        for day in -365_250...365_250 {
            let components = CivilTime.components(epochSeconds: Int64(day) * 86_400 + 45_296)  // 12:34:56
            #expect(components.hour == 12 && components.minute == 34 && components.second == 56)
            #expect(CivilTime.isValidDate(year: components.year, month: components.month, day: components.day))
            let back = CivilTime.daysSinceEpoch(year: components.year, month: components.month, day: components.day)
            if back != day {
                Issue.record("day \(day) → \(components) → \(back)")
                return
            }
            if let previous {
                // Consecutive days: either the next day of the month, or the first of the next month/year.
                let nextInMonth = components.year == previous.year && components.month == previous.month
                    && components.day == previous.day + 1
                let firstOfMonth = components.day == 1
                    && ((components.year == previous.year && components.month == previous.month + 1)
                        || (components.year == previous.year + 1 && components.month == 1 && previous.month == 12))
                if !(nextInMonth || firstOfMonth) {
                    Issue.record("\(previous) is followed by \(components)")
                    return
                }
            }
            previous = components
        }
    }

    @Test("components of known instants")
    func knownComponents() {
        #expect(CivilTime.components(epochSeconds: 0) == .init(year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0))
        #expect(CivilTime.components(epochSeconds: 1_705_615_540)
            == .init(year: 2024, month: 1, day: 18, hour: 22, minute: 5, second: 40))
        #expect(CivilTime.components(epochSeconds: -1) == .init(year: 1969, month: 12, day: 31, hour: 23, minute: 59, second: 59))
        #expect(CivilTime.daysSinceEpoch(year: 1970, month: 1, day: 1) == 0)
        #expect(CivilTime.daysSinceEpoch(year: 2024, month: 2, day: 29) == 19_782)
        #expect(CivilTime.daysSinceEpoch(year: 1969, month: 12, day: 31) == -1)
    }

    @Test("isValidDate", arguments: [
        (2024, 2, 29, true), (2023, 2, 29, false), (2000, 2, 29, true), (1900, 2, 29, false), (2100, 2, 29, false),
        (2023, 2, 28, true), (2023, 4, 30, true), (2023, 4, 31, false), (2023, 12, 31, true), (2023, 12, 32, false),
        (2023, 1, 0, false), (2023, 0, 10, false), (2023, 13, 1, false), (2023, -1, 1, false), (2023, 6, -3, false),
        (2023, 1, 31, true), (2023, 6, 31, false), (2023, 9, 31, false), (2023, 11, 31, false),
    ])
    func isValidDate(_ year: Int, _ month: Int, _ day: Int, _ expected: Bool) {
        #expect(CivilTime.isValidDate(year: year, month: month, day: day) == expected)
    }

    @Test("isLeapYear")
    func leapYears() {
        for year in 1583...2500 {
            let expected = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
            #expect(CivilTime.isLeapYear(year) == expected)
            let days = CivilTime.daysSinceEpoch(year: year + 1, month: 1, day: 1) - CivilTime.daysSinceEpoch(year: year, month: 1, day: 1)
            #expect(days == (expected ? 366 : 365), "\(year)")
        }
    }

    @Test("pad")
    func pad() {
        #expect(CivilTime.pad(5, 3) == "005")
        #expect(CivilTime.pad(123, 3) == "123")
        #expect(CivilTime.pad(12345, 4) == "12345")
        #expect(CivilTime.pad(0, 2) == "00")
    }
}
