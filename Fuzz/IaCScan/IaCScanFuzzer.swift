// libFuzzer targets for the pidmode-check front ends, one binary per front end (compiled with -D FUZZ_JSON,
// -D FUZZ_YAML or -D FUZZ_HCL by `scripts/fuzz --target json|yaml|hcl`), against the project's real modules.
//
//   json: LocatedJSONParser (differential against the JSON target's parser), then every document reader
//   yaml: YAMLDocumentReader (Yams/libyaml + the short-form/alias conversion), then every document reader
//   hcl:  HCLLexer + TerraformHCLReader
// and, for whatever sites come out: the policy, the text/JSON/SARIF writers. Any outcome is fine except a trap in
// the code under test or a broken invariant below (which traps here, in the harness, so libFuzzer keeps the input).

import JSON
import PidModePolicy

@testable import IaCScan

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes: [UInt8] = (size == 0 || data == nil) ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    IaCHarness.run(bytes)
    return 0
}

enum IaCHarness {
    static func violated(_ what: String, file: StaticString = #file, line: UInt = #line) -> Never {
        fatalError("FUZZ INVARIANT VIOLATED: \(what)", file: file, line: line)
    }

    static func require(_ condition: Bool, _ what: @autoclosure () -> String, file: StaticString = #file, line: UInt = #line) {
        if !condition { violated(what(), file: file, line: line) }
    }

    static func run(_ bytes: [UInt8]) {
        #if FUZZ_JSON
        runJSON(bytes)
        #elseif FUZZ_YAML
        runYAML(bytes)
        #elseif FUZZ_HCL
        runHCL(bytes)
        #endif
        // The whole file path as pidmode-check takes it (content sniffing, marker filter), whatever the front end.
        if case .failure(let error) = FileScanner.scan(bytes: bytes, file: "fuzz") { checkPosition(error.position, "scan error") }
    }

    static func runJSON(_ bytes: [UInt8]) {
        let located: SourceNode?
        do throws(SyntaxError) {
            located = try LocatedJSONParser.parse(bytes)
        } catch {
            checkPosition(error.position, "JSON error")
            located = nil
        }
        // Differential: the Lambda's parser accepts the same documents and yields the same values (it does not skip
        // a byte-order mark, so inputs starting with one are left out).
        let hasBOM = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
        if !hasBOM {
            let reference = try? JSONParser.parse(bytes)
            require((located == nil) == (reference == nil), "parsers disagree on acceptance: located \(located != nil), reference \(reference != nil)")
            if let located, let reference { require(located.jsonValue == reference, "parsers disagree on the value") }
        }
        if let located { checkDocuments([located]) }
    }

    static func runYAML(_ bytes: [UInt8]) {
        guard let text = String(validating: bytes, as: UTF8.self) else { return }
        do throws(SyntaxError) {
            checkDocuments(try YAMLDocumentReader.parse(text))
        } catch {
            checkPosition(error.position, "YAML error")
        }
    }

    static func runHCL(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { buffer in
            do throws(SyntaxError) {
                let tokens = try HCLLexer.tokenize(buffer)
                var previous = SourcePosition.start
                for token in tokens {
                    checkPosition(token.position, "token")
                    require(previous <= token.position, "token positions go backwards: \(previous) then \(token.position)")
                    require(token.start <= token.end && token.end <= buffer.count, "token range \(token.start)..<\(token.end) outside the input")
                    previous = token.position
                }
            } catch {
                checkPosition(error.position, "HCL lexer error")
            }
            do throws(SyntaxError) {
                checkSites(try TerraformHCLReader.sites(in: buffer, file: "fuzz.tf"), format: .terraform)
            } catch {
                checkPosition(error.position, "HCL error")
            }
        }
    }

    static func checkDocuments(_ documents: [SourceNode]) {
        for document in documents {
            checkSites(TerraformPlanReader.sites(in: document, file: "fuzz"), format: .terraformPlan)
            do throws(SyntaxError) {
                checkSites(try CloudFormationReader.sites(in: document, file: "fuzz"), format: .cloudFormation)
            } catch {
                checkPosition(error.position, "CloudFormation error")
            }
            checkSites(TaskDefinitionJSONReader.sites(in: document, file: "fuzz"), format: .taskDefinition)
        }
    }

    static func checkPosition(_ position: SourcePosition, _ what: String) {
        require(position.line >= 1 && position.column >= 1, "\(what) at \(position)")
    }

    /// Sites → findings → the three writers: every position valid, JSON and SARIF outputs parse and count right.
    static func checkSites(_ sites: [TaskDefinitionSite], format: InputFormat) {
        guard !sites.isEmpty else { return }
        for site in sites {
            checkPosition(site.position, "site")
            require(site.format == format, "site format \(site.format) from the \(format) reader")
            require(!site.resource.isEmpty, "empty resource name")
            if case .conditional(_, let branches) = site.value { require(branches.count >= 2, "conditional with \(branches.count) branches") }
        }
        let findings = sites.map(FindingEvaluator().evaluate)
        for finding in findings {
            if case .single(let value) = finding.site.value {
                require(finding.decision == PidModePolicy.decide(value, reading: format.reading), "finding differs from the policy")
            }
        }
        let report = ScanReport(findings: findings, errors: [], inputFiles: 1)
        guard let json = try? JSONParser.parse(JSONReportWriter.render(report)) else { violated("--format json output is not JSON") }
        require(json["findings"]?.arrayValue?.count == sites.count, "JSON output lost findings")
        guard let sarif = try? JSONParser.parse(SARIFReportWriter.render(report)) else { violated("--format sarif output is not JSON") }
        let results = sarif["runs"]?.arrayValue?.first?["results"]?.arrayValue?.count
        require(results == findings.count { $0.verdict != .compliant }, "SARIF results \(results ?? -1) for \(findings.count) findings")
        let text = TextReportWriter.render(report)
        require(text.split(separator: "\n", omittingEmptySubsequences: false).count >= 2, "text output without a summary")
    }
}
