import ArgumentParser
import Foundation
import IaCScan
import PidModePolicy

/// `pidmode-check`: the pid-mode decision on files, before deploy (rule-semantics §10).
///
/// Exit status: 0 nothing fails, 1 a finding fails (`--fail-on`), 2 a usage error or a file that cannot be read or
/// parsed (named `file:line:column` on standard error).
@main
struct PidModeCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pidmode-check",
        abstract: "Report ECS task definitions with pidMode 'host' in templates, plans and task-definition files.",
        discussion: """
            Reads ECS task-definition JSON, CloudFormation/SAM/CDK templates (JSON or YAML), Terraform plan JSON \
            (terraform show -json) and Terraform files (*.tf), recognised by content. Directories are walked for \
            *.json, *.yaml, *.yml, *.template and *.tf files.
            Exit status: 0 nothing fails, 1 a finding fails, 2 a usage error or a file that cannot be read or parsed.
            `pidmode-check exceptions-report FILE` reviews an exceptions registry instead (see its --help).
            """,
        version: SARIF.toolVersion)

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json, sarif
    }

    @Argument(help: "Files or directories to check (default: the current directory).")
    var paths: [String] = []

    @Option(help: "Output format: text, json or sarif.")
    var format: OutputFormat = .text

    @Option(name: .shortAndLong, help: "Write the report to this file instead of standard output.")
    var output: String?

    @Option(name: .customLong("fail-on"), help: "Exit 1 on noncompliant findings (default), or also on indeterminate ones.")
    var failOn: FailOn = .noncompliant

    @Option(help: "Approved exceptions (the JSON registry document of rule-semantics §8).")
    var exceptions: String?

    @Option(name: .customLong("max-exception-days"), help: "Exceptions expiring further ahead than this are invalid.")
    var maxExceptionDays: Int = ExceptionRegistry.defaultMaxExceptionDays

    @Option(name: .customLong("account-id"), help: "Account the templates deploy to (for exceptions with accountIds).")
    var accountID: String?

    @Option(help: "Region the templates deploy to (for exceptions with regions).")
    var region: String?

    @Option(name: .customLong("max-file-bytes"), help: "Refuse files larger than this many bytes.")
    var maxFileBytes: Int = FileScanner.Limits().maximumFileBytes

    func validate() throws {
        guard maxFileBytes > 0 else { throw ValidationError("--max-file-bytes must be positive") }
    }

    func run() throws {
        let evaluator: FindingEvaluator
        switch ExceptionsLoader.evaluator(
            path: exceptions, maxExceptionDays: maxExceptionDays, accountID: accountID, region: region)
        {
        case .success(let loaded, let warnings):
            evaluator = loaded
            for warning in warnings { FileHandle.standardError.write(Data("pidmode-check: warning: \(warning)\n".utf8)) }
        case .failure(let message):
            FileHandle.standardError.write(Data("pidmode-check: \(message)\n".utf8))
            throw ExitCode(2)
        }
        let report = Scan.run(
            paths: paths.isEmpty ? ["."] : paths, limits: FileScanner.Limits(maximumFileBytes: maxFileBytes),
            evaluator: evaluator)
        for error in report.errors {
            FileHandle.standardError.write(Data("pidmode-check: error: \(error)\n".utf8))
        }
        let rendered: [UInt8] = switch format {
        case .text: Array(TextReportWriter.render(report).utf8)
        case .json: JSONReportWriter.render(report)
        case .sarif: SARIFReportWriter.render(report)
        }
        if let output {
            do {
                try Data(rendered).write(to: URL(fileURLWithPath: output))
            } catch {
                FileHandle.standardError.write(Data("pidmode-check: cannot write \(output): \(error.localizedDescription)\n".utf8))
                throw ExitCode(2)
            }
            if format != .text { FileHandle.standardError.write(Data((TextReportWriter.summary(report) + "\n").utf8)) }
        } else {
            FileHandle.standardOutput.write(Data(rendered))
        }
        let status = report.exitStatus(failOn: failOn)
        if status != 0 { throw ExitCode(status) }
    }

    /// Usage errors exit 2 (swift-argument-parser's default is 64); help and version exit 0. A first argument
    /// `exceptions-report` runs ``ExceptionsReportCommand`` on the rest (the checker's own arguments are paths).
    static func main() {
        var arguments = Array(CommandLine.arguments.dropFirst())
        let report = arguments.first == ExceptionsReportCommand.configuration.commandName
        if report { arguments.removeFirst() }
        do {
            var command: ParsableCommand = report
                ? try ExceptionsReportCommand.parseAsRoot(arguments) : try parseAsRoot(arguments)
            try command.run()
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch {
            let code = report ? ExceptionsReportCommand.exitCode(for: error) : exitCode(for: error)
            let message = report ? ExceptionsReportCommand.fullMessage(for: error) : fullMessage(for: error)
            if code == .success {
                print(message)
                Foundation.exit(0)
            }
            FileHandle.standardError.write(Data("pidmode-check: \(message)\n".utf8))
            Foundation.exit(2)
        }
    }
}

extension FailOn: ExpressibleByArgument {}
