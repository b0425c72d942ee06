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

/// One page of a paged listing and the token of the next page (`nil` after the last).
public struct ResourcePage: Sendable {
    public var keys: [ResourceKey]
    public var nextToken: String?
}

/// The inventory reads of the periodic sweep, one page or one batch per call so that the sweep can stream.
extension ConfigService {
    /// One page (≤ 100) of the resources of `resourceType` Config has discovered (deleted ones excluded):
    /// ListDiscoveredResources with `limit` 100.
    /// - Parameter nextToken: the previous page's token, `nil` for the first page.
    /// - Throws: ``ConfigRuleError`` `.awsCallFailed`, also for an unreadable page.
    public func discoveredResourcesPage(resourceType: String, nextToken: String?, context: CallContext) throws(ConfigRuleError) -> ResourcePage {
        var request = JSONObject([
            "resourceType": .string(resourceType), "limit": .number(String(ConfigWire.maxPageSize)),
        ])
        if let nextToken { request.append("nextToken", .string(nextToken)) }
        return try readPage(
            ConfigWire.Operation.listDiscoveredResources, request, items: "resourceIdentifiers", token: "nextToken",
            readKey: { cursor throws(JSONParseError) in try Self.readTypeAndID(&cursor, Self.listKeyMembers) },
            missing: "an identifier without resourceType/resourceId",
            context: context
        )
    }

    private static let listKeyMembers = JSONKeySet(["resourceType", "resourceId"])
    private static let resultIdentifier = JSONKeySet(["EvaluationResultIdentifier"])
    private static let resultQualifier = JSONKeySet(["EvaluationResultQualifier"])
    private static let resultKeyMembers = JSONKeySet(["ResourceType", "ResourceId"])

    /// Calls a paged operation and reads its reply with a ``JSONCursor``: the keys of the `items` array (each read by
    /// `readKey`) and the `token` member. Nothing else is built.
    /// - Throws: ``ConfigRuleError`` `.awsCallFailed` for a failed call, a reply that is not a JSON object, or an item
    ///   without a string type and id (`missing` says what).
    private func readPage(
        _ operation: String,
        _ request: JSONObject,
        items: String,
        token: String,
        readKey: (inout JSONCursor) throws(JSONParseError) -> ResourceKey?,
        missing: String,
        context: CallContext
    ) throws(ConfigRuleError) -> ResourcePage {
        let body: [UInt8]
        do {
            body = try client.callReturningBody(operation, body: .object(request), context: context)
        } catch {
            throw ConfigRuleError.aws(error)
        }
        var page = ResourcePage(keys: [], nextToken: nil)
        try Self.readReply(body, operation: operation, names: JSONKeySet([items, token])) { member, cursor in
            switch member {
            case 0:
                guard try cursor.peekKind() == .array else { return try cursor.skipValue() }
                page.keys = []
                try cursor.enterArray()
                while try cursor.nextElement() {
                    guard let key = try readKey(&cursor) else {
                        throw ConfigRuleError(.awsCallFailed, "\(operation) returned \(missing)")
                    }
                    page.keys.append(key)
                }
            case 1:
                page.nextToken = try cursor.value().stringValue.flatMap { $0.isEmpty ? nil : $0 }
            default:
                try cursor.skipValue()
            }
        }
        return page
    }

    /// Reads an AWS reply (a JSON object) member by member with a ``JSONCursor``: `member` gets each member's index
    /// in `names` (`-1` for others) and must consume its value. Nothing else is built.
    /// - Throws: ``ConfigRuleError`` `.awsCallFailed` naming `operation` for a body that is not one JSON object, or
    ///   what `member` throws.
    static func readReply(
        _ body: [UInt8],
        operation: String,
        names: JSONKeySet,
        member: (Int, inout JSONCursor) throws -> Void
    ) throws(ConfigRuleError) {
        do {
            try body.withUnsafeBufferPointer { bytes in
                var cursor = JSONCursor(bytes)
                guard try cursor.peekKind() == .object else {
                    throw ConfigRuleError(.awsCallFailed, "\(operation) returned a body that is not a JSON object")
                }
                try cursor.enterObject()
                while let index = try cursor.nextMember(names) {
                    try member(index, &cursor)
                }
                try cursor.finish()
            }
        } catch let error as ConfigRuleError {
            throw error
        } catch {
            throw ConfigRuleError(.awsCallFailed, "\(operation) returned a body that is not JSON: \(error)")
        }
    }

    /// The resource key of the object at `cursor`: its members named by `names` (type, then id; the last member of
    /// each name wins, as in ``JSONObject``); `nil` when it is not an object or type and id are not both strings. The
    /// task-definition type is the one shared string, not a new copy per key.
    private static func readTypeAndID(_ cursor: inout JSONCursor, _ names: JSONKeySet) throws(JSONParseError) -> ResourceKey? {
        guard try cursor.peekKind() == .object else {
            try cursor.skipValue()
            return nil
        }
        try cursor.enterObject()
        var type: String?
        var id: String?
        while let member = try cursor.nextMember(names) {
            switch member {
            case 0: type = try cursor.string(reusing: ConfigWire.taskDefinitionResourceType)
            case 1: id = try cursor.string()
            default: try cursor.skipValue()
            }
        }
        guard let type, let id else { return nil }
        return ResourceKey(resourceType: type, resourceID: id)
    }

