/// The compliance results this rule reports. `INSUFFICIENT_DATA` is deliberately absent: PutEvaluations rejects it.
public enum ComplianceType: String, Sendable, CaseIterable {
    case compliant = "COMPLIANT"
    case nonCompliant = "NON_COMPLIANT"
    case notApplicable = "NOT_APPLICABLE"
}
