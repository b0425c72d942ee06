/// How bad a pid-mode value is. Ordered: `compliant < indeterminate < noncompliant`, so `max` is the worst.
public enum Verdict: Int, Sendable, Comparable, CaseIterable {
    case compliant = 0
    /// Not known before deploy (a parameter, a function, an expression): only the pre-deploy checker meets it.
    case indeterminate = 1
    case noncompliant = 2

    /// The stable lower-case name used in the checker's JSON and text output.
    public var name: String {
        switch self {
        case .compliant: "compliant"
        case .indeterminate: "indeterminate"
        case .noncompliant: "noncompliant"
        }
    }

    public static func < (lhs: Verdict, rhs: Verdict) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The policy's answer for one pid-mode value.
public struct PidModeDecision: Sendable, Equatable {
    public var verdict: Verdict
    /// The value the decision is about (for a conditional, the branch that decided).
    public var value: PidModeValue
    /// One clause saying what the value is, without the resource's name: `pidMode is 'host'`, `pidMode not set`,
    /// `pidMode is '' (not a valid setting)`, `pidMode is Ref Mode (not known before deploy)`.
    public var finding: String

    public init(verdict: Verdict, value: PidModeValue, finding: String) {
        self.verdict = verdict
        self.value = value
        self.finding = finding
    }
}
