import JSON

/// The CloudFormation Lambda Hook event shapes the benchmark mixes in with `--hook-events`, all derived from
/// `events/hook-create-host.json` (rule-semantics §9).
enum HookVariant: String, CaseIterable {
    /// CREATE, `PidMode: host`.
    case host
    /// UPDATE, `PidMode: task`.
    case task
    /// CREATE without `PidMode`.
    case absent
    /// CREATE, `PidMode: ""`.
    case empty
    /// DELETE of a host task definition.
    case delete

    /// The hook result's `hookStatus` §9 requires.
    var expectedStatus: String {
        switch self {
        case .host, .empty: "FAILED"
        case .task, .absent, .delete: "SUCCESS"
        }
    }

    /// Its `errorCode` (absent on SUCCESS).
    var expectedErrorCode: String? { expectedStatus == "FAILED" ? "NonCompliant" : nil }
}

extension EventPlan {
    /// `count` hook events: variants drawn with `seed`, logical id `TaskDefinition00042`, family `hook-family-00042`,
    /// unique `clientRequestToken`, request id and trace id per event.
    static func buildHooks(templatePath: String, count: Int, seed: UInt64) throws -> [PlannedEvent] {
        guard case .object(let outer) = try JSONParser.parse(try readFile(templatePath)),
            case .object(let request)? = outer["requestData"],
            case .object(let model)? = request["targetModel"],
            case .object(let properties)? = model["resourceProperties"]
        else {
            throw HarnessError("\(templatePath): requestData.targetModel.resourceProperties not found")
        }
        var rng = SplitMix64(seed: seed ^ 0x686F_6F6B)  // "hook": its own stream, the Config mix stays as it was
        var events: [PlannedEvent] = []
        events.reserveCapacity(count)
        for index in 0..<count {
            let variant = HookVariant.allCases[rng.below(HookVariant.allCases.count)]
            let logicalID = "TaskDefinition\(pad(index, 5))"
            var newProperties = properties
            newProperties.set("Family", .string("hook-family-\(pad(index, 5))"))
            switch variant {
            case .host, .delete: newProperties.set("PidMode", .string("host"))
            case .task: newProperties.set("PidMode", .string("task"))
            case .absent: newProperties.remove("PidMode")
            case .empty: newProperties.set("PidMode", .string(""))
            }
            var newModel = model
            newModel.set("resourceProperties", .object(variant == .delete ? JSONObject() : newProperties))
            newModel.set("previousResourceProperties", .object(variant == .delete ? newProperties : JSONObject()))
            var newRequest = request
            newRequest.set("targetLogicalId", .string(logicalID))
            newRequest.set("targetModel", .object(newModel))
            let point = switch variant {
            case .task: "UPDATE_PRE_PROVISION"
            case .delete: "DELETE_PRE_PROVISION"
            case .host, .absent, .empty: "CREATE_PRE_PROVISION"
            }
            let token = "hook-\(pad(index, 5))-\(hex(rng.next(), width: 16))"
            var newOuter = outer
            newOuter.set("actionInvocationPoint", .string(point))
            newOuter.set("clientRequestToken", .string(token))
            newOuter.set("requestData", .object(newRequest))
            let (requestID, traceID) = invocationIDs(
                index: index, epochSeconds: baseCaptureMilliseconds / 1_000, variantDigit: "9", rng: &rng
            )
            events.append(PlannedEvent(
                index: index, kind: .hook(variant), requestID: requestID, traceID: traceID, resultToken: token,
                resourceID: logicalID, captureEpochMilliseconds: 0, payload: JSONWriter.serialize(.object(newOuter))
            ))
        }
        return events
    }
}
