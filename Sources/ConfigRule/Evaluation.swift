import JSON

/// One compliance result for one resource, ready for PutEvaluations.
public struct Evaluation: Sendable, Equatable {
    public var resourceType: String
    /// Config's `resourceId`, verbatim.
    public var resourceID: String
    public var complianceType: ComplianceType
    /// Always 1–256 UTF-16 code units (see ``Evaluation/clampAnnotation(_:)``).
    public var annotation: String
    public var orderingTimestamp: Timestamp

    /// Creates an evaluation; the annotation is clamped to Config's limits.
    public init(
        resourceType: String,
        resourceID: String,
        complianceType: ComplianceType,
        annotation: String,
        orderingTimestamp: Timestamp
    ) {
        self.resourceType = resourceType
        self.resourceID = resourceID
        self.complianceType = complianceType
        self.annotation = Self.clampAnnotation(annotation)
        self.orderingTimestamp = orderingTimestamp
    }

    /// The `Evaluation` structure of the PutEvaluations request.
    var wireValue: JSONValue {
        .object(JSONObject([
            "ComplianceResourceType": .string(resourceType),
            "ComplianceResourceId": .string(resourceID),
            "ComplianceType": .string(complianceType.rawValue),
            "Annotation": .string(annotation),
            "OrderingTimestamp": orderingTimestamp.epochSecondsJSON,
        ]))
    }

    static let truncationMarker = " [truncated]"

    /// Fits `text` into PutEvaluations' 1–256 UTF-16 unit limit: longer text is cut at a character boundary and
    /// marked ` [truncated]`; empty text becomes a placeholder (Config rejects `""`).
    public static func clampAnnotation(_ text: String) -> String {
        let limit = ConfigWire.maxAnnotationUTF16Length
        if text.isEmpty { return "no annotation" }
        guard text.utf16.count > limit else { return text }
        let budget = limit - truncationMarker.utf16.count
        var kept = ""
        var used = 0
        for character in text {
            let size = character.utf16.count
            if used + size > budget { break }
            kept.append(character)
            used += size
        }
        return kept + truncationMarker
    }
}
