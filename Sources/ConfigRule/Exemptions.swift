import AWSClient
import ExceptionsSource
import JSON
import Metrics
import PidModePolicy

/// Approved exceptions (rule-semantics §8) applied to the evaluations of one invocation, with their counts.
///
/// Only a NON_COMPLIANT task-definition evaluation is looked up (so an invocation without one never reads the
/// registry): an active exception turns it into the exempt compliance type with the `EXEMPT …` annotation; an expired
/// one keeps it NON_COMPLIANT and names the lapse. Every other evaluation passes unchanged.
///
/// Thread-safe: the periodic sweep's worker threads share one instance; the first look-up (the one SSM read) and every
/// later match run under its lock.
final class Exemptions: @unchecked Sendable {
    private let lock = Lock()
    private let source: ExceptionsSource?
    private let accountID: String?
    private let functionRegion: String?
    private let exemptComplianceType: ComplianceType
    private let metrics: InvocationMetrics
    private var exempted = 0
    private var expired = 0

    /// - Parameters:
    ///   - source: the invocation's registry; `nil` when none is configured (nothing is exempt).
    ///   - accountID: the event's `accountId` (an organization rule's member account).
    ///   - functionRegion: the region when an item has no `awsRegion`.
    ///   - metrics: counts `ExceptionsExempted` / `ExceptionsExpired`.
    init(
        source: ExceptionsSource?, accountID: String?, functionRegion: String?, exemptComplianceType: ComplianceType,
        metrics: InvocationMetrics
    ) {
        self.source = source
        self.accountID = accountID
        self.functionRegion = functionRegion
        self.exemptComplianceType = exemptComplianceType
        self.metrics = metrics
    }

    /// Evaluations turned into the exempt compliance type by an active exception.
    var exemptedCount: Int { lock.withLock { exempted } }
    /// NON_COMPLIANT evaluations whose matching exception has expired.
    var expiredCount: Int { lock.withLock { expired } }

    /// `evaluation` of `item` after the exceptions.
    /// - Throws: ``ConfigRuleError`` `.exceptionsUnavailable` when the registry must be read and can't be used.
    func apply(_ evaluation: Evaluation, item: ConfigurationItem) throws(ConfigRuleError) -> Evaluation {
        guard let source, evaluation.complianceType == .nonCompliant,
            evaluation.resourceType == ConfigWire.taskDefinitionResourceType
        else { return evaluation }
        let (family, revision) = item.exceptionSubjectFamilyAndRevision
        let subject = ExceptionSubject(
            family: family, revision: revision, accountID: accountID, region: item.awsRegion ?? functionRegion
        )
        let match: Result<ExceptionMatch, ExceptionsUnavailable> = lock.withLock {
            let match = Result { () throws(ExceptionsUnavailable) in try source.match(subject) }
            switch match {
            case .success(.active): exempted += 1
            case .success(.expired): expired += 1
            case .success(.none), .failure: break
            }
            return match
        }
        var result = evaluation
        switch match {
        case .failure(let error):
            throw ConfigRuleError(.exceptionsUnavailable, error.description)
        case .success(.none):
            return evaluation
        case .success(.active(let exception)):
            metrics.count(.exceptionsExempted)
            result.complianceType = exemptComplianceType
            result.annotation = Evaluation.clampAnnotation(exception.exemptionText)
        case .success(.expired(let exception)):
            metrics.count(.exceptionsExpired)
            result.annotation = Evaluation.clampAnnotation(PidModeRule.lapsedExceptionAnnotation(item, exception: exception))
        }
        return result
    }

    /// Adds `"exempted"` and `"exceptionsExpired"` to a response body.
    func appendCounts(to body: inout JSONObject) {
        body.append("exempted", .number(String(exemptedCount)))
        body.append("exceptionsExpired", .number(String(expiredCount)))
    }
}
