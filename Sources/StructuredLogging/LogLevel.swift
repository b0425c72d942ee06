/// Lambda's application log levels (`AWS_LAMBDA_LOG_LEVEL`), least to most severe.
public enum LogLevel: Int, Sendable, Comparable, CaseIterable {
    case trace, debug, info, warn, error, fatal

    /// The wire name Lambda's log filtering reads from the `level` field.
    public var name: String {
        switch self {
        case .trace: "TRACE"
        case .debug: "DEBUG"
        case .info: "INFO"
        case .warn: "WARN"
        case .error: "ERROR"
        case .fatal: "FATAL"
        }
    }

    /// Parses `AWS_LAMBDA_LOG_LEVEL` (any casing; `WARNING` is accepted for `WARN`); `nil` for anything else.
    public init?(environmentValue: String) {
        switch environmentValue.uppercased() {
        case "TRACE": self = .trace
        case "DEBUG": self = .debug
        case "INFO": self = .info
        case "WARN", "WARNING": self = .warn
        case "ERROR": self = .error
        case "FATAL": self = .fatal
        default: return nil
        }
    }

    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// How log lines are written (`AWS_LAMBDA_LOG_FORMAT`).
public enum LogFormat: Sendable, Equatable {
    /// Plain text lines: `timestamp LEVEL [requestId] message key=value …`.
    case text
    /// One JSON object per line, which Lambda can filter by `level`.
    case json

    /// `JSON` (any casing) selects `.json`; anything else, or absence, `.text`.
    public init(environmentValue: String?) {
        self = environmentValue?.uppercased() == "JSON" ? .json : .text
    }
}
