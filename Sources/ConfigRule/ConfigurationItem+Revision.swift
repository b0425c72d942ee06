import PidModePolicy

extension ConfigurationItem {
    /// The task-definition revision the item describes (rule-semantics §7): `configuration.TaskDefinitionArn` (or
    /// `taskDefinitionArn`), else the item's ARN; `nil` when neither parses as `…:task-definition/<family>:<n>`.
    /// The resource id is never used (Config's id format for task definitions is not relied on).
    public var revision: TaskDefinitionRevision? {
        for candidate in [configuration?.taskDefinitionArn, arn] {
            if let candidate, let revision = TaskDefinitionRevision(arn: candidate) { return revision }
        }
        return nil
    }

    /// The family and revision number for exception matching (§8): from ``revision``, else from
    /// `configuration.Family`/`Revision` (either casing); the family alone when no revision number is recorded.
    var exceptionSubjectFamilyAndRevision: (family: String?, revision: Int?) {
        if let parsed = revision { return (parsed.family, parsed.revision) }
        let family = configuration?.family.flatMap { $0.isEmpty ? nil : $0 }
        return (family, configuration?.revision.flatMap { Int($0) })
    }
}
