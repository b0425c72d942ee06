import Foundation
import JSON
import TestSupport
import Testing

@testable import Metrics

/// The EMF specification's required members (TestSupport's independent check) for one written line.
func specificationProblems(_ line: String) -> [String] {
    guard let document = EmbeddedMetricFormatCheck.document(Substring(line)) else { return ["not an EMF document"] }
    return EmbeddedMetricFormatCheck.problems(document)
}

@Suite("Embedded Metric Format lines")
struct EmbeddedMetricFormatTests {
    let configuration = MetricsConfiguration(functionName: "pid-mode-rule")

    @Test("a change invocation: one line, the spec's members, dimensions FunctionName and Mode, values as numbers")
    func changeLine() throws {
        let metrics = InvocationMetrics(mode: .change)
        metrics.count(.awsCalls, by: 2)
        metrics.count(.evaluationsNonCompliant)
        let lines = EmbeddedMetricFormat.lines(
            for: metrics, configuration: configuration, requestID: "req-1", timestampMilliseconds: 1_733_472_000_123)
        try #require(lines.count == 1)
        #expect(specificationProblems(lines[0]).isEmpty, "\(specificationProblems(lines[0]))")
        let root = try JSONParser.parse(lines[0])
        #expect(root["_aws"]?["Timestamp"]?.numberText == "1733472000123")
        let directive = try #require(root["_aws"]?["CloudWatchMetrics"]?.arrayValue?.first)
        #expect(root["_aws"]?["CloudWatchMetrics"]?.arrayValue?.count == 1)
        #expect(directive["Namespace"] == .string("PidModeRule"))
        #expect(directive["Dimensions"] == .array([.array([.string("FunctionName"), .string("Mode")])]))
        #expect(root["FunctionName"] == .string("pid-mode-rule"))
        #expect(root["Mode"] == .string("change"))
        #expect(root["requestId"] == .string("req-1"))
        #expect(root["Invocations"]?.numberText == "1")
        #expect(root["Failures"]?.numberText == "0")
        #expect(root["AWSCalls"]?.numberText == "2")
        #expect(root["EvaluationsNonCompliant"]?.numberText == "1")
        #expect(root["EvaluationsCompliant"]?.numberText == "0")
        #expect(root["ErrorType"] == nil)
        let names = directive["Metrics"]?.arrayValue?.compactMap { $0["Name"]?.stringValue } ?? []
        #expect(Set(names) == Set(InvocationMetrics.baseline(for: .change).map(\.name)))
    }

