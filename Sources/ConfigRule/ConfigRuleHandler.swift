import AWSClient
import ExceptionsSource
import JSON
import Metrics
import StructuredLogging

/// The Config-rule side of one invocation: decode the event, decide, deliver with PutEvaluations, summarise.
///
/// Knows nothing of the Lambda Runtime API: the executable adapts it to the runtime loop.
public final class ConfigRuleHandler {
    private let service: ConfigService
    private let sweepWorkers: [ConfigService]
    private let sweepCleanUp: ConfigService?
    private let scopes: RevisionScopeLoader
    private let exceptions: ExceptionsReader
    private let region: String?
    private let roles: RoleCredentialsProvider?
    private let partition: String

    /// - Parameters:
    ///   - sweepWorkers: one service (own connection) per thread that reads and delivers pages of the periodic sweep
    ///     while `service` lists; empty runs the sweep on the calling thread alone.
    ///   - sweepCleanUp: the service (own connection) on whose thread the periodic sweep pages its clean-up query
    ///     (GetComplianceDetailsByConfigRule) while `service` lists; `nil` pages it on the calling thread once the
    ///     listing is complete.
    ///   - ecs: the ECS reads of the revision scopes `LATEST_ACTIVE` and `IN_USE` (signed like the Config calls, with
    ///     the assumed role for organization rules); `nil` fails invocations that need them.
    ///   - roles: assumes `ExecutionRoleName` in the event's account (organization rules); `nil` disables it.
    ///   - partition: the ARN partition for role ARNs (`aws`, `aws-cn`, `aws-us-gov`).
    public init(
        service: ConfigService, sweepWorkers: [ConfigService] = [], sweepCleanUp: ConfigService? = nil, ecs: ECSService? = nil,
        roles: RoleCredentialsProvider? = nil, partition: String = "aws", exceptions: ExceptionsReader? = nil, region: String? = nil
    ) {
        self.service = service
        self.sweepWorkers = sweepWorkers
        self.sweepCleanUp = sweepCleanUp
        self.scopes = RevisionScopeLoader(ecs: ecs)
        self.exceptions = exceptions ?? ExceptionsReader(ssm: nil, environmentParameterName: nil)
        self.region = region
        self.roles = roles
        self.partition = partition
    }

    /// Called once per invocation. Blocks until every AWS call for the event is finished, then returns the response
    /// body (a small JSON summary) or the error that fails the invocation. Never traps on any payload.
    public func handle(event payload: [UInt8], context: CallContext) -> Result<[UInt8], ConfigRuleError> {
        run(eventBytes: payload.count, context: context) { () throws(ConfigRuleError) in try ConfigEvent(payload: payload) }
    }

    /// The same for a payload already parsed by the caller (it is not parsed again); `eventBytes` is its size, for
    /// the log.
    public func handle(event document: JSONValue, eventBytes: Int, context: CallContext) -> Result<[UInt8], ConfigRuleError> {
        run(eventBytes: eventBytes, context: context) { () throws(ConfigRuleError) in try ConfigEvent(document: document) }
    }

    private func run(
        eventBytes: Int,
        context: CallContext,
        decode: () throws(ConfigRuleError) -> ConfigEvent
    ) -> Result<[UInt8], ConfigRuleError> {
        let started = WallClock.monotonicNanoseconds()
        func elapsed() -> LogValue { .double(Double(WallClock.monotonicNanoseconds() - started) / 1e6) }
        do {
            let body = try evaluateAndDeliver(try decode(), context: context)
            context.logger.info("invocation completed", ["durationMs": elapsed(), "eventBytes": .int(eventBytes)])
            return .success(body)
        } catch {
            return .failure(error)  // the runtime loop logs it with the error document it posts
        }
    }

