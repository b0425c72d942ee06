/// SARIF 2.1.0 wire strings and the two rules `pidmode-check` reports (rule-semantics §10, stable identifiers).
public enum SARIF {
    public static let version = "2.1.0"
    public static let schema = "https://json.schemastore.org/sarif-2.1.0.json"
    public static let toolName = "pidmode-check"
    public static let toolVersion = "0.1.0"

    /// `noncompliant`: level `error`, High security severity (ECS.3 is High in Security Hub).
    public static let noncompliantRuleID = "PIDMODE001"
    /// `indeterminate`: level `warning`.
    public static let indeterminateRuleID = "PIDMODE002"
    /// GitHub reads 7.0–8.9 as High.
    public static let noncompliantSecuritySeverity = "8.9"
    /// The key of this tool's own stable fingerprint in `partialFingerprints` (rule, file and resource; not the line,
    /// so a finding keeps its identity when lines move). GitHub's `primaryLocationLineHash` is left to `upload-sarif`.
    public static let fingerprintKey = "pidmodeFinding/v1"
    public static let suppressionKind = "external"

    struct Rule {
        var id: String
        var name: String
        var short: String
        var full: String
        var help: String
        var level: String
        var securitySeverity: String?
    }

    static let rules: [Rule] = [
        Rule(
            id: noncompliantRuleID,
            name: "EcsTaskDefinitionSharesHostPidNamespace",
            short: "ECS task definition shares the host's process namespace (pidMode host)",
            full: "A task definition with pidMode 'host' lets its containers see, signal and ptrace every process on the "
                + "instance (Security Hub ECS.3). An empty or non-string value is no valid setting in CloudFormation and "
                + "task-definition JSON.",
            help: "Remove pidMode (PidMode in CloudFormation, pid_mode in Terraform) or set it to 'task'. An approved "
                + "exception with an owner and an expiry can be recorded in the exceptions registry (--exceptions).",
            level: "error",
            securitySeverity: noncompliantSecuritySeverity),
        Rule(
            id: indeterminateRuleID,
            name: "EcsTaskDefinitionPidModeNotKnownBeforeDeploy",
            short: "ECS task definition pid mode cannot be known before deploy",
            full: "The pid mode is a parameter, a function, a variable or a value unknown until apply, so the checker cannot "
                + "tell whether it will be 'host'.",
            help: "Write the pid mode as a literal ('task'), or make sure the parameter or expression can never resolve to "
                + "'host' (for example with AllowedValues or a validation block).",
            level: "warning",
            securitySeverity: nil),
    ]
}
