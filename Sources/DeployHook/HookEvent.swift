import JSON

/// A CloudFormation Lambda Hook invocation, read as far as the decision needs (`prevention-research.md` §1.3–§1.4).
public struct HookEvent: Sendable, Equatable {
    /// What the hook is asked about.
    public enum Target: Sendable, Equatable {
        /// `AWS::ECS::TaskDefinition` created or updated (CloudFormation or Cloud Control API): its proposed properties.
        case taskDefinition(properties: JSONObject)
        /// `AWS::ECS::TaskDefinition` deleted: always allowed.
        case taskDefinitionDeletion
        /// Anything the hook does not evaluate: another resource type, or a `STACK` / `CHANGE_SET` target. The text
        /// names it for the message and the WARN.
        case notEvaluated(String)
    }

    /// The top-level `clientRequestToken`, verbatim; `null` when absent.
    public var clientRequestToken: JSONValue
    /// `requestData.targetLogicalId` (for Cloud Control API a constructed value); `nil` when absent.
    public var logicalID: String?
    /// `actionInvocationPoint`, e.g. `CREATE_PRE_PROVISION`.
    public var invocationPoint: String?
    /// The top-level `awsAccountId`; `nil` when absent (then no exception restricted to accounts matches).
    public var accountID: String?
    public var target: Target

    /// The token of any JSON object that may be a hook event, for answers about events that can't be read:
    /// `clientRequestToken`, else a member of that name in another letter case (the Hooks guide's STACK shape spells
    /// it `clientRequesttoken`), else `null`.
    public static func clientRequestToken(of event: JSONObject) -> JSONValue {
        if let token = event[HookWire.Event.clientRequestToken] { return token }
        let wanted = HookWire.Event.clientRequestToken.lowercased()
        return event.members.last { $0.key.lowercased() == wanted }?.value ?? .null
    }

    /// Reads a hook event.
    /// - Throws: ``DeployHookError`` `.malformedEvent` naming the member when `requestData` is missing or not an
    ///   object, `targetName` is not a string, or a task definition's `actionInvocationPoint` is not one of the three
    ///   points, or its create/update has no `targetModel.resourceProperties` object.
    public init(_ event: JSONObject) throws(DeployHookError) {
        clientRequestToken = Self.clientRequestToken(of: event)
        accountID = event[HookWire.Event.awsAccountID]?.stringValue
        invocationPoint = event[HookWire.Event.actionInvocationPoint]?.stringValue
        let requestPath = HookWire.Event.requestData
        guard let requestValue = event[requestPath], !requestValue.isNull else {
            throw DeployHookError.malformed(requestPath, "is missing")
        }
        guard let request = requestValue.objectValue else {
            throw DeployHookError.malformed(requestPath, "must be an object, not \(requestValue.typeName)")
        }
        logicalID = request[HookWire.RequestData.targetLogicalID]?.stringValue
        let targetType = request[HookWire.RequestData.targetType]?.stringValue
        let namePath = "\(requestPath).\(HookWire.RequestData.targetName)"
        guard let targetName = request[HookWire.RequestData.targetName]?.stringValue else {
            throw DeployHookError.malformed(namePath, request[HookWire.RequestData.targetName].map { "must be a string, not \($0.typeName)" } ?? "is missing")
        }
        if targetType == HookWire.TargetType.stack || targetType == HookWire.TargetType.changeSet
            || targetName == HookWire.TargetType.stack || targetName == HookWire.TargetType.changeSet
        {
            target = .notEvaluated("\(targetType ?? targetName) target \(logicalID ?? "(no targetLogicalId)")")
            return
        }
        guard targetName == HookWire.taskDefinitionType else {
            target = .notEvaluated("\(logicalID ?? "resource without targetLogicalId") (\(targetName))")
            return
        }
        switch invocationPoint {
        case HookWire.InvocationPoint.delete?:
            target = .taskDefinitionDeletion
        case HookWire.InvocationPoint.create?, HookWire.InvocationPoint.update?:
            target = .taskDefinition(properties: try Self.properties(of: request, path: requestPath))
        case let other?:
            throw DeployHookError.malformed(HookWire.Event.actionInvocationPoint, "'\(other)' is not one of \(HookWire.InvocationPoint.create), \(HookWire.InvocationPoint.update), \(HookWire.InvocationPoint.delete)")
        case nil:
            throw DeployHookError.malformed(
                HookWire.Event.actionInvocationPoint,
                event[HookWire.Event.actionInvocationPoint].map { "must be a string, not \($0.typeName)" } ?? "is missing")
        }
    }

    /// `requestData.targetModel.resourceProperties`, which must be an object on create and update.
    private static func properties(of request: JSONObject, path: String) throws(DeployHookError) -> JSONObject {
        let modelPath = "\(path).\(HookWire.RequestData.targetModel)"
        guard let modelValue = request[HookWire.RequestData.targetModel] else {
            throw DeployHookError.malformed(modelPath, "is missing")
        }
        guard let model = modelValue.objectValue else {
            throw DeployHookError.malformed(modelPath, "must be an object, not \(modelValue.typeName)")
        }
        let propertiesPath = "\(modelPath).\(HookWire.RequestData.resourceProperties)"
        guard let propertiesValue = model[HookWire.RequestData.resourceProperties] else {
            throw DeployHookError.malformed(propertiesPath, "is missing")
        }
        guard let properties = propertiesValue.objectValue else {
            throw DeployHookError.malformed(propertiesPath, "must be an object, not \(propertiesValue.typeName)")
        }
        return properties
    }
}
