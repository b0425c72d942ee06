/// One scan: expand the paths, read each file, decide each task definition (rule-semantics §10).
public enum Scan {
    /// Scans `paths` (files or directories). A path that does not exist and a file that cannot be read, is too
    /// large or looks like an input but does not parse become ``ScanReport/errors``; the other files are still scanned.
    public static func run(paths: [String], limits: FileScanner.Limits = .init(), evaluator: FindingEvaluator = .init()) -> ScanReport {
        let (entries, missing) = InputWalker.expand(paths)
        var errors = missing.map { ScanError(file: $0, message: "no such file or directory") }
        var findings: [Finding] = []
        var inputFiles = 0
        for entry in entries {
            switch FileScanner.scan(path: entry.path, displayPath: entry.displayPath, limits: limits) {
            case .failure(let error):
                errors.append(error)
            case .success(.notAnInput):
                continue
            case .success(.scanned(_, let sites)):
                inputFiles += 1
                findings += sites.map(evaluator.evaluate)
            }
        }
        return ScanReport(findings: findings, errors: errors, inputFiles: inputFiles)
    }
}
