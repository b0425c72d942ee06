/// A 1-based line and column in an input file. Columns count Unicode scalars (as libyaml does), so a position
/// means the same in a JSON, YAML or HCL file and in an editor showing UTF-8 text.
public struct SourcePosition: Sendable, Equatable, Hashable, Comparable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// The first character of a file (used for problems that concern the whole file).
    public static let start = SourcePosition(line: 1, column: 1)

    public var description: String { "\(line):\(column)" }

    public static func < (lhs: SourcePosition, rhs: SourcePosition) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }
}

/// Converts byte offsets of a UTF-8 text into ``SourcePosition``s (a leading byte-order mark takes no column). Positions must be asked for in increasing
/// offset order for the cost to stay linear (each call advances from the previous one); an earlier offset restarts
/// from the beginning of the text.
struct PositionTracker {
    private let bytes: UnsafeBufferPointer<UInt8>
    /// Where column 1 of line 1 is: past a UTF-8 byte-order mark, which editors do not show.
    private let origin: Int
    private var offset: Int
    private var position = SourcePosition.start

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        self.origin = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
        self.offset = origin
    }

    mutating func position(at target: Int) -> SourcePosition {
        if target < offset {
            offset = origin
            position = .start
        }
        let end = min(target, bytes.count)
        while offset < end {
            let byte = bytes[offset]
            if byte == 0x0A {
                position.line += 1
                position.column = 1
            } else if byte & 0xC0 != 0x80 {  // not a UTF-8 continuation byte: a new scalar
                position.column += 1
            }
            offset += 1
        }
        return position
    }
}
