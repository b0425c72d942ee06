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

    /// Appends the `Evaluation` structure of the PutEvaluations request as JSON (the one place its wire shape is
    /// written).
    func appendWireJSON(to output: inout [UInt8]) {
        output.append(contentsOf: #"{"ComplianceResourceType":"#.utf8)
        JSONWriter.appendString(resourceType, to: &output)
        output.append(contentsOf: #","ComplianceResourceId":"#.utf8)
        JSONWriter.appendString(resourceID, to: &output)
        output.append(contentsOf: #","ComplianceType":"#.utf8)
        JSONWriter.appendString(complianceType.rawValue, to: &output)
        output.append(contentsOf: #","Annotation":"#.utf8)
        JSONWriter.appendString(annotation, to: &output)
        output.append(contentsOf: #","OrderingTimestamp":"#.utf8)
        JSONWriter.append(orderingTimestamp.epochSecondsJSON, to: &output)
        output.append(UInt8(ascii: "}"))
    }

    /// The `Evaluation` structure of the PutEvaluations request, parsed back from ``appendWireJSON(to:)`` (for tests
    /// and diagnostics; `.null` if it were not JSON).
    var wireValue: JSONValue {
        var bytes: [UInt8] = []
        appendWireJSON(to: &bytes)
        return (try? JSONParser.parse(bytes)) ?? .null
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
