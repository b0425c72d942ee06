import JSON

/// Writes an invocation's metrics as CloudWatch Embedded Metric Format documents: one JSON object per line, which
/// CloudWatch Logs turns into metrics without any API call.
///
/// Each line has the `_aws` metadata (`Timestamp` in epoch milliseconds, `CloudWatchMetrics` with one directive of
/// `Namespace`, `Dimensions` and `Metrics[{Name, Unit}]`), every dimension value as a top-level string member, every
/// metric value as a top-level number, and `requestId`. A failed invocation adds a second directive that publishes
/// `Failures` under the dimensions plus `ErrorType`. More than 100 metrics are spread over several lines.
public enum EmbeddedMetricFormat {
    /// The lines for `metrics` (none when metrics are disabled).
    public static func lines(
        for metrics: InvocationMetrics,
        configuration: MetricsConfiguration,
        requestID: String?,
        timestampMilliseconds: Int64
    ) -> [String] {
        guard configuration.enabled else { return [] }
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
            var end = min(start + MetricsWire.maxMetricsPerLine, values.count)
            var failureInChunk = errorType != nil && values[start..<end].contains { $0.metric == .failures }
            if failureInChunk && end - start == MetricsWire.maxMetricsPerLine {
                end -= 1  // the ErrorType directive's definition counts toward the line's 100
                failureInChunk = values[start..<end].contains { $0.metric == .failures }
            }
            let chunk = values[start..<end]
            var directives: [JSONValue] = [
                directive(namespace: configuration.namespace, dimensions: dimensionNames, metrics: chunk.map(\.metric))
            ]
            var root = JSONObject()
            if failureInChunk {
                directives.append(directive(
                    namespace: configuration.namespace, dimensions: dimensionNames + [MetricsWire.errorTypeDimension],
                    metrics: [.failures]
                ))
            }
            root.append(MetricsWire.metadata, .object(JSONObject([
                MetricsWire.timestamp: .number(String(timestampMilliseconds)),
                MetricsWire.cloudWatchMetrics: .array(directives),
            ])))
            root.members += dimensionMembers.members
            if failureInChunk, let errorType {
                root.append(MetricsWire.errorTypeDimension, .string(errorType.isEmpty ? "Unknown" : errorType))
            }
            if let requestID { root.append(MetricsWire.requestID, .string(requestID)) }
            for value in chunk {
                root.append(value.metric.name, .number(numberText(value.value)))
            }
            lines.append(String(decoding: JSONWriter.serialize(.object(root)), as: UTF8.self))
            start = end
        }
        return lines
    }

    private static func directive(namespace: String, dimensions: [String], metrics: [MetricName]) -> JSONValue {
        .object(JSONObject([
            MetricsWire.namespace: .string(namespace),
            MetricsWire.dimensions: .array([.array(dimensions.map { .string($0) })]),
            MetricsWire.metrics: .array(metrics.map { metric in
                .object(JSONObject([MetricsWire.name: .string(metric.name), MetricsWire.unit: .string(metric.unit.rawValue)]))
            }),
        ]))
    }

    /// Integers without a fraction (`3`, not `3.0`); other values with at most 3 decimals; never NaN or infinity.
    static func numberText(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        if value == value.rounded(), abs(value) < 9.0e15 { return String(Int64(value)) }
        let scaled = (value * 1_000).rounded() / 1_000
        return String(scaled)
    }
}
