import JSON
import PidModePolicy

/// What an approved exception (rule-semantics §8) does to a finding.
public enum ExceptionOutcome: Sendable, Equatable {
    case none
    /// An active exception: the verdict stays `noncompliant`, the run does not fail on it.
    /// `justification` is `EXC-0042 until 2027-02-01 (owner …): reason`.
    case exempt(id: String, justification: String)
    /// A matching exception that has lapsed: the finding still fails; `note` names it
    /// (`exception EXC-0042 expired 2027-02-01 (owner …)`).
    case expired(id: String, note: String)
}

/// One task definition with the policy's verdict: a line of the report.
public struct Finding: Sendable, Equatable {
    public var site: TaskDefinitionSite
    /// The decision that counts: for a conditional, its worst branch.
    public var decision: PidModeDecision
    /// For a conditional, which branch decided (1-based) and how many there are.
    public var branch: (index: Int, count: Int)?
    public var exception: ExceptionOutcome

    public init(site: TaskDefinitionSite, decision: PidModeDecision, branch: (index: Int, count: Int)?, exception: ExceptionOutcome) {
        self.site = site
        self.decision = decision
        self.branch = branch
        self.exception = exception
    }

    public static func == (lhs: Finding, rhs: Finding) -> Bool {
        lhs.site == rhs.site && lhs.decision == rhs.decision && lhs.branch?.index == rhs.branch?.index
            && lhs.branch?.count == rhs.branch?.count && lhs.exception == rhs.exception
    }

    public var verdict: Verdict { decision.verdict }

    public var isExempt: Bool {
        if case .exempt = exception { true } else { false }
    }

    /// Whether this finding makes the run fail under `failOn`.
    public func fails(_ failOn: FailOn) -> Bool {
        switch verdict {
        case .noncompliant: !isExempt
        case .indeterminate: failOn == .indeterminate
        case .compliant: false
        }
    }

    /// The literal value that decided, or `nil` (absent, not a literal).
    public var literalValue: JSONValue? {
        if case .literal(let value) = decision.value { value } else { nil }
    }

    /// `pidMode is 'host'`, with the branch of a conditional and the exception, if any.
    public var message: String {
        var text = decision.finding
        if let branch, case .conditional(let name, _) = site.value {
            text += " (branch \(branch.index) of \(branch.count) of \(name), the worst)"
        }
        switch exception {
        case .none: break
        case .exempt(_, let justification): text += "; EXEMPT \(justification)"
        case .expired(_, let note): text += "; \(note)"
        }
        return text
    }

    /// What to do about it, or `nil` when nothing is to be done (compliant, exempt).
    public var fix: String? {
        let key = site.format.keyName
        let task = site.format.reading == .terraform ? "\"task\"" : "'task'"
        switch verdict {
        case .compliant: return nil
        case .noncompliant: return isExempt ? nil : PidModePolicy.fix(property: key, task: task)
        case .indeterminate: return "Write \(key) as a literal (\(task)), or make sure it can never resolve to 'host'."
        }
    }
}

/// Which verdicts make the run exit 1.
public enum FailOn: String, Sendable, CaseIterable {
    /// Non-compliant findings that no active exception covers (the default).
    case noncompliant
    /// Those, and indeterminate findings.
    case indeterminate
}

/// Turns sites into findings: the shared policy decides, exceptions are applied to non-compliant verdicts.
public struct FindingEvaluator: Sendable {
    /// Looks up the exception for a non-compliant site; `nil` means no registry.
    public var exceptions: (@Sendable (TaskDefinitionSite) -> ExceptionOutcome)?

    public init(exceptions: (@Sendable (TaskDefinitionSite) -> ExceptionOutcome)? = nil) {
        self.exceptions = exceptions
    }

    public func evaluate(_ site: TaskDefinitionSite) -> Finding {
        let reading = site.format.reading
        var decision: PidModeDecision
        var branch: (index: Int, count: Int)?
        switch site.value {
        case .single(let value):
            decision = PidModePolicy.decide(value, reading: reading)
        case .conditional(_, let branches):
            let decisions = branches.map { PidModePolicy.decide($0, reading: reading) }
            let worst = PidModePolicy.worst(decisions) ?? PidModePolicy.decide(.absent, reading: reading)
            decision = worst
            if let index = decisions.firstIndex(of: worst) { branch = (index + 1, decisions.count) }
        }
        let exception = decision.verdict == .noncompliant ? exceptions?(site) ?? .none : .none
        return Finding(site: site, decision: decision, branch: branch, exception: exception)
    }
}
