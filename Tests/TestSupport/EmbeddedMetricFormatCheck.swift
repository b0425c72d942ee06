import Foundation

/// Checks one log line against the CloudWatch Embedded Metric Format specification's required members, independently
/// of the code that wrote it (Foundation's JSON parser, the specification's rules):
///
/// - the line is one JSON object with `_aws` = `{Timestamp: integer epoch ms, CloudWatchMetrics: [MetricDirective]}`;
/// - a MetricDirective has `Namespace` (1–255 characters), `Dimensions` (an array of arrays of ≤ 30 strings) and
///   `Metrics` (an array of `{Name (1–255), Unit?: string}`);
/// - every referenced dimension is a top-level string member of 1–1024 characters, every metric a top-level number;
/// - at most 100 metric definitions in the line.
public enum EmbeddedMetricFormatCheck {
    /// The line as a JSON object when it is an EMF document (has `_aws`), else `nil`.
    public static func document(_ line: Substring) -> [String: Any]? {
        guard line.first == "{",
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
            object["_aws"] != nil
        else { return nil }
        return object
    }

    /// Every EMF document among `text`'s lines.
    public static func documents(in text: String) -> [[String: Any]] {
        text.split(separator: "\n").compactMap(document)
    }

    /// What `document` lacks or gets wrong (empty when it follows the specification).
    public static func problems(_ document: [String: Any]) -> [String] {
        var problems: [String] = []
        guard let metadata = document["_aws"] as? [String: Any] else { return ["_aws is not an object"] }
        guard let stamp = metadata["Timestamp"] as? NSNumber, stamp.doubleValue == stamp.doubleValue.rounded(),
            stamp.int64Value > 1_500_000_000_000
        else { return ["_aws.Timestamp is not epoch milliseconds: \(String(describing: metadata["Timestamp"]))"] }
        guard let directives = metadata["CloudWatchMetrics"] as? [[String: Any]], !directives.isEmpty else {
            return ["_aws.CloudWatchMetrics is not a non-empty array of objects"]
        }
        var definitions = 0
        for directive in directives {
            guard let namespace = directive["Namespace"] as? String, (1...255).contains(namespace.count) else {
                problems.append("Namespace missing or not 1–255 characters")
                continue
            }
            guard let sets = directive["Dimensions"] as? [[Any]] else {
                problems.append("Dimensions is not an array of arrays")
                continue
            }
            for set in sets {
                if set.count > 30 { problems.append("a dimension set of \(set.count) > 30") }
                for name in set {
                    guard let key = name as? String, let value = document[key] as? String, (1...1024).contains(value.utf8.count) else {
                        problems.append("dimension \(name) is not a top-level string of 1–1024 characters")
                        continue
                    }
                }
            }
            guard let metrics = directive["Metrics"] as? [[String: Any]] else {
                problems.append("Metrics is not an array of objects")
                continue
            }
            for definition in metrics {
                definitions += 1
                guard let name = definition["Name"] as? String, (1...255).contains(name.count) else {
                    problems.append("a metric definition without a Name of 1–255 characters")
                    continue
                }
                if !(document[name] is NSNumber) { problems.append("metric \(name) has no top-level number") }
                if let unit = definition["Unit"], !(unit is String) { problems.append("Unit of \(name) is not a string") }
            }
        }
        if definitions > 100 { problems.append("\(definitions) metric definitions in one line (at most 100)") }
        return problems
    }
}

/// The first `": "`-separated clause of at least 12 characters that appears twice in `text`, else `nil` (an error
/// message that says the same thing twice).
public func repeatedClause(in text: String) -> String? {
    let clauses = text.components(separatedBy: ": ").map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.count >= 12 }
    var seen = Set<String>()
    for clause in clauses where !seen.insert(clause).inserted { return clause }
    return nil
}
