import JSON

/// The one pid-mode decision every front door calls (the Config rule, the CloudFormation hook, `pidmode-check`).
///
/// Pure: no I/O, no clock, no AWS. Decision record: `rule-semantics.md` §2 (recorded configurations), §9 (hook) and
/// §10 (pre-deploy checker). The front doors only translate their inputs into a ``PidModeValue`` and the answer back.
public enum PidModePolicy {
    /// The fix a non-compliant finding about a recorded configuration ends with (the ECS API's `pidMode`).
    public static let fix = fix(property: "pidMode")

    /// The fix, naming the property and the literal `task` as the input spells them: `PidMode` in CloudFormation
    /// (hook, templates), `pidMode` in ECS JSON, `pid_mode` with `"task"` in Terraform.
    public static func fix(property: String, task: String = "'task'") -> String {
        "Remove \(property) or set it to \(task)."
    }

    /// Decides one value under `reading`.
    ///
    /// - `host` in any letter case → ``Verdict/noncompliant`` under every reading.
    /// - absent, `null`, `task` or any other non-empty string → ``Verdict/compliant``.
    /// - `""` → compliant for ``PidModeReading/recorded`` and ``PidModeReading/terraform``, non-compliant for
    ///   ``PidModeReading/proposed``.
    /// - a literal that is not a string → compliant for ``PidModeReading/recorded``, else non-compliant.
    /// - ``PidModeValue/notLiteral(description:)`` → ``Verdict/indeterminate``.
    public static func decide(_ value: PidModeValue, reading: PidModeReading) -> PidModeDecision {
        func decision(_ verdict: Verdict, _ finding: String) -> PidModeDecision {
            PidModeDecision(verdict: verdict, value: value, finding: finding)
        }
        switch value {
        case .absent:
            return decision(.compliant, "pidMode not set")
        case .notLiteral(let description):
            return decision(.indeterminate, "pidMode is \(description) (not known before deploy)")
        case .literal(let literal):
            switch literal {
            case .null:
                return decision(.compliant, "pidMode not set")
            case .string(let text) where isHost(text):
                return decision(.noncompliant, "pidMode is '\(text)'")
            case .string(""):
                return reading == .proposed
                    ? decision(.noncompliant, "pidMode is '' (not a valid setting)")
                    : decision(.compliant, "pidMode not set")
            case .string(let text):
                return decision(.compliant, "pidMode is '\(text)'")
            case let other:
                return reading == .recorded
                    ? decision(.compliant, "pidMode is a \(other.typeName), not 'host'")
                    : decision(.noncompliant, "pidMode is a \(other.typeName) (not a valid setting)")
            }
        }
    }

    /// A conditional whose branches are known (`Fn::If`, a Terraform `cond ? a : b`) takes its worst branch:
    /// noncompliant > indeterminate > compliant; among equals, the first. `nil` for no branches.
    public static func worst(_ branches: [PidModeDecision]) -> PidModeDecision? {
        var worst: PidModeDecision?
        for branch in branches where worst.map({ branch.verdict > $0.verdict }) ?? true {
            worst = branch
        }
        return worst
    }

    /// `host` in any letter case (and nothing else: no trimming, `" host"` is not `host`).
    public static func isHost(_ text: String) -> Bool {
        text.utf8.count == 4 && text.lowercased() == "host"
    }
}