    private func evaluateAndDeliver(_ event: ConfigEvent, context: CallContext) throws(ConfigRuleError) -> [UInt8] {
        if case .other = event.invokingEvent {
            // Ignored before its parameters are read: the one WARN says why, no second one about unused parameters.
            context.logger.with("messageType", .string(event.invokingEvent.messageType)).warn("message type ignored: no evaluation reported")
            context.metrics.count(.ignoredEvents)
            return Self.summary(messageType: event.invokingEvent.messageType, evaluations: [], ignored: true, testMode: event.testMode)
        }
        if case .scheduled = event.invokingEvent { context.metrics.setMode(.sweep) }
        let (parameters, warnings) = RuleParameters.parse(event.ruleParametersValue)
        for warning in warnings {
            context.logger.warn(warning)
        }
        // The registry is read (if at all) with the function's own credentials, before any role is assumed.
        let exemptions = Exemptions(
            source: exceptions.source(
                parameterName: parameters.exceptionsParameterName, now: event.notificationTime?.epochMilliseconds,
                maxExceptionDays: parameters.maxExceptionDays, context: context
            ),
            accountID: event.accountID, functionRegion: region, exemptComplianceType: parameters.exemptComplianceType,
            metrics: context.metrics
        )
        let context = try contextForAccount(of: event, parameters: parameters, context: context)
        let logger = context.logger.with("messageType", .string(event.invokingEvent.messageType))
        let evaluations: [Evaluation]
        switch event.invokingEvent {
        case .change(let item):
            evaluations = [
                try evaluateChange(
                    item, event: event, parameters: parameters, exemptions: exemptions, orderingTimestamp: item.captureTime,
                    context: context
                )
            ]
        case .oversizedChange(let summary):
            evaluations = [
                try evaluateOversized(summary, event: event, parameters: parameters, exemptions: exemptions, context: context)
            ]
        case .scheduled(let notificationTime):
            return try sweep(
                event: event, notificationTime: notificationTime, parameters: parameters, exemptions: exemptions, context: context
            )
        case .other:
            return Self.summary(messageType: event.invokingEvent.messageType, evaluations: [], ignored: true, testMode: event.testMode)
        }
        let calls = try service.putEvaluations(evaluations, resultToken: event.resultToken, testMode: event.testMode, context: context)
        Self.countDelivered(evaluations, in: context.metrics)
        for evaluation in evaluations {
            logger.info("evaluation delivered", [
                "resourceType": .string(evaluation.resourceType), "resourceId": .string(evaluation.resourceID),
                "complianceType": .string(evaluation.complianceType.rawValue), "testMode": .bool(event.testMode),
                "evaluationsPut": .int(evaluations.count), "putEvaluationsCalls": .int(calls),
                "exempted": .int(exemptions.exemptedCount), "exceptionsExpired": .int(exemptions.expiredCount),
            ])
        }
        var body = Self.summaryObject(
            messageType: event.invokingEvent.messageType, evaluations: evaluations, ignored: false, testMode: event.testMode
        )
        exemptions.appendCounts(to: &body)
        return JSONWriter.serialize(.object(body))
    }

