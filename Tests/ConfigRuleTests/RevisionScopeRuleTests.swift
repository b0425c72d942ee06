import JSON
import PidModePolicy
import Testing

@testable import ConfigRule

/// rule-semantics §7 inside the pure rule: the scope is applied after §2's steps 1–4, its facts are asked for only
/// when an item reaches it, and the revision comes from the recorded ARN, never from the resource id.
@Suite("Revision scopes in the rule")
struct RevisionScopeRuleTests {
    static func item(
        family: String = "testtaskdef", revision: Int = 2, status: String = "ACTIVE", pidMode: String = "host",
        itemStatus: String = "OK", configurationARN: Bool = true, itemARN: Bool = true
    ) throws -> ConfigurationItem {
        var builder = try EventBuilder(payload: Payloads.host)
        let arn = "arn:aws:ecs:us-west-2:111111111111:task-definition/\(family):\(revision)"
        builder.item { item in
            item.set("configurationItemStatus", .string(itemStatus))
            item.set("resourceName", .string("\(family):\(revision)"))
            if itemARN { item.set("ARN", .string(arn)) } else { item.remove("ARN") }
        }
        builder.configuration { configuration in
            configuration.set("Status", .string(status))
            configuration.set("PidMode", .string(pidMode))
            if configurationARN { configuration.set("TaskDefinitionArn", .string(arn)) } else { configuration.remove("TaskDefinitionArn") }
        }
        let event = try ConfigEvent(payload: builder.payload)
        guard case .change(let item) = event.invokingEvent else { throw ConfigRuleError(.malformedEvent, "not a change") }
        return item
    }

    static func evaluate(_ item: ConfigurationItem, _ scope: RevisionScope, parameters: RuleParameters = RuleParameters())
        throws -> (Evaluation, [TaskDefinitionRevision?])
    {
        var asked: [TaskDefinitionRevision?] = []
        let evaluation = try PidModeRule.evaluate(
            item, parameters: parameters, eventLeftScope: false, orderingTimestamp: item.captureTime,
            scopeFor: { revision in
                asked.append(revision)
                return scope
            }
        )
        return (evaluation, asked)
    }

    @Test("the revision: configuration.TaskDefinitionArn, else the item's ARN, else none")
    func revisionSources() throws {
        #expect(try Self.item().revision?.description == "testtaskdef:2")
        #expect(try Self.item(configurationARN: false).revision?.description == "testtaskdef:2")
        #expect(try Self.item(configurationARN: false, itemARN: false).revision == nil)
    }

    @Test("in scope: §2 decides; out of scope: NOT_APPLICABLE with the scope's annotation")
    func inAndOut() throws {
        let latest = try #require(TaskDefinitionRevision(arn: "arn:aws:ecs:us-west-2:111111111111:task-definition/testtaskdef:3"))
        let (outside, asked) = try Self.evaluate(try Self.item(), .latestActive(["testtaskdef": latest]))
        #expect(outside.complianceType == .notApplicable)
        #expect(outside.annotation == "revision testtaskdef:2 is not the latest active revision of testtaskdef (testtaskdef:3)")
        #expect(asked.map { $0?.description } == ["testtaskdef:2"])
        let (inside, _) = try Self.evaluate(try Self.item(revision: 3), .latestActive(["testtaskdef": latest]))
        #expect(inside.complianceType == .nonCompliant)
        let (running, _) = try Self.evaluate(
            try Self.item(status: "INACTIVE"),
            .inUse(InUseRevisions(arns: ["arn:aws:ecs:us-west-2:111111111111:task-definition/testtaskdef:2"]))
        )
        #expect(running.complianceType == .nonCompliant, "an INACTIVE revision still running is in IN_USE")
    }

    @Test("items decided before the scope never ask for its facts (no ECS call)")
    func decidedBeforeScope() throws {
        let (deleted, asked) = try Self.evaluate(try Self.item(itemStatus: "ResourceDeleted"), .active)
        #expect(deleted.complianceType == .notApplicable && asked.isEmpty)
        let (skipped, askedSkipped) = try Self.evaluate(
            try Self.item(status: "INACTIVE"), .active, parameters: RuleParameters(skipInactiveTaskDefinitions: true)
        )
        #expect(skipped.annotation.contains("SkipInactiveTaskDefinitions") && askedSkipped.isEmpty)
        let (deleting, askedDeleting) = try Self.evaluate(try Self.item(status: "DELETE_IN_PROGRESS"), .active)
        #expect(deleting.annotation.contains("being deleted") && askedDeleting.isEmpty)
    }

    @Test("a failed lookup is thrown, never turned into a verdict")
    func lookupFailure() throws {
        let item = try Self.item()
        func failing(_ revision: TaskDefinitionRevision?) throws(ConfigRuleError) -> RevisionScope {
            throw ConfigRuleError(.awsCallFailed, "ListTasks failed")
        }
        do {
            let evaluation = try PidModeRule.evaluate(
                item, parameters: RuleParameters(), eventLeftScope: false, orderingTimestamp: item.captureTime, scopeFor: failing
            )
            Issue.record("a verdict despite the failed lookup: \(evaluation)")
        } catch {
            #expect(error.message == "ListTasks failed")
        }
    }
}
