import JSON

/// The hook result, posted as the invocation's `/response` body:
/// `{"hookStatus", "errorCode" (FAILED only), "message", "clientRequestToken"}`.
public struct HookResult: Sendable, Equatable {
    public var status: HookWire.Status
    /// Present exactly when ``status`` is `FAILED`.
    public var errorCode: HookWire.ErrorCode?
    /// At most ``HookWire/maxMessageLength`` characters (UTF-16 units), cut with `…` when longer.
    public var message: String
    /// The event's `clientRequestToken`, echoed verbatim; JSON `null` when the event has none.
    public var clientRequestToken: JSONValue

    public static func success(_ message: String, token: JSONValue) -> HookResult {
        HookResult(status: .success, errorCode: nil, message: message, clientRequestToken: token)
    }

    public static func failed(_ code: HookWire.ErrorCode, _ message: String, token: JSONValue) -> HookResult {
        HookResult(status: .failed, errorCode: code, message: message, clientRequestToken: token)
    }

    private init(status: HookWire.Status, errorCode: HookWire.ErrorCode?, message: String, clientRequestToken: JSONValue) {
        self.status = status
        self.errorCode = errorCode
        self.message = Self.limited(message)
        self.clientRequestToken = clientRequestToken
    }

    /// The JSON body for `/invocation/{id}/response`.
    public func jsonBody() -> [UInt8] {
        var object = JSONObject()
        object.append(HookWire.Result.hookStatus, .string(status.rawValue))
        if let errorCode { object.append(HookWire.Result.errorCode, .string(errorCode.rawValue)) }
        object.append(HookWire.Result.message, .string(message))
        object.append(HookWire.Result.clientRequestToken, clientRequestToken)
        return JSONWriter.serialize(.object(object))
    }

    /// `text` cut to `limit` UTF-16 units (default ``HookWire/maxMessageLength``), whole characters only, ending in
    /// `…` when cut.
    static func limited(_ text: String, to limit: Int = HookWire.maxMessageLength) -> String {
        guard text.utf16.count > limit else { return text }
        var kept = ""
        var used = 1  // the ellipsis
        for character in text {
            let width = character.utf16.count
            if used + width > limit { break }
            kept.append(character)
            used += width
        }
        return kept + "…"
    }
}