    /// The resource key of an `EvaluationResults` element: `EvaluationResultIdentifier.EvaluationResultQualifier`'s
    /// `ResourceType` and `ResourceId`; `nil` when a level is missing or not an object.
    private static func readResultKey(_ cursor: inout JSONCursor) throws(JSONParseError) -> ResourceKey? {
        try readMember(&cursor, resultIdentifier) { identifier throws(JSONParseError) in
            try readMember(&identifier, resultQualifier) { qualifier throws(JSONParseError) in
                try readTypeAndID(&qualifier, resultKeyMembers)
            }
        }
    }

    /// What `read` makes of the member named by `name` (a one-name set) of the object at `cursor`, the last such
    /// member winning; `nil` when the value is not an object or has no such member.
    private static func readMember(
        _ cursor: inout JSONCursor,
        _ name: JSONKeySet,
        _ read: (inout JSONCursor) throws(JSONParseError) -> ResourceKey?
    ) throws(JSONParseError) -> ResourceKey? {
        guard try cursor.peekKind() == .object else {
            try cursor.skipValue()
            return nil
        }
        try cursor.enterObject()
        var found: ResourceKey?
        while let member = try cursor.nextMember(name) {
            if member == 0 { found = try read(&cursor) } else { try cursor.skipValue() }
        }
        return found
    }

    /// The current configuration items of `keys` (≤ 100) via BatchGetResourceConfig, each read once from the reply's
    /// bytes without building what the rule never reads (``ConfigurationItem/scanAPIItem(_:path:scratch:)``). Keys
    /// Config reports as unprocessed are asked for again (backoff between rounds, inside the deadline); keys Config no
    /// longer knows (deleted since they were listed) are simply absent from the result.
    /// - Parameter scratch: a buffer reused for decoding each item's `configuration` string.
    /// - Throws: ``ConfigRuleError`` `.awsCallFailed`; also when keys stay unprocessed after the last round.
    public func configurationItems(
        for keys: [ResourceKey],
        scratch: inout [UInt8],
        context: CallContext
    ) throws(ConfigRuleError) -> [ConfigurationItem] {
        var items: [ConfigurationItem] = []
        items.reserveCapacity(keys.count)
        var pending = keys
        var round = 0
        while !pending.isEmpty {
            round += 1
            let request = JSONObject(["resourceKeys": .array(pending.map(\.wireValue))])
            let body: [UInt8]
            do {
                body = try client.callReturningBody(ConfigWire.Operation.batchGetResourceConfig, body: .object(request), context: context)
            } catch {
                throw ConfigRuleError.aws(error)
            }
            pending = try Self.readBatch(body, into: &items, scratch: &scratch)
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

    private static let batchMembers = JSONKeySet(["baseConfigurationItems", "unprocessedResourceKeys"])

    /// Appends the items of one BatchGetResourceConfig reply to `items`; returns its unprocessed keys.
    private static func readBatch(
        _ body: [UInt8],
        into items: inout [ConfigurationItem],
        scratch: inout [UInt8]
    ) throws(ConfigRuleError) -> [ResourceKey] {
        let operation = ConfigWire.Operation.batchGetResourceConfig
        var unprocessed: [ResourceKey] = []
        try readReply(body, operation: operation, names: batchMembers) { member, cursor in
            switch member {
            case 0:
                guard try cursor.peekKind() == .array else { return try cursor.skipValue() }
                try cursor.enterArray()
                var index = 0
                while try cursor.nextElement() {
                    let path = { "\(operation).baseConfigurationItems[\(index)]" }
                    if let item = try ConfigurationItem.scanAPIItem(&cursor, path: path, scratch: &scratch) {
                        items.append(item)
                    }
                    index += 1
                }
            case 1:
                unprocessed = (try cursor.value().arrayValue ?? []).compactMap { value in
                    guard let type = value["resourceType"]?.stringValue, let id = value["resourceId"]?.stringValue else { return nil }
                    return ResourceKey(resourceType: type, resourceID: id)
                }
            default:
                try cursor.skipValue()
            }
        }
        return unprocessed
    }

    /// Rounds of BatchGetResourceConfig for one batch (the first included) before unprocessed keys fail the sweep.
    static let maxUnprocessedRounds = 5

    /// One page (≤ 100) of the resources that `configRuleName` currently reports COMPLIANT or NON_COMPLIANT:
    /// GetComplianceDetailsByConfigRule with `Limit` 100.
    /// - Throws: ``ConfigRuleError`` `.awsCallFailed`.
    public func reportedResourcesPage(configRuleName: String, nextToken: String?, context: CallContext) throws(ConfigRuleError) -> ResourcePage {
        var request = JSONObject([
            "ConfigRuleName": .string(configRuleName),
            "ComplianceTypes": .array([.string(ComplianceType.compliant.rawValue), .string(ComplianceType.nonCompliant.rawValue)]),
            "Limit": .number(String(ConfigWire.maxPageSize)),
        ])
        if let nextToken { request.append("NextToken", .string(nextToken)) }
        return try readPage(
            ConfigWire.Operation.getComplianceDetailsByConfigRule, request, items: "EvaluationResults", token: "NextToken",
            readKey: { cursor throws(JSONParseError) in try Self.readResultKey(&cursor) },
            missing: "a result without ResourceType/ResourceId",
            context: context
        )
    }
}
