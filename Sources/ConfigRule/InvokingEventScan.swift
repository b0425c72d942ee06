import JSON

/// Reads the `invokingEvent` JSON text of a Config event with a ``JSONCursor``, building only the members the rule
/// reads: the message type, the notification time, the configuration item (or the oversized notification's summary)
/// with its identity, status, capture time, ARN and region, and of its `configuration` only the members
/// ``TaskDefinitionFacts`` reads. Containers, environment, relationships and tags are validated and skipped, never
/// built.
///
/// The result is the invoking event object with those members, in document order (a repeated member is kept
/// repeated, so the last one still wins), for ``InvokingEvent/init(object:)``: decoding and errors are the same as for
/// the fully parsed object.
enum InvokingEventScan {
    private static let eventMembers = ["messageType", "notificationCreationTime", "configurationItem", "configurationItemSummary"]
    private static let eventKeys = JSONKeySet(eventMembers)
    private static let itemMembers = [
        "resourceType", "resourceId", "resourceName", "configurationItemStatus", "configurationItemCaptureTime", "ARN", "arn",
        "awsRegion", "configuration",
    ]
    private static let itemKeys = JSONKeySet(itemMembers)
    private static let configurationMembers = TaskDefinitionFacts.Member.allCases.map(\.name)
    private static let configurationKeys = JSONKeySet(configurationMembers)

    /// The invoking event's members that the rule reads, from one JSON document.
    /// - Returns: the document itself, built, when it is not an object (the caller rejects it by its type).
    /// - Throws: ``JSONParseError`` when the bytes are not one JSON document, skipped parts included.
    static func scan(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> JSONValue {
        var cursor = JSONCursor(bytes)
        let value: JSONValue
        if try cursor.peekKind() == .object {
            value = .object(try object(&cursor, keeping: eventMembers, eventKeys) { index, cursor throws(JSONParseError) in
                guard index == 2 || index == 3, try cursor.peekKind() == .object else { return try cursor.value() }
                return .object(try item(&cursor))
            })
        } else {
            value = try cursor.value()
        }
        try cursor.finish()
        return value
    }

    /// A configuration item (or summary) with only ``itemMembers``; its `configuration` with only the facts' members.
    private static func item(_ cursor: inout JSONCursor) throws(JSONParseError) -> JSONObject {
        try object(&cursor, keeping: itemMembers, itemKeys) { index, cursor throws(JSONParseError) in
            guard index == itemMembers.count - 1, try cursor.peekKind() == .object else { return try cursor.value() }
            return .object(try object(&cursor, keeping: configurationMembers, configurationKeys) { _, cursor throws(JSONParseError) in
                try cursor.value()
            })
        }
    }

    /// The object at `cursor` with only the members named in `names` (`keys` is their key set), each built by `read`
    /// (given its index in `names`); the others are skipped.
    private static func object(
        _ cursor: inout JSONCursor,
        keeping names: [String],
        _ keys: JSONKeySet,
        read: (Int, inout JSONCursor) throws(JSONParseError) -> JSONValue
    ) throws(JSONParseError) -> JSONObject {
        var object = JSONObject()
        try cursor.enterObject()
        while let index = try cursor.nextMember(keys) {
            if index >= 0 {
                object.append(names[index], try read(index, &cursor))
            } else {
                try cursor.skipValue()
            }
        }
        return object
    }
}
