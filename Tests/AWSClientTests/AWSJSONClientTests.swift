import CurlHTTP
import Foundation
import JSON
import LoopbackHTTPServer
import SigV4
import TestSupport
import Testing

@testable import AWSClient

/// `AWSJSONClient.call` against a loopback server, with an injected clock, sleeper and jitter (nothing really sleeps).
@Suite("AWSJSONClient over loopback")
struct AWSJSONClientTests {
    static let putBody: JSONValue = .object(JSONObject([
        "Evaluations": .array([.object(JSONObject([
            "ComplianceResourceType": .string("AWS::ECS::TaskDefinition"),
            "ComplianceResourceId": .string("testtaskdef"),
            "ComplianceType": .string("NON_COMPLIANT"),
            "Annotation": .string("pidMode is host"),
            "OrderingTimestamp": .number("1705615540"),
        ]))]),
        "ResultToken": .string("myResultToken"),
    ]))
    static let putBodyText =
        #"{"Evaluations":[{"ComplianceResourceType":"AWS::ECS::TaskDefinition","ComplianceResourceId":"testtaskdef","ComplianceType":"NON_COMPLIANT","Annotation":"pidMode is host","OrderingTimestamp":1705615540}],"ResultToken":"myResultToken"}"#
    static let trace = "Root=1-65a99d48-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1"

    // MARK: Request shape and signature

