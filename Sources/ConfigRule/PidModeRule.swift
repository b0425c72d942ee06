import JSON
import PidModePolicy

/// The rule itself, a pure function: configuration item + parameters → one evaluation. No I/O, no clock.
///
/// Decision record: `shared/docs/rule-semantics.md` §2. Applicability is checked in this order: left scope, item
/// status, resource type, task-definition status; then `pidMode` equal to `host` (any casing) is NON_COMPLIANT and
/// everything else COMPLIANT.
public enum PidModeRule {
    /// Evaluates one configuration item.
    /// - Parameters:
    ///   - scope: the revision scope (§7) with its facts, applied after §2's steps 1–4: a revision outside it is
    ///     NOT_APPLICABLE with the scope's annotation. A revision that cannot be parsed is evaluated as under `ALL`.
    ///   - eventLeftScope: the event's `eventLeftScope` flag.
    ///   - orderingTimestamp: the item's capture time (change) or the notification time (periodic sweep).
    /// - Throws: ``ConfigRuleError`` `.malformedEvent` when an evaluable item (`OK`, `ResourceDiscovered`) has no
    ///   `configuration` object: nothing can be decided about it.
    public static func evaluate(
        _ item: ConfigurationItem,
        parameters: RuleParameters,
        scope: RevisionScope = .all,
        eventLeftScope: Bool,
        orderingTimestamp: Timestamp
    ) throws(ConfigRuleError) -> Evaluation {
        try evaluate(
            item, parameters: parameters, eventLeftScope: eventLeftScope, orderingTimestamp: orderingTimestamp,
            scopeFor: { _ in scope }
        )
    }

    /// ``evaluate(_:parameters:scope:eventLeftScope:orderingTimestamp:)`` with the scope's facts fetched only when
    /// §2's steps 1–4 leave the item to the scope: `scopeFor` is called at most once, with the item's revision
    /// (`nil` when none can be parsed), so a deleted or out-of-scope item costs no ECS call.
    /// - Throws: what `scopeFor` throws (a failed ECS lookup never becomes a verdict), or `.malformedEvent`.
    public static func evaluate(
        _ item: ConfigurationItem,
        parameters: RuleParameters,
        eventLeftScope: Bool,
        orderingTimestamp: Timestamp,
        scopeFor: (TaskDefinitionRevision?) throws(ConfigRuleError) -> RevisionScope
    ) throws(ConfigRuleError) -> Evaluation {
        func result(_ type: ComplianceType, _ annotation: String) -> Evaluation {
            Evaluation(
                resourceType: item.resourceType, resourceID: item.resourceID, complianceType: type,
                annotation: annotation, orderingTimestamp: orderingTimestamp
            )
        }
        if let reason = notApplicableReason(item, eventLeftScope: eventLeftScope) {
            return result(.notApplicable, reason)
        }
        guard let configuration = item.configuration else {
            if [ConfigWire.ItemStatus.ok, ConfigWire.ItemStatus.discovered].contains(item.status) {
                throw ConfigRuleError.malformed("configurationItem.configuration", "must be an object for status \(item.status)")
            }
            return result(.notApplicable, "configuration item status \(item.status) has no configuration")
        }
        let name = displayName(item, configuration: configuration)
        let status = configuration.status
        if status == ConfigWire.TaskDefinitionStatus.deleteInProgress {
            return result(.notApplicable, "task definition \(name) is being deleted")
        }
        if status == ConfigWire.TaskDefinitionStatus.inactive, parameters.skipInactiveTaskDefinitions {
            return result(.notApplicable, "deregistered revision \(name) skipped (SkipInactiveTaskDefinitions)")
        }
        let revision = item.revision
        if let exclusion = try scopeFor(revision).exclusion(of: revision, name: name, status: status) {
            return result(.notApplicable, exclusion)
        }
        return decide(pidMode: pidModeValue(configuration), name: name, result: result)
    }

    /// The NOT_APPLICABLE reason that needs no `configuration` (scope, item status, resource type), or `nil` when
    /// the item must be evaluated. An oversized notification uses it to skip the configuration lookup.
    public static func notApplicableReason(_ item: ConfigurationItem, eventLeftScope: Bool) -> String? {
        if eventLeftScope {
            return "resource left the rule's scope"
        }
        if ConfigWire.ItemStatus.notApplicable.contains(item.status) {
            return "configuration item status is \(item.status)"
        }
        if item.resourceType != ConfigWire.taskDefinitionResourceType {
            return "not an ECS task definition (\(item.resourceType))"
        }
        return nil
    }

    /// The recorded pid mode (``TaskDefinitionFacts/pidMode``) as the shared policy reads it.
    static func pidModeValue(_ configuration: TaskDefinitionFacts) -> PidModeValue {
        configuration.pidMode.map(PidModeValue.literal) ?? .absent
    }

    /// The shared policy's decision under the recorded reading (§2), as an evaluation naming `family:revision`.
    private static func decide(
        pidMode: PidModeValue,
        name: String,
        result: (ComplianceType, String) -> Evaluation
    ) -> Evaluation {
        let decision = PidModePolicy.decide(pidMode, reading: .recorded)
        switch decision.verdict {
        case .noncompliant:
            return result(
                .nonCompliant,
                "\(decision.finding) (\(name)): containers share the host's process namespace. \(PidModePolicy.fix)"
            )
        case .compliant, .indeterminate:
            // A recorded configuration is always literal: indeterminate can't arise here.
            return result(.compliant, "\(decision.finding) (\(name))")
        }
    }

    /// The annotation of a NON_COMPLIANT item whose exception has lapsed (§8):
    /// `pidMode is 'host' (node-exporter:12); exception EXC-0042 expired 2027-02-01 (owner …)`.
    static func lapsedExceptionAnnotation(_ item: ConfigurationItem, exception: ApprovedException) -> String {
        let configuration = item.configuration ?? TaskDefinitionFacts()
        let finding = PidModePolicy.decide(pidModeValue(configuration), reading: .recorded).finding
        return "\(finding) (\(displayName(item, configuration: configuration))); \(exception.expiryText)"
    }

    /// `family:revision` for annotations: the item's `resourceName`, else `Family:Revision`, else the resource id.
    private static func displayName(_ item: ConfigurationItem, configuration: TaskDefinitionFacts) -> String {
        if let name = item.resourceName, !name.isEmpty { return name }
        if let family = configuration.family {
            if let revision = configuration.revision {
                return "\(family):\(revision)"
            }
            return family
        }
        return item.resourceID
    }
}
