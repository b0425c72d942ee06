#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads one file and yields the task definitions in it, whichever input format it is (recognised by content, not
/// by name: rule-semantics §10).
///
/// - A file over ``Limits/maximumFileBytes`` is refused before it is read.
/// - Binary files (a NUL byte in the first 8 KiB) and files that mention nothing an input must contain (no
///   `TaskDefinition`, `task_definition`, `containerDefinitions`, `resource_changes`, `pidMode`, `PidMode`, `pid_mode`
///   and no backslash that could spell one through an escape) are not inputs: ``Outcome/notAnInput``, never parsed.
///   A file that does not parse only "looks like an input" (an error) when it holds one of those markers.
/// - Otherwise a file whose first character is `{` or `[` is JSON, one that reads as HCL (``TerraformHCLReader``) is
///   Terraform, anything else is YAML; one that does not parse is a ``ScanError`` with `file:line:column`.
/// - A parsed document that is no template, task definition or plan is ``Outcome/notAnInput``.
public enum FileScanner {
    public struct Limits: Sendable {
        /// Files larger than this are refused (default 32 MiB; CloudFormation's own limit is 1 MB).
        public var maximumFileBytes: Int

        public init(maximumFileBytes: Int = 32 * 1024 * 1024) {
            self.maximumFileBytes = maximumFileBytes
        }
    }

    public enum Outcome: Sendable, Equatable {
        /// An input of `format` (possibly with no task definition in it).
        case scanned(InputFormat, [TaskDefinitionSite])
        /// Not one of the inputs (skipped).
        case notAnInput
    }

    /// Byte strings one of which every input holds (a key, a type name or a resource type).
    static let markers: [[UInt8]] = ["TaskDefinition", "task_definition", "containerDefinitions", "resource_changes", "pidMode",
                                     "PidMode", "pid_mode"].map { Array($0.utf8) }

    /// Reads `path` (reported as `displayPath`) and scans it.
    public static func scan(path: String, displayPath: String, limits: Limits = Limits()) -> Result<Outcome, ScanError> {
        switch readFile(path, limits: limits) {
        case .failure(let message): return .failure(ScanError(file: displayPath, message: message))
        case .success(let bytes): return scan(bytes: bytes, file: displayPath)
        }
    }

    /// Scans the content of a file already read.
    public static func scan(bytes: [UInt8], file: String) -> Result<Outcome, ScanError> {
        bytes.withUnsafeBufferPointer { buffer in
            do throws(SyntaxError) {
                return .success(try scan(buffer, file: file))
            } catch {
                return .failure(ScanError(file: file, position: error.position, message: error.message))
            }
        }
    }

    private static func scan(_ bytes: UnsafeBufferPointer<UInt8>, file: String) throws(SyntaxError) -> Outcome {
        if UnsafeBufferPointer(rebasing: bytes.prefix(8192)).contains(0) { return .notAnInput }
        let hasMarker = markers.contains { marker in contains(bytes, marker) }
        // Without a marker only an escape (`\u0054askDefinition`) could spell one: parse, but a file that does not
        // parse then does not look like an input.
        guard hasMarker || bytes.contains(UInt8(ascii: "\\")) else { return .notAnInput }
        do {
            return try parse(bytes, file: file)
        } catch {
            if hasMarker { throw error }
            return .notAnInput
        }
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>, file: String) throws(SyntaxError) -> Outcome {
        var start = 0
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
        while start < bytes.count, bytes[start] == 0x20 || bytes[start] == 0x09 || bytes[start] == 0x0A || bytes[start] == 0x0D {
            start += 1
        }
        if start < bytes.count, bytes[start] == UInt8(ascii: "{") || bytes[start] == UInt8(ascii: "[") {
            return try documents([LocatedJSONParser.parse(Array(bytes))], file: file)
        }
        if TerraformHCLReader.recognizes(bytes) {
            return .scanned(.terraform, try TerraformHCLReader.sites(in: bytes, file: file))
        }
        // Yams hands libyaml the text as UTF-8 explicitly, so a byte-order mark would be content: leave it out.
        guard let text = String(validating: UnsafeBufferPointer(rebasing: bytes[bomLength(bytes)...]), as: UTF8.self) else {
            throw SyntaxError(position: .start, message: "not UTF-8 text")
        }
        return try documents(YAMLDocumentReader.parse(text), file: file)
    }

    private static func bomLength(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
    }

    /// Classifies parsed documents: a plan, a template, or task definitions (in that order of precedence).
    private static func documents(_ documents: [SourceNode], file: String) throws(SyntaxError) -> Outcome {
        var format: InputFormat?
        var sites: [TaskDefinitionSite] = []
        for document in documents {
            if TerraformPlanReader.recognizes(document) {
                format = format ?? .terraformPlan
                sites += TerraformPlanReader.sites(in: document, file: file)
            } else if CloudFormationReader.recognizes(document) {
                format = format ?? .cloudFormation
                sites += try CloudFormationReader.sites(in: document, file: file)
            } else if TaskDefinitionJSONReader.recognizes(document) {
                format = format ?? .taskDefinition
                sites += TaskDefinitionJSONReader.sites(in: document, file: file)
            }
        }
        guard let format else { return .notAnInput }
        return .scanned(format, sites)
    }

    private static func contains(_ bytes: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, bytes.count >= needle.count else { return false }
        var index = 0
        let last = bytes.count - needle.count
        while index <= last {
            if bytes[index] == first {
                var matched = 1
                while matched < needle.count, bytes[index + matched] == needle[matched] { matched += 1 }
                if matched == needle.count { return true }
            }
            index += 1
        }
        return false
    }

    private enum ReadResult {
        case success([UInt8])
        case failure(String)
    }

    /// The whole file, refused (without reading it) when it is larger than the limit or not a regular file.
    private static func readFile(_ path: String, limits: Limits) -> ReadResult {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return .failure("cannot open: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return .failure("cannot stat: \(String(cString: strerror(errno)))") }
        guard (status.st_mode & S_IFMT) == S_IFREG else { return .failure("not a regular file") }
        let size = Int(status.st_size)
        guard size <= limits.maximumFileBytes else {
            return .failure("file is \(size) bytes, over the limit of \(limits.maximumFileBytes) bytes (--max-file-bytes); not read")
        }
        var bytes = [UInt8](repeating: 0, count: size)
        var filled = 0
        while filled < size {
            let count = bytes.withUnsafeMutableBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return read(descriptor, base + filled, size - filled)
            }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { return .failure("cannot read: \(String(cString: strerror(errno)))") }
            if count == 0 { break }  // the file shrank while being read
            filled += count
        }
        return .success(Array(bytes[0..<filled]))
    }
}
