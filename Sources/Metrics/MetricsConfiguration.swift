/// Where the metrics go: the CloudWatch namespace and the dimensions of every metric, from the function's environment.
///
/// | variable | meaning | default |
/// | --- | --- | --- |
/// | `PIDMODE_METRICS_NAMESPACE` (else `POWERTOOLS_METRICS_NAMESPACE`) | CloudWatch namespace | `PidModeRule` |
/// | `PIDMODE_METRICS_DIMENSIONS` | comma-separated: `FunctionName`, `Mode`, `Name=Value` (a constant), or `none` | `FunctionName,Mode` |
/// | `PIDMODE_METRICS_DISABLED` (else `POWERTOOLS_METRICS_DISABLED`) | `true`: no metric line at all | `false` |
/// | `AWS_LAMBDA_FUNCTION_NAME` | the `FunctionName` dimension's value (set by Lambda) | `unknown` |
public struct MetricsConfiguration: Sendable, Equatable {
    /// One dimension of every metric.
    public enum Dimension: Sendable, Equatable {
        /// `FunctionName` = the function's name.
        case functionName
        /// `Mode` = `change`, `sweep` or `hook`.
        case mode
        /// A fixed name and value, e.g. `Environment=prod`.
        case constant(name: String, value: String)

        public var name: String {
            switch self {
            case .functionName: MetricsWire.functionNameDimension
            case .mode: MetricsWire.modeDimension
            case .constant(let name, _): name
            }
        }
    }

    public var namespace: String
    public var dimensions: [Dimension]
    public var functionName: String
    public var enabled: Bool

    public static let defaultNamespace = "PidModeRule"

    public init(
        namespace: String = MetricsConfiguration.defaultNamespace,
        dimensions: [Dimension] = [.functionName, .mode],
        functionName: String,
        enabled: Bool = true
    ) {
        self.namespace = namespace
        self.dimensions = dimensions
        self.functionName = functionName
        self.enabled = enabled
    }

    /// Reads the variables in the table above.
    /// - Throws: ``MetricsConfigurationError`` naming the variable and what is wrong with it.
    public init(environment: [String: String]) throws(MetricsConfigurationError) {
        func value(_ names: String...) -> (name: String, text: String)? {
            for name in names {
                if let text = environment[name], !text.isEmpty { return (name, text) }
            }
            return nil
        }
        let namespace = value("PIDMODE_METRICS_NAMESPACE", "POWERTOOLS_METRICS_NAMESPACE")
        if let namespace, let problem = Self.namespaceProblem(namespace.text) {
            throw MetricsConfigurationError(variable: namespace.name, value: namespace.text, problem: problem)
        }
        var enabled = true
        if let disabled = value("PIDMODE_METRICS_DISABLED", "POWERTOOLS_METRICS_DISABLED") {
            switch disabled.text.lowercased() {
            case "true": enabled = false
            case "false": enabled = true
            default:
                throw MetricsConfigurationError(variable: disabled.name, value: disabled.text, problem: "must be true or false")
            }
        }
        var dimensions: [Dimension] = [.functionName, .mode]
        if let list = value("PIDMODE_METRICS_DIMENSIONS") {
            dimensions = try Self.parseDimensions(list.text, variable: list.name)
        }
        let functionName = environment["AWS_LAMBDA_FUNCTION_NAME"].flatMap { $0.isEmpty ? nil : $0 } ?? "unknown"
        self.init(
            namespace: namespace?.text ?? Self.defaultNamespace, dimensions: dimensions, functionName: functionName,
            enabled: enabled
        )
    }

    /// The most configured dimensions: EMF allows 30 per dimension set, and a failed invocation adds `ErrorType`.
    static let maxDimensions = 29

    private static func parseDimensions(_ text: String, variable: String) throws(MetricsConfigurationError) -> [Dimension] {
        if text.trimmed.lowercased() == "none" { return [] }
        var result: [Dimension] = []
        for rawEntry in text.split(separator: ",", omittingEmptySubsequences: false) {
            let entry = rawEntry.trimmed
            let dimension: Dimension
            if entry == MetricsWire.functionNameDimension {
                dimension = .functionName
            } else if entry == MetricsWire.modeDimension {
                dimension = .mode
            } else if let equals = entry.firstIndex(of: "=") {
                let name = String(entry[..<equals]).trimmed
                let value = String(entry[entry.index(after: equals)...]).trimmed
                if let problem = dimensionNameProblem(name) ?? dimensionValueProblem(value) {
                    throw MetricsConfigurationError(variable: variable, value: text, problem: "entry '\(entry)': \(problem)")
                }
                dimension = .constant(name: name, value: value)
            } else {
                throw MetricsConfigurationError(
                    variable: variable, value: text,
                    problem: "entry '\(entry)' is neither FunctionName, Mode nor Name=Value (or the single word none)"
                )
            }
            if result.contains(where: { $0.name == dimension.name }) {
                throw MetricsConfigurationError(variable: variable, value: text, problem: "dimension \(dimension.name) appears twice")
            }
            result.append(dimension)
        }
        if result.count > maxDimensions {
            throw MetricsConfigurationError(variable: variable, value: text, problem: "at most \(maxDimensions) dimensions")
        }
        return result
    }

    /// CloudWatch's rules for a custom namespace: 1–255 of `[A-Za-z0-9.-_/#: ]`, not starting with `AWS/`.
    static func namespaceProblem(_ namespace: String) -> String? {
        guard (1...255).contains(namespace.utf8.count) else { return "must be 1 to 255 characters" }
        guard !namespace.hasPrefix("AWS/") else { return "must not start with AWS/ (reserved for AWS services)" }
        let allowed = namespace.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || ".-_/#: ".unicodeScalars.contains(scalar))
        }
        return allowed ? nil : "may contain only letters, digits and . - _ / # : space"
    }

    /// CloudWatch's rules for a dimension name: 1–250 ASCII characters, some not blank, not starting with `:`; and
    /// not a name this function already uses for another member of the line.
    static func dimensionNameProblem(_ name: String) -> String? {
        guard (1...250).contains(name.utf8.count), name.unicodeScalars.allSatisfy(\.isASCII), !name.trimmed.isEmpty else {
            return "a dimension name must be 1 to 250 ASCII characters"
        }
        guard !name.hasPrefix(":") else { return "a dimension name must not start with ':'" }
        guard !MetricsWire.reservedMemberNames.contains(name), !MetricName.all.contains(where: { $0.name == name }) else {
            return "\(name) is already a member of the metric line"
        }
        return nil
    }

    /// CloudWatch's rules for a dimension value: 1–1024 ASCII characters, some not blank.
    static func dimensionValueProblem(_ value: String) -> String? {
        guard (1...1024).contains(value.utf8.count), value.unicodeScalars.allSatisfy(\.isASCII), !value.trimmed.isEmpty else {
            return "a dimension value must be 1 to 1024 ASCII characters"
        }
        return nil
    }
}

/// An unusable metrics variable: reported at start-up like every other configuration error.
public struct MetricsConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var variable: String
    public var value: String
    public var problem: String

    public var description: String { "environment variable \(variable) has an invalid value '\(value)': \(problem)" }
}

extension StringProtocol {
    fileprivate var trimmed: String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return String(text)
    }
}
