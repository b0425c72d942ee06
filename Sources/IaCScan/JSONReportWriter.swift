import JSON

/// `--format json`: one object, `{"findings": [...], "summary": {...}}` (rule-semantics §10), compliant findings
/// included.
public enum JSONReportWriter {
    public static func render(_ report: ScanReport) -> [UInt8] {
        let findings: [JSONValue] = report.findings.map { finding in
            .object(JSONObject([
                "file": .string(finding.site.file),
                "line": .number(String(finding.site.position.line)),
                "column": .number(String(finding.site.position.column)),
                "format": .string(finding.site.format.rawValue),
                "resource": .string(finding.site.resource),
                "verdict": .string(finding.verdict.name),
                "value": finding.literalValue.map(reportable) ?? .null,
                "message": .string(finding.message),
                "exception": exceptionID(finding).map(JSONValue.string) ?? .null,
            ]))
        }
        let summary = JSONValue.object(JSONObject([
            "files": .number(String(report.inputFiles)),
            "taskDefinitions": .number(String(report.findings.count)),
            "noncompliant": .number(String(report.count(.noncompliant))),
            "indeterminate": .number(String(report.count(.indeterminate))),
            "compliant": .number(String(report.count(.compliant))),
            "exempted": .number(String(report.exempted)),
            "errors": .number(String(report.errors.count)),
        ]))
        var output = JSONWriter.serialize(.object(JSONObject(["findings": .array(findings), "summary": summary])))
        output.append(0x0A)
        return output
    }

    /// The id of the active exception (expired ones leave the finding failing and are named in the message only).
    static func exceptionID(_ finding: Finding) -> String? {
        if case .exempt(let id, _) = finding.exception { id } else { nil }
    }

    /// `value` with numbers that are not JSON numbers (YAML's `0x1F`, `.inf`) as strings, so the output stays JSON.
    static func reportable(_ value: JSONValue) -> JSONValue {
        switch value {
        case .number(let text): (try? JSONParser.parse(text))?.numberText != nil ? value : .string(text)
        case .array(let elements): .array(elements.map(reportable))
        case .object(let object): .object(JSONObject(object.members.map { JSONObject.Member(key: $0.key, value: reportable($0.value)) }))
        default: value
        }
    }
}
