import CurlHTTP
import Foundation
import JSON
import LoopbackHTTPServer
import SigV4
import StructuredLogging

@testable import AWSClient

/// 2024-01-18T21:50:00Z, the botocore vectors' signing time, in epoch milliseconds.
let fixedNowMilliseconds: Int64 = 1_705_614_600_000

let testCredentials = Credentials(
    accessKeyID: "AKIDEXAMPLE",
    secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    sessionToken: "IQoJb3JpZ2luX2VjEXAMPLE+token/with=chars")

/// Collects every log line; safe to call from any thread.
final class LogCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [String] = []

    var lines: [String] { lock.withLock { storage } }

    var logger: Logger {
        Logger(minimumLevel: .trace, format: .json, writer: { [self] line in lock.withLock { storage.append(line) } })
    }
}

/// A fake clock and sleeper: `sleep` records the delay and advances the clock by it (nothing really sleeps).
final class FakeTime {
    var now: Int64
    private(set) var sleeps: [Int] = []
    private(set) var jitterCeilings: [Int] = []
    /// What `jitter` returns for a ceiling (recorded in `jitterCeilings`).
    var jitterValue: (Int) -> Int

    init(now: Int64 = fixedNowMilliseconds, jitterValue: @escaping (Int) -> Int = { $0 / 2 + 3 }) {
        self.now = now
        self.jitterValue = jitterValue
    }

    var clock: () -> Int64 { { [self] in now } }
    var sleep: (Int) -> Void { { [self] in sleeps.append($0); now += Int64($0) } }
    var jitter: (Int) -> Int { { [self] ceiling in jitterCeilings.append(ceiling); return jitterValue(ceiling) } }
}

/// An `AWSJSONClient` for AWS Config pointed at a loopback server, with a fake clock.
struct ClientHarness {
    let server: LoopbackHTTPServer
    let time: FakeTime
    let client: AWSJSONClient
    let logs = LogCollector()

    init(
        server: LoopbackHTTPServer,
        path: String = "/",
        credentials: Credentials = testCredentials,
        policy: RetryPolicy = RetryPolicy(),
        time: FakeTime = FakeTime()
    ) throws {
        self.server = server
        self.time = time
        let endpoint = try requireEndpoint(server.baseURL + path)
        client = AWSJSONClient(
            service: .config, endpoint: endpoint,
            environment: AWSEnvironment(region: "eu-west-3", credentials: credentials),
            session: try CurlSession(),
            retries: RetryRunner(policy: policy, clock: time.clock, sleep: time.sleep, jitter: time.jitter),
            clock: time.clock)
    }

    func context(deadlineIn milliseconds: Int64 = 60_000, traceID: String? = nil) -> CallContext {
        CallContext(deadlineMilliseconds: time.now + milliseconds, traceID: traceID, logger: logs.logger)
    }

    /// Calls `operation` and returns the `AWSClientError` it throws; throws itself when the call succeeded.
    func callError(
        _ operation: String = "PutEvaluations", body: JSONValue = .object(JSONObject()), context: CallContext
    ) throws -> AWSClientError {
        let output: JSONValue
        do {
            output = try client.call(operation, body: body, context: context)
        } catch {
            return error
        }
        throw HarnessError(description: "expected \(operation) to fail, got \(output)")
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
}

/// `Endpoint(url:)` or a thrown error (usable in throwing initialisers, unlike `#require`).
func requireEndpoint(_ url: String) throws -> Endpoint {
    guard let endpoint = Endpoint(url: url) else { throw HarnessError(description: "not an endpoint URL: \(url)") }
    return endpoint
}

/// An AWS JSON error reply.
func awsError(
    status: Int = 400,
    type: String,
    message: String = "",
    requestID: String = "11111111-2222-3333-4444-555555555555"
) -> ScriptedReply {
    .respond(
        status: status,
        headers: [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-RequestId", requestID)],
        body: Array(#"{"__type":"\#(type)","message":"\#(message)"}"#.utf8))
}

func awsOK(_ json: String, requestID: String = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee") -> ScriptedReply {
    .respond(
        status: 200,
        headers: [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-RequestId", requestID)],
        body: Array(json.utf8))
}

extension RecordedRequest {
    /// The field values whose name is exactly `name` (casing included).
    func exactFields(_ name: String) -> [String] {
        headers.filter { $0.name == name }.map(\.value)
    }
}

/// The parts of an `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` value.
struct AuthorizationHeader {
    var credential: String
    var signedHeaders: [String]
    var signature: String

    init?(_ value: String) {
        let prefix = "AWS4-HMAC-SHA256 "
        guard value.hasPrefix(prefix) else { return nil }
        var fields: [String: String] = [:]
        for part in value.dropFirst(prefix.count).split(separator: ",") {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            guard let equals = trimmed.firstIndex(of: "=") else { return nil }
            fields[String(trimmed[..<equals])] = String(trimmed[trimmed.index(after: equals)...])
        }
        guard let credential = fields["Credential"], let signed = fields["SignedHeaders"], let signature = fields["Signature"],
            fields.count == 3
        else { return nil }
        self.credential = credential
        self.signedHeaders = signed.split(separator: ";").map(String.init)
        self.signature = signature
    }
}
