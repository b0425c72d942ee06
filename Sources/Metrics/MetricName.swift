import JSON

/// One metric the function publishes: its CloudWatch name and unit. Every name lives here, so dashboards, alarms
/// (`template.yaml`) and the README have one list to agree with.
///
/// Front doors record them on the invocation's ``InvocationMetrics``; adding a metric is one `static let` here.
public struct MetricName: Sendable, Hashable, CustomStringConvertible {
    /// The CloudWatch metric name (1–255 characters, the EMF target member's key).
    public let name: String
    public let unit: MetricUnit

    /// The name's two appearances in a metric line, JSON-encoded once (a line repeats them for every invocation):
    /// its definition `{"Name":"…","Unit":"…"}` and its value's key `"…":`.
    let definitionJSON: [UInt8]
    let memberKeyJSON: [UInt8]

    public init(_ name: String, unit: MetricUnit = .count) {
        self.name = name
        self.unit = unit
        var definition: [UInt8] = [UInt8(ascii: "{")]
        JSONWriter.appendString(MetricsWire.name, to: &definition)
        definition.append(UInt8(ascii: ":"))
        JSONWriter.appendString(name, to: &definition)
        definition.append(UInt8(ascii: ","))
        JSONWriter.appendString(MetricsWire.unit, to: &definition)
        definition.append(UInt8(ascii: ":"))
        JSONWriter.appendString(unit.rawValue, to: &definition)
        definition.append(UInt8(ascii: "}"))
        definitionJSON = definition
        var key: [UInt8] = []
        JSONWriter.appendString(name, to: &key)
        key.append(UInt8(ascii: ":"))
        memberKeyJSON = key
    }

    /// Same name and unit (the encoded forms follow from them).
    public static func == (lhs: MetricName, rhs: MetricName) -> Bool {
        lhs.name == rhs.name && lhs.unit == rhs.unit
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(unit)
    }

    public var description: String { name }

    // Every invocation.
    /// 1 per invocation.
    public static let invocations = MetricName("Invocations")
    /// 1 when the invocation was answered with an error document (the error type is the `ErrorType` dimension).
    public static let failures = MetricName("Failures")
    /// HTTP requests sent to AWS (every attempt, retries included; STS, Config and any other service).
    public static let awsCalls = MetricName("AWSCalls")
    /// Requests sent again by the retry policy after a retryable failure.
    public static let awsRetries = MetricName("AWSRetries")
    /// Replies that were throttling errors (`ThrottlingException`, HTTP 429, …).
    public static let awsThrottles = MetricName("AWSThrottles")

    // Config rule (change and sweep modes).
    /// Evaluations delivered with PutEvaluations, by compliance type.
    public static let evaluationsCompliant = MetricName("EvaluationsCompliant")
    public static let evaluationsNonCompliant = MetricName("EvaluationsNonCompliant")
    public static let evaluationsNotApplicable = MetricName("EvaluationsNotApplicable")
    /// Events answered without evaluation (`ConfigurationSnapshotDeliveryCompleted`, unknown message types).
    public static let ignoredEvents = MetricName("IgnoredEvents")
    /// Verdicts an active exception turned into the exempt compliance type (rule-semantics §8).
    public static let exceptionsExempted = MetricName("ExceptionsExempted")
    /// NON_COMPLIANT verdicts whose matching exception has expired.
    public static let exceptionsExpired = MetricName("ExceptionsExpired")

    // Periodic sweep.
    /// Resources ListDiscoveredResources returned.
    public static let sweepInventorySize = MetricName("SweepInventorySize")
    /// Wall time of the sweep, listing to the last PutEvaluations.
    public static let sweepDuration = MetricName("SweepDuration", unit: .milliseconds)
    /// 1 when the sweep delivered all its evaluations, 0 when it failed (the "sweep stale" alarm watches it).
    public static let sweepSucceeded = MetricName("SweepSucceeded")

    // Deployment hook.
    /// Hook invocations answered SUCCESS / FAILED.
    public static let hookAllows = MetricName("HookAllows")
    public static let hookDenies = MetricName("HookDenies")

    /// Every metric above (a constant dimension may not take one of these names).
    public static let all: [MetricName] = [
        .invocations, .failures, .awsCalls, .awsRetries, .awsThrottles, .evaluationsCompliant, .evaluationsNonCompliant,
        .evaluationsNotApplicable, .ignoredEvents, .exceptionsExempted, .exceptionsExpired, .sweepInventorySize,
        .sweepDuration, .sweepSucceeded, .hookAllows, .hookDenies,
    ]
}

/// CloudWatch units used by this function (the EMF `Unit` strings).
public enum MetricUnit: String, Sendable {
    case count = "Count"
    case milliseconds = "Milliseconds"
    case none = "None"
}
