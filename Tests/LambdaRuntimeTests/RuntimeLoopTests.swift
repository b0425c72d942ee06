import CurlHTTP
import Foundation
import LoopbackHTTPServer
import TestSupport
import StructuredLogging
import Testing

@testable import LambdaRuntime

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The runtime loop against a loopback server playing the Runtime API (real HTTP over libcurl).
@Suite("RuntimeLoop against a loopback Runtime API")
struct RuntimeLoopTests {
    // MARK: Happy path

    @Test("each invocation gets exactly one /response with the handler's exact bytes, over one kept-alive connection")
    func servesInvocations() throws {
        let api = try FakeRuntimeAPI(invocations: [
            invocation(id: "req-1", trace: "Root=1-aaa;Sampled=1", text: #"{"n":1}"#),
            invocation(id: "req-2", text: #"{"n":2}"#),
            invocation(id: "req-3", deadline: "1705614660000", trace: "Root=1-ccc;Sampled=0", text: #"{"n":3}"#),
        ])
        let logs = LogCollector()
        let traces = TraceRecorder()
        // Binary, non-UTF-8 answer bytes must arrive unchanged.
        let handler = RecordingHandler { event, context in
            .success(Array(context.requestID.utf8) + [0x00, 0xFF, 0x0D, 0x0A] + event)
        }

        let result = try api.run(handler, logger: logs.logger(), traces: traces)

        #expect(result?.code == .containerError)
        #expect(api.requestLines == [
            "GET \(Paths.next)", "POST \(Paths.response("req-1"))",
            "GET \(Paths.next)", "POST \(Paths.response("req-2"))",
            "GET \(Paths.next)", "POST \(Paths.response("req-3"))",
            "GET \(Paths.next)",
        ])
        let answers = api.answers
        try #require(answers.count == 3)
        for (index, answer) in answers.enumerated() {
            let id = "req-\(index + 1)"
            #expect(answer.body == Array(id.utf8) + [0x00, 0xFF, 0x0D, 0x0A] + Array(#"{"n":\#(index + 1)}"#.utf8))
            #expect(answer.headerValues("Content-Length") == ["\(answer.body.count)"])
            #expect(!answer.hasHeader("Lambda-Runtime-Function-Error-Type"))
        }
        // The handler saw each invocation's own metadata.
        #expect(handler.calls.map(\.context.requestID) == ["req-1", "req-2", "req-3"])
        #expect(handler.calls.map(\.context.deadlineMilliseconds) == [farDeadline, farDeadline, 1_705_614_660_000])
        #expect(handler.calls.map(\.context.traceID) == ["Root=1-aaa;Sampled=1", nil, "Root=1-ccc;Sampled=0"])
        #expect(handler.calls.allSatisfy {
            $0.context.metadata.invokedFunctionARN == "arn:aws:lambda:eu-west-3:123456789012:function:pid-mode-rule"
        })
        // The trace id is published before every handler call, cleared when the invocation has none.
        #expect(traces.exported == ["Root=1-aaa;Sampled=1", nil, "Root=1-ccc;Sampled=0"])
        // One TCP connection for everything (keep-alive across invocations).
        #expect(Set(api.requests.map(\.connectionID)) == [1])
        #expect(api.server.connectionCount == 1)
        #expect(api.script.unscriptedRequests.isEmpty)
    }

    @Test("/next carries no body; answers carry Content-Length and no Expect / chunked encoding")
    func requestShape() throws {
        let api = try FakeRuntimeAPI(invocations: [invocation(id: "req-1", text: "{}")])
        let handler = RecordingHandler { _, _ in .success(Array(#"{"ok":true}"#.utf8)) }
        _ = try api.run(handler, logger: LogCollector().logger())
        let requests = api.requests
        try #require(requests.count == 3)
        #expect(requests[0].method == "GET" && requests[0].body.isEmpty)
        #expect(requests[0].header("Host") == api.server.hostPort)
        #expect(requests[1].headerValues("Content-Length") == ["11"])
        #expect(!requests[1].hasHeader("Expect"))
        #expect(!requests[1].hasHeader("Transfer-Encoding"))
    }

    @Test("maxInvocations stops the loop with nil after that many invocations")
    func maxInvocations() throws {
        let api = try FakeRuntimeAPI(invocations: [
            invocation(id: "req-1", text: "{}"), invocation(id: "req-2", text: "{}"), invocation(id: "req-3", text: "{}"),
        ])
        let handler = RecordingHandler.answeringRequestID()
        let result = try api.run(handler, logger: LogCollector().logger(), maxInvocations: 2)
        #expect(result == nil)
        #expect(handler.calls.map(\.context.requestID) == ["req-1", "req-2"])
        #expect(api.script.remaining(method: "GET", pathPrefix: Paths.next) == 1)
    }

    // MARK: Handler failure

    @Test("a handler failure is posted to /error with the error document and the error-type header")
    func handlerFailure() throws {
        let marker = "EVENT-BODY-MARKER-7f3a"
        let api = try FakeRuntimeAPI(invocations: [
            invocation(id: "req-1", text: #"{"secret":"\#(marker)"}"#),
            invocation(id: "req-2", text: #"{"fine":true}"#),
        ])
        let logs = LogCollector()
        let handler = RecordingHandler { event, context in
            context.logger.info("handling")
            if context.requestID == "req-1" {
                return .failure(ErrorResponse(errorType: "ConfigRule.MalformedEvent", errorMessage: "field \"x\"\nmissing"))
            }
            return .success(Array("done".utf8))
        }

        let result = try api.run(handler, logger: logs.logger())

        #expect(result?.code == .containerError)
        #expect(api.requestLines == [
            "GET \(Paths.next)", "POST \(Paths.error("req-1"))",
            "GET \(Paths.next)", "POST \(Paths.response("req-2"))",
            "GET \(Paths.next)",
        ])
        let failure = try #require(api.answers.first)
        #expect(failure.header("Content-Type") == "application/vnd.aws.lambda.error+json")
        #expect(failure.header("Lambda-Runtime-Function-Error-Type") == "ConfigRule.MalformedEvent")
        #expect(failure.bodyText == #"{"errorMessage":"field \"x\"\nmissing","errorType":"ConfigRule.MalformedEvent"}"#)
        #expect(api.answers.last?.bodyText == "done")

        // Log lines: every invocation line carries its requestId; no line ever carries the event body.
        let lines = try logs.jsonLines()
        #expect(!logs.lines.contains { $0.contains(marker) })
        let handling = lines.filter { $0["message"] as? String == "handling" }
        #expect(handling.map { $0["requestId"] as? String } == ["req-1", "req-2"])
        let failed = lines.filter { $0["message"] as? String == "invocation failed" }
        #expect(failed.count == 1)
        #expect(failed.first?["requestId"] as? String == "req-1")
        #expect(failed.first?["errorType"] as? String == "ConfigRule.MalformedEvent")
        #expect(failed.first?["level"] as? String == "ERROR")
    }

    @Test("text-format log lines carry requestId= and never the event body")
    func textLogs() throws {
        let marker = "TEXT-EVENT-MARKER"
        let api = try FakeRuntimeAPI(invocations: [invocation(id: "req-t", text: #"{"m":"\#(marker)"}"#)])
        api.script.enqueue(.json(status: 413, #"{"errorType":"RequestEntityTooLarge"}"#), method: "POST", pathPrefix: Paths.error("req-t"))
        let logs = LogCollector()
        let handler = RecordingHandler { _, _ in .failure(ErrorResponse(errorType: "Function.Bad", errorMessage: "bad\nthing")) }

        _ = try api.run(handler, logger: logs.logger(format: .text))

        let invocationLines = logs.lines.filter { $0.contains("invocation failed") || $0.contains("rejected the answer") }
        #expect(invocationLines.count == 2)
        #expect(invocationLines.allSatisfy { $0.contains("requestId=req-t") })
        #expect(!logs.lines.contains { $0.contains(marker) })
        #expect(!logs.lines.contains { $0.contains("\n") })
    }

    // MARK: _X_AMZN_TRACE_ID

    @Test("_X_AMZN_TRACE_ID is the invocation's trace id while the handler runs, and unset when it has none")
    func traceEnvironment() throws {
        // The only test that uses the default exporter (the real process environment).
        setenv("_X_AMZN_TRACE_ID", "Root=1-stale;Sampled=1", 1)
        defer { unsetenv("_X_AMZN_TRACE_ID") }
        let api = try FakeRuntimeAPI(invocations: [
            invocation(id: "req-1", trace: "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1", text: "{}"),
            invocation(id: "req-2", text: "{}"),
            invocation(id: "req-3", trace: "Root=1-00000003-cccccccccccccccccccccccc;Sampled=0", text: "{}"),
            invocation(id: "req-4", trace: "", text: "{}"),
        ])
        let handler = RecordingHandler { _, _ in
            guard let value = getenv("_X_AMZN_TRACE_ID") else { return .success(Array("<unset>".utf8)) }
            return .success(Array(String(cString: value).utf8))
        }
        let logger = LogCollector().logger()
        let loop = RuntimeLoop(client: try api.client(logger: logger), logger: logger)

        let result = loop.run(handler: handler, maxInvocations: 50)

        #expect(result?.code == .containerError)
        #expect(api.answers.map(\.bodyText) == [
            "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1",
            "<unset>",
            "Root=1-00000003-cccccccccccccccccccccccc;Sampled=0",
            "<unset>",
        ])
    }

    // MARK: Invalid invocations

    @Test("an invocation without a usable deadline gets /error Runtime.InvalidInvocationHeaders; the loop goes on",
          arguments: [nil, "soon"] as [String?])
    func invalidDeadline(deadline: String?) throws {
        let api = try FakeRuntimeAPI(invocations: [
            invocation(id: "req-bad", deadline: deadline, trace: "Root=1-bad", text: #"{"n":1}"#),
            invocation(id: "req-good", text: #"{"n":2}"#),
        ])
        let logs = LogCollector()
        let traces = TraceRecorder()
        let handler = RecordingHandler.answeringRequestID()

        let result = try api.run(handler, logger: logs.logger(), traces: traces)

        #expect(result?.code == .containerError)
        #expect(api.requestLines == [
            "GET \(Paths.next)", "POST \(Paths.error("req-bad"))",
            "GET \(Paths.next)", "POST \(Paths.response("req-good"))",
            "GET \(Paths.next)",
        ])
        #expect(handler.calls.map(\.context.requestID) == ["req-good"])
        let rejection = try #require(api.answers.first)
        #expect(rejection.header("Lambda-Runtime-Function-Error-Type") == "Runtime.InvalidInvocationHeaders")
        #expect(rejection.header("Content-Type") == "application/vnd.aws.lambda.error+json")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(rejection.body)) as? [String: String])
        #expect(document["errorType"] == "Runtime.InvalidInvocationHeaders")
        #expect(document["errorMessage"]?.contains("Lambda-Runtime-Deadline-Ms") == true)
        #expect(api.answers.last?.bodyText == "ok:req-good")
        // The rejected invocation's trace id is never published.
        #expect(!traces.exported.contains("Root=1-bad"))
        #expect(traces.exported.last == .some(nil))
        let lines = try logs.jsonLines()
        #expect(lines.contains { $0["requestId"] as? String == "req-bad" && $0["level"] as? String == "ERROR" })
    }

    @Test("an invocation without a request id is skipped (nothing posted); the loop goes on",
          arguments: [nil, ""] as [String?])
    func missingRequestID(id: String?) throws {
        let marker = "NO-ID-EVENT-MARKER"
        let api = try FakeRuntimeAPI(invocations: [
            invocation(id: id, text: #"{"m":"\#(marker)"}"#),
            invocation(id: "req-2", text: "{}"),
        ])
        let logs = LogCollector()
        let handler = RecordingHandler.answeringRequestID()

        let result = try api.run(handler, logger: logs.logger())

        #expect(result?.code == .containerError)
        #expect(api.requestLines == [
            "GET \(Paths.next)", "GET \(Paths.next)", "POST \(Paths.response("req-2"))", "GET \(Paths.next)",
        ])
        #expect(handler.calls.map(\.context.requestID) == ["req-2"])
        #expect(logs.lines.contains { $0.contains("request id") })
        #expect(!logs.lines.contains { $0.contains(marker) })
    }

    // MARK: /next failures

    @Test("/next answered 500 → run returns .containerError at once, handler never called")
    func nextContainerError() throws {
        let api = try FakeRuntimeAPI(invocations: [])
        let logs = LogCollector()
        let handler = RecordingHandler.answeringRequestID()
        let result = try api.run(handler, logger: logs.logger())
        #expect(result?.code == .containerError)
        #expect(result?.detail.contains("Container error") == true)
        #expect(api.requestLines == ["GET \(Paths.next)"])
        #expect(handler.calls.isEmpty)
        #expect(logs.lines.contains { $0.contains("ERROR") && $0.contains("runtime loop stopped") })
    }

    @Test("/next answered another error status → run returns .unexpectedStatus", arguments: [403, 404])
    func nextUnexpectedStatus(status: Int) throws {
        let api = try FakeRuntimeAPI(invocations: [.json(status: status, #"{"errorType":"InvalidStateTransition"}"#)])
        let handler = RecordingHandler.answeringRequestID()
        let result = try api.run(handler, logger: LogCollector().logger())
        #expect(result?.code == .unexpectedStatus(status))
        #expect(handler.calls.isEmpty)
        #expect(api.requests.count == 1)
    }

    @Test("/next connection dropped once → sent again, the invocation is served, the loop goes on",
          arguments: [ScriptedReply.closeConnection, .resetConnection])
    func nextDroppedOnce(drop: ScriptedReply) throws {
        let api = try FakeRuntimeAPI(invocations: [drop, invocation(id: "req-1", text: "{}"), invocation(id: "req-2", text: "{}")])
        let logs = LogCollector()
        let handler = RecordingHandler.answeringRequestID()

        let result = try api.run(handler, logger: logs.logger())

        #expect(result?.code == .containerError)
        #expect(handler.calls.map(\.context.requestID) == ["req-1", "req-2"])
        #expect(api.answers.map(\.path) == [Paths.response("req-1"), Paths.response("req-2")])
        #expect(api.answers.map(\.bodyText) == ["ok:req-1", "ok:req-2"])
        #expect(logs.lines.contains { $0.contains("retrying") })
    }

    @Test("/next connection dropped after an invocation was served (stale keep-alive) → the loop goes on",
          arguments: [ScriptedReply.closeConnection, .resetConnection])
    func nextDroppedAfterKeepAlive(drop: ScriptedReply) throws {
        let api = try FakeRuntimeAPI(invocations: [invocation(id: "req-1", text: "{}"), drop, invocation(id: "req-2", text: "{}")])
        let handler = RecordingHandler.answeringRequestID()

        let result = try api.run(handler, logger: LogCollector().logger())

        #expect(result?.code == .containerError)
        #expect(handler.calls.map(\.context.requestID) == ["req-1", "req-2"])
        #expect(api.answers.map(\.bodyText) == ["ok:req-1", "ok:req-2"])
        #expect(api.script.isExhausted)
    }

    @Test("/next connection dropped 3 times in a row → run returns .transport", arguments: [ScriptedReply.closeConnection, .resetConnection])
    func nextDroppedThrice(drop: ScriptedReply) throws {
        let api = try FakeRuntimeAPI(invocations: [drop, drop, drop, invocation(id: "req-1", text: "{}")])
        let handler = RecordingHandler.answeringRequestID()

        let result = try api.run(handler, logger: LogCollector().logger())

        let code = try #require(result?.code)
        #expect(code.transportCode == .connectionLost)
        #expect(api.requestLines == Array(repeating: "GET \(Paths.next)", count: 3))
        #expect(handler.calls.isEmpty)
        #expect(api.script.remaining(method: "GET", pathPrefix: Paths.next) == 1)
    }

    @Test("Runtime API refusing connections → .transport(couldNotConnect) after the allowed attempts")
    func nextRefused() throws {
        let refused = try LoopbackHTTPServer.refusedPort()
        let logs = LogCollector()
        let client = RuntimeAPIClient(
            endpoint: refused.hostPort, session: try CurlSession(), logger: logs.logger(), retryDelayMicroseconds: 1_000)
        let handler = RecordingHandler.answeringRequestID()
        let result = RuntimeLoop(client: client, logger: logs.logger(), exportTraceID: { _ in }).run(handler: handler)
        #expect(result?.code.transportCode == .couldNotConnect)
        #expect(logs.lines.filter { $0.contains("retrying") }.count == 2)
        #expect(handler.calls.isEmpty)
    }

    // MARK: Answer statuses

    @Test("/response rejected with 400/403/413 → logged with the requestId, no re-post, next invocation served",
          arguments: [400, 403, 413])
    func responseRejected(status: Int) throws {
        let api = try FakeRuntimeAPI(invocations: [
            invocation(id: "req-1", text: #"{"n":1}"#), invocation(id: "req-2", text: #"{"n":2}"#),
        ])
        api.script.enqueue(
            .json(status: status, #"{"errorMessage":"rejected","errorType":"InvalidStateTransition"}"#),
            method: "POST", pathPrefix: Paths.response("req-1"))
        let logs = LogCollector()
        let handler = RecordingHandler.answeringRequestID()

        let result = try api.run(handler, logger: logs.logger())

        #expect(result?.code == .containerError)
        #expect(api.requestLines == [
            "GET \(Paths.next)", "POST \(Paths.response("req-1"))",
            "GET \(Paths.next)", "POST \(Paths.response("req-2"))",
            "GET \(Paths.next)",
        ])
        let lines = try logs.jsonLines()
        let rejected = lines.filter { $0["message"] as? String == "Runtime API rejected the answer" }
        #expect(rejected.count == 1)
        #expect(rejected.first?["requestId"] as? String == "req-1")
        #expect(rejected.first?["status"] as? Int == status)
        #expect(rejected.first?["level"] as? String == "WARN")
    }

    @Test("/error rejected with 403 → logged, loop goes on")
    func errorRejected() throws {
        let api = try FakeRuntimeAPI(invocations: [invocation(id: "req-1", text: "{}"), invocation(id: "req-2", text: "{}")])
        api.script.enqueue(.json(status: 403, #"{"errorType":"InvalidStateTransition"}"#), method: "POST", pathPrefix: Paths.error("req-1"))
        let handler = RecordingHandler { _, context in
            context.requestID == "req-1" ? .failure(ErrorResponse(errorType: "Function.Failed", errorMessage: "no")) : .success([])
        }
        let result = try api.run(handler, logger: LogCollector().logger())
        #expect(result?.code == .containerError)
        #expect(api.answers.map(\.path) == [Paths.error("req-1"), Paths.response("req-2")])
        #expect(api.answers.last?.body == [])
        #expect(api.answers.last?.headerValues("Content-Length") == ["0"])
    }

    @Test("answer answered 500 → the loop ends with .containerError and never asks /next again",
          arguments: [false, true])
    func answerContainerError(viaErrorPath: Bool) throws {
        let api = try FakeRuntimeAPI(invocations: [invocation(id: "req-1", text: "{}"), invocation(id: "req-2", text: "{}")])
        let path = viaErrorPath ? Paths.error("req-1") : Paths.response("req-1")
        api.script.enqueue(.json(status: 500, #"{"errorType":"Runtime.ContainerError"}"#), method: "POST", pathPrefix: path)
        let handler = RecordingHandler { _, _ in
            viaErrorPath ? .failure(ErrorResponse(errorType: "Function.Failed", errorMessage: "no")) : .success([0x31])
        }
        let result = try api.run(handler, logger: LogCollector().logger())
        #expect(result?.code == .containerError)
        #expect(api.requestLines == ["GET \(Paths.next)", "POST \(path)"])
        #expect(handler.calls.count == 1)
    }

    // MARK: Size

    @Test("a > 2 MB event reaches the handler byte-identical, and a > 2 MB answer reaches the Runtime API")
    func largeEvent() throws {
        let event = patternedBytes(count: 2 * 1024 * 1024 + 123_457)
        let api = try FakeRuntimeAPI(invocations: [
            invocation(id: "req-big", body: event), invocation(id: "req-small", text: "{}"),
        ])
        let handler = RecordingHandler { event, _ in .success(event.reversed()) }
        let result = try api.run(handler, logger: LogCollector().logger())
        #expect(result?.code == .containerError)
        try #require(handler.calls.count == 2)
        #expect(byteMismatch(handler.calls[0].event, event) == nil)
        #expect(handler.calls[1].event == Array("{}".utf8))
        let answer = try #require(api.answers.first)
        #expect(answer.path == Paths.response("req-big"))
        #expect(byteMismatch(answer.body, event.reversed()) == nil)
        #expect(Set(api.requests.map(\.connectionID)) == [1])
    }
}

@Suite("RuntimeAPIClient: init error")
struct RuntimeAPIClientInitErrorTests {
    @Test("failInitialization posts the document to /runtime/init/error and reports the outcome",
          arguments: [(202, AnswerOutcome.accepted), (403, AnswerOutcome.rejected(status: 403, detail: "not in init"))])
    func initError(status: Int, expected: AnswerOutcome) throws {
        let server = try LoopbackHTTPServer { _ in .respond(status: status, text: status == 202 ? "" : "not in init") }
        defer { server.stop() }
        let client = RuntimeAPIClient(endpoint: server.hostPort, session: try CurlSession(), logger: LogCollector().logger())
        let outcome = try client.failInitialization(
            error: ErrorResponse(errorType: "Runtime.ConfigInvalid", errorMessage: "environment variable AWS_REGION is not set"))
        #expect(outcome == expected)
        let request = try #require(server.requests.first)
        #expect(request.method == "POST")
        #expect(request.path == Paths.initError)
        #expect(request.header("Lambda-Runtime-Function-Error-Type") == "Runtime.ConfigInvalid")
        #expect(request.bodyText == #"{"errorMessage":"environment variable AWS_REGION is not set","errorType":"Runtime.ConfigInvalid"}"#)
    }

    @Test("init error answered 500 → containerError")
    func initErrorContainerError() throws {
        let server = try LoopbackHTTPServer(alwaysReplying: .respond(status: 500, text: "boom"))
        defer { server.stop() }
        let client = RuntimeAPIClient(endpoint: server.hostPort, session: try CurlSession(), logger: LogCollector().logger())
        #expect(throws: LambdaRuntimeError.self) {
            _ = try client.failInitialization(error: ErrorResponse(errorType: "Runtime.X", errorMessage: "y"))
        }
    }
}
