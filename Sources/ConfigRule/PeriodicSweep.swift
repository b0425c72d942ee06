import AWSClient

/// The periodic sweep (`ScheduledNotification`, rule-semantics §4): evaluate every task definition Config has
/// recorded, and report NOT_APPLICABLE for resources this rule still lists as COMPLIANT/NON_COMPLIANT that are gone
/// from the inventory. All or nothing: if any step fails, the invocation fails rather than reporting part of it.
struct PeriodicSweep {
    let service: ConfigService

    /// What a sweep found.
    struct Outcome {
        var evaluations: [Evaluation]
        /// Resources ListDiscoveredResources returned.
        var inventoryCount: Int
        /// NOT_APPLICABLE evaluations for resources no longer in the inventory.
        var cleanedUpCount: Int
        /// Items that could not be evaluated (an evaluable item without a configuration object).
        var skippedCount: Int
    }

    /// Lists, reads and evaluates the inventory, then computes the clean-up. Makes no PutEvaluations call.
    /// - Parameters:
    ///   - notificationTime: the event's `notificationCreationTime`, every evaluation's `OrderingTimestamp`.
    ///   - configRuleName: the event's rule name (clean-up is skipped with a warning when absent or > 64 characters).
    /// - Throws: ``ConfigRuleError`` when a call fails for good or keys stay unprocessed.
    func run(
        notificationTime: Timestamp,
        configRuleName: String?,
        parameters: RuleParameters,
        context: CallContext
    ) throws(ConfigRuleError) -> Outcome {
        let inventory = try service.discoveredResources(resourceType: ConfigWire.taskDefinitionResourceType, context: context)
        var outcome = Outcome(evaluations: [], inventoryCount: inventory.count, cleanedUpCount: 0, skippedCount: 0)
        outcome.evaluations.reserveCapacity(inventory.count)
        var start = 0
        while start < inventory.count {
            let end = min(start + ConfigWire.maxPageSize, inventory.count)
            for item in try service.configurationItems(for: Array(inventory[start..<end]), context: context) {
                do {
                    outcome.evaluations.append(
                        try PidModeRule.evaluate(item, parameters: parameters, eventLeftScope: false, orderingTimestamp: notificationTime)
                    )
                } catch {
                    outcome.skippedCount += 1
                    context.logger.warn("configuration item not evaluated", [
                        "resourceType": .string(item.resourceType), "resourceId": .string(item.resourceID),
                        "error": .string(error.message),
                    ])
                }
            }
            start = end
        }
        let cleanUp = try staleResults(inventory: inventory, configRuleName: configRuleName, notificationTime: notificationTime, context: context)
        outcome.cleanedUpCount = cleanUp.count
        outcome.evaluations += cleanUp
        return outcome
    }

    /// NOT_APPLICABLE for every resource the rule reports COMPLIANT/NON_COMPLIANT that the inventory no longer has.
    private func staleResults(
        inventory: [ResourceKey],
        configRuleName: String?,
        notificationTime: Timestamp,
        context: CallContext
    ) throws(ConfigRuleError) -> [Evaluation] {
        guard let configRuleName, !configRuleName.isEmpty else {
            context.logger.warn("clean-up skipped: the event has no configRuleName")
            return []
        }
        guard configRuleName.count <= ConfigWire.maxComplianceQueryRuleNameLength else {
            context.logger.warn("clean-up skipped: GetComplianceDetailsByConfigRule accepts rule names of at most 64 characters", [
                "configRuleName": .string(configRuleName),
            ])
            return []
        }
        let present = Set(inventory)
        var seen = Set<ResourceKey>()
        var stale: [Evaluation] = []
        for key in try service.reportedResources(configRuleName: configRuleName, context: context)
        where !present.contains(key) && seen.insert(key).inserted {
            stale.append(Evaluation(
                resourceType: key.resourceType, resourceID: key.resourceID, complianceType: .notApplicable,
                annotation: "resource is no longer in AWS Config's inventory", orderingTimestamp: notificationTime
            ))
        }
        return stale
    }
}
