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
        Encoder(configuration: configuration)
            .lines(for: metrics, requestID: requestID, timestampMilliseconds: timestampMilliseconds)
            .map { line in String(decoding: line.dropLast(), as: UTF8.self) }
    }

    /// Writes the lines of one configuration straight into bytes: the parts that only depend on the configuration
    /// (namespace, dimension sets, dimension members of each mode, member names) are encoded once, here; each line
    /// then costs one buffer and the per-invocation values. Build it once and keep it (``MetricsPublisher`` does).
    struct Encoder: Sendable {
        let enabled: Bool
        /// `{"_aws":{"Timestamp":`
        private let lineHead: [UInt8]
        /// `,"CloudWatchMetrics":[{"Namespace":"…","Dimensions":[[…]],"Metrics":[`
        private let directivesHead: [UInt8]
        /// `]}` + `,{"Namespace":"…","Dimensions":[[…,"ErrorType"]],"Metrics":[{"Name":"Failures","Unit":"Count"}]}`
        private let failureDirective: [UInt8]
        /// `,"FunctionName":"…","Mode":"…"` (the configured dimensions in order), for each mode.
        private let changeMembers: [UInt8]
        private let sweepMembers: [UInt8]
        private let hookMembers: [UInt8]
        /// `,"ErrorType":` and `,"requestId":`.
        private let errorTypeKey: [UInt8]
        private let requestIDKey: [UInt8]

        init(configuration: MetricsConfiguration) {
            enabled = configuration.enabled
            func object(_ key: String) -> [UInt8] { [UInt8(ascii: "{")] + Self.key(key) }
            func member(_ key: String) -> [UInt8] { [UInt8(ascii: ",")] + Self.key(key) }
            func stringArray(_ values: [String]) -> [UInt8] {
                var bytes: [UInt8] = [UInt8(ascii: "[")]
                for (position, value) in values.enumerated() {
                    if position > 0 { bytes.append(UInt8(ascii: ",")) }
                    JSONWriter.appendString(value, to: &bytes)
                }
                return bytes + [UInt8(ascii: "]")]
            }
            func directiveHead(dimensions: [String]) -> [UInt8] {
                var bytes = object(MetricsWire.namespace)
                JSONWriter.appendString(configuration.namespace, to: &bytes)
                bytes += member(MetricsWire.dimensions) + [UInt8(ascii: "[")] + stringArray(dimensions) + [UInt8(ascii: "]")]
                return bytes + member(MetricsWire.metrics) + [UInt8(ascii: "[")]
            }
            lineHead = object(MetricsWire.metadata) + object(MetricsWire.timestamp)
            let dimensionNames = configuration.dimensions.map(\.name)
            directivesHead = member(MetricsWire.cloudWatchMetrics) + [UInt8(ascii: "[")] + directiveHead(dimensions: dimensionNames)
            var failure: [UInt8] = [UInt8(ascii: "]"), UInt8(ascii: "}"), UInt8(ascii: ",")]
            failure += directiveHead(dimensions: dimensionNames + [MetricsWire.errorTypeDimension])
            failureDirective = failure + MetricName.failures.definitionJSON + Array("]}".utf8)
            func dimensionMembers(mode: InvocationMode) -> [UInt8] {
                var bytes: [UInt8] = []
                for dimension in configuration.dimensions {
                    let value: String
                    switch dimension {
                    case .functionName: value = configuration.functionName
                    case .mode: value = mode.rawValue
                    case .constant(_, let constant): value = constant
                    }
                    bytes += member(dimension.name)
                    JSONWriter.appendString(value, to: &bytes)
                }
                return bytes
            }
            changeMembers = dimensionMembers(mode: .change)
            sweepMembers = dimensionMembers(mode: .sweep)
            hookMembers = dimensionMembers(mode: .hook)
            errorTypeKey = member(MetricsWire.errorTypeDimension)
            requestIDKey = member(MetricsWire.requestID)
        }

        /// `"key":`
        private static func key(_ key: String) -> [UInt8] {
            var bytes: [UInt8] = []
            JSONWriter.appendString(key, to: &bytes)
            return bytes + [UInt8(ascii: ":")]
        }

        /// The UTF-8 lines for `metrics`, each ending in `\n` (none when metrics are disabled).
        func lines(for metrics: InvocationMetrics, requestID: String?, timestampMilliseconds: Int64) -> [[UInt8]] {
            guard enabled else { return [] }
            let (mode, values, errorType) = metrics.snapshot
            var lines: [[UInt8]] = []
            var start = 0
            while start < values.count {
                var end = min(start + MetricsWire.maxMetricsPerLine, values.count)
                var failureInChunk = errorType != nil && values[start..<end].contains { $0.metric == .failures }
                if failureInChunk && end - start == MetricsWire.maxMetricsPerLine {
                    end -= 1  // the ErrorType directive's definition counts toward the line's 100
                    failureInChunk = values[start..<end].contains { $0.metric == .failures }
                }
                let chunk = values[start..<end]
                var line: [UInt8] = []
                line.reserveCapacity(256 + 64 * chunk.count)
                line += lineHead
                Self.appendInteger(timestampMilliseconds, to: &line)
                line += directivesHead
                for (position, value) in chunk.enumerated() {
                    if position > 0 { line.append(UInt8(ascii: ",")) }
                    line += value.metric.definitionJSON
                }
                if failureInChunk {
                    line += failureDirective
                } else {
                    line += [UInt8(ascii: "]"), UInt8(ascii: "}")]
                }
                line += [UInt8(ascii: "]"), UInt8(ascii: "}")]
                switch mode {
                case .change: line += changeMembers
                case .sweep: line += sweepMembers
                case .hook: line += hookMembers
                }
                if failureInChunk, let errorType {
                    line += errorTypeKey
                    JSONWriter.appendString(errorType.isEmpty ? "Unknown" : errorType, to: &line)
                }
                if let requestID {
                    line += requestIDKey
                    JSONWriter.appendString(requestID, to: &line)
                }
                for value in chunk {
                    line.append(UInt8(ascii: ","))
                    line += value.metric.memberKeyJSON
                    EmbeddedMetricFormat.appendNumber(value.value, to: &line)
                }
                line += [UInt8(ascii: "}"), UInt8(ascii: "\n")]
                lines.append(line)
                start = end
            }
            return lines
        }

        /// The decimal digits of `value`, with a leading `-` when negative.
        static func appendInteger(_ value: Int64, to output: inout [UInt8]) {
            if value < 0 { output.append(UInt8(ascii: "-")) }
            var magnitude = value.magnitude
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in  // Int64's 19 digits fit
                var position = digits.count
                repeat {
                    position -= 1
                    digits[position] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                    magnitude /= 10
                } while magnitude > 0
                output.append(contentsOf: UnsafeBufferPointer(rebasing: digits[position...]))
            }
        }
    }

    /// Integers without a fraction (`3`, not `3.0`); other values with at most 3 decimals; never NaN or infinity.
    static func numberText(_ value: Double) -> String {
        var bytes: [UInt8] = []
        appendNumber(value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends ``numberText(_:)`` of `value` to `output`.
    static func appendNumber(_ value: Double, to output: inout [UInt8]) {
        guard value.isFinite else {
            output.append(UInt8(ascii: "0"))
            return
        }
        if value == value.rounded(), abs(value) < 9.0e15 {
            Encoder.appendInteger(Int64(value), to: &output)
            return
        }
        let scaled = (value * 1_000).rounded() / 1_000
        output.append(contentsOf: String(scaled).utf8)
    }
}
