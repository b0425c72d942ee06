import JSON
import PidModePolicy

/// The task definition a hook event proposes: its name for messages, its family for exceptions, and the shared
/// policy's decision on its pid mode under the proposed reading (§9: `host`, `""` and non-strings fail).
struct HookSubject {
    /// `requestData.targetLogicalId`.
    var logicalID: String?
    /// `Properties.Family` (or `family`) when it is a non-empty string; `nil` matches no exception.
    var family: String?
    var decision: PidModeDecision

    init(logicalID: String?, properties: JSONObject) {
        self.logicalID = logicalID
        self.family = HookWire.Property.family.lazy.compactMap { properties[$0]?.stringValue }.first.flatMap { $0.isEmpty ? nil : $0 }
        // Either casing may carry the value; when both do, the worse decision stands (fail safe).
        let decisions = HookWire.Property.pidMode.compactMap { properties[$0] }.map {
            PidModePolicy.decide(.literal($0), reading: .proposed)
        }
        self.decision = PidModePolicy.worst(decisions) ?? PidModePolicy.decide(.absent, reading: .proposed)
    }

    /// `task definition WebTask (family web)`; each name cut to ``maxNameLength`` so that the finding and the fix
    /// always fit in the message.
    var name: String {
        let id = logicalID.map { HookResult.limited($0, to: Self.maxNameLength) } ?? "(no targetLogicalId)"
        let familyText = family.map { "family \(HookResult.limited($0, to: Self.maxNameLength))" } ?? "no Family"
        return "task definition \(id) (\(familyText))"
    }

    /// CloudFormation logical ids and ECS families have at most 255 characters; longer input is cut to this.
    static let maxNameLength = 255
}