    /// The call context for the event's account: with `ExecutionRoleName` set, every AWS call of the invocation is
    /// signed with that role assumed in the event's `accountId`; otherwise the function's own credentials.
    private func contextForAccount(
        of event: ConfigEvent,
        parameters: RuleParameters,
        context: CallContext
    ) throws(ConfigRuleError) -> CallContext {
        guard let roleName = parameters.executionRoleName else { return context }
        guard let account = event.accountID, account.count == 12, account.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw ConfigRuleError.malformed("accountId", "must be a 12-digit account id when ExecutionRoleName is set")
        }
        guard let roles else {
            throw ConfigRuleError(.awsCallFailed, "ExecutionRoleName is set but role assumption is not configured")
        }
        let roleARN = "arn:\(partition):iam::\(account):role/\(roleName)"
        var assumed = context
        do {
            assumed.credentials = try roles.credentials(forRole: roleARN, context: context).credentials
        } catch {
            throw ConfigRuleError.aws(error)
        }
        assumed.logger = context.logger.with("accountId", .string(account))
        return assumed
    }

    /// `ScheduledNotification`: the periodic sweep, streamed (``PeriodicSweep``).
    private func sweep(
        event: ConfigEvent,
        notificationTime: Timestamp,
        parameters: RuleParameters,
        exemptions: Exemptions,
        context: CallContext
    ) throws(ConfigRuleError) -> [UInt8] {
        let started = WallClock.monotonicNanoseconds()
        defer { context.metrics.set(.sweepDuration, Double(WallClock.monotonicNanoseconds() - started) / 1e6) }
        let scope = try scopes.sweepScope(parameters.evaluatedRevisions, context: context)
        let sweep = PeriodicSweep(
            jobs: SweepJobs(service: service, workers: sweepWorkers), notificationTime: notificationTime,
            configRuleName: event.configRuleName, parameters: parameters, scope: scope, exemptions: exemptions,
            delivery: SweepDelivery(resultToken: event.resultToken, testMode: event.testMode), cleanUpService: sweepCleanUp,
            context: context
        )
        let counts = try sweep.run()
        context.metrics.set(.sweepSucceeded, 1)
        counts.annotating(context.logger).info("sweep delivered", [
            "nonCompliant": .int(counts.delivered[.nonCompliant] ?? 0),
            "evaluatedRevisions": .string(scope.parameter.rawValue), "ecsCalls": .int(scopes.ecsCalls),
            "exempted": .int(exemptions.exemptedCount), "exceptionsExpired": .int(exemptions.expiredCount),
            "durationMs": .double(Double(WallClock.monotonicNanoseconds() - started) / 1e6),
        ])
        var body = Self.summaryObject(
            messageType: event.invokingEvent.messageType, counts: counts.delivered, ignored: false, testMode: event.testMode
        )
        body.append("inventory", .number(String(counts.listed)))
        body.append("cleanedUp", .number(String(counts.cleanedUp)))
        body.append("skipped", .number(String(counts.skipped)))
        exemptions.appendCounts(to: &body)
        return JSONWriter.serialize(.object(body))
    }

    /// An oversized notification: decide from the summary when no configuration is needed, else fetch the item
    /// Config recorded at the summary's capture time and evaluate it like a change.
    private func evaluateOversized(
        _ summary: ConfigurationItem,
        event: ConfigEvent,
        parameters: RuleParameters,
        exemptions: Exemptions,
        context: CallContext
    ) throws(ConfigRuleError) -> Evaluation {
        if PidModeRule.notApplicableReason(summary, eventLeftScope: event.eventLeftScope) != nil {
            return try PidModeRule.evaluate(
                summary, parameters: parameters, eventLeftScope: event.eventLeftScope, orderingTimestamp: summary.captureTime
            )
        }
        guard
            var item = try service.configurationItem(
                resourceType: summary.resourceType, resourceID: summary.resourceID, laterTime: summary.captureTime,
                context: context
            )
        else {
            throw ConfigRuleError(
                .configurationItemNotFound,
                "GetResourceConfigHistory returned no configuration item for \(summary.resourceType) \(summary.resourceID) "
                    + "at or before \(summary.captureTime)"
            )
        }
        if item.captureTime != summary.captureTime {
            context.logger.warn("history item differs from the notification", [
                "resourceId": .string(summary.resourceID), "expectedCaptureTime": .string(summary.captureTime.description),
                "foundCaptureTime": .string(item.captureTime.description),
            ])
        }
        // The evaluation names the resource exactly as the notification did.
        item.resourceType = summary.resourceType
        item.resourceID = summary.resourceID
        return try evaluateChange(
            item, event: event, parameters: parameters, exemptions: exemptions, orderingTimestamp: summary.captureTime,
            context: context
        )
    }

    /// One changed item under the rule's revision scope: the scope's ECS facts are read only when §2's steps 1–4
    /// leave the item to the scope (rule-semantics §7); a NON_COMPLIANT verdict then goes through the approved
    /// exceptions (§8).
    private func evaluateChange(
        _ item: ConfigurationItem,
        event: ConfigEvent,
        parameters: RuleParameters,
        exemptions: Exemptions,
        orderingTimestamp: Timestamp,
        context: CallContext
    ) throws(ConfigRuleError) -> Evaluation {
        let evaluation = try PidModeRule.evaluate(
            item, parameters: parameters, eventLeftScope: event.eventLeftScope, orderingTimestamp: orderingTimestamp,
            scopeFor: { revision throws(ConfigRuleError) in
                try scopes.changeScope(
                    parameters.evaluatedRevisions, revision: revision, name: item.resourceName ?? item.resourceID, context: context
                )
            }
        )
        return try exemptions.apply(evaluation, item: item)
    }

    /// Adds delivered evaluations to the `Evaluations<ComplianceType>` counts.
    static func countDelivered(_ evaluations: [Evaluation], in metrics: InvocationMetrics) {
        for type in ComplianceType.allCases {
            let count = evaluations.filter { $0.complianceType == type }.count
            guard count > 0 else { continue }
            switch type {
            case .compliant: metrics.count(.evaluationsCompliant, by: count)
            case .nonCompliant: metrics.count(.evaluationsNonCompliant, by: count)
            case .notApplicable: metrics.count(.evaluationsNotApplicable, by: count)
            }
        }
    }

    /// The invocation's response body: `{"messageType", "evaluationsPut", "compliance": {type: count}, "testMode"}`.
    static func summary(messageType: String, evaluations: [Evaluation], ignored: Bool, testMode: Bool) -> [UInt8] {
        JSONWriter.serialize(.object(summaryObject(messageType: messageType, evaluations: evaluations, ignored: ignored, testMode: testMode)))
    }

    static func summaryObject(messageType: String, evaluations: [Evaluation], ignored: Bool, testMode: Bool) -> JSONObject {
        var counts: [ComplianceType: Int] = [:]
        for evaluation in evaluations { counts[evaluation.complianceType, default: 0] += 1 }
        return summaryObject(messageType: messageType, counts: counts, ignored: ignored, testMode: testMode)
    }

    /// The summary from the number of evaluations put per compliance type.
    static func summaryObject(messageType: String, counts: [ComplianceType: Int], ignored: Bool, testMode: Bool) -> JSONObject {
        var compliance = JSONObject()
        for type in ComplianceType.allCases {
            if let count = counts[type], count > 0 { compliance.append(type.rawValue, .number(String(count))) }
        }
        var body = JSONObject([
            "messageType": .string(messageType),
            "evaluationsPut": .number(String(counts.values.reduce(0, +))),
            "compliance": .object(compliance),
            "testMode": .bool(testMode),
        ])
        if ignored { body.append("ignored", .bool(true)) }
        return body
    }
}

@available(*, unavailable)
extension ConfigRuleHandler: Sendable {}
