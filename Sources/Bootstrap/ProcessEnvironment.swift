#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The process environment as a dictionary, read once at start-up; code below `main` never calls `getenv`.
enum ProcessEnvironment {
    /// Every `NAME=value` entry of `environ` (the first entry wins for a repeated name).
    static func current() -> [String: String] {
        var result: [String: String] = [:]
        var cursor = environ
        while let entry = cursor.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                let name = String(text[..<equals])
                if result[name] == nil {
                    result[name] = String(text[text.index(after: equals)...])
                }
            }
            cursor += 1
        }
        return result
    }

    /// Whether `path` names a readable file.
    static func isReadable(_ path: String) -> Bool {
        access(path, R_OK) == 0
    }
}
