import StructuredLogging

/// Writes an invocation's metric lines to standard output, where Lambda's log capture picks them up unchanged in
/// both log formats (the line *is* the JSON object). Call it before the invocation is answered: Lambda may freeze
/// the process right after the answer.
public struct MetricsPublisher: Sendable {
    public let configuration: MetricsConfiguration
    /// The configuration's fixed parts, encoded once.
    private let encoder: EmbeddedMetricFormat.Encoder
    private let writer: @Sendable ([UInt8]) -> Void
    private let clock: @Sendable () -> Int64

    /// - Parameters:
    ///   - writer: receives each line's UTF-8 bytes, ending in `\n`; defaults to one `write(2)` per line on standard
    ///     output.
    ///   - clock: epoch milliseconds for `_aws.Timestamp`.
    public init(
        configuration: MetricsConfiguration,
        writer: @escaping @Sendable ([UInt8]) -> Void = MetricsPublisher.standardOutput,
        clock: @escaping @Sendable () -> Int64 = WallClock.nowMilliseconds
    ) {
        self.configuration = configuration
        self.encoder = EmbeddedMetricFormat.Encoder(configuration: configuration)
        self.writer = writer
        self.clock = clock
    }

    /// Writes the lines of `metrics` (nothing when metrics are disabled).
    public func publish(_ metrics: InvocationMetrics, requestID: String?) {
        guard encoder.enabled else { return }
        for line in encoder.lines(for: metrics, requestID: requestID, timestampMilliseconds: clock()) {
            writer(line)
        }
    }

    /// One `write(2)` per line on standard output, so lines never interleave with log lines.
    public static let standardOutput: @Sendable ([UInt8]) -> Void = { line in Logger.writeAll(line, to: 1) }
}
