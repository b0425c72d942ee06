import AWSClient
import CurlHTTP
import Foundation
import JSON
import LoopbackHTTPServer
import SigV4
import StructuredLogging
import Testing

@testable import ConfigRule

/// A fake AWS Config endpoint on a real loopback HTTP server: replies per operation (from `X-Amz-Target`), scripted
/// as a queue plus a default, and every request recorded.
final class FakeConfigEndpoint: @unchecked Sendable {
    private let lock = NSLock()
    private var queues: [String: [ScriptedReply]] = [:]
    private var defaults: [String: ScriptedReply] = [:]
    private(set) var server: LoopbackHTTPServer!

    init() throws {
        server = try LoopbackHTTPServer { [unowned self] request in self.reply(to: request) }
    }

    deinit { server?.stop() }

    static let targetPrefix = "StarlingDoveService."

    func enqueue(_ operation: String, _ replies: ScriptedReply...) {
        lock.withLock { queues[operation, default: []].append(contentsOf: replies) }
    }

    func setDefault(_ operation: String, _ reply: ScriptedReply) {
        lock.withLock { defaults[operation] = reply }
    }

    private func reply(to request: RecordedRequest) -> ScriptedReply {
        let target = request.header("X-Amz-Target") ?? ""
        let operation = target.hasPrefix(Self.targetPrefix) ? String(target.dropFirst(Self.targetPrefix.count)) : target
        return lock.withLock {
            if var queue = queues[operation], !queue.isEmpty {
                let next = queue.removeFirst()
                queues[operation] = queue
                return next
            }
            return defaults[operation]
                ?? .json(status: 400, #"{"__type":"UnknownOperationException","message":"unscripted \#(operation)"}"#)
        }
    }

    var requests: [RecordedRequest] { server.requests }

    func requests(_ operation: String) -> [RecordedRequest] {
        requests.filter { $0.header("X-Amz-Target") == Self.targetPrefix + operation }
    }

    /// A client for this endpoint: fixed credentials, no real sleeping, no jitter.
    func client(maxAttempts: Int = 3) throws -> AWSJSONClient {
        AWSJSONClient(
            service: .config,
            endpoint: try #require(Endpoint(url: server.baseURL)),
            environment: AWSEnvironment(
                region: "us-west-2",
                credentials: Credentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "secret", sessionToken: "token")),
            session: try CurlSession(),
            retries: RetryRunner(
                policy: RetryPolicy(maxAttempts: maxAttempts, attemptTimeoutMilliseconds: 5_000),
                sleep: { _ in },
                jitter: { _ in 0 }
            )
        )
    }
}

final class CollectedLines: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    var writer: LogWriter { { [self] line in lock.withLock { stored.append(line) } } }
    var lines: [String] { lock.withLock { stored } }
}

func callContext(traceID: String? = "Root=1-65a9a0b4-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1",
                 lines: CollectedLines = CollectedLines()) -> CallContext {
    CallContext(
        deadlineMilliseconds: WallClock.nowMilliseconds() + 60_000,
        traceID: traceID,
        logger: Logger(minimumLevel: .debug, format: .json, writer: lines.writer)
    )
}

private func body(_ request: RecordedRequest) throws -> JSONObject {
    try #require(try JSONParser.parse(request.body).objectValue, "request body is not a JSON object")
}

private func evaluation(_ id: String, _ type: ComplianceType = .compliant, ms: Int64 = 1_705_615_540_112) -> Evaluation {
    Evaluation(
        resourceType: "AWS::ECS::TaskDefinition", resourceID: id, complianceType: type, annotation: "note \(id)",
        orderingTimestamp: Timestamp(epochMilliseconds: ms))
}

/// `SignedHeaders=a;b;c` from an Authorization header value, lower-cased names.
private func signedHeaders(_ authorization: String?) -> [String] {
    guard let authorization, let range = authorization.range(of: "SignedHeaders=") else { return [] }
    let rest = authorization[range.upperBound...]
    let list = rest.prefix { $0 != "," && $0 != " " }
    return list.split(separator: ";").map { $0.lowercased() }
}

