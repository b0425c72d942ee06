import JSON

/// The decoded `invokingEvent`: what triggered this invocation.
public enum InvokingEvent: Sendable, Equatable {
    /// `ConfigurationItemChangeNotification`: the item is in the event.
    case change(ConfigurationItem)
    /// `OversizedConfigurationItemChangeNotification`: only a summary; the item must be fetched.
    case oversizedChange(summary: ConfigurationItem)
    /// `ScheduledNotification`: a periodic trigger.
    case scheduled(notificationCreationTime: Timestamp)
    /// Any other message type (e.g. the legacy `ConfigurationSnapshotDeliveryCompleted`): nothing to evaluate.
    case other(messageType: String)

    /// Decodes the invoking event object (already parsed from its JSON string).
    /// - Throws: ``ConfigRuleError`` `.malformedEvent` naming the missing or mistyped field.
    init(object: JSONObject) throws(ConfigRuleError) {
        let path = "invokingEvent"
        let fields = FieldReader(object: object, path: path)
        let messageType = try fields.requiredString("messageType")
        switch messageType {
        case ConfigWire.MessageType.change:
            let item = try fields.requiredObject("configurationItem")
            self = .change(try ConfigurationItem(notification: item, path: "\(path).configurationItem"))
        case ConfigWire.MessageType.oversizedChange:
            let summary = try fields.requiredObject("configurationItemSummary")
            self = .oversizedChange(summary: try ConfigurationItem(notification: summary, path: "\(path).configurationItemSummary"))
        case ConfigWire.MessageType.scheduled:
            let field = "notificationCreationTime"
            guard let value = object[field], let time = Timestamp(json: value) else {
                throw ConfigRuleError.malformed("\(path).\(field)", "is missing or not an ISO-8601 time")
            }
            self = .scheduled(notificationCreationTime: time)
        default:
            self = .other(messageType: messageType)
        }
    }

    /// The message type's wire name.
    public var messageType: String {
        switch self {
        case .change: ConfigWire.MessageType.change
        case .oversizedChange: ConfigWire.MessageType.oversizedChange
        case .scheduled: ConfigWire.MessageType.scheduled
        case .other(let messageType): messageType
        }
    }
}
