import PidModePolicy

/// Everything one run found: findings in file/line/column order, the files that could not be scanned, the counts.
public struct ScanReport: Sendable {
    public var findings: [Finding]
    public var errors: [ScanError]
    /// Files read as inputs (templates, task definitions, plans, Terraform files), with or without task definitions.
    public var inputFiles: Int

    public init(findings: [Finding], errors: [ScanError], inputFiles: Int) {
        self.findings = findings.sorted { lhs, rhs in
            (lhs.site.file, lhs.site.position.line, lhs.site.position.column, lhs.site.resource)
                < (rhs.site.file, rhs.site.position.line, rhs.site.position.column, rhs.site.resource)
        }
        self.errors = errors.sorted { ($0.file, $0.position.line) < ($1.file, $1.position.line) }
        self.inputFiles = inputFiles
    }

    public func count(_ verdict: Verdict) -> Int { findings.count { $0.verdict == verdict } }
    public var exempted: Int { findings.count(where: \.isExempt) }

    /// 0 nothing fails; 1 a finding fails under `failOn`; 2 a file could not be read or parsed.
    public func exitStatus(failOn: FailOn) -> Int32 {
        if !errors.isEmpty { return 2 }
        return findings.contains { $0.fails(failOn) } ? 1 : 0
    }
}
