import StructuredLogging

/// Writes an invocation's metric lines to standard output, where Lambda's log capture picks them up unchanged in
/// both log formats (the line *is* the JSON object). Call it before the invocation is answered: Lambda may freeze
/// the process right after the answer.
public struct MetricsPublisher: Sendable {
    public let configuration: MetricsConfiguration
    private let writer: @Sendable (String) -> Void
    private let clock: @Sendable () -> Int64

    /// - Parameters:
    ///   - writer: receives each line without newline; defaults to one `write(2)` per line on standard output.
    ///   - clock: epoch milliseconds for `_aws.Timestamp`.
    public init(
        configuration: MetricsConfiguration,
        writer: @escaping @Sendable (String) -> Void = MetricsPublisher.standardOutput,
        clock: @escaping @Sendable () -> Int64 = WallClock.nowMilliseconds
    ) {
        self.configuration = configuration
        self.writer = writer
        self.clock = clock
    }

    /// Writes the lines of `metrics` (nothing when metrics are disabled).
    public func publish(_ metrics: InvocationMetrics, requestID: String?) {
        for line in EmbeddedMetricFormat.lines(
            for: metrics, configuration: configuration, requestID: requestID, timestampMilliseconds: clock()
        ) {
            writer(line)
        }
    }

    /// One `write(2)` per line on standard output, so lines never interleave with log lines.
    public static let standardOutput: @Sendable (String) -> Void = Logger.lineWriter(fileDescriptor: 1)
}