@Suite("ConfigService and ConfigRuleHandler against a loopback Config endpoint", .serialized)
struct ConfigServiceTests {
    // MARK: PutEvaluations wire shape

    @Test("PutEvaluations request: headers, signing, and exactly the PascalCase members")
    func putEvaluationsWire() throws {
        let endpoint = try FakeConfigEndpoint()
        endpoint.setDefault("PutEvaluations", .json(#"{"FailedEvaluations":[]}"#))
        let service = ConfigService(client: try endpoint.client())
        let traceID = "Root=1-65a9a0b4-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1"
        let calls = try service.putEvaluations(
            [evaluation("testtaskdef", .nonCompliant)], resultToken: "myResultToken", testMode: false,
            context: callContext(traceID: traceID))
        #expect(calls == 1)
        let requests = endpoint.requests("PutEvaluations")
        try #require(requests.count == 1)
        let request = requests[0]
        #expect(request.method == "POST")
        #expect(request.pathWithoutQuery == "/")
        #expect(request.header("X-Amz-Target") == "StarlingDoveService.PutEvaluations")
        #expect(request.header("Content-Type") == "application/x-amz-json-1.1")
        #expect(request.header("X-Amzn-Trace-Id") == traceID)
        #expect(request.header("X-Amz-Security-Token") == "token")
        let authorization = try #require(request.header("Authorization"))
        #expect(authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"))
        #expect(authorization.contains("/us-west-2/config/aws4_request"))
        let signed = signedHeaders(authorization)
        #expect(signed.contains("host") && signed.contains("x-amz-date") && signed.contains("x-amz-target"))
        #expect(signed.contains("content-type"))
        #expect(signed.contains("x-amz-security-token"))
        #expect(!signed.contains("x-amzn-trace-id"), "trace header must not be signed: \(signed)")

        let object = try body(request)
        #expect(Set(object.keys) == ["Evaluations", "ResultToken"])
        #expect(object["ResultToken"] == .string("myResultToken"))
        #expect(object["TestMode"] == nil)
        let evaluations = try #require(object["Evaluations"]?.arrayValue)
        try #require(evaluations.count == 1)
        let wire = try #require(evaluations[0].objectValue)
        #expect(Set(wire.keys) == [
            "ComplianceResourceType", "ComplianceResourceId", "ComplianceType", "Annotation", "OrderingTimestamp",
        ])
        #expect(wire["ComplianceResourceType"] == .string("AWS::ECS::TaskDefinition"))
        #expect(wire["ComplianceResourceId"] == .string("testtaskdef"))
        #expect(wire["ComplianceType"] == .string("NON_COMPLIANT"))
        #expect(wire["Annotation"] == .string("note testtaskdef"))
        // Epoch seconds as a JSON number with the millisecond fraction, byte for byte in the body.
        #expect(wire["OrderingTimestamp"] == .number("1705615540.112"))
        #expect(request.bodyText.contains(#""OrderingTimestamp":1705615540.112"#))
    }

    @Test("no trace id → no X-Amzn-Trace-Id header")
    func noTraceHeader() throws {
        let endpoint = try FakeConfigEndpoint()
        endpoint.setDefault("PutEvaluations", .json("{}"))
        let service = ConfigService(client: try endpoint.client())
        try service.putEvaluations([evaluation("a")], resultToken: "t", testMode: false, context: callContext(traceID: nil))
        let request = try #require(endpoint.requests.first)
        #expect(!request.hasHeader("X-Amzn-Trace-Id"))
    }

