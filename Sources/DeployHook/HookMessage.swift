import PidModePolicy

/// The hook result's `message` texts. Each names the logical id and the family; a denial ends with the fix.
enum HookMessage {
    static let consequence = "containers would share the host's process namespace."
    /// rule-semantics §9: the hook reads CloudFormation properties, so the fix names `PidMode`.
    static let fix = PidModePolicy.fix(property: HookWire.Property.pidModeCloudFormation)

    static func allowed(_ subject: HookSubject, _ decision: PidModeDecision) -> String {
        "\(subject.name): \(decision.finding)"
    }

    static func denied(_ subject: HookSubject, _ decision: PidModeDecision) -> String {
        "\(subject.name): \(decision.finding): \(consequence) \(fix)"
    }

    static func exempt(_ subject: HookSubject, _ decision: PidModeDecision, _ exception: ApprovedException) -> String {
        "\(subject.name): \(decision.finding), allowed by \(exception.exemptionText)"
    }

    static func expired(_ subject: HookSubject, _ decision: PidModeDecision, _ exception: ApprovedException) -> String {
        "\(subject.name): \(decision.finding); \(exception.expiryText). \(fix)"
    }

    static func deletion(logicalID: String?) -> String {
        "task definition \(logicalID ?? "(no targetLogicalId)"): deletion allowed"
    }

    static func notEvaluated(_ what: String) -> String {
        "\(what): not evaluated (this hook checks \(HookWire.taskDefinitionType) creates and updates only)"
    }
}
