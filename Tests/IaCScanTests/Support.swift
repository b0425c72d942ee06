import Foundation
import IaCScan
import JSON
import PidModePolicy
import Testing

/// Scans `text` as the file `name` and returns its sites (the test fails on an error or a non-input).
func sites(_ text: String, name: String = "input") throws -> [TaskDefinitionSite] {
    switch FileScanner.scan(bytes: Array(text.utf8), file: name) {
    case .success(.scanned(_, let sites)): return sites
    case .success(.notAnInput): throw TestFailure("\(name) was not recognised as an input")
    case .failure(let error): throw TestFailure("\(name): \(error)")
    }
}

/// The error scanning `text` gives (the test fails when it scans).
func scanError(_ text: String, name: String = "input") throws -> ScanError {
    try scanError(bytes: Array(text.utf8), name: name)
}

func scanError(bytes: [UInt8], name: String = "input") throws -> ScanError {
    switch FileScanner.scan(bytes: bytes, file: name) {
    case .failure(let error): return error
    case .success(let outcome): throw TestFailure("\(name) scanned without an error: \(outcome)")
    }
}

/// The format a file is recognised as, or `nil` when it is not an input.
func format(_ text: String) throws -> InputFormat? {
    switch FileScanner.scan(bytes: Array(text.utf8), file: "input") {
    case .success(.scanned(let format, _)): return format
    case .success(.notAnInput): return nil
    case .failure(let error): throw TestFailure("\(error)")
    }
}

/// The single site of `text`.
func site(_ text: String, name: String = "input") throws -> TaskDefinitionSite {
    let found = try sites(text, name: name)
    guard found.count == 1 else { throw TestFailure("expected 1 task definition, found \(found.count)") }
    return found[0]
}

/// The verdict of the single site of `text`.
func verdict(_ text: String) throws -> Verdict {
    FindingEvaluator().evaluate(try site(text)).verdict
}

func at(_ line: Int, _ column: Int) -> SourcePosition { SourcePosition(line: line, column: column) }

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The package root (three levels above this file).
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A CloudFormation YAML template with one task definition whose properties are `properties` (indented 6).
func cfnYAML(_ properties: String) -> String {
    """
    Resources:
      Task:
        Type: AWS::ECS::TaskDefinition
        Properties:
    \(properties.split(separator: "\n", omittingEmptySubsequences: false).map { "      " + $0 }.joined(separator: "\n"))
    """
}

/// A Terraform file with one `aws_ecs_task_definition "t"` whose body is `body` (indented 2).
func terraform(_ body: String) -> String {
    """
    resource "aws_ecs_task_definition" "t" {
    \(body.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n"))
    }
    """
}
