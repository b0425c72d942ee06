// exceptions-report: reviews an exceptions registry file (rule-semantics §8) for its owners: the entries that are
// invalid, expired, or expire soon, each with its owner. Run through scripts/exceptions-report.
//
//   exceptions-report FILE [--now 2026-12-06T12:00:00Z] [--max-exception-days 365] [--within 30]
//
// Exit status: 0 nothing invalid or expired (entries expiring soon are listed), 1 something invalid or expired,
// 2 usage error, unreadable file, or a document the rule could not use at all.

import PidModePolicy
import StructuredLogging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

func fail(_ message: String) -> Never {
    let line = Array("exceptions-report: \(message)\n".utf8)
    _ = line.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count) }
    exit(2)
}

/// The whole file, or `nil` when it can't be opened.
func readFile(_ path: String) -> [UInt8]? {
    guard let file = fopen(path, "rb") else { return nil }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
        let count = fread(&buffer, 1, buffer.count, file)
        if count > 0 { bytes += buffer[0..<count] }
        if count < buffer.count { break }
        if bytes.count > 64 * 1_048_576 { return nil }
    }
    return bytes
}

var arguments = Array(CommandLine.arguments.dropFirst())
var path: String?
var now = WallClock.nowMilliseconds()
var maxDays = ExceptionRegistry.defaultMaxExceptionDays
var within = ExceptionRegistryReport.defaultWindowDays
while !arguments.isEmpty {
    let argument = arguments.removeFirst()
    func value() -> String {
        guard !arguments.isEmpty else { fail("\(argument) needs a value") }
        return arguments.removeFirst()
    }
    switch argument {
    case "--now":
        let text = value()
        guard let instant = CivilTime.epochMilliseconds(iso8601: text) else { fail("--now must be an RFC 3339 time, got '\(text)'") }
        now = instant
    case "--max-exception-days":
        let text = value()
        guard let days = Int(text), ExceptionRegistry.maxExceptionDaysRange.contains(days) else {
            fail("--max-exception-days must be a whole number from 1 to 3650, got '\(text)'")
        }
        maxDays = days
    case "--within":
        let text = value()
        guard let days = Int(text), (0...3650).contains(days) else { fail("--within must be a whole number of days, got '\(text)'") }
        within = days
    case "-h", "--help":
        print("usage: exceptions-report FILE [--now RFC3339] [--max-exception-days 365] [--within 30]")
        exit(0)
    default:
        guard path == nil, !argument.hasPrefix("--") else { fail("unexpected argument '\(argument)' (see --help)") }
        path = argument
    }
}
guard let path else { fail("name the registry file (the JSON document kept in the SSM parameter); see --help") }
guard let bytes = readFile(path) else { fail("\(path): cannot be read") }
do {
    let report = try ExceptionRegistryReport.review(bytes, now: now, maxExceptionDays: maxDays, windowDays: within)
    print(report.text)
    exit(report.needsAction ? 1 : 0)
} catch {
    fail("\(path): the registry \(error.problem)")
}