    @Test("request: POST to the endpoint path with the awsJson1_1 headers, signed with the session token",
          arguments: [Optional<String>.none, .some(trace)])
    func requestShape(traceID: String?) throws {
        let server = try LoopbackHTTPServer(alwaysReplying: awsOK(#"{"FailedEvaluations":[]}"#))
        defer { server.stop() }
        let harness = try ClientHarness(server: server)

        let output = try harness.client.call("PutEvaluations", body: Self.putBody, context: harness.context(traceID: traceID))

        #expect(output == .object(JSONObject(["FailedEvaluations": .array([])])))
        let requests = server.requests
        try #require(requests.count == 1)
        let request = requests[0]
        #expect(request.method == "POST")
        #expect(request.path == "/")
        #expect(request.bodyText == Self.putBodyText)
        #expect(request.headerValues("Content-Length") == ["\(Self.putBodyText.utf8.count)"])
        #expect(request.headerValues("Content-Type") == ["application/x-amz-json-1.1"])
        #expect(request.headerValues("X-Amz-Target") == ["StarlingDoveService.PutEvaluations"])
        #expect(request.headerValues("Host") == [server.hostPort])
        #expect(request.headerValues("X-Amz-Date") == ["20240118T215000Z"])
        #expect(request.headerValues("X-Amz-Security-Token") == [testCredentials.sessionToken!])
        #expect(!request.hasHeader("Expect"))
        #expect(!request.hasHeader("Transfer-Encoding"))

        let authorizationValues = request.headerValues("Authorization")
        try #require(authorizationValues.count == 1)
        let authorization = try #require(AuthorizationHeader(authorizationValues[0]))
        #expect(authorization.credential == "AKIDEXAMPLE/20240118/eu-west-3/config/aws4_request")
        #expect(authorization.signedHeaders == ["content-type", "host", "x-amz-date", "x-amz-security-token", "x-amz-target"])
        #expect(authorization.signature.count == 64)
        #expect(authorization.signature.allSatisfy { "0123456789abcdef".contains($0) })

        if let traceID {
            #expect(request.headerValues("X-Amzn-Trace-Id") == [traceID])
        } else {
            #expect(!request.hasHeader("X-Amzn-Trace-Id"))
        }
        #expect(try resignedAuthorization(request) == authorizationValues[0])
    }

    @Test("without a session token: no X-Amz-Security-Token header, and it is not signed", arguments: [nil, ""] as [String?])
    func noSessionToken(token: String?) throws {
        let server = try LoopbackHTTPServer(alwaysReplying: awsOK("{}"))
        defer { server.stop() }
        let credentials = Credentials(
            accessKeyID: testCredentials.accessKeyID, secretAccessKey: testCredentials.secretAccessKey, sessionToken: token)
        let harness = try ClientHarness(server: server, credentials: credentials)

        _ = try harness.client.call("PutEvaluations", body: Self.putBody, context: harness.context(traceID: Self.trace))

        let request = try #require(server.requests.first)
        #expect(!request.hasHeader("X-Amz-Security-Token"))
        let authorizationValue = try #require(request.header("Authorization"))
        let authorization = try #require(AuthorizationHeader(authorizationValue))
        #expect(authorization.signedHeaders == ["content-type", "host", "x-amz-date", "x-amz-target"])
        #expect(try resignedAuthorization(request, credentials: credentials) == authorizationValue)
    }

    @Test("an endpoint with a path prefix: posted to and signed for that path")
    func pathPrefix() throws {
        let server = try LoopbackHTTPServer(alwaysReplying: awsOK("{}"))
        defer { server.stop() }
        let harness = try ClientHarness(server: server, path: "/prefix/config")

        _ = try harness.client.call("GetResourceConfigHistory", body: .object(JSONObject()), context: harness.context())

        let request = try #require(server.requests.first)
        #expect(request.path == "/prefix/config")
        #expect(request.header("X-Amz-Target") == "StarlingDoveService.GetResourceConfigHistory")
        #expect(request.bodyText == "{}")
        let authorization = try #require(request.header("Authorization"))
        #expect(try resignedAuthorization(request) == authorization)
    }

    @Test("X-Amz-Date follows the injected clock", arguments: [
        (Int64(1_705_614_600_000), "20240118T215000Z"), (1_705_614_600_999, "20240118T215000Z"),
        (1_709_251_199_000, "20240229T235959Z"), (0, "19700101T000000Z"),
    ])
    func amzDate(now: Int64, expected: String) throws {
        let server = try LoopbackHTTPServer(alwaysReplying: awsOK("{}"))
        defer { server.stop() }
        let harness = try ClientHarness(server: server, time: FakeTime(now: now))

        _ = try harness.client.call("PutEvaluations", body: Self.putBody, context: harness.context())

        let request = try #require(server.requests.first)
        #expect(request.header("X-Amz-Date") == expected)
        let authorizationValue = try #require(request.header("Authorization"))
        let authorization = try #require(AuthorizationHeader(authorizationValue))
        #expect(authorization.credential == "AKIDEXAMPLE/\(expected.prefix(8))/eu-west-3/config/aws4_request")
    }

    @Test("the connection is kept alive across calls")
    func keepAlive() throws {
        let server = try LoopbackHTTPServer(alwaysReplying: awsOK("{}"))
        defer { server.stop() }
        let harness = try ClientHarness(server: server)
        for _ in 0..<3 {
            _ = try harness.client.call("PutEvaluations", body: Self.putBody, context: harness.context())
        }
        #expect(server.requests.count == 3)
        #expect(server.connectionCount == 1)
    }

    // MARK: Replies

    @Test("200 with an empty body → an empty object")
    func emptyBody() throws {
        let server = try LoopbackHTTPServer(alwaysReplying: .respond(status: 200, headers: [("x-amzn-RequestId", "r")], body: []))
        defer { server.stop() }
        let harness = try ClientHarness(server: server)
        let output = try harness.client.call("PutEvaluations", body: Self.putBody, context: harness.context())
        #expect(output == .object(JSONObject()))
    }

    @Test("200 with a body that is not JSON → .invalidResponse after one request", arguments: [
        "<html>not json</html>", #"{"FailedEvaluations":["#, "{} trailing",
    ])
    func invalidJSON(body: String) throws {
        let server = try LoopbackHTTPServer(alwaysReplying: awsOK(body, requestID: "req-invalid"))
        defer { server.stop() }
        let harness = try ClientHarness(server: server)
        let error = try harness.callError(context: harness.context())
        #expect(error.code == .invalidResponse)
        #expect(error.operation == "PutEvaluations")
        #expect(error.awsRequestID == "req-invalid")
        #expect(server.requests.count == 1)
        #expect(harness.time.sleeps.isEmpty)
    }

    @Test("a 2xx other than 200 is a success too", arguments: [201, 202])
    func other2xx(status: Int) throws {
        let server = try LoopbackHTTPServer(alwaysReplying: .respond(status: status, text: #"{"a":1}"#))
        defer { server.stop() }
        let harness = try ClientHarness(server: server)
        let output = try harness.client.call("PutEvaluations", body: Self.putBody, context: harness.context())
        #expect(output["a"]?.numberText == "1")
    }

    // MARK: Retries

    @Test("2× 400 ThrottlingException then 200 → 3 requests, output parsed, two sleeps of the jitter's value")
    func throttledTwice() throws {
        let script = ScriptedSequence()
        script.enqueue(
            [awsError(type: "com.amazonaws.starling#ThrottlingException", message: "Rate exceeded"),
             awsError(type: "ThrottlingException", message: "Rate exceeded")],
            pathPrefix: "/")
        script.setDefault(awsOK(#"{"FailedEvaluations":[{"ComplianceResourceId":"x"}]}"#), pathPrefix: "/")
        let server = try LoopbackHTTPServer(sequence: script)
        defer { server.stop() }
        let harness = try ClientHarness(server: server, time: FakeTime(jitterValue: { $0 / 2 + 3 }))

        let output = try harness.client.call("PutEvaluations", body: Self.putBody, context: harness.context(traceID: Self.trace))

        #expect(output["FailedEvaluations"]?.arrayValue?.first?["ComplianceResourceId"]?.stringValue == "x")
        let requests = server.requests
        #expect(requests.count == 3)
        #expect(harness.time.jitterCeilings == [50, 100])
        #expect(harness.time.sleeps == [28, 53])
        // Every attempt is a complete, freshly signed request with the same body and trace header.
        for request in requests {
            #expect(request.bodyText == Self.putBodyText)
            #expect(request.header("X-Amzn-Trace-Id") == Self.trace)
            #expect(try resignedAuthorization(request) == request.header("Authorization"))
        }
        #expect(harness.logs.lines.filter { $0.contains("retrying") }.count == 2)
    }

    @Test("5xx twice then 200 → 3 requests", arguments: [500, 502, 503, 504])
    func serverErrors(status: Int) throws {
        let script = ScriptedSequence()
        script.enqueue([.respond(status: status, text: ""), awsError(status: status, type: "InternalFailure")], pathPrefix: "/")
        script.setDefault(awsOK("{}"), pathPrefix: "/")
        let server = try LoopbackHTTPServer(sequence: script)
        defer { server.stop() }
        let harness = try ClientHarness(server: server)

        let output = try harness.client.call("PutEvaluations", body: Self.putBody, context: harness.context())

        #expect(output == .object(JSONObject()))
        #expect(server.requests.count == 3)
        #expect(harness.time.sleeps.count == 2)
    }

    @Test("429 without a known code is retried")
    func tooManyRequests() throws {
        let script = ScriptedSequence()
        script.enqueue(.respond(status: 429, text: ""), pathPrefix: "/")
        script.setDefault(awsOK("{}"), pathPrefix: "/")
        let server = try LoopbackHTTPServer(sequence: script)
        defer { server.stop() }
        let harness = try ClientHarness(server: server)
        _ = try harness.client.call("PutEvaluations", body: Self.putBody, context: harness.context())
        #expect(server.requests.count == 2)
    }

    @Test("connection dropped (no reply) then 200 → sent again on a new connection",
          arguments: [ScriptedReply.closeConnection, .resetConnection])
    func connectionDropped(drop: ScriptedReply) throws {
        let script = ScriptedSequence()
        script.enqueue(drop, pathPrefix: "/")
        script.setDefault(awsOK(#"{"ok":true}"#), pathPrefix: "/")
        let server = try LoopbackHTTPServer(sequence: script)
        defer { server.stop() }
        let harness = try ClientHarness(server: server)

        let output = try harness.client.call("PutEvaluations", body: Self.putBody, context: harness.context())

        #expect(output["ok"] == .bool(true))
        let requests = server.requests
        #expect(requests.count == 2)
        #expect(Set(requests.map(\.connectionID)).count == 2)
        #expect(requests.allSatisfy { $0.bodyText == Self.putBodyText })
        #expect(harness.time.sleeps.count == 1)
    }

    @Test("persistent throttling → .service(ThrottlingException) after maxAttempts requests", arguments: [1, 3, 6])
    func persistentThrottling(maxAttempts: Int) throws {
        let server = try LoopbackHTTPServer(alwaysReplying: awsError(type: "ThrottlingException", message: "Rate exceeded", requestID: "rid-42"))
        defer { server.stop() }
        let harness = try ClientHarness(server: server, policy: RetryPolicy(maxAttempts: maxAttempts), time: FakeTime(jitterValue: { $0 }))

        let error = try harness.callError(context: harness.context())

        #expect(error.code == .service(awsErrorType: "ThrottlingException", httpStatus: 400))
        #expect(error.awsErrorType == "ThrottlingException")
        #expect(error.message == "Rate exceeded")
        #expect(error.operation == "PutEvaluations")
        #expect(error.attempts == maxAttempts)
        #expect(error.awsRequestID == "rid-42")
        #expect(server.requests.count == maxAttempts)
        #expect(harness.time.sleeps == Array([50, 100, 200, 400, 800].prefix(maxAttempts - 1)))
    }

    @Test("the default policy gives up after 6 requests")
    func defaultMaxAttempts() throws {
        let server = try LoopbackHTTPServer(alwaysReplying: .respond(status: 503, text: ""))
        defer { server.stop() }
        let harness = try ClientHarness(server: server)
        let error = try harness.callError(context: harness.context())
        #expect(error.code == .service(awsErrorType: "HTTP503", httpStatus: 503))
        #expect(server.requests.count == 6)
        #expect(error.attempts == 6)
    }

    @Test("non-retryable service errors → thrown after ONE request", arguments: [
        ("AccessDeniedException", 400), ("ValidationException", 400), ("InvalidResultTokenException", 400),
        ("com.amazonaws.starling#NoSuchConfigRuleException", 400), ("HTTP403", 403),
    ])
    func nonRetryable(type: String, status: Int) throws {
        let reply: ScriptedReply = type.hasPrefix("HTTP")
            ? .respond(status: status, text: "")
            : awsError(status: status, type: type, message: "User: arn:aws:sts::123456789012:assumed-role/x is not authorized")
        let server = try LoopbackHTTPServer(alwaysReplying: reply)
        defer { server.stop() }
        let harness = try ClientHarness(server: server)

        let error = try harness.callError(context: harness.context())

        let expectedType = String(type.split(separator: "#").last!)
        #expect(error.code == .service(awsErrorType: expectedType, httpStatus: status))
        #expect(error.attempts == 1)
        #expect(server.requests.count == 1)
        #expect(harness.time.sleeps.isEmpty)
        #expect(harness.time.jitterCeilings.isEmpty)
    }

    @Test("a refused connection is retried and ends as .transport(couldNotConnect), libcurl's text said once")
    func refused() throws {
        let refused = try LoopbackHTTPServer.refusedPort()
        let time = FakeTime()
        let client = AWSJSONClient(
            service: .config, endpoint: try requireEndpoint(refused.baseURL + "/"),
            environment: AWSEnvironment(region: "eu-west-3", credentials: testCredentials),
            session: try CurlSession(),
            retries: RetryRunner(policy: RetryPolicy(maxAttempts: 3), clock: time.clock, sleep: time.sleep, jitter: time.jitter),
            clock: time.clock)
        do {
            _ = try client.call("PutEvaluations", body: Self.putBody, context: CallContext(
                deadlineMilliseconds: time.now + 60_000, traceID: nil, logger: LogCollector().logger))
            Issue.record("expected a transport error")
        } catch {
            guard case .transport(let curlError) = error.code else {
                Issue.record("expected .transport, got \(error.code)")
                return
            }
            #expect(curlError.code == .couldNotConnect)
            #expect(!curlError.message.isEmpty)
            #expect(error.description.occurrences(of: curlError.message) == 1, "\(error.description)")
            #expect(repeatedClause(in: error.description) == nil, "\(error.description)")
            #expect(error.attempts == 3)
            #expect(time.sleeps.count == 2)
        }
    }

    // MARK: Deadline

    @Test("too close to the deadline → .deadlineExceeded without any request", arguments: [Int64(499), 300, 0, -1_000])
    func deadlineBeforeFirstAttempt(remaining: Int64) throws {
        let server = try LoopbackHTTPServer(alwaysReplying: awsOK("{}"))
        defer { server.stop() }
        let harness = try ClientHarness(server: server)  // reserve 300 ms + minimum attempt 200 ms

        let error = try harness.callError(context: harness.context(deadlineIn: remaining))

        #expect(error.code == .deadlineExceeded)
        #expect(error.attempts == 0)
        #expect(error.operation == "PutEvaluations")
        #expect(server.requests.isEmpty)
    }

    @Test("exactly reserve + minimum attempt left → the request is sent")
    func deadlineBoundary() throws {
        let server = try LoopbackHTTPServer(alwaysReplying: awsOK("{}"))
        defer { server.stop() }
        let harness = try ClientHarness(server: server)
        _ = try harness.client.call("PutEvaluations", body: Self.putBody, context: harness.context(deadlineIn: 500))
        #expect(server.requests.count == 1)
    }

    @Test("a backoff that would cross the deadline is not taken: the last failure is thrown")
    func backoffCrossingDeadline() throws {
        let server = try LoopbackHTTPServer(alwaysReplying: awsError(status: 500, type: "InternalFailure", message: "oops"))
        defer { server.stop() }
        // 520 ms left: the first attempt may start (≥ 500), but 520 − 50 (jitter = ceiling) − 300 < 200.
        let harness = try ClientHarness(server: server, time: FakeTime(jitterValue: { $0 }))

        let error = try harness.callError(context: harness.context(deadlineIn: 520))

        #expect(error.code == .service(awsErrorType: "InternalFailure", httpStatus: 500))
        #expect(error.message == "oops")
        #expect(error.attempts == 1)
        #expect(server.requests.count == 1)
        #expect(harness.time.sleeps.isEmpty)
    }

    @Test("backoffs are taken while they fit, then the last failure is thrown")
    func backoffUntilDeadline() throws {
        let server = try LoopbackHTTPServer(alwaysReplying: awsError(type: "ThrottlingException", message: "Rate exceeded"))
        defer { server.stop() }
        // 700 ms left, jitter = ceiling: sleep 50 (650 left), sleep 100 (550 left), then 200 would leave 350 − 300 < 200.
        let harness = try ClientHarness(server: server, time: FakeTime(jitterValue: { $0 }))

        let error = try harness.callError(context: harness.context(deadlineIn: 700))

        #expect(error.code == .service(awsErrorType: "ThrottlingException", httpStatus: 400))
        #expect(harness.time.sleeps == [50, 100])
        #expect(server.requests.count == 3)
        #expect(error.attempts == 3)
    }

    @Test("the attempt's time limit is bounded by the deadline: a slow reply fails as .deadlineExceeded, not a hang")
    func attemptTimeout() throws {
        let server = try LoopbackHTTPServer(alwaysReplying: .delayed(milliseconds: 5_000, then: awsOK("{}")))
        defer { server.stop() }
        // 800 ms left → the attempt may take at most 800 − 300 = 500 ms.
        let harness = try ClientHarness(server: server)
        let started = Date()

        let error = try harness.callError(context: harness.context(deadlineIn: 800))

        let elapsed = Date().timeIntervalSince(started)
        // Cut off by the deadline, not a transport failure: no retry, and the message says which limit ran out.
        #expect(error.code == .deadlineExceeded)
        #expect(error.message == "no reply within the 500 ms left before the invocation deadline")
        #expect(error.attempts == 1)
        #expect(server.requests.count == 1)
        #expect(elapsed < 2.5)
    }

    // MARK: Helpers

    /// Recomputes the `Authorization` value from what the server received: the headers the client said it signed
    /// (as received), the received path, body and `X-Amz-Date`.
    func resignedAuthorization(_ request: RecordedRequest, credentials: Credentials = testCredentials) throws -> String {
        let authorizationValue = try #require(request.header("Authorization"))
        let authorization = try #require(AuthorizationHeader(authorizationValue))
        let amzDate = try #require(request.header("X-Amz-Date"))
        var signedHeaders: [(name: String, value: String)] = []
        for name in authorization.signedHeaders {
            let value = try #require(request.header(name), "signed header \(name) was not sent")
            signedHeaders.append((name: name, value: value))
        }
        let signer = SigV4Signer(credentials: credentials, region: "eu-west-3", service: "config")
        return signer.authorization(
            for: SignableRequest(method: request.method, path: request.path, headers: signedHeaders, body: request.body),
            amzDate: amzDate)
    }
}
