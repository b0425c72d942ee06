import PidModePolicy

/// ECS task-definition documents: `register-task-definition --cli-input-json` input (top-level `pidMode`),
/// `describe-task-definition` output (`taskDefinition.pidMode`), or an array of either.
enum TaskDefinitionJSONReader {
    /// Whether `document` is a task definition, a describe output, or an array holding at least one of them.
    static func recognizes(_ document: SourceNode) -> Bool {
        if let elements = document.elements { return elements.contains { taskDefinition(in: $0) != nil } }
        return taskDefinition(in: document) != nil
    }

    static func sites(in document: SourceNode, file: String) -> [TaskDefinitionSite] {
        let candidates = document.elements ?? [document]
        return candidates.compactMap { candidate in
            guard let definition = taskDefinition(in: candidate) else { return nil }
            return site(definition, file: file)
        }
    }

    /// The task-definition object: `node` itself when it has `containerDefinitions`, or its `taskDefinition` member.
    private static func taskDefinition(in node: SourceNode) -> SourceNode? {
        if node["containerDefinitions"] != nil, node.members != nil { return node }
        if let inner = node["taskDefinition"], inner["containerDefinitions"] != nil, inner.members != nil { return inner }
        return nil
    }

    private static func site(_ definition: SourceNode, file: String) -> TaskDefinitionSite {
        let family = definition["family"]?.stringValue
        let revision: Int? = if case .number(let text) = definition["revision"]?.content { Int(text) } else { nil }
        let resource = switch (family, revision) {
        case (let family?, let revision?): "\(family):\(revision)"
        case (let family?, nil): family
        default: "(task definition without a family)"
        }
        let value: PidModeValue
        let position: SourcePosition
        if let pidMode = definition["pidMode"] {
            value = .literal(pidMode.jsonValue)
            position = pidMode.position
        } else {
            value = .absent
            position = definition.position
        }
        return TaskDefinitionSite(
            file: file, position: position, format: .taskDefinition, resource: resource, value: .single(value),
            family: family, revision: revision)
    }
}
