/// Why a file could not be scanned: it cannot be read, is too large, or looks like an input but does not parse.
/// The only error type of this module; `description` is `file:line:column: message`.
public struct ScanError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file as the user named it (relative to the current directory when it is below it).
    public var file: String
    /// Where the problem is; `1:1` for problems with the whole file (unreadable, too large).
    public var position: SourcePosition
    public var message: String

    public init(file: String, position: SourcePosition = .start, message: String) {
        self.file = file
        self.position = position
        self.message = message
    }

    public var description: String { "\(file):\(position.line):\(position.column): \(message)" }
}

/// A syntax problem inside one reader, before the file name is attached.
struct SyntaxError: Error {
    var position: SourcePosition
    var message: String
}
