import AWSClient
import CurlHTTP
import ExceptionsSource
import Foundation
import LoopbackHTTPServer
import PidModePolicy
import SigV4
import StructuredLogging
import Testing

/// `ExceptionsSource` and `SSMClient` against a real loopback HTTP server: one lazy GetParameter per invocation,
/// signed with the function's own credentials, and every way the registry can be unusable.
@Suite("ExceptionsSource: the registry read from SSM once per invocation")
struct ExceptionsSourceTests {
    /// 2026-12-06T12:00:00Z.
    static let now: Int64 = 1_796_558_400_000
    static let parameter = "/pid-mode-rule/exceptions"
    static let own = Credentials(accessKeyID: "AKIDOWN", secretAccessKey: "own-secret-key-0123456789", sessionToken: nil)
    static let assumed = Credentials(accessKeyID: "ASIAMEMBER", secretAccessKey: "member-secret-0123456789", sessionToken: "member-token-xyz")
    static let registry = #"{"schemaVersion":1,"exceptions":[{"id":"EXC-0042","family":"node-exporter","owner":"platform@example.com","reason":"reads /proc","expires":"2027-02-01"},{"id":"EXC-0043","family":"agent","owner":"","reason":"x","expires":"2027-01-01"}]}"#

    /// SSM's reply to GetParameter with `value` (JSON-escaped here).
    static func parameterReply(_ value: String, version: Int = 7) -> ScriptedReply {
        let escaped = String(decoding: try! JSONSerialization.data(withJSONObject: [value], options: []), as: UTF8.self)
            .dropFirst().dropLast()
        return .respond(
            status: 200, headers: [("Content-Type", "application/x-amz-json-1.1")],
            body: Array(#"{"Parameter":{"Name":"\#(parameter)","Type":"String","Value":\#(escaped),"Version":\#(version)}}"#.utf8))
    }

    static func errorReply(_ type: String, status: Int = 400) -> ScriptedReply {
        .respond(status: status, headers: [("Content-Type", "application/x-amz-json-1.1")],
                 body: Array(#"{"__type":"\#(type)","message":"injected \#(type)"}"#.utf8))
    }

    final class Lines: @unchecked Sendable {
        private let lock = NSLock()
        private var storage: [String] = []
        var all: [String] { lock.withLock { storage } }
        var logger: Logger { Logger(minimumLevel: .trace, format: .json, writer: { [self] line in lock.withLock { storage.append(line) } }) }
    }

    /// A reader whose SSM client talks to `server`, no real sleeping between retries.
    static func reader(_ server: LoopbackHTTPServer, environmentName: String? = parameter) throws -> ExceptionsReader {
        guard let endpoint = Endpoint(url: server.baseURL) else { throw CancellationError() }
        let client = AWSJSONClient(
            service: .ssm, endpoint: endpoint, environment: AWSEnvironment(region: "eu-west-1", credentials: own),
            session: try CurlSession(), retries: RetryRunner(sleep: { _ in }, jitter: { _ in 0 }))
        return ExceptionsReader(ssm: SSMClient(client: client), environmentParameterName: environmentName, clock: { now })
    }

    static func context(_ lines: Lines, credentials: Credentials? = nil) -> CallContext {
        CallContext(deadlineMilliseconds: WallClock.nowMilliseconds() + 20_000, traceID: "Root=1-abc", logger: lines.logger,
                    credentials: credentials)
    }

    static let subject = ExceptionSubject(family: "node-exporter", revision: 3, accountID: "111111111111", region: "eu-west-1")

    @Test("no call until asked; then one GetParameter (awsJson1_1, ssm scope, WithDecryption) with the function's own credentials")
    func lazyOnceOwnCredentials() throws {
        let server = try LoopbackHTTPServer(alwaysReplying: Self.parameterReply(Self.registry))
        defer { server.stop() }
        let lines = Lines()
        let source = try #require(try Self.reader(server).source(
            parameterName: nil, now: nil, maxExceptionDays: 365, context: Self.context(lines, credentials: Self.assumed)))
        #expect(server.requests.isEmpty)
        #expect(!source.hasRead)

        let first = try source.match(Self.subject)
        let second = try source.match(ExceptionSubject(family: "other"))

        guard case .active(let exception) = first else { Issue.record("expected active, got \(first)"); return }
        #expect(exception.id == "EXC-0042")
        #expect(second == .none)
        let requests = server.requests
        try #require(requests.count == 1)
        let request = requests[0]
        #expect(request.header("X-Amz-Target") == "AmazonSSM.GetParameter")
        #expect(request.header("Content-Type") == "application/x-amz-json-1.1")
        #expect(request.bodyText == #"{"Name":"/pid-mode-rule/exceptions","WithDecryption":true}"#)
        let authorization = request.header("Authorization") ?? ""
        #expect(authorization.contains("Credential=AKIDOWN/"), "\(authorization)")
        #expect(authorization.contains("/eu-west-1/ssm/aws4_request"), "\(authorization)")
        #expect(request.header("X-Amz-Security-Token") == nil, "the member account's token must not be sent")
        #expect(request.header("X-Amzn-Trace-Id") == "Root=1-abc")
    }

    @Test("each invalid entry: one WARN naming the parameter, the entry and the field; valid ones still match")
    func invalidEntryWarns() throws {
        let server = try LoopbackHTTPServer(alwaysReplying: Self.parameterReply(Self.registry))
        defer { server.stop() }
        let lines = Lines()
        let source = try #require(try Self.reader(server).source(parameterName: nil, now: nil, maxExceptionDays: 365, context: Self.context(lines)))
        let registry = try source.registry()
        #expect(registry.exceptions.map(\.id) == ["EXC-0042"])
        let warnings = lines.all.filter { $0.contains(#""level":"WARN""#) }
        #expect(warnings.count == 1, "\(lines.all)")
        #expect(warnings.first?.contains("EXC-0043") == true)
        #expect(warnings.first?.contains(#""field":"owner""#) == true)
        #expect(warnings.first?.contains(Self.parameter) == true)
    }

    @Test("the evaluation time and MaxExceptionDays are the caller's: an entry beyond the horizon is invalid")
    func timeAndHorizon() throws {
        let server = try LoopbackHTTPServer(alwaysReplying: Self.parameterReply(Self.registry))
        defer { server.stop() }
        let lines = Lines()
        // 2027-02-02T00:00Z is 57.5 days after now: invalid with MaxExceptionDays 30, expired when evaluated later.
        let short = try #require(try Self.reader(server).source(parameterName: nil, now: nil, maxExceptionDays: 30, context: Self.context(lines)))
        #expect(try short.match(Self.subject) == .none)
        let later = try #require(try Self.reader(server).source(
            parameterName: nil, now: 1_801_526_400_000, maxExceptionDays: 365, context: Self.context(lines)))
        guard case .expired(let lapsed) = try later.match(Self.subject) else { Issue.record("expected expired"); return }
        #expect(lapsed.id == "EXC-0042")
    }

    @Test("no parameter configured anywhere → no source, no call; the rule parameter wins over the environment")
    func parameterResolution() throws {
        let server = try LoopbackHTTPServer(alwaysReplying: Self.parameterReply(Self.registry))
        defer { server.stop() }
        let lines = Lines()
        #expect(try Self.reader(server, environmentName: nil).source(parameterName: nil, now: nil, maxExceptionDays: 365, context: Self.context(lines)) == nil)
        #expect(try Self.reader(server, environmentName: "").source(parameterName: "", now: nil, maxExceptionDays: 365, context: Self.context(lines)) == nil)
        let chosen = try Self.reader(server).source(parameterName: "/team/other", now: nil, maxExceptionDays: 365, context: Self.context(lines))
        #expect(chosen?.parameterName == "/team/other")
        #expect(chosen?.now == Self.now)
        #expect(server.requests.isEmpty)
    }

    @Test("AWS failures → ExceptionsUnavailable naming the parameter and the AWS error code; the failure is kept (one call)",
          arguments: ["ParameterNotFound", "AccessDeniedException"])
    func awsFailure(_ type: String) throws {
        let server = try LoopbackHTTPServer(alwaysReplying: Self.errorReply(type))
        defer { server.stop() }
        let source = try #require(try Self.reader(server).source(parameterName: nil, now: nil, maxExceptionDays: 365, context: Self.context(Lines())))
        for _ in 0..<2 {
            do {
                _ = try source.match(Self.subject)
                Issue.record("expected ExceptionsUnavailable")
            } catch {
                #expect(error.parameterName == Self.parameter)
                #expect(error.awsError?.awsErrorType == type)
                #expect(error.description.contains(Self.parameter) && error.description.contains(type), "\(error)")
            }
        }
        #expect(server.requests.count == 1)
    }

    @Test("throttling is retried like every AWS call, then the registry is used")
    func throttledThenRead() throws {
        let script = ScriptedSequence()
        script.enqueue([Self.errorReply("ThrottlingException"), Self.errorReply("ThrottlingException")], method: "POST", pathPrefix: "/")
        script.setDefault(Self.parameterReply(Self.registry), method: "POST", pathPrefix: "/")
        let server = try LoopbackHTTPServer(sequence: script)
        defer { server.stop() }
        let source = try #require(try Self.reader(server).source(parameterName: nil, now: nil, maxExceptionDays: 365, context: Self.context(Lines())))
        guard case .active = try source.match(Self.subject) else { Issue.record("expected active"); return }
        #expect(server.requests.count == 3)
    }

    @Test("a value that is no registry document → ExceptionsUnavailable saying what is wrong", arguments: [
        ("not json at all", "is not JSON"),
        ("[1,2]", "must be a JSON object"),
        (#"{"schemaVersion":2,"exceptions":[]}"#, "schemaVersion must be 1"),
        (#"{"schemaVersion":1,"exceptions":{}}"#, "exceptions must be an array"),
    ])
    func unusableDocument(_ value: String, _ expected: String) throws {
        let server = try LoopbackHTTPServer(alwaysReplying: Self.parameterReply(value, version: 12))
        defer { server.stop() }
        let source = try #require(try Self.reader(server).source(parameterName: nil, now: nil, maxExceptionDays: 365, context: Self.context(Lines())))
        do {
            _ = try source.registry()
            Issue.record("expected ExceptionsUnavailable")
        } catch {
            #expect(error.problem.contains(expected), "\(error)")
            #expect(error.problem.contains("version 12"), "\(error)")
            #expect(error.awsError == nil)
        }
    }

    @Test("a 200 reply without Parameter.Value → unusable (invalid response), never an empty registry")
    func replyWithoutValue() throws {
        let server = try LoopbackHTTPServer(alwaysReplying: .respond(
            status: 200, headers: [("Content-Type", "application/x-amz-json-1.1")], body: Array(#"{"Parameter":{"Name":"x"}}"#.utf8)))
        defer { server.stop() }
        let source = try #require(try Self.reader(server).source(parameterName: nil, now: nil, maxExceptionDays: 365, context: Self.context(Lines())))
        #expect(throws: ExceptionsUnavailable.self) { try source.registry() }
    }

    @Test("no SSM client but a registry configured → unusable, not silently empty")
    func noClient() throws {
        let reader = ExceptionsReader(ssm: nil, environmentParameterName: Self.parameter, clock: { Self.now })
        let source = try #require(reader.source(parameterName: nil, now: nil, maxExceptionDays: 365, context: Self.context(Lines())))
        #expect(throws: ExceptionsUnavailable.self) { try source.registry() }
    }
}