    @Test("a failure adds a second directive publishing Failures under ErrorType, and the ErrorType member")
    func failureLine() throws {
        let metrics = InvocationMetrics(mode: .sweep)
        metrics.set(.sweepSucceeded, 1)
        metrics.recordFailure(errorType: "ConfigRule.DeadlineExceeded")
        let line = try #require(EmbeddedMetricFormat.lines(
            for: metrics, configuration: configuration, requestID: nil, timestampMilliseconds: 1_733_472_000_000).first)
        #expect(specificationProblems(line).isEmpty, "\(specificationProblems(line))")
        let root = try JSONParser.parse(line)
        let directives = try #require(root["_aws"]?["CloudWatchMetrics"]?.arrayValue)
        #expect(directives.count == 2)
        #expect(directives[1]["Dimensions"] == .array([.array([.string("FunctionName"), .string("Mode"), .string("ErrorType")])]))
        #expect(directives[1]["Metrics"] == .array([.object(JSONObject(["Name": .string("Failures"), "Unit": .string("Count")]))]))
        #expect(root["ErrorType"] == .string("ConfigRule.DeadlineExceeded"))
        #expect(root["Failures"]?.numberText == "1")
        #expect(root["SweepSucceeded"]?.numberText == "0")
        #expect(root["Mode"] == .string("sweep"))
        #expect(root["requestId"] == nil)
    }

    @Test("more than 100 metrics are spread over lines of at most 100 definitions, each complete")
    func chunking() throws {
        let metrics = InvocationMetrics(mode: .change)
        for index in 0..<150 { metrics.count(MetricName("Extra\(index)")) }
        metrics.recordFailure(errorType: "ConfigRule.TransportError")
        let lines = EmbeddedMetricFormat.lines(for: metrics, configuration: configuration, requestID: "r", timestampMilliseconds: 1_733_472_000_000)
        #expect(lines.count == 2)
        var seen: [String] = []
        for line in lines {
            #expect(specificationProblems(line).isEmpty, "\(specificationProblems(line))")
            let root = try JSONParser.parse(line)
            for directive in root["_aws"]?["CloudWatchMetrics"]?.arrayValue ?? [] where directive["Dimensions"]?.arrayValue?.first?.arrayValue?.count == 2 {
                seen += directive["Metrics"]?.arrayValue?.compactMap { $0["Name"]?.stringValue } ?? []
            }
        }
        #expect(seen.count == metrics.values.count)
        #expect(Set(seen).count == seen.count)
    }

    @Test("exactly 100 metrics with a failure: the ErrorType definition still fits the line's 100")
    func chunkingAtTheLimit() throws {
        let metrics = InvocationMetrics(mode: .change)
        while metrics.values.count < 100 { metrics.count(MetricName("Extra\(metrics.values.count)")) }
        metrics.recordFailure(errorType: "X")
        let lines = EmbeddedMetricFormat.lines(for: metrics, configuration: configuration, requestID: nil, timestampMilliseconds: 1_733_472_000_000)
        #expect(lines.count == 2)
        for line in lines { #expect(specificationProblems(line).isEmpty, "\(specificationProblems(line))") }
    }

    @Test("disabled → no line; no dimensions → one empty dimension set; a constant dimension is a top-level string")
    func configurations() throws {
        let metrics = InvocationMetrics(mode: .hook)
        var disabled = configuration
        disabled.enabled = false
        #expect(EmbeddedMetricFormat.lines(for: metrics, configuration: disabled, requestID: nil, timestampMilliseconds: 1_733_472_000_000).isEmpty)

        let custom = MetricsConfiguration(
            namespace: "Team/Rules", dimensions: [.constant(name: "Environment", value: "prod"), .mode], functionName: "f")
        let line = try #require(EmbeddedMetricFormat.lines(for: metrics, configuration: custom, requestID: nil, timestampMilliseconds: 1_733_472_000_000).first)
        #expect(specificationProblems(line).isEmpty)
        let root = try JSONParser.parse(line)
        #expect(root["_aws"]?["CloudWatchMetrics"]?.arrayValue?.first?["Namespace"] == .string("Team/Rules"))
        #expect(root["Environment"] == .string("prod"))
        #expect(root["FunctionName"] == nil)
        #expect(root["HookAllows"]?.numberText == "0")
        #expect(root["EvaluationsCompliant"] == nil)

        let none = MetricsConfiguration(dimensions: [], functionName: "f")
        let bare = try JSONParser.parse(try #require(EmbeddedMetricFormat.lines(for: metrics, configuration: none, requestID: nil, timestampMilliseconds: 1_733_472_000_000).first))
        #expect(bare["_aws"]?["CloudWatchMetrics"]?.arrayValue?.first?["Dimensions"] == .array([.array([])]))
    }

    @Test("the bytes written directly equal the JSON writer's serialisation of the same document, in every shape",
          arguments: [0, 1, 2, 3, 4, 5])
    func sameBytesAsTheJSONTree(shape: Int) throws {
        let metrics = InvocationMetrics(mode: [.change, .sweep, .hook][shape % 3])
        metrics.count(.awsCalls, by: 3)
        metrics.set(.sweepDuration, 1234.5678)
        metrics.set(.exceptionsExpired, -2)
        if shape >= 3 { metrics.recordFailure(errorType: shape == 4 ? "" : "ConfigRule.\"Quoted\"\n") }
        if shape == 5 { for index in 0..<230 { metrics.count(MetricName("Extra\(index)", unit: .none)) } }
        let custom = MetricsConfiguration(
            namespace: "Team/Rules", dimensions: [.constant(name: "Env\"x", value: "pr\\od"), .mode, .functionName],
            functionName: "fn")
        for configuration in [configuration, custom, MetricsConfiguration(dimensions: [], functionName: "f")] {
            let requestID: String? = shape == 2 ? nil : "req-\u{7}\(shape)"
            let lines = EmbeddedMetricFormat.lines(
                for: metrics, configuration: configuration, requestID: requestID, timestampMilliseconds: 1_733_472_000_123)
            let expected = ReferenceLines.lines(
                for: metrics, configuration: configuration, requestID: requestID, timestampMilliseconds: 1_733_472_000_123)
            #expect(lines == expected)
            #expect(lines.count == (shape == 5 ? 3 : 1))
            for line in lines { #expect(specificationProblems(line).isEmpty, "\(specificationProblems(line))") }
        }
    }

    @Test("numbers: integers without a fraction, durations with at most 3 decimals, never NaN")
    func numbers() {
        #expect(EmbeddedMetricFormat.numberText(3) == "3")
        #expect(EmbeddedMetricFormat.numberText(12.3456) == "12.346")
        #expect(EmbeddedMetricFormat.numberText(.nan) == "0")
        #expect(EmbeddedMetricFormat.numberText(-.infinity) == "0")
        #expect(EmbeddedMetricFormat.numberText(-42) == "-42")
        #expect(EmbeddedMetricFormat.numberText(0) == "0")
        #expect(EmbeddedMetricFormat.numberText(1_733_472_000_123) == "1733472000123")
    }
}

@Suite("InvocationMetrics")
struct InvocationMetricsTests {
    @Test("setMode keeps what was counted, adds the new baseline and drops the old one's unused zeros")
    func modeChange() {
        let metrics = InvocationMetrics()
        metrics.count(.awsCalls)
        metrics.setMode(.hook)
        #expect(metrics.mode == .hook)
        #expect(metrics.value(of: .awsCalls) == 1)
        #expect(metrics.value(of: .invocations) == 1)
        #expect(metrics.value(of: .hookDenies) == 0)
        #expect(metrics.value(of: .evaluationsCompliant) == nil)
        metrics.setMode(.sweep)
        #expect(metrics.value(of: .sweepSucceeded) == 0)
        #expect(metrics.value(of: .hookDenies) == nil)
    }

    @Test("counts from many threads add up")
    func concurrentCounting() async {
        let metrics = InvocationMetrics()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask { for _ in 0..<1_000 { metrics.count(.awsCalls) } }
            }
        }
        #expect(metrics.value(of: .awsCalls) == 8_000)
    }
}

