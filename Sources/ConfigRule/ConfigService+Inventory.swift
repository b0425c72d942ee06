import AWSClient
import JSON

/// A resource as Config's inventory or compliance results name it.
public struct ResourceKey: Sendable, Hashable {
    public var resourceType: String
    public var resourceID: String

    public init(resourceType: String, resourceID: String) {
        self.resourceType = resourceType
        self.resourceID = resourceID
    }

    var wireValue: JSONValue {
        .object(JSONObject(["resourceType": .string(resourceType), "resourceId": .string(resourceID)]))
    }
}

/// The inventory reads of the periodic sweep.
extension ConfigService {
    /// Every resource of `resourceType` Config has discovered (deleted ones excluded), all pages of
    /// ListDiscoveredResources (`limit` 100).
    /// - Throws: ``ConfigRuleError`` `.awsCallFailed`, or `.awsCallFailed` for an unreadable page.
    public func discoveredResources(resourceType: String, context: CallContext) throws(ConfigRuleError) -> [ResourceKey] {
        var keys: [ResourceKey] = []
        var token: String?
        repeat {
            var request = JSONObject([
                "resourceType": .string(resourceType), "limit": .number(String(ConfigWire.maxPageSize)),
            ])
            if let token { request.append("nextToken", .string(token)) }
            let page = try call(ConfigWire.Operation.listDiscoveredResources, request, context: context)
            for identifier in page["resourceIdentifiers"]?.arrayValue ?? [] {
                guard let type = identifier["resourceType"]?.stringValue, let id = identifier["resourceId"]?.stringValue
                else {
                    throw ConfigRuleError(.awsCallFailed, "ListDiscoveredResources returned an identifier without resourceType/resourceId")
                }
                keys.append(ResourceKey(resourceType: type, resourceID: id))
            }
            token = page["nextToken"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        } while token != nil
        return keys
    }

    /// The current configuration items of `keys` (≤ 100) in the API shape, via BatchGetResourceConfig. Keys Config
    /// reports as unprocessed are asked for again (backoff between rounds, inside the deadline); keys Config no longer
    /// knows (deleted since they were listed) are simply absent from the result.
    /// - Throws: ``ConfigRuleError`` `.awsCallFailed`; also when keys stay unprocessed after the last round.
    public func configurationItems(for keys: [ResourceKey], context: CallContext) throws(ConfigRuleError) -> [ConfigurationItem] {
        var items: [ConfigurationItem] = []
        var pending = keys
        var round = 0
        while !pending.isEmpty {
            round += 1
            let request = JSONObject(["resourceKeys": .array(pending.map(\.wireValue))])
            let output = try call(ConfigWire.Operation.batchGetResourceConfig, request, context: context)
            for (index, value) in (output["baseConfigurationItems"]?.arrayValue ?? []).enumerated() {
                guard let object = value.objectValue else { continue }
                items.append(try ConfigurationItem(apiItem: object, path: "BatchGetResourceConfig.baseConfigurationItems[\(index)]"))
            }
            pending = (output["unprocessedResourceKeys"]?.arrayValue ?? []).compactMap { value in
                guard let type = value["resourceType"]?.stringValue, let id = value["resourceId"]?.stringValue else { return nil }
                return ResourceKey(resourceType: type, resourceID: id)
            }
            guard !pending.isEmpty else { break }
            context.logger.warn("BatchGetResourceConfig left keys unprocessed", [
                "unprocessed": .int(pending.count), "round": .int(round),
            ])
            guard round < Self.maxUnprocessedRounds, client.backOff(afterAttempt: round, context: context) else {
                throw ConfigRuleError(
                    .awsCallFailed,
                    "BatchGetResourceConfig left \(pending.count) key(s) unprocessed after \(round) round(s), e.g. \(pending[0].resourceID)"
                )
            }
        }
        return items
    }

    /// Rounds of BatchGetResourceConfig for one batch (the first included) before unprocessed keys fail the sweep.
    static let maxUnprocessedRounds = 5

    /// Every resource that `configRuleName` currently reports COMPLIANT or NON_COMPLIANT, all pages of
    /// GetComplianceDetailsByConfigRule (`Limit` 100).
    /// - Throws: ``ConfigRuleError`` `.awsCallFailed`.
    public func reportedResources(configRuleName: String, context: CallContext) throws(ConfigRuleError) -> [ResourceKey] {
        var keys: [ResourceKey] = []
        var token: String?
        repeat {
            var request = JSONObject([
                "ConfigRuleName": .string(configRuleName),
                "ComplianceTypes": .array([.string(ComplianceType.compliant.rawValue), .string(ComplianceType.nonCompliant.rawValue)]),
                "Limit": .number(String(ConfigWire.maxPageSize)),
            ])
            if let token { request.append("NextToken", .string(token)) }
            let page = try call(ConfigWire.Operation.getComplianceDetailsByConfigRule, request, context: context)
            for result in page["EvaluationResults"]?.arrayValue ?? [] {
                let qualifier = result["EvaluationResultIdentifier"]?["EvaluationResultQualifier"]
                guard let type = qualifier?["ResourceType"]?.stringValue, let id = qualifier?["ResourceId"]?.stringValue else {
                    throw ConfigRuleError(.awsCallFailed, "GetComplianceDetailsByConfigRule returned a result without ResourceType/ResourceId")
                }
                keys.append(ResourceKey(resourceType: type, resourceID: id))
            }
            token = page["NextToken"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        } while token != nil
        return keys
    }
}
