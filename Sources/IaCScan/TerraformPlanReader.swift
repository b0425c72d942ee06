import PidModePolicy

/// `terraform show -json` plan output: `resource_changes[]` of type `aws_ecs_task_definition` or
/// `awscc_ecs_task_definition` whose actions create or update (replacements included) → `change.after.pid_mode`;
/// `change.after_unknown.pid_mode == true` is not known before apply. Positioned at the entry's `"address"` key.
enum TerraformPlanReader {
    static let resourceTypes: Set<String> = ["aws_ecs_task_definition", "awscc_ecs_task_definition"]

    static func recognizes(_ document: SourceNode) -> Bool {
        document["resource_changes"]?.elements != nil
    }

    static func sites(in document: SourceNode, file: String) -> [TaskDefinitionSite] {
        guard let changes = document["resource_changes"]?.elements else { return [] }
        var sites: [TaskDefinitionSite] = []
        for entry in changes {
            guard let type = entry["type"]?.stringValue, resourceTypes.contains(type),
                  entry["mode"]?.stringValue ?? "managed" == "managed",
                  let change = entry["change"],
                  let actions = change["actions"]?.elements?.compactMap(\.stringValue),
                  actions.contains("create") || actions.contains("update")
            else { continue }
            let addressMember = entry.member("address")
            let address = addressMember?.value.stringValue ?? type
            let after = change["after"]
            let value: PidModeValue
            if case .bool(true) = change["after_unknown"]?["pid_mode"]?.content {
                value = .notLiteral(description: "(known after apply)")
            } else if let pidMode = after?["pid_mode"] {
                value = .literal(pidMode.jsonValue)
            } else {
                value = .absent
            }
            sites.append(TaskDefinitionSite(
                file: file, position: addressMember?.keyPosition ?? entry.position, format: .terraformPlan,
                resource: address, value: .single(value), family: after?["family"]?.stringValue))
        }
        return sites
    }
}
