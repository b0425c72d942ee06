import ArgumentParser
import Foundation
import PidModePolicy
import StructuredLogging

/// `pidmode-check exceptions-report FILE`: the owners' review of an approved-exceptions registry (rule-semantics §8):
/// every entry that is invalid, expired, or expires within the window, with its owner, then a summary line
/// (``ExceptionRegistryReport``, the classification the rule validates with).
///
/// Exit status: 0 nothing invalid or expired (entries expiring soon are listed), 1 something invalid or expired, 2 a
/// usage error, an unreadable file, or a document the rule could not use at all.
struct ExceptionsReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exceptions-report",
        abstract: "List the exceptions of a registry file that are invalid, expired or expire soon, with their owners.",
        discussion: """
            FILE is the JSON document kept in the SSM parameter (aws ssm get-parameter --name … --with-decryption \
            --query Parameter.Value --output text). Exit status: 0 nothing invalid or expired, 1 something invalid \
            or expired, 2 a usage error or a file the rule could not use.
            """)

    @Argument(help: "The registry file (rule-semantics §8's JSON document).")
    var file: String

    @Option(help: "Evaluate at this RFC 3339 time instead of now.")
    var now: String?

    @Option(name: .customLong("max-exception-days"), help: "Exceptions expiring further ahead than this are invalid.")
    var maxExceptionDays: Int = ExceptionRegistry.defaultMaxExceptionDays

    @Option(help: "List active exceptions that expire within this many days.")
    var within: Int = ExceptionRegistryReport.defaultWindowDays

    func validate() throws {
        guard ExceptionRegistry.maxExceptionDaysRange.contains(maxExceptionDays) else {
            throw ValidationError("--max-exception-days must be within \(ExceptionRegistry.maxExceptionDaysRange)")
        }
        guard (0...3650).contains(within) else { throw ValidationError("--within must be a whole number of days, 0 to 3650") }
        if let now, CivilTime.epochMilliseconds(iso8601: now) == nil {
            throw ValidationError("--now must be an RFC 3339 time with a zone, got '\(now)'")
        }
    }

    func run() throws {
        let instant = now.flatMap { CivilTime.epochMilliseconds(iso8601: $0) } ?? WallClock.nowMilliseconds()
        let bytes: [UInt8]
        do {
            bytes = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
        } catch {
            FileHandle.standardError.write(Data("pidmode-check: \(file): cannot read: \(error.localizedDescription)\n".utf8))
            throw ExitCode(2)
        }
        let report: ExceptionRegistryReport
        do {
            report = try ExceptionRegistryReport.review(bytes, now: instant, maxExceptionDays: maxExceptionDays, windowDays: within)
        } catch {
            FileHandle.standardError.write(Data("pidmode-check: \(file): the registry \(error.problem)\n".utf8))
            throw ExitCode(2)
        }
        print(report.text)
        if report.needsAction { throw ExitCode(1) }
    }
}
