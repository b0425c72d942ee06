import Foundation
import JSON
import StructuredLogging
import Testing

/// Collects written lines; safe to call from any thread.
final class LineCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [String] = []

    var writer: LogWriter {
        { [self] line in lock.withLock { collected.append(line) } }
    }

    var lines: [String] { lock.withLock { collected } }
}

/// 2024-01-18T22:05:40.112Z
let fixedClockMilliseconds: Int64 = 1_705_615_540_112

@Suite("Logger")
struct LoggerTests {
    private func jsonLogger(_ collector: LineCollector, level: LogLevel = .info) -> Logger {
        Logger(minimumLevel: level, format: .json, writer: collector.writer, clock: { fixedClockMilliseconds })
    }

    private func parseLine(_ line: String) throws -> JSONObject {
        let value = try JSONParser.parse(line)
        return try #require(value.objectValue, "log line is not a JSON object: \(line)")
    }

    @Test("JSON format: one JSON object per line with timestamp, level, message and extra fields")
    func jsonLine() throws {
        let collector = LineCollector()
        let logger = jsonLogger(collector)
        logger.info("evaluation delivered", [
            "resourceId": "testtaskdef", "count": 3, "ratio": .double(0.5), "testMode": .bool(true),
        ])
        let lines = collector.lines
        try #require(lines.count == 1)
        #expect(!lines[0].contains("\n"))
        let object = try parseLine(lines[0])
        #expect(object["timestamp"] == .string("2024-01-18T22:05:40.112Z"))
        #expect(object["level"] == .string("INFO"))
        #expect(object["message"] == .string("evaluation delivered"))
        #expect(object["resourceId"] == .string("testtaskdef"))
        #expect(object["count"] == .number("3"))
        #expect(object["ratio"]?.numberText.flatMap(Double.init) == 0.5)
        #expect(object["testMode"] == .bool(true))
        #expect(Set(object.keys) == ["timestamp", "level", "message", "resourceId", "count", "ratio", "testMode"])
    }

    @Test("JSON format: with() fields (requestId) appear on every line; a later with() of the same key wins")
    func withFields() throws {
        let collector = LineCollector()
        let base = jsonLogger(collector)
        let scoped = base.with("requestId", "req-1").with("requestId", "req-2").with("messageType", "X")
        scoped.warn("first")
        scoped.error("second", ["extra": "e"])
        base.info("unscoped")
        let lines = collector.lines
        try #require(lines.count == 3)
        let first = try parseLine(lines[0])
        let second = try parseLine(lines[1])
        let third = try parseLine(lines[2])
        #expect(first["requestId"] == .string("req-2"))
        #expect(first.keys.filter { $0 == "requestId" }.count == 1)
        #expect(first["messageType"] == .string("X"))
        #expect(first["level"] == .string("WARN"))
        #expect(second["requestId"] == .string("req-2"))
        #expect(second["extra"] == .string("e"))
        #expect(second["level"] == .string("ERROR"))
        #expect(third["requestId"] == nil, "with() must not change the original logger")
    }

    @Test("JSON format: messages with quotes, newlines and non-ASCII stay one valid JSON line")
    func jsonEscaping() throws {
        let collector = LineCollector()
        let message = "line1\nline2 \"quoted\" \\ tab\t é 😀 \u{1}"
        jsonLogger(collector).info(message, ["field": .string("a\r\nb")])
        let lines = collector.lines
        try #require(lines.count == 1)
        #expect(!lines[0].contains("\n") && !lines[0].contains("\r"))
        let object = try parseLine(lines[0])
        #expect(object["message"] == .string(message))
        #expect(object["field"] == .string("a\r\nb"))
    }

    @Test("JSON format: a per-call field with the same key as a with() field appears once, the per-call value winning")
    func perCallFieldOverridesWithField() throws {
        let collector = LineCollector()
        jsonLogger(collector).with("resourceId", "from-with").info("m", ["resourceId": "from-call"])
        let line = try #require(collector.lines.first)
        let object = try parseLine(line)
        #expect(object.keys.filter { $0 == "resourceId" }.count == 1, "duplicate keys in one JSON log line: \(line)")
        #expect(object["resourceId"] == .string("from-call"))
    }