@Suite("MetricsConfiguration from the environment")
struct MetricsConfigurationTests {
    @Test("defaults: namespace PidModeRule, FunctionName and Mode, enabled")
    func defaults() throws {
        let configuration = try MetricsConfiguration(environment: ["AWS_LAMBDA_FUNCTION_NAME": "fn"])
        #expect(configuration == MetricsConfiguration(functionName: "fn"))
        #expect(try MetricsConfiguration(environment: [:]).functionName == "unknown")
    }

    @Test("namespace, dimensions and the off switch are read; POWERTOOLS_ names are the fallback")
    func overrides() throws {
        let configuration = try MetricsConfiguration(environment: [
            "PIDMODE_METRICS_NAMESPACE": "Security/PidMode", "PIDMODE_METRICS_DIMENSIONS": " Mode , Team=platform ",
            "POWERTOOLS_METRICS_DISABLED": "true", "AWS_LAMBDA_FUNCTION_NAME": "fn",
        ])
        #expect(configuration.namespace == "Security/PidMode")
        #expect(configuration.dimensions == [.mode, .constant(name: "Team", value: "platform")])
        #expect(!configuration.enabled)
        #expect(try MetricsConfiguration(environment: ["POWERTOOLS_METRICS_NAMESPACE": "P"]).namespace == "P")
        #expect(try MetricsConfiguration(environment: ["PIDMODE_METRICS_DIMENSIONS": "none"]).dimensions.isEmpty)
    }

