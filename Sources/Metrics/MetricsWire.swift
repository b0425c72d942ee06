/// The CloudWatch Embedded Metric Format's member names (the specification's spelling) and this function's own
/// top-level members of a metric line.
public enum MetricsWire {
    /// The metadata object at the root.
    public static let metadata = "_aws"
    /// Epoch milliseconds (a JSON number), inside `_aws`.
    public static let timestamp = "Timestamp"
    /// The array of metric directives, inside `_aws`.
    public static let cloudWatchMetrics = "CloudWatchMetrics"
    public static let namespace = "Namespace"
    public static let dimensions = "Dimensions"
    public static let metrics = "Metrics"
    public static let name = "Name"
    public static let unit = "Unit"

    /// Metric definitions allowed in one directive (and, here, in one line).
    public static let maxMetricsPerLine = 100

    public static let functionNameDimension = "FunctionName"
    public static let modeDimension = "Mode"
    /// Added to `Failures` of a failed invocation only.
    public static let errorTypeDimension = "ErrorType"
    /// Not a dimension: the invocation the line belongs to (for Logs Insights and tests).
    public static let requestID = "requestId"

    /// Top-level members a configured constant dimension must not take over.
    static let reservedMemberNames: Set<String> = [metadata, errorTypeDimension, requestID, "level", "timestamp", "message"]
}
