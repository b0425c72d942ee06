import PidModePolicy

/// The input formats `pidmode-check` reads (rule-semantics §10); `rawValue` is the `format` of the JSON output.
public enum InputFormat: String, Sendable, CaseIterable {
    /// ECS task-definition JSON: `register-task-definition` input, `describe-task-definition` output, arrays of them.
    case taskDefinition = "taskdef"
    /// CloudFormation, SAM or CDK output templates (JSON or YAML).
    case cloudFormation = "cloudformation"
    /// `terraform show -json` plan output.
    case terraformPlan = "terraform-plan"
    /// Terraform configuration (`*.tf`).
    case terraform = "terraform"

    /// Which reading of a literal applies (`""` is unset in Terraform, no valid setting elsewhere).
    public var reading: PidModeReading {
        switch self {
        case .taskDefinition, .cloudFormation: .proposed
        case .terraformPlan, .terraform: .terraform
        }
    }

    /// The name of the pid-mode key in this format, for messages.
    public var keyName: String {
        switch self {
        case .taskDefinition: "pidMode"
        case .cloudFormation: "PidMode"
        case .terraformPlan, .terraform: "pid_mode"
        }
    }
}

/// What an input writes for the pid mode of one task definition: one value, or a conditional with its branches.
public enum SiteValue: Sendable, Equatable {
    case single(PidModeValue)
    /// `Fn::If` / `!If` / a Terraform `cond ? a : b`: the branches in order (nested conditionals flattened).
    /// `name` says which construct it is (`Fn::If`, `?:`).
    case conditional(name: String, branches: [PidModeValue])
}

/// One task definition found in a file: where, which resource, what it says about its pid mode.
/// Every reader yields these; the policy sees only ``value``.
public struct TaskDefinitionSite: Sendable, Equatable {
    /// The file as reported (relative to the current directory when below it).
    public var file: String
    /// The value's position (a conditional: the conditional's; an alias: the alias's), else the resource's when the
    /// key is absent; for plan JSON, the `resource_changes` entry's `"address"` key.
    public var position: SourcePosition
    public var format: InputFormat
    /// The CloudFormation logical id, the Terraform address, or the task definition's family (`family:revision`
    /// for describe output).
    public var resource: String
    public var value: SiteValue
    /// The family, when the input states it as a literal (for exceptions).
    public var family: String?
    /// The revision number, when the input states it (describe-task-definition output only).
    public var revision: Int?

    public init(
        file: String, position: SourcePosition, format: InputFormat, resource: String, value: SiteValue,
        family: String? = nil, revision: Int? = nil
    ) {
        self.file = file
        self.position = position
        self.format = format
        self.resource = resource
        self.value = value
        self.family = family
        self.revision = revision
    }
}
