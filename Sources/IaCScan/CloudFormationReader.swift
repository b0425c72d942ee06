import JSON
import PidModePolicy

/// CloudFormation, SAM and CDK templates (JSON or YAML, already parsed into a ``SourceNode``):
/// `Resources.<id>` of `Type: AWS::ECS::TaskDefinition` → `Properties.PidMode`.
///
/// Intrinsic functions are not evaluated: `{"Ref": "AWS::NoValue"}` is absent, `Fn::If` yields its branches, any
/// other function (`Ref` to a parameter, `Fn::Sub`, `Fn::FindInMap`, `Fn::Select`, …) is not a literal.
enum CloudFormationReader {
    static let taskDefinitionType = "AWS::ECS::TaskDefinition"

    /// Whether `document` is a template: it has `AWSTemplateFormatVersion` or a `Resources` object.
    static func recognizes(_ document: SourceNode) -> Bool {
        document["AWSTemplateFormatVersion"] != nil || document["Resources"]?.members != nil
    }

    static func sites(in document: SourceNode, file: String) throws(SyntaxError) -> [TaskDefinitionSite] {
        guard let resourcesMember = document.member("Resources") else { return [] }
        guard let resources = resourcesMember.value.members else {
            throw SyntaxError(position: resourcesMember.value.position, message: "CloudFormation: Resources is not an object")
        }
        var sites: [TaskDefinitionSite] = []
        for resource in resources where resource.value["Type"]?.stringValue == taskDefinitionType {
            let properties = resource.value["Properties"]
            let family = properties?["Family"]?.stringValue
            let value: SiteValue
            let position: SourcePosition
            if let properties, properties.members == nil {
                value = .single(.notLiteral(description: "Properties given as \(describe(properties))"))
                position = properties.position
            } else if let pidMode = properties?["PidMode"] {
                value = siteValue(pidMode)
                position = pidMode.position
            } else {
                value = .single(.absent)
                position = resource.keyPosition
            }
            sites.append(TaskDefinitionSite(
                file: file, position: position, format: .cloudFormation, resource: resource.key, value: value,
                family: family))
        }
        return sites
    }

    /// The value of `PidMode` as the policy sees it.
    static func siteValue(_ node: SourceNode) -> SiteValue {
        if let branches = conditionalBranches(node) {
            return .conditional(name: "Fn::If", branches: branches.map(branchValue))
        }
        return .single(branchValue(node))
    }

    private static func branchValue(_ node: SourceNode) -> PidModeValue {
        guard let function = intrinsic(node) else { return .literal(node.jsonValue) }
        if function.name == "Ref", function.argument.stringValue == "AWS::NoValue" { return .absent }
        return .notLiteral(description: describe(node))
    }

    /// The branches of an `Fn::If` (nested ones flattened), or `nil` when `node` is not a well-formed `Fn::If`.
    private static func conditionalBranches(_ node: SourceNode, depth: Int = 0) -> [SourceNode]? {
        guard depth < 64, let function = intrinsic(node), function.name == "Fn::If",
              let arguments = function.argument.elements, arguments.count == 3 else { return nil }
        return arguments[1...].flatMap { conditionalBranches($0, depth: depth + 1) ?? [$0] }
    }

    /// `(name, argument)` when `node` is a one-member object whose key is `Ref`, `Condition` or `Fn::…`.
    private static func intrinsic(_ node: SourceNode) -> (name: String, argument: SourceNode)? {
        guard let members = node.members, members.count == 1 else { return nil }
        let key = members[0].key
        guard key == "Ref" || key == "Condition" || key.hasPrefix("Fn::") else { return nil }
        return (key, members[0].value)
    }

    /// A short description of a value that is not a literal: `Ref PidModeParameter`, `Fn::Sub '${Mode}'`, `Fn::FindInMap`.
    static func describe(_ node: SourceNode) -> String {
        guard let function = intrinsic(node) else { return node.jsonValue.typeName }
        if let text = function.argument.stringValue, text.count <= 60 {
            return function.name == "Ref" ? "Ref \(text)" : "\(function.name) '\(text)'"
        }
        return function.name
    }
}
