import JSON

/// A JSON or YAML document value with the position where it is written: what the readers of CloudFormation,
/// task-definition and Terraform plan documents walk, whichever syntax the file used.
///
/// YAML short-form tags (`!Ref Mode`, `!If [c, a, b]`) arrive here as the long form (`{"Ref": "Mode"}`,
/// `{"Fn::If": [...]}`), positioned at the tag.
public struct SourceNode: Sendable {
    public indirect enum Content: Sendable {
        case null
        case bool(Bool)
        /// A number as written (YAML numbers that are not JSON numbers, such as `0x1F` or `.inf`, keep their text).
        case number(String)
        case string(String)
        case array([SourceNode])
        case object([SourceMember])
    }

    public var content: Content
    public var position: SourcePosition

    public init(_ content: Content, at position: SourcePosition) {
        self.content = content
        self.position = position
    }

    /// The member named `key` when this is an object (the last one of that name, as JSON parsers commonly do).
    public subscript(key: String) -> SourceNode? {
        member(key)?.value
    }

    /// The member named `key` with the position of its key, when this is an object.
    public func member(_ key: String) -> SourceMember? {
        guard case .object(let members) = content else { return nil }
        return members.last { $0.key == key }
    }

    public var members: [SourceMember]? {
        guard case .object(let members) = content else { return nil }
        return members
    }

    public var elements: [SourceNode]? {
        guard case .array(let elements) = content else { return nil }
        return elements
    }

    public var stringValue: String? {
        guard case .string(let text) = content else { return nil }
        return text
    }

    /// The value as plain JSON (positions dropped).
    public var jsonValue: JSONValue {
        switch content {
        case .null: .null
        case .bool(let flag): .bool(flag)
        case .number(let text): .number(text)
        case .string(let text): .string(text)
        case .array(let elements): .array(elements.map(\.jsonValue))
        case .object(let members): .object(JSONObject(members.map { JSONObject.Member(key: $0.key, value: $0.value.jsonValue) }))
        }
    }
}

/// One member of an object: its key, where the key is written, and its value.
public struct SourceMember: Sendable {
    public var key: String
    public var keyPosition: SourcePosition
    public var value: SourceNode

    public init(key: String, keyPosition: SourcePosition, value: SourceNode) {
        self.key = key
        self.keyPosition = keyPosition
        self.value = value
    }
}