    @Test("unusable values name the variable", arguments: [
        ("PIDMODE_METRICS_NAMESPACE", "AWS/Lambda"), ("PIDMODE_METRICS_NAMESPACE", String(repeating: "n", count: 256)),
        ("PIDMODE_METRICS_NAMESPACE", "bad*name"), ("PIDMODE_METRICS_DIMENSIONS", "FunctionName,Region"),
        ("PIDMODE_METRICS_DIMENSIONS", "Mode,Mode"), ("PIDMODE_METRICS_DIMENSIONS", "ErrorType=x"),
        ("PIDMODE_METRICS_DIMENSIONS", "Failures=x"), ("PIDMODE_METRICS_DIMENSIONS", ":x=1"), ("PIDMODE_METRICS_DIMENSIONS", "Team="),
        ("PIDMODE_METRICS_DISABLED", "yes"),
    ])
    func invalid(variable: String, value: String) {
        #expect {
            _ = try MetricsConfiguration(environment: [variable: value])
        } throws: { error in
            (error as? MetricsConfigurationError)?.variable == variable
        }
    }
}

@Suite("template.yaml alarms agree with the metrics the function writes")
struct TemplateAlarmTests {
    /// `template.yaml`'s text (three levels above this file).
    static func template() throws -> String {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("template.yaml")
        return try String(contentsOf: path, encoding: .utf8)
    }

    @Test("the sweep alarms watch Failures and SweepSucceeded under FunctionName and Mode=sweep, in MetricsNamespace")
    func sweepAlarms() throws {
        let text = try Self.template()
        for metric in [MetricName.failures, .sweepSucceeded] {
            #expect(text.contains("MetricName: \(metric.name)\n"), "no alarm on \(metric.name)")
        }
        #expect(text.contains("{Name: \(MetricsWire.functionNameDimension), Value: !Ref RuleFunction}"))
        #expect(text.contains("{Name: \(MetricsWire.modeDimension), Value: \(InvocationMode.sweep.rawValue)}"))
        #expect(text.contains("Default: \(MetricsConfiguration.defaultNamespace)\n"))
        #expect(text.contains("PIDMODE_METRICS_NAMESPACE: !Ref MetricsNamespace"))
    }
}

/// The metric lines built as a ``JSONValue`` tree and serialised by ``JSONWriter``: how the lines were first written,
/// kept as the reference the direct byte writer must match byte for byte.
enum ReferenceLines {
    static func lines(
        for metrics: InvocationMetrics, configuration: MetricsConfiguration, requestID: String?, timestampMilliseconds: Int64
    ) -> [String] {
        let values = metrics.values
        let errorType = metrics.errorType
        let dimensionNames = configuration.dimensions.map(\.name)
        var dimensionMembers = JSONObject()
        for dimension in configuration.dimensions {
            let value: String
            switch dimension {
            case .functionName: value = configuration.functionName
            case .mode: value = metrics.mode.rawValue
            case .constant(_, let constant): value = constant
            }
            dimensionMembers.append(dimension.name, .string(value))
        }
        var lines: [String] = []
        var start = 0
        while start < values.count {
            var end = min(start + 100, values.count)
            var failureInChunk = errorType != nil && values[start..<end].contains { $0.metric == .failures }
            if failureInChunk && end - start == 100 {
                end -= 1
                failureInChunk = values[start..<end].contains { $0.metric == .failures }
            }
            let chunk = values[start..<end]
            var directives: [JSONValue] = [directive(configuration.namespace, dimensionNames, chunk.map(\.metric))]
            if failureInChunk { directives.append(directive(configuration.namespace, dimensionNames + ["ErrorType"], [.failures])) }
            var root = JSONObject()
            root.append("_aws", .object(JSONObject([
                "Timestamp": .number(String(timestampMilliseconds)), "CloudWatchMetrics": .array(directives),
            ])))
            root.members += dimensionMembers.members
            if failureInChunk, let errorType { root.append("ErrorType", .string(errorType.isEmpty ? "Unknown" : errorType)) }
            if let requestID { root.append("requestId", .string(requestID)) }
            for value in chunk { root.append(value.metric.name, .number(EmbeddedMetricFormat.numberText(value.value))) }
            lines.append(String(decoding: JSONWriter.serialize(.object(root)), as: UTF8.self))
            start = end
        }
        return lines
    }

    private static func directive(_ namespace: String, _ dimensions: [String], _ metrics: [MetricName]) -> JSONValue {
        .object(JSONObject([
            "Namespace": .string(namespace),
            "Dimensions": .array([.array(dimensions.map { .string($0) })]),
            "Metrics": .array(metrics.map { .object(JSONObject(["Name": .string($0.name), "Unit": .string($0.unit.rawValue)])) }),
        ]))
    }
}
