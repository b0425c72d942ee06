import JSON
import PidModePolicy

/// `--format sarif`: a SARIF 2.1.0 log for code scanning with one run, rules `PIDMODE001` (noncompliant, error) and
/// `PIDMODE002` (indeterminate, warning), repo-relative `artifactLocation.uri`, `region.startLine`/`startColumn`,
/// `partialFingerprints`, and exempted findings as `PIDMODE001` results with an external suppression. Compliant
/// findings are not results. Files that could not be scanned are `toolExecutionNotifications` of the invocation.
public enum SARIFReportWriter {
    public static func render(_ report: ScanReport) -> [UInt8] {
        let rules: [JSONValue] = SARIF.rules.map { rule in
            var properties = JSONObject(["tags": .array([.string("security")]), "precision": .string("very-high")])
            if let severity = rule.securitySeverity { properties.append("security-severity", .string(severity)) }
            return .object(JSONObject([
                "id": .string(rule.id),
                "name": .string(rule.name),
                "shortDescription": .object(JSONObject(["text": .string(rule.short)])),
                "fullDescription": .object(JSONObject(["text": .string(rule.full)])),
                "help": .object(JSONObject(["text": .string(rule.help), "markdown": .string(rule.help)])),
                "defaultConfiguration": .object(JSONObject(["level": .string(rule.level)])),
                "properties": .object(properties),
            ]))
        }
        var results: [JSONValue] = []
        for finding in report.findings {
            let ruleIndex: Int
            switch finding.verdict {
            case .noncompliant: ruleIndex = 0
            case .indeterminate: ruleIndex = 1
            case .compliant: continue
            }
            let rule = SARIF.rules[ruleIndex]
            let uri = artifactURI(finding.site.file)
            var text = "\(finding.site.resource): \(finding.message)."
            if let fix = finding.fix { text += " \(fix)" }
            var result = JSONObject([
                "ruleId": .string(rule.id),
                "ruleIndex": .number(String(ruleIndex)),
                "level": .string(rule.level),
                "message": .object(JSONObject(["text": .string(text)])),
                "locations": .array([.object(JSONObject([
                    "physicalLocation": physicalLocation(uri: uri, position: finding.site.position),
                    "logicalLocations": .array([.object(JSONObject([
                        "name": .string(finding.site.resource), "kind": .string("resource"),
                    ]))]),
                ]))]),
                "partialFingerprints": .object(JSONObject([
                    SARIF.fingerprintKey: .string(fingerprint([rule.id, uri, finding.site.resource])),
                ])),
                "properties": .object(JSONObject([
                    "format": .string(finding.site.format.rawValue),
                    "resource": .string(finding.site.resource),
                ])),
            ])
            if case .exempt(_, let justification) = finding.exception {
                result.append("suppressions", .array([.object(JSONObject([
                    "kind": .string(SARIF.suppressionKind), "justification": .string(justification),
                ]))]))
            }
            results.append(.object(result))
        }
        let notifications: [JSONValue] = report.errors.map { error in
            .object(JSONObject([
                "level": .string("error"),
                "message": .object(JSONObject(["text": .string(error.description)])),
                "locations": .array([.object(JSONObject([
                    "physicalLocation": physicalLocation(uri: artifactURI(error.file), position: error.position),
                ]))]),
            ]))
        }
        let run = JSONValue.object(JSONObject([
            "tool": .object(JSONObject(["driver": .object(JSONObject([
                "name": .string(SARIF.toolName),
                "semanticVersion": .string(SARIF.toolVersion),
                "rules": .array(rules),
            ]))])),
            "invocations": .array([.object(JSONObject([
                "executionSuccessful": .bool(report.errors.isEmpty),
                "toolExecutionNotifications": .array(notifications),
            ]))]),
            "results": .array(results),
        ]))
        var output = JSONWriter.serialize(.object(JSONObject([
            "$schema": .string(SARIF.schema),
            "version": .string(SARIF.version),
            "runs": .array([run]),
        ])))
        output.append(0x0A)
        return output
    }

    private static func physicalLocation(uri: String, position: SourcePosition) -> JSONValue {
        .object(JSONObject([
            "artifactLocation": .object(JSONObject(["uri": .string(uri)])),
            "region": .object(JSONObject([
                "startLine": .number(String(position.line)),
                "startColumn": .number(String(position.column)),
            ])),
        ]))
    }

    /// The reported path as a URI reference: relative paths stay relative (repo-relative when run at the repository
    /// root), absolute ones become `file://` URIs; bytes other than unreserved characters and `/` are percent-encoded.
    static func artifactURI(_ path: String) -> String {
        var encoded = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                encoded.unicodeScalars.append("%")
                encoded.unicodeScalars.append(hex[Int(byte >> 4)])
                encoded.unicodeScalars.append(hex[Int(byte & 0x0F)])
            }
        }
        return path.hasPrefix("/") ? "file://" + encoded : encoded
    }

    /// FNV-1a (64 bit) of the parts joined by NUL, as 16 hex digits: stable across runs and machines.
    static func fingerprint(_ parts: [String]) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for (index, part) in parts.enumerated() {
            if index > 0 { hash = (hash ^ 0) &* 0x0000_0100_0000_01B3 }
            for byte in part.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
