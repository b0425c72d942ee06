/// `--format text`: one line per non-compliant or indeterminate finding,
/// `file:line:col: resource: verdict: message. Fix: …`, then a summary line. Compliant findings are counted only.
public enum TextReportWriter {
    public static func render(_ report: ScanReport) -> String {
        var lines: [String] = []
        for finding in report.findings where finding.verdict != .compliant {
            let site = finding.site
            let verdict = finding.isExempt ? "\(finding.verdict.name) (exempt)" : finding.verdict.name
            var line = "\(site.file):\(site.position.line):\(site.position.column): \(site.resource): \(verdict): \(finding.message)"
            if let fix = finding.fix { line += ". Fix: \(fix)" }
            lines.append(line)
        }
        lines.append(summary(report))
        return lines.joined(separator: "\n") + "\n"
    }

    /// `pidmode-check: 3 files, 4 task definitions: 1 noncompliant (0 exempted), 1 indeterminate, 2 compliant; 0 errors`
    public static func summary(_ report: ScanReport) -> String {
        "pidmode-check: \(report.inputFiles) \(report.inputFiles == 1 ? "file" : "files"), \(report.findings.count) task "
            + "\(report.findings.count == 1 ? "definition" : "definitions"): \(report.count(.noncompliant)) noncompliant "
            + "(\(report.exempted) exempted), \(report.count(.indeterminate)) indeterminate, \(report.count(.compliant)) compliant; "
            + "\(report.errors.count) \(report.errors.count == 1 ? "error" : "errors")"
    }
}
