import CurlHTTP
import Foundation
import LoopbackHTTPServer
import StructuredLogging

@testable import LambdaRuntime

/// Runtime API paths, spelled out independently of `RuntimeAPIWire` so a wrong constant there fails the tests.
enum Paths {
    static let next = "/2018-06-01/runtime/invocation/next"
    static let invocationPrefix = "/2018-06-01/runtime/invocation/"
    static func response(_ id: String) -> String { "/2018-06-01/runtime/invocation/\(id)/response" }
    static func error(_ id: String) -> String { "/2018-06-01/runtime/invocation/\(id)/error" }
    static let initError = "/2018-06-01/runtime/init/error"
}

/// A deadline far in the future (2100-01-01), in epoch milliseconds.
let farDeadline: Int64 = 4_102_444_800_000

/// One `/next` reply as the Runtime API sends it. `nil` leaves a header out.
func invocation(
    id: String?,
    deadline: String? = String(farDeadline),
    arn: String? = "arn:aws:lambda:eu-west-3:123456789012:function:pid-mode-rule",
    trace: String? = nil,
    body: [UInt8]
) -> ScriptedReply {
    var headers: [(String, String)] = [("Content-Type", "application/json")]
    if let id { headers.append(("Lambda-Runtime-Aws-Request-Id", id)) }
    if let deadline { headers.append(("Lambda-Runtime-Deadline-Ms", deadline)) }
    if let arn { headers.append(("Lambda-Runtime-Invoked-Function-Arn", arn)) }
    if let trace { headers.append(("Lambda-Runtime-Trace-Id", trace)) }
    return .respond(status: 200, headers: headers, body: body)
}

func invocation(id: String?, deadline: String? = String(farDeadline), trace: String? = nil, text: String) -> ScriptedReply {
    invocation(id: id, deadline: deadline, trace: trace, body: Array(text.utf8))
}

/// Collects every log line; safe to call from any thread.
final class LogCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [String] = []

    var lines: [String] { lock.withLock { storage } }

    var writer: LogWriter {
        { [self] line in lock.withLock { storage.append(line) } }
    }

    /// The lines parsed as JSON objects (the logger must use `.json`); a line that is not an object fails the test.
    func jsonLines() throws -> [[String: Any]] {
        try lines.map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw CollectorError(description: "log line is not a JSON object: \(line)")
            }
            return object
        }
    }

    func logger(format: LogFormat = .json) -> Logger {
        Logger(minimumLevel: .trace, format: format, writer: writer, clock: { 1_705_614_600_000 })
    }

    struct CollectorError: Error, CustomStringConvertible {
        let description: String
    }
}

/// A handler driven by a closure, recording every event and context it sees.
final class RecordingHandler: LambdaHandler {
    struct Call {
        var event: [UInt8]
        var context: LambdaContext
    }

    private(set) var calls: [Call] = []
    private let body: ([UInt8], LambdaContext) -> Result<[UInt8], ErrorResponse>

    init(_ body: @escaping ([UInt8], LambdaContext) -> Result<[UInt8], ErrorResponse>) {
        self.body = body
    }

    /// Answers every event with `"ok:" + requestID`.
    static func answeringRequestID() -> RecordingHandler {
        RecordingHandler { _, context in .success(Array("ok:\(context.requestID)".utf8)) }
    }

    func handle(_ event: [UInt8], context: LambdaContext) -> Result<[UInt8], ErrorResponse> {
        calls.append(Call(event: event, context: context))
        return body(event, context)
    }
}

/// Records every value the loop publishes as the trace id (instead of touching the process environment).
final class TraceRecorder {
    private(set) var exported: [String?] = []
    var export: (String?) -> Void { { [self] in exported.append($0) } }
}

/// A Runtime API played by a loopback server: `/next` hands out the queued invocations, then answers 500 (which ends
/// the loop); answers get 202 unless scripted otherwise.
final class FakeRuntimeAPI {
    let script = ScriptedSequence()
    let server: LoopbackHTTPServer

    init(invocations: [ScriptedReply]) throws {
        script.enqueue(invocations, method: "GET", pathPrefix: Paths.next)
        script.setDefault(
            .json(status: 500, #"{"errorMessage":"Container error. Non-recoverable state.","errorType":"Runtime.ContainerError"}"#),
            method: "GET", pathPrefix: Paths.next)
        script.setDefault(.json(status: 202, #"{"status":"OK"}"#), method: "POST", pathPrefix: Paths.invocationPrefix)
        server = try LoopbackHTTPServer(sequence: script)
    }

    deinit { server.stop() }

    var requests: [RecordedRequest] { server.requests }

    /// `METHOD path` of every request, in order.
    var requestLines: [String] { server.requests.map { "\($0.method) \($0.path)" } }

    /// The POSTed answers (response or error), in order.
    var answers: [RecordedRequest] { server.requests.filter { $0.method == "POST" } }

    func client(logger: Logger, transportAttempts: Int = 3) throws -> RuntimeAPIClient {
        RuntimeAPIClient(
            endpoint: server.hostPort, session: try CurlSession(), logger: logger,
            transportAttempts: transportAttempts, retryDelayMicroseconds: 1_000)
    }

    /// Runs a loop (trace ids go to `traces`, not the environment) until the Runtime API ends it.
    func run(
        _ handler: RecordingHandler,
        logger: Logger,
        traces: TraceRecorder = TraceRecorder(),
        maxInvocations: Int = 50
    ) throws -> LambdaRuntimeError? {
        let loop = RuntimeLoop(client: try client(logger: logger), logger: logger, exportTraceID: traces.export)
        return loop.run(handler: handler, maxInvocations: maxInvocations)
    }
}


extension LambdaRuntimeError.Code {
    /// The transport error's class, when this is `.transport`.
    var transportCode: CurlError.Code? {
        if case .transport(let error) = self { return error.code }
        return nil
    }
}
