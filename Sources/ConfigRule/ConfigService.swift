import AWSClient
import JSON

/// The AWS Config operations the rule calls, over an awsJson1_1 client. Blocking; owned by the runtime loop.
public final class ConfigService {
    let client: AWSJSONClient

    public init(client: AWSJSONClient) {
        self.client = client
    }

    /// Delivers `evaluations` with PutEvaluations, at most 100 per call; evaluations Config lists in
    /// `FailedEvaluations` are sent again (up to the retry policy's attempts, inside the deadline). An empty list
    /// makes no call.
    /// - Returns: the number of PutEvaluations calls that succeeded.
    /// - Throws: ``ConfigRuleError`` `.awsCallFailed` (the AWS error of the failing call) or
    ///   `.evaluationsNotDelivered` (some evaluations were still failed after the last re-send).
    @discardableResult
    public func putEvaluations(
        _ evaluations: [Evaluation],
        resultToken: String,
        testMode: Bool,
        context: CallContext
    ) throws(ConfigRuleError) -> Int {
        var calls = 0
        var start = 0
        while start < evaluations.count {
            let end = min(start + ConfigWire.maxEvaluationsPerCall, evaluations.count)
            calls += try putBatch(Array(evaluations[start..<end]), resultToken: resultToken, testMode: testMode, context: context)
            start = end
        }
        return calls
    }

    /// One batch of ≤ 100, re-sending only what Config reported as failed.
    private func putBatch(
        _ batch: [Evaluation],
        resultToken: String,
        testMode: Bool,
        context: CallContext
    ) throws(ConfigRuleError) -> Int {
        var pending = batch
        var round = 0
        while true {
            round += 1
            let output: JSONValue
            do {
                output = try client.call(
                    ConfigWire.Operation.putEvaluations, payload: Self.putEvaluationsRequest(pending, resultToken: resultToken, testMode: testMode),
                    context: context
                )
            } catch {
                throw ConfigRuleError.aws(error)
            }
            let failed = output["FailedEvaluations"]?.arrayValue ?? []
            if failed.isEmpty { return round }
            pending = Self.matching(failed, in: pending)
            context.logger.warn("PutEvaluations returned FailedEvaluations", [
                "failedCount": .int(failed.count), "round": .int(round),
            ])
            guard client.backOff(afterAttempt: round, context: context) else {
                throw ConfigRuleError(
                    .evaluationsNotDelivered,
                    "PutEvaluations kept failing \(pending.count) evaluation(s) after \(round) attempt(s), e.g. "
                        + "\(pending.first.map { "\($0.resourceType) \($0.resourceID)" } ?? "?")"
                )
            }
        }
    }

    /// The PutEvaluations request body, written directly (no ``JSONValue`` tree for 100 evaluations).
    static func putEvaluationsRequest(_ evaluations: [Evaluation], resultToken: String, testMode: Bool) -> [UInt8] {
        var body: [UInt8] = []
        body.reserveCapacity(64 + resultToken.utf8.count + evaluations.count * 256)
        body.append(contentsOf: #"{"Evaluations":["#.utf8)
        for (index, evaluation) in evaluations.enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            evaluation.appendWireJSON(to: &body)
        }
        body.append(contentsOf: #"],"ResultToken":"#.utf8)
        JSONWriter.appendString(resultToken, to: &body)
        if testMode { body.append(contentsOf: #","TestMode":true"#.utf8) }
        body.append(UInt8(ascii: "}"))
        return body
    }

    /// Our evaluations that Config listed as failed (by resource type and id); all of `pending` when none match.
    private static func matching(_ failed: [JSONValue], in pending: [Evaluation]) -> [Evaluation] {
        let keys = Set(failed.compactMap { value -> String? in
            guard let type = value["ComplianceResourceType"]?.stringValue,
                let id = value["ComplianceResourceId"]?.stringValue
            else { return nil }
            return type + "\u{0}" + id
        })
        let matched = pending.filter { keys.contains($0.resourceType + "\u{0}" + $0.resourceID) }
        return matched.isEmpty ? pending : matched
    }

    /// One awsJson call whose failure becomes ``ConfigRuleError`` `.awsCallFailed`.
    func call(_ operation: String, _ request: JSONObject, context: CallContext) throws(ConfigRuleError) -> JSONValue {
        do {
            return try client.call(operation, body: .object(request), context: context)
        } catch {
            throw ConfigRuleError.aws(error)
        }
    }

    /// The newest configuration item of a resource captured at or before `laterTime`
    /// (GetResourceConfigHistory with `limit` 1; `laterTime` is sent with millisecond precision).
    /// - Returns: `nil` when Config's history has no such item.
    /// - Throws: ``ConfigRuleError`` `.awsCallFailed`, or `.malformedEvent`-style errors for an unreadable item.
    public func configurationItem(
        resourceType: String,
        resourceID: String,
        laterTime: Timestamp,
        context: CallContext
    ) throws(ConfigRuleError) -> ConfigurationItem? {
        let request = JSONObject([
            "resourceType": .string(resourceType),
            "resourceId": .string(resourceID),
            "laterTime": laterTime.epochSecondsJSON,
            "limit": .number("1"),
        ])
        let output = try call(ConfigWire.Operation.getResourceConfigHistory, request, context: context)
        guard let first = output["configurationItems"]?.arrayValue?.first else { return nil }
        guard let object = first.objectValue else {
            throw ConfigRuleError(.awsCallFailed, "GetResourceConfigHistory returned a configuration item that is not an object")
        }
        return try ConfigurationItem(apiItem: object, path: "GetResourceConfigHistory.configurationItems[0]")
    }
}

@available(*, unavailable)
extension ConfigService: Sendable {}