    @Test("testMode true → TestMode: true in the body")
    func testModeMember() throws {
        let endpoint = try FakeConfigEndpoint()
        endpoint.setDefault("PutEvaluations", .json("{}"))
        let service = ConfigService(client: try endpoint.client())
        try service.putEvaluations([evaluation("a")], resultToken: "TESTMODE", testMode: true, context: callContext())
        let object = try body(try #require(endpoint.requests.first))
        #expect(object["TestMode"] == .bool(true))
        #expect(object["ResultToken"] == .string("TESTMODE"))
    }

    @Test("an empty list makes no call")
    func emptyList() throws {
        let endpoint = try FakeConfigEndpoint()
        let service = ConfigService(client: try endpoint.client())
        #expect(try service.putEvaluations([], resultToken: "t", testMode: false, context: callContext()) == 0)
        #expect(endpoint.requests.isEmpty)
    }

    // MARK: Batching and FailedEvaluations

    @Test("250 evaluations → 3 calls of 100, 100 and 50, each evaluation exactly once, in order")
    func batching() throws {
        let endpoint = try FakeConfigEndpoint()
        endpoint.setDefault("PutEvaluations", .json(#"{"FailedEvaluations":[]}"#))
        let service = ConfigService(client: try endpoint.client())
        let all = (0..<250).map { evaluation("td-\($0)") }
        let calls = try service.putEvaluations(all, resultToken: "tok", testMode: false, context: callContext())
        #expect(calls == 3)
        let requests = endpoint.requests("PutEvaluations")
        let batches = try requests.map { try #require(try body($0)["Evaluations"]?.arrayValue) }
        #expect(batches.map(\.count) == [100, 100, 50])
        let ids = batches.flatMap { $0 }.compactMap { $0["ComplianceResourceId"]?.stringValue }
        #expect(ids == all.map(\.resourceID))
        for request in requests {
            #expect(try body(request)["ResultToken"] == .string("tok"))
        }
    }

    @Test("FailedEvaluations for 1 of 3 → a second call carrying only that one, then success")
    func resendFailed() throws {
        let endpoint = try FakeConfigEndpoint()
        endpoint.enqueue(
            "PutEvaluations",
            .json(#"""
                {"FailedEvaluations":[{"ComplianceResourceType":"AWS::ECS::TaskDefinition","ComplianceResourceId":"b",
                "ComplianceType":"COMPLIANT","OrderingTimestamp":1705615540.112}]}
                """#))
        endpoint.setDefault("PutEvaluations", .json(#"{"FailedEvaluations":[]}"#))
        let service = ConfigService(client: try endpoint.client())
        let calls = try service.putEvaluations(
            [evaluation("a"), evaluation("b"), evaluation("c")], resultToken: "tok", testMode: false, context: callContext())
        #expect(calls == 2)
        let requests = endpoint.requests("PutEvaluations")
        try #require(requests.count == 2)
        let first = try #require(try body(requests[0])["Evaluations"]?.arrayValue)
        let second = try #require(try body(requests[1])["Evaluations"]?.arrayValue)
        #expect(first.compactMap { $0["ComplianceResourceId"]?.stringValue } == ["a", "b", "c"])
        #expect(second.compactMap { $0["ComplianceResourceId"]?.stringValue } == ["b"])
        #expect(second.first?["OrderingTimestamp"] == .number("1705615540.112"))
        #expect(try body(requests[1])["ResultToken"] == .string("tok"))
    }

    @Test("FailedEvaluations forever → .evaluationsNotDelivered after a bounded number of calls")
    func failedForever() throws {
        let endpoint = try FakeConfigEndpoint()
        endpoint.setDefault(
            "PutEvaluations",
            .json(#"{"FailedEvaluations":[{"ComplianceResourceType":"AWS::ECS::TaskDefinition","ComplianceResourceId":"a"}]}"#))
        let service = ConfigService(client: try endpoint.client(maxAttempts: 3))
        let error = configRuleError { () throws(ConfigRuleError) in
            try service.putEvaluations([evaluation("a")], resultToken: "tok", testMode: false, context: callContext())
        }
        #expect(error?.code == .evaluationsNotDelivered)
        #expect(error?.errorType == "ConfigRule.EvaluationsNotDelivered")
        #expect(error?.message.contains("a") == true)
        let count = endpoint.requests("PutEvaluations").count
        #expect(count >= 2 && count <= 3, "\(count) calls")
    }

    @Test("AccessDeniedException (HTTP 400) fails at once with errorType ConfigRule.AccessDeniedException")
    func accessDenied() throws {
        let endpoint = try FakeConfigEndpoint()
        endpoint.setDefault(
            "PutEvaluations",
            .json(status: 400, #"{"__type":"com.amazonaws.starlingdove#AccessDeniedException","message":"not authorized to PutEvaluations"}"#))
        let service = ConfigService(client: try endpoint.client(maxAttempts: 5))
        let error = configRuleError { () throws(ConfigRuleError) in
            try service.putEvaluations([evaluation("a")], resultToken: "tok", testMode: false, context: callContext())
        }
        #expect(error?.code == .awsCallFailed)
        #expect(error?.errorType == "ConfigRule.AccessDeniedException")
        #expect(error?.awsError?.awsErrorType == "AccessDeniedException")
        #expect(error?.message.contains("not authorized to PutEvaluations") == true)
        #expect(endpoint.requests.count == 1)
    }

    @Test("throttling is retried and then succeeds")
    func throttlingRetried() throws {
        let endpoint = try FakeConfigEndpoint()
        endpoint.enqueue("PutEvaluations", .json(status: 400, #"{"__type":"ThrottlingException","message":"slow down"}"#))
        endpoint.setDefault("PutEvaluations", .json("{}"))
        let service = ConfigService(client: try endpoint.client(maxAttempts: 3))
        try service.putEvaluations([evaluation("a")], resultToken: "tok", testMode: false, context: callContext())
        #expect(endpoint.requests("PutEvaluations").count == 2)
    }

    // MARK: GetResourceConfigHistory

    @Test("configurationItem(…) sends resourceType, resourceId, laterTime with ms, limit 1, and reads the API item")
    func historyLookup() throws {
        let endpoint = try FakeConfigEndpoint()
        let response = String(decoding: try Payloads.bytes(Payloads.historyResponse), as: UTF8.self)
        endpoint.setDefault("GetResourceConfigHistory", .json(response))
        let service = ConfigService(client: try endpoint.client())
        let item = try #require(try service.configurationItem(
            resourceType: "AWS::ECS::TaskDefinition", resourceID: "testtaskdef",
            laterTime: Timestamp(epochMilliseconds: 1_705_615_540_112), context: callContext()))
        #expect(item.captureTime.epochMilliseconds == 1_705_615_540_112)
        #expect(item.configuration?.pidMode == .string("host"))
        let request = try #require(endpoint.requests("GetResourceConfigHistory").first)
        let object = try body(request)
        #expect(object["resourceType"] == .string("AWS::ECS::TaskDefinition"))
        #expect(object["resourceId"] == .string("testtaskdef"))
        #expect(object["laterTime"] == .number("1705615540.112"))
        #expect(object["limit"]?.numberText.flatMap(Int.init) == 1)
    }

    // MARK: ConfigRuleHandler end to end

    private func handle(_ payload: [UInt8], endpoint: FakeConfigEndpoint, lines: CollectedLines = CollectedLines())
        throws -> Result<[UInt8], ConfigRuleError>
    {
        let handler = ConfigRuleHandler(service: ConfigService(client: try endpoint.client()))
        return handler.handle(event: payload, context: callContext(lines: lines))
    }

    private func responseObject(_ result: Result<[UInt8], ConfigRuleError>) throws -> JSONObject {
        switch result {
        case .success(let bytes):
            return try #require(try JSONParser.parse(bytes).objectValue)
        case .failure(let error):
            Issue.record("invocation failed: \(error)")
            throw error
        }
    }

    private func failure(_ result: Result<[UInt8], ConfigRuleError>) -> ConfigRuleError? {
        if case .failure(let error) = result { return error }
        return nil
    }

    @Test("host event → one PutEvaluations NON_COMPLIANT; response body reports NON_COMPLIANT 1")
    func handleHostEvent() throws {
        let endpoint = try FakeConfigEndpoint()
        endpoint.setDefault("PutEvaluations", .json(#"{"FailedEvaluations":[]}"#))
        let result = try handle(try Payloads.bytes(Payloads.host), endpoint: endpoint)
        let response = try responseObject(result)
        #expect(response["compliance"]?["NON_COMPLIANT"]?.numberText == "1")
        #expect(response["compliance"]?.objectValue?.keys == ["NON_COMPLIANT"])
        #expect(response["evaluationsPut"]?.numberText == "1")
        #expect(response["testMode"] == .bool(false))
        #expect(response["ignored"] == nil || response["ignored"] == .bool(false))

        #expect(endpoint.requests.count == 1)
        let object = try body(try #require(endpoint.requests("PutEvaluations").first))
        #expect(object["ResultToken"] == .string("myResultToken"))
        #expect(object["TestMode"] == nil)
        let wire = try #require(object["Evaluations"]?.arrayValue?.first)
        #expect(wire["ComplianceType"] == .string("NON_COMPLIANT"))
        #expect(wire["ComplianceResourceId"] == .string("testtaskdef"))
        #expect(wire["OrderingTimestamp"] == .number("1705615540.112"))
        let annotation = try #require(wire["Annotation"]?.stringValue)
        #expect(annotation.contains("host") && annotation.contains("testtaskdef:2"))
    }

    @Test("TESTMODE token → TestMode: true with that token; response says testMode")
    func handleTestMode() throws {
        let endpoint = try FakeConfigEndpoint()
        endpoint.setDefault("PutEvaluations", .json("{}"))
        let response = try responseObject(try handle(try Payloads.bytes(Payloads.testMode), endpoint: endpoint))
        #expect(response["testMode"] == .bool(true))
        let object = try body(try #require(endpoint.requests.first))
        #expect(object["TestMode"] == .bool(true))
        #expect(object["ResultToken"] == .string("TESTMODE"))
    }

    @Test("change payloads through the handler deliver the expected compliance", arguments: PayloadRuleTests.expectations)
    func handlePayloads(_ expected: PayloadExpectation) throws {
        let endpoint = try FakeConfigEndpoint()
        endpoint.setDefault("PutEvaluations", .json("{}"))
        let response = try responseObject(try handle(try Payloads.bytes(expected.file), endpoint: endpoint))
        #expect(response["compliance"]?[expected.compliance.rawValue]?.numberText == "1")
        let requests = endpoint.requests("PutEvaluations")
        try #require(requests.count == 1)
        let wire = try #require(try body(requests[0])["Evaluations"]?.arrayValue)
        #expect(wire.count == 1)
        #expect(wire.first?["ComplianceType"] == .string(expected.compliance.rawValue))
        #expect(wire.first?["ComplianceResourceType"] == .string(expected.resourceType))
        #expect(wire.first?["ComplianceResourceId"] == .string(expected.resourceID))
        let ordering = try #require(wire.first?["OrderingTimestamp"]?.numberText)
        #expect(Timestamp(epochSecondsText: ordering)?.epochMilliseconds == expected.orderingMilliseconds)
    }

    @Test("oversized event → GetResourceConfigHistory(laterTime 1705615540.112, limit 1), then PutEvaluations NON_COMPLIANT")
    func handleOversized() throws {
        let endpoint = try FakeConfigEndpoint()
        let response = String(decoding: try Payloads.bytes(Payloads.historyResponse), as: UTF8.self)
        endpoint.setDefault("GetResourceConfigHistory", .json(response))
        endpoint.setDefault("PutEvaluations", .json(#"{"FailedEvaluations":[]}"#))
        let result = try handle(try Payloads.bytes(Payloads.oversized), endpoint: endpoint)
        let summary = try responseObject(result)
        #expect(summary["compliance"]?["NON_COMPLIANT"]?.numberText == "1")
        #expect(summary["messageType"] == .string("OversizedConfigurationItemChangeNotification"))

        let requests = endpoint.requests
        try #require(requests.count == 2)
        #expect(requests[0].header("X-Amz-Target") == "StarlingDoveService.GetResourceConfigHistory")
        #expect(requests[1].header("X-Amz-Target") == "StarlingDoveService.PutEvaluations")
        let lookup = try body(requests[0])
        #expect(lookup["resourceType"] == .string("AWS::ECS::TaskDefinition"))
        #expect(lookup["resourceId"] == .string("testtaskdef"))
        #expect(lookup["laterTime"] == .number("1705615540.112"))
        #expect(requests[0].bodyText.contains(#""laterTime":1705615540.112"#))
        #expect(lookup["limit"]?.numberText.flatMap(Int.init) == 1)
        let wire = try #require(try body(requests[1])["Evaluations"]?.arrayValue?.first)
        #expect(wire["ComplianceType"] == .string("NON_COMPLIANT"))
        #expect(wire["ComplianceResourceId"] == .string("testtaskdef"))
        #expect(wire["ComplianceResourceType"] == .string("AWS::ECS::TaskDefinition"))
        #expect(wire["OrderingTimestamp"] == .number("1705615540.112"))
    }

    @Test("oversized event with an empty history → .configurationItemNotFound and no PutEvaluations")
    func handleOversizedEmptyHistory() throws {
        let endpoint = try FakeConfigEndpoint()
        endpoint.setDefault("GetResourceConfigHistory", .json(#"{"configurationItems":[]}"#))
        endpoint.setDefault("PutEvaluations", .json("{}"))
        let error = failure(try handle(try Payloads.bytes(Payloads.oversized), endpoint: endpoint))
        #expect(error?.code == .configurationItemNotFound)
        #expect(error?.errorType == "ConfigRule.ConfigurationItemNotFound")
        #expect(error?.message.contains("testtaskdef") == true)
        #expect(endpoint.requests("GetResourceConfigHistory").count == 1)
        #expect(endpoint.requests("PutEvaluations").isEmpty)
    }

    @Test("oversized event whose summary is not applicable (deleted) → no lookup, one NOT_APPLICABLE")
    func handleOversizedDeleted() throws {
        var builder = try EventBuilder(payload: Payloads.oversized)
        var summary = try #require(builder.invoking["configurationItemSummary"]?.objectValue)
        summary.set("configurationItemStatus", .string("ResourceDeleted"))
        builder.invoking.set("configurationItemSummary", .object(summary))
        let endpoint = try FakeConfigEndpoint()
        endpoint.setDefault("PutEvaluations", .json("{}"))
        let response = try responseObject(try handle(builder.payload, endpoint: endpoint))
        #expect(response["compliance"]?["NOT_APPLICABLE"]?.numberText == "1")
        #expect(endpoint.requests("GetResourceConfigHistory").isEmpty)
        #expect(endpoint.requests("PutEvaluations").count == 1)
    }

    @Test("AccessDeniedException through the handler → fails at once, one call, errorType ConfigRule.AccessDeniedException")
    func handleAccessDenied() throws {
        let endpoint = try FakeConfigEndpoint()
        endpoint.setDefault(
            "PutEvaluations", .json(status: 400, #"{"__type":"AccessDeniedException","message":"no permission"}"#))
        let error = failure(try handle(try Payloads.bytes(Payloads.host), endpoint: endpoint))
        #expect(error?.code == .awsCallFailed)
        #expect(error?.errorType == "ConfigRule.AccessDeniedException")
        #expect(error?.message.contains("no permission") == true)
        #expect(endpoint.requests.count == 1)
    }

    @Test("snapshot-delivery event → no AWS call; the response body says it was ignored")
    func handleSnapshotDelivery() throws {
        let endpoint = try FakeConfigEndpoint()
        let lines = CollectedLines()
        let response = try responseObject(try handle(try Payloads.bytes(Payloads.snapshotDelivery), endpoint: endpoint, lines: lines))
        #expect(response["ignored"] == .bool(true))
        #expect(response["evaluationsPut"]?.numberText == "0")
        #expect(response["messageType"] == .string("ConfigurationSnapshotDeliveryCompleted"))
        #expect(endpoint.requests.isEmpty)
        let warnings = lines.lines.compactMap { try? JSONParser.parse($0) }.filter { $0["level"] == .string("WARN") }
        // Exactly one WARN saying why; the event's unknown parameter key (myParameterKey) is not read at all.
        #expect(warnings.count == 1, "\(lines.lines)")
        #expect(warnings.first?["message"] == .string("message type ignored: no evaluation reported"))
    }

    @Test("malformed events through the handler → .malformedEvent and no AWS call", arguments: [
        "not json", "[]", #"{"resultToken":"t"}"#,
    ])
    func handleMalformed(_ text: String) throws {
        let endpoint = try FakeConfigEndpoint()
        endpoint.setDefault("PutEvaluations", .json("{}"))
        let error = failure(try handle(Array(text.utf8), endpoint: endpoint))
        #expect(error?.code == .malformedEvent)
        #expect(error?.errorType == "ConfigRule.MalformedEvent")
        #expect(endpoint.requests.isEmpty)
    }

    @Test("status OK with configuration null through the handler → .malformedEvent naming configuration, no AWS call")
    func handleOKWithoutConfiguration() throws {
        var builder = try EventBuilder(payload: Payloads.host)
        builder.item { $0.set("configuration", .null) }
        let endpoint = try FakeConfigEndpoint()
        endpoint.setDefault("PutEvaluations", .json("{}"))
        let error = failure(try handle(builder.payload, endpoint: endpoint))
        #expect(error?.code == .malformedEvent)
        #expect(error?.message.contains("configuration") == true)
        #expect(endpoint.requests.isEmpty)
    }

    @Test("the invocation logs never contain the session token, the secret key or the whole event")
    func noSecretsInLogs() throws {
        let endpoint = try FakeConfigEndpoint()
        endpoint.setDefault("PutEvaluations", .json("{}"))
        let lines = CollectedLines()
        _ = try handle(try Payloads.bytes(Payloads.host), endpoint: endpoint, lines: lines)
        let all = lines.lines.joined(separator: "\n")
        #expect(!lines.lines.isEmpty)
        #expect(!all.contains("secret"))
        #expect(!all.contains("\"token\""))
        #expect(!all.contains("ContainerDefinitions"))
        #expect(!all.contains("myResultToken"))
    }

    // MARK: Periodic sweep (rule-semantics §4)

    private static let scheduledPayload = "derived_scheduled-notification_ecs-rule.json"

    /// An API-shape configuration item (BatchGetResourceConfig) built from the real history response.
    private func apiItem(id: String, pidMode: String?) throws -> JSONValue {
        let response = try Payloads.json(Payloads.historyResponse)
        var item = try #require(response["configurationItems"]?.arrayValue?.first?.objectValue)
        let configurationText = try #require(item["configuration"]?.stringValue)
        var configuration = try #require(try JSONParser.parse(configurationText).objectValue)
        configuration.remove("PidMode")
        if let pidMode { configuration.set("PidMode", .string(pidMode)) }
        item.set("resourceId", .string(id))
        item.set("resourceName", .string("\(id):1"))
        item.set("configuration", .string(String(decoding: JSONWriter.serialize(.object(configuration)), as: UTF8.self)))
        return .object(item)
    }

    @Test("scheduled event with an empty inventory → lists and cleans up, but makes no PutEvaluations call")
    func sweepEmptyInventory() throws {
        let endpoint = try FakeConfigEndpoint()
        endpoint.setDefault("ListDiscoveredResources", .json(#"{"resourceIdentifiers":[]}"#))
        endpoint.setDefault("GetComplianceDetailsByConfigRule", .json(#"{"EvaluationResults":[]}"#))
        let result = try handle(try Payloads.bytes(Self.scheduledPayload), endpoint: endpoint)
        let response = try responseObject(result)
        #expect(response["evaluationsPut"]?.numberText == "0")
        #expect(response["ignored"] == nil)
        let list = try body(try #require(endpoint.requests("ListDiscoveredResources").first))
        #expect(list["resourceType"] == .string("AWS::ECS::TaskDefinition"))
        #expect(list["limit"]?.numberText.flatMap(Int.init) == 100)
        #expect(list["includeDeletedResources"] == nil || list["includeDeletedResources"] == .bool(false))
        #expect(endpoint.requests("PutEvaluations").isEmpty)
    }

    @Test("scheduled sweep: all pages listed, items evaluated, vanished id skipped, stale result cleaned up")
    func sweepInventory() throws {
        let endpoint = try FakeConfigEndpoint()
        endpoint.enqueue(
            "ListDiscoveredResources",
            .json(#"{"resourceIdentifiers":[{"resourceType":"AWS::ECS::TaskDefinition","resourceId":"td-host"},{"resourceType":"AWS::ECS::TaskDefinition","resourceId":"td-task"}],"nextToken":"page-2"}"#),
            .json(#"{"resourceIdentifiers":[{"resourceType":"AWS::ECS::TaskDefinition","resourceId":"td-gone"}]}"#))
        let batch = JSONValue.object(JSONObject([
            "baseConfigurationItems": .array([try apiItem(id: "td-host", pidMode: "host"), try apiItem(id: "td-task", pidMode: "task")]),
            "unprocessedResourceKeys": .array([]),
        ]))
        // Streamed: one read per listed page; td-gone was deleted between the calls (not returned).
        endpoint.enqueue(
            "BatchGetResourceConfig", .json(String(decoding: JSONWriter.serialize(batch), as: UTF8.self)),
            .json(#"{"baseConfigurationItems":[],"unprocessedResourceKeys":[]}"#))
        endpoint.setDefault(
            "GetComplianceDetailsByConfigRule",
            .json(#"""
                {"EvaluationResults":[
                {"EvaluationResultIdentifier":{"EvaluationResultQualifier":{"ConfigRuleName":"ecs-task-definition-pid-mode-custom","ResourceType":"AWS::ECS::TaskDefinition","ResourceId":"td-host"}},"ComplianceType":"NON_COMPLIANT"},
                {"EvaluationResultIdentifier":{"EvaluationResultQualifier":{"ConfigRuleName":"ecs-task-definition-pid-mode-custom","ResourceType":"AWS::ECS::TaskDefinition","ResourceId":"td-old"}},"ComplianceType":"COMPLIANT"}]}
                """#))
        endpoint.setDefault("PutEvaluations", .json(#"{"FailedEvaluations":[]}"#))
        let response = try responseObject(try handle(try Payloads.bytes(Self.scheduledPayload), endpoint: endpoint))
        #expect(response["evaluationsPut"]?.numberText == "3")

        let lists = endpoint.requests("ListDiscoveredResources")
        try #require(lists.count == 2)
        #expect(try body(lists[1])["nextToken"] == .string("page-2"))
        let keys = try endpoint.requests("BatchGetResourceConfig").map { request in
            try #require(try body(request)["resourceKeys"]?.arrayValue).compactMap { $0["resourceId"]?.stringValue }
        }
        #expect(keys == [["td-host", "td-task"], ["td-gone"]])
        let compliance = try body(try #require(endpoint.requests("GetComplianceDetailsByConfigRule").first))
        #expect(compliance["ConfigRuleName"] == .string("ecs-task-definition-pid-mode-custom"))

        // The first page's two evaluations as soon as it is read, the clean-up's one after the listing.
        let puts = endpoint.requests("PutEvaluations")
        try #require(puts.count == 2)
        let evaluations = try puts.flatMap { try #require(try body($0)["Evaluations"]?.arrayValue) }
        #expect(try body(puts[1])["Evaluations"]?.arrayValue?.count == 1)
        var byID: [String: String] = [:]
        for evaluation in evaluations {
            if let id = evaluation["ComplianceResourceId"]?.stringValue { byID[id] = evaluation["ComplianceType"]?.stringValue }
            // OrderingTimestamp = the event's notificationCreationTime 2024-01-19T00:00:00.373Z.
            #expect(evaluation["OrderingTimestamp"] == .number("1705622400.373"))
        }
        #expect(byID == ["td-host": "NON_COMPLIANT", "td-task": "COMPLIANT", "td-old": "NOT_APPLICABLE"])
    }
}
