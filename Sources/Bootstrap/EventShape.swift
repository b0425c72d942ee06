import JSON

/// Which front door a payload belongs to, told apart by shape (rule-semantics §9), parsed once.
enum EventShape {
    /// A CloudFormation Lambda Hook event: top-level `hookTypeName` and `requestData`. An object with only one of
    /// the two and neither Config member is a hook event too, one the hook answers as unreadable (`InternalFailure`
    /// naming what is missing) rather than a Lambda error CloudFormation can't show.
    case hook(JSONObject)
    /// A Config rule event (`invokingEvent` and `resultToken`) or any other JSON: the Config rule decides it or
    /// reports it malformed (§5).
    case config(JSONValue)
    /// Not JSON at all: the Config rule's malformed-event path reports it.
    case unparsed

    enum Member {
        static let hookTypeName = "hookTypeName"
        static let requestData = "requestData"
        static let invokingEvent = "invokingEvent"
        static let resultToken = "resultToken"
    }

    init(payload: [UInt8]) {
        guard let document = try? JSONParser.parse(payload) else {
            self = .unparsed
            return
        }
        guard let object = document.objectValue else {
            self = .config(document)
            return
        }
        let hasHookType = object[Member.hookTypeName] != nil
        let hasRequestData = object[Member.requestData] != nil
        let hasConfigMember = object[Member.invokingEvent] != nil || object[Member.resultToken] != nil
        if hasHookType && hasRequestData || (hasHookType || hasRequestData) && !hasConfigMember {
            self = .hook(object)
        } else {
            self = .config(document)
        }
    }
}