    @Test("JSON format: fields cannot replace timestamp, level or message")
    func reservedKeys() throws {
        let collector = LineCollector()
        jsonLogger(collector).with("level", "FATAL").info("real", ["message": "fake", "timestamp": "never"])
        let object = try parseLine(try #require(collector.lines.first))
        #expect(object["level"] == .string("INFO"))
        #expect(object["message"] == .string("real"))
        #expect(object["timestamp"] == .string("2024-01-18T22:05:40.112Z"))
        #expect(object.keys.count == 3)
    }

    @Test("JSON format: non-finite doubles are still valid JSON")
    func nonFiniteDouble() throws {
        let collector = LineCollector()
        jsonLogger(collector).info("m", ["inf": .double(.infinity), "nan": .double(.nan), "tiny": .double(1e-7)])
        let object = try parseLine(try #require(collector.lines.first))
        #expect(object["inf"] != nil)
        #expect(object["nan"] != nil)
        #expect(object["tiny"]?.numberText.flatMap(Double.init) == 1e-7)
    }

    @Test("text format: one line with timestamp, level, message and key=value fields")
    func textLine() throws {
        let collector = LineCollector()
        let logger = Logger(minimumLevel: .info, format: .text, writer: collector.writer, clock: { fixedClockMilliseconds })
        logger.with("requestId", "req-9").info("delivered", ["resourceId": "testtaskdef"])
        let line = try #require(collector.lines.first)
        #expect(line.hasPrefix("2024-01-18T22:05:40.112Z INFO "))
        #expect(line.contains("delivered"))
        #expect(line.contains("requestId=req-9"))
        #expect(line.contains("resourceId=testtaskdef"))
    }

    @Test("text format: stays one line when message or fields contain newlines", arguments: [
        "a\nb", "a\r\nb", "a\rb", "trailing\n", "\n\n\n", "x\n\u{301}y",
    ])
    func textOneLine(_ message: String) throws {
        let collector = LineCollector()
        let logger = Logger(minimumLevel: .info, format: .text, writer: collector.writer, clock: { fixedClockMilliseconds })
        logger.warn(message, ["field": .string("v\nw")])
        let lines = collector.lines
        try #require(lines.count == 1)
        let line = lines[0]
        #expect(!line.unicodeScalars.contains("\n"), "\(line.debugDescription)")
        #expect(!line.unicodeScalars.contains("\r"), "\(line.debugDescription)")
        #expect(line.contains("WARN"))
    }

    @Test("level filtering: only lines at or above the minimum level are written")
    func levelFiltering() {
        for minimum in LogLevel.allCases {
            let collector = LineCollector()
            let logger = Logger(minimumLevel: minimum, format: .text, writer: collector.writer, clock: { 0 })
            logger.trace("trace")
            logger.debug("debug")
            logger.info("info")
            logger.warn("warn")
            logger.error("error")
            logger.fatal("fatal")
            let expected = LogLevel.allCases.filter { $0 >= minimum }.map(\.name)
            let written = collector.lines.map { $0.split(separator: " ")[1] }.map(String.init)
            #expect(written == expected, "minimum \(minimum.name)")
            for level in LogLevel.allCases {
                #expect(logger.isEnabled(level) == (level >= minimum))
            }
        }
    }

    @Test("a filtered-out message is never built")
    func lazyMessage() {
        let collector = LineCollector()
        let logger = Logger(minimumLevel: .warn, format: .json, writer: collector.writer, clock: { 0 })
        let counter = LineCollector()
        func expensive() -> String {
            counter.writer("built")
            return "expensive"
        }
        logger.info(expensive())
        logger.debug(expensive())
        #expect(counter.lines.isEmpty)
        logger.warn(expensive())
        #expect(counter.lines.count == 1)
        #expect(collector.lines.count == 1)
    }

    @Test("concurrent logging writes every line exactly once")
    func concurrent() async throws {
        let collector = LineCollector()
        let logger = jsonLogger(collector)
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for index in 0..<50 { logger.info("line", ["task": .int(task), "index": .int(index)]) }
                }
            }
        }
        let lines = collector.lines
        #expect(lines.count == 400)
        var seen = Set<String>()
        for line in lines {
            let object = try parseLine(line)
            seen.insert("\(object["task"]?.numberText ?? "?")/\(object["index"]?.numberText ?? "?")")
        }
        #expect(seen.count == 400)
    }
}

