import JSON

/// What an input says about a task definition's pid mode, before anything is decided.
public enum PidModeValue: Sendable, Equatable {
    /// The key is not there at all.
    case absent
    /// A literal value, as recorded or written: `"host"`, `"task"`, `null`, `""`, `42`, …
    case literal(JSONValue)
    /// A value that cannot be known before deploy: a CloudFormation `Ref` to a parameter, `Fn::Sub`, a Terraform
    /// variable or expression, an unknown plan value. `description` names it for messages (`Ref PidModeParameter`).
    case notLiteral(description: String)
}

/// Which reading of a literal applies. What counts as "unset" depends on where the value comes from.
public enum PidModeReading: Sendable, Equatable {
    /// A configuration AWS Config recorded (rule-semantics §2): only `host` (any letter case) is non-compliant;
    /// `""`, `null` and values that are not strings read as unset.
    case recorded
    /// A configuration about to be deployed: CloudFormation properties in a hook event or a template, task-definition
    /// JSON (§9, §10). `host`, `""` and non-string values are non-compliant (no valid setting; as CT.ECS.PR.10).
    case proposed
    /// Terraform configuration or plan (§10): `""` is how the AWS provider writes an unset string, so it is unset;
    /// `host` and non-string literals are non-compliant.
    case terraform
}
