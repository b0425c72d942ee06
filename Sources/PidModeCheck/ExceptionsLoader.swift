import Foundation
import IaCScan

/// Loads `--exceptions FILE` into the evaluator (the policy's exceptions registry, rule-semantics §8).
enum ExceptionsLoader {
    enum Loaded {
        case success(FindingEvaluator)
        case failure(String)
    }

    static func evaluator(path: String?, maxExceptionDays: Int, accountID: String?, region: String?) -> Loaded {
        guard let path else { return .success(FindingEvaluator()) }
        return .failure("--exceptions \(path): not supported yet")
    }
}