@Suite("Logger.fromEnvironment, LogLevel and LogFormat")
struct LoggerEnvironmentTests {
    @Test("AWS_LAMBDA_LOG_LEVEL selects the minimum level; unknown or absent → INFO", arguments: [
        (["AWS_LAMBDA_LOG_LEVEL": "WARN"], LogLevel.warn),
        (["AWS_LAMBDA_LOG_LEVEL": "warn"], .warn),
        (["AWS_LAMBDA_LOG_LEVEL": "WARNING"], .warn),
        (["AWS_LAMBDA_LOG_LEVEL": "DEBUG"], .debug),
        (["AWS_LAMBDA_LOG_LEVEL": "trace"], .trace),
        (["AWS_LAMBDA_LOG_LEVEL": "ERROR"], .error),
        (["AWS_LAMBDA_LOG_LEVEL": "Fatal"], .fatal),
        (["AWS_LAMBDA_LOG_LEVEL": "INFO"], .info),
        (["AWS_LAMBDA_LOG_LEVEL": "VERBOSE"], .info),
        (["AWS_LAMBDA_LOG_LEVEL": ""], .info),
        ([:], .info),
    ])
    func level(_ environment: [String: String], _ expected: LogLevel) {
        let collector = LineCollector()
        let logger = Logger.fromEnvironment(environment, writer: collector.writer)
        #expect(logger.minimumLevel == expected)
        logger.debug("debug")
        logger.info("info")
        logger.warn("warn")
        let expectedCount = [LogLevel.debug, .info, .warn].filter { $0 >= expected }.count
        #expect(collector.lines.count == expectedCount)
    }

    @Test("WARN drops info lines and keeps warn and error lines")
    func warnDropsInfo() {
        let collector = LineCollector()
        let logger = Logger.fromEnvironment(["AWS_LAMBDA_LOG_LEVEL": "WARN"], writer: collector.writer)
        logger.info("dropped")
        logger.warn("kept-warn")
        logger.error("kept-error")
        let lines = collector.lines
        #expect(lines.count == 2)
        #expect(!lines.contains { $0.contains("dropped") })
        #expect(lines.contains { $0.contains("kept-warn") })
        #expect(lines.contains { $0.contains("kept-error") })
    }

    @Test("AWS_LAMBDA_LOG_FORMAT=JSON gives JSON lines, default is text")
    func format() throws {
        let jsonCollector = LineCollector()
        Logger.fromEnvironment(["AWS_LAMBDA_LOG_FORMAT": "JSON"], writer: jsonCollector.writer).info("hello")
        let jsonLine = try #require(jsonCollector.lines.first)
        let object = try #require(try JSONParser.parse(jsonLine).objectValue)
        #expect(object["message"] == .string("hello"))
        #expect(object["level"] == .string("INFO"))
        let timestamp = try #require(object["timestamp"]?.stringValue)
        #expect(timestamp.count == 24 && timestamp.hasSuffix("Z"))

        let textCollector = LineCollector()
        Logger.fromEnvironment([:], writer: textCollector.writer).info("hello")
        let line = try #require(textCollector.lines.first)
        #expect(!line.hasPrefix("{"))
        #expect(line.contains(" INFO hello"))
    }

    @Test("LogFormat(environmentValue:)", arguments: [
        ("JSON" as String?, LogFormat.json), ("json", .json), ("Json", .json),
        ("Text", .text), ("TEXT", .text), ("", .text), ("xml", .text), (nil, .text),
    ])
    func logFormat(_ value: String?, _ expected: LogFormat) {
        #expect(LogFormat(environmentValue: value) == expected)
    }

    @Test("LogLevel names and order")
    func levelNames() {
        #expect(LogLevel.allCases.map(\.name) == ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"])
        #expect(LogLevel.allCases == LogLevel.allCases.sorted())
        for level in LogLevel.allCases {
            #expect(LogLevel(environmentValue: level.name) == level)
            #expect(LogLevel(environmentValue: level.name.lowercased()) == level)
        }
        #expect(LogLevel(environmentValue: "NOPE") == nil)
    }
}
