import Foundation
import IaCScan
import PidModePolicy

/// Loads `--exceptions FILE` (the registry document of rule-semantics §8) at the current clock. A document that
/// cannot be used at all is an error (exit 2): deciding as if there were no exceptions would hide nothing, but
/// deciding as if all were valid could; invalid entries exempt nothing and are warned about.
enum ExceptionsLoader {
    enum Loaded {
        case success(FindingEvaluator, warnings: [String])
        case failure(String)
    }

    static func evaluator(path: String?, maxExceptionDays: Int, accountID: String?, region: String?, now: Date = Date()) -> Loaded {
        guard let path else { return .success(FindingEvaluator(), warnings: []) }
        guard ExceptionRegistry.maxExceptionDaysRange.contains(maxExceptionDays) else {
            return .failure("--max-exception-days must be within \(ExceptionRegistry.maxExceptionDaysRange), not \(maxExceptionDays)")
        }
        let bytes: [UInt8]
        do {
            bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            return .failure("--exceptions \(path): cannot read: \(error.localizedDescription)")
        }
        let milliseconds = Int64((now.timeIntervalSince1970 * 1000).rounded(.down))
        do {
            let registry = try ExceptionRegistry.decode(bytes, now: milliseconds, maxExceptionDays: maxExceptionDays)
            let matcher = ExceptionsMatcher(registry: registry, now: milliseconds, accountID: accountID, region: region)
            return .success(matcher.evaluator, warnings: registry.problems.map { "\(path): \($0) (it exempts nothing)" })
        } catch {
            return .failure("--exceptions \(path): the registry \(error.problem)")
        }
    }
}
