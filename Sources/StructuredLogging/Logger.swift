import JSON

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A value attached to a log line.
public enum LogValue: Sendable, Equatable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)

    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }

    var json: JSONValue {
        switch self {
        case .string(let text): .string(text)
        case .int(let number): .number(String(number))
        case .double(let number): number.isFinite ? .number(String(number)) : .string(String(number))
        case .bool(let flag): .bool(flag)
        }
    }

    var text: String {
        switch self {
        case .string(let text): text
        case .int(let number): String(number)
        case .double(let number): String(number)
        case .bool(let flag): String(flag)
        }
    }
}

/// Writes one complete log line (without the trailing newline); must be safe to call from any thread.
public typealias LogWriter = @Sendable (String) -> Void

/// A leveled, structured logger: plain text or one JSON object per line (Lambda's advanced logging controls).
///
/// Values are immutable; `with(_:_:)` returns a logger carrying extra fields (e.g. `requestId` for one invocation).
/// Callers must never pass credentials, session tokens or whole event payloads as fields.
public struct Logger: Sendable {
    public let minimumLevel: LogLevel
    public let format: LogFormat
    private let fields: [(String, LogValue)]
    private let writer: LogWriter
    private let clock: @Sendable () -> Int64

    /// - Parameters:
    ///   - writer: receives each finished line; defaults to a single `write(2)` on standard error per line.
    ///   - clock: epoch milliseconds for the `timestamp` field.
    public init(
        minimumLevel: LogLevel = .info,
        format: LogFormat = .text,
        writer: @escaping LogWriter = Logger.standardError,
        clock: @escaping @Sendable () -> Int64 = WallClock.nowMilliseconds
    ) {
        self.minimumLevel = minimumLevel
        self.format = format
        self.fields = []
        self.writer = writer
        self.clock = clock
    }

    private init(copying other: Logger, fields: [(String, LogValue)]) {
        self.minimumLevel = other.minimumLevel
        self.format = other.format
        self.fields = fields
        self.writer = other.writer
        self.clock = other.clock
    }

    /// Reads `AWS_LAMBDA_LOG_LEVEL` (default INFO) and `AWS_LAMBDA_LOG_FORMAT` (default text) from `environment`.
    public static func fromEnvironment(_ environment: [String: String], writer: @escaping LogWriter = Logger.standardError)
        -> Logger
    {
        let level = environment["AWS_LAMBDA_LOG_LEVEL"].flatMap(LogLevel.init(environmentValue:)) ?? .info
        return Logger(minimumLevel: level, format: LogFormat(environmentValue: environment["AWS_LAMBDA_LOG_FORMAT"]), writer: writer)
    }

    /// A logger that adds `key: value` to every line it writes (a later value for the same key wins).
    public func with(_ key: String, _ value: LogValue) -> Logger {
        Logger(copying: self, fields: fields.filter { $0.0 != key } + [(key, value)])
    }

    /// Whether a line at `level` would be written.
    public func isEnabled(_ level: LogLevel) -> Bool { level >= minimumLevel }

    public func trace(_ message: @autoclosure () -> String, _ extra: KeyValuePairs<String, LogValue> = [:]) {
        log(.trace, message(), extra)
    }
    public func debug(_ message: @autoclosure () -> String, _ extra: KeyValuePairs<String, LogValue> = [:]) {
        log(.debug, message(), extra)
    }
    public func info(_ message: @autoclosure () -> String, _ extra: KeyValuePairs<String, LogValue> = [:]) {
        log(.info, message(), extra)
    }
    public func warn(_ message: @autoclosure () -> String, _ extra: KeyValuePairs<String, LogValue> = [:]) {
        log(.warn, message(), extra)
    }
    public func error(_ message: @autoclosure () -> String, _ extra: KeyValuePairs<String, LogValue> = [:]) {
        log(.error, message(), extra)
    }
    public func fatal(_ message: @autoclosure () -> String, _ extra: KeyValuePairs<String, LogValue> = [:]) {
        log(.fatal, message(), extra)
    }

    /// Formats and writes one line when `level` is enabled; the message is not built otherwise.
    public func log(_ level: LogLevel, _ message: @autoclosure () -> String, _ extra: KeyValuePairs<String, LogValue>) {
        guard isEnabled(level) else { return }
        let overridden = Set(extra.map(\.key))
        let all = fields.filter { !overridden.contains($0.0) } + extra.map { ($0.key, $0.value) }
        writer(render(level: level, message: message(), fields: all))
    }

    private func render(level: LogLevel, message: String, fields: [(String, LogValue)]) -> String {
        let timestamp = CivilTime.rfc3339(epochMilliseconds: clock())
        switch format {
        case .json:
            var object = JSONObject([
                "timestamp": .string(timestamp), "level": .string(level.name), "message": .string(message),
            ])
            for (key, value) in fields where !["timestamp", "level", "message"].contains(key) {
                object.append(key, value.json)
            }
            return String(decoding: JSONWriter.serialize(.object(object)), as: UTF8.self)
        case .text:
            var line = "\(timestamp) \(level.name) \(message)"
            for (key, value) in fields {
                line += " \(key)=\(value.text)"
            }
            return line.replacingNewlines()
        }
    }

    /// The default writer: one `write(2)` per line on standard error, so concurrent lines never interleave.
    public static let standardError: LogWriter = lineWriter(fileDescriptor: 2)

    /// A writer that appends a newline and writes each line to `fileDescriptor` with as few `write(2)` calls as the
    /// kernel allows (one for any line shorter than a pipe buffer), so lines from several threads never interleave.
    public static func lineWriter(fileDescriptor: Int32) -> LogWriter {
        { line in
            var bytes: [UInt8] = []
            bytes.reserveCapacity(line.utf8.count + 1)
            bytes += line.utf8
            bytes.append(UInt8(ascii: "\n"))
            writeAll(bytes, to: fileDescriptor)
        }
    }

    /// Writes all of `bytes` (a finished line, newline included) to `fileDescriptor`: one `write(2)` unless the
    /// kernel takes less (larger than a pipe buffer); gives up silently when the descriptor fails.
    public static func writeAll(_ bytes: [UInt8], to fileDescriptor: Int32) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(fileDescriptor, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }
}

extension String {
    /// Text-format lines must stay one line: CR and LF become `\r` and `\n` escapes.
    fileprivate func replacingNewlines() -> String {
        guard contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return self }
        var result = ""
        for character in self {
            switch character {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\r\n": result += "\\r\\n"
            default: result.append(character)
            }
        }
        return result
    }
}
