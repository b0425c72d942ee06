import Yams

/// Reads YAML (CloudFormation/SAM templates, task definitions) through Yams into ``SourceNode`` documents, with the
/// line and column of every value.
///
/// - CloudFormation short-form tags become their long form: `!Ref X` → `{"Ref": "X"}`, `!GetAtt A.B` →
///   `{"Fn::GetAtt": "A.B"}`, `!If [...]` → `{"Fn::If": [...]}`, any other `!Name` → `{"Fn::Name": …}`; the object
///   is positioned at the tag.
/// - A mapping value written as an alias (`PidMode: *mode`) is positioned at the alias, not at the anchor.
/// - Plain scalars resolve as YAML 1.1 does in Yams' default resolver (`null`/`~`/empty → null, `true`/`yes`/`on`…
///   → boolean, numbers → number), quoted ones are strings.
/// - Never traps. Nesting beyond libyaml's limit or deeper than ``maximumDepth``, a stream that expands (through
///   aliases) to more values than ``nodeBudget(forBytes:)``, and every syntax error throw ``SyntaxError``.
enum YAMLDocumentReader {
    static let maximumDepth = 256

    /// How many values a stream of `bytes` bytes may hold once aliases are expanded: without aliases a value takes at
    /// least two bytes (`a,`), so this leaves room for ordinary alias use and stops exponential expansion early.
    static func nodeBudget(forBytes bytes: Int) -> Int { 10_000 + 4 * bytes }

    /// Every document of the stream, in order.
    static func parse(_ text: String) throws(SyntaxError) -> [SourceNode] {
        var converter = Converter(text: text)
        do {
            // Resolver.basic: plain scalars are resolved here (scalarContent), not by regular expressions in Yams (whose
            // duplicate-key check would otherwise resolve every key: most of the time of a template).
            let parser = try Parser(yaml: text, resolver: .basic)
            var documents: [SourceNode] = []
            while let root = try parser.nextRoot() {
                documents.append(try converter.convert(root, depth: 0, aliasPosition: nil))
            }
            return documents
        } catch let error as SyntaxError {
            throw error
        } catch let error as YamlError {
            throw syntaxError(error, text: text)
        } catch {
            throw SyntaxError(position: .start, message: "YAML: \(error)")
        }
    }

    private static func syntaxError(_ error: YamlError, text: String) -> SyntaxError {
        func at(_ mark: Mark, _ problem: String, _ context: YamlError.Context?) -> SyntaxError {
            let what = context.map { "\(problem) (\($0.text))" } ?? problem
            return SyntaxError(position: SourcePosition(line: mark.line, column: mark.column), message: "YAML: \(what)")
        }
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            return at(mark, problem, context)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return at(context.mark, "duplicate key \(duplicates.joined(separator: ", "))", nil)
        case .reader(let problem, let offset, _, _):
            let position = offset.map { offset in
                Array(text.utf8).withUnsafeBufferPointer { buffer in
                    var tracker = PositionTracker(buffer)
                    return tracker.position(at: offset)
                }
            } ?? .start
            return SyntaxError(position: position, message: "YAML: \(problem)")
        default:
            return SyntaxError(position: .start, message: "YAML: \(error)")
        }
    }

    private struct Converter {
        let text: String
        var nodes = 0
        let budget: Int
        private var lines: [Substring]?

        init(text: String) {
            self.text = text
            self.budget = YAMLDocumentReader.nodeBudget(forBytes: text.utf8.count)
        }

        mutating func convert(_ node: Node, depth: Int, aliasPosition: SourcePosition?) throws(SyntaxError) -> SourceNode {
            let position = aliasPosition ?? Self.position(node.mark)
            nodes += 1
            guard nodes <= budget else {
                throw SyntaxError(position: position, message: "YAML: more than \(budget) values once aliases are expanded")
            }
            guard depth <= YAMLDocumentReader.maximumDepth else {
                throw SyntaxError(position: position, message: "YAML: nesting deeper than \(YAMLDocumentReader.maximumDepth) levels")
            }
            let tagName: String
            let content: SourceNode.Content
            switch node {
            case .scalar(let scalar):
                tagName = scalar.tag.rawValue
                content = Self.scalarContent(scalar, explicitTag: tagName)
            case .sequence(let sequence):
                tagName = sequence.tag.rawValue
                var elements: [SourceNode] = []
                elements.reserveCapacity(sequence.count)
                for element in sequence {
                    elements.append(try convert(element, depth: depth + 1, aliasPosition: nil))
                }
                content = .array(elements)
            case .mapping(let mapping):
                tagName = mapping.tag.rawValue
                var members: [SourceMember] = []
                members.reserveCapacity(mapping.count)
                for (key, value) in mapping {
                    let keyPosition = Self.position(key.mark)
                    let valuePosition = Self.position(value.mark)
                    // An anchor is always defined before its aliases: a value that starts before its own key was
                    // reached through an alias written after the key.
                    let alias = valuePosition < keyPosition ? aliasMark(after: keyPosition) : nil
                    members.append(SourceMember(
                        key: Self.keyText(key),
                        keyPosition: keyPosition,
                        value: try convert(value, depth: depth + 1, aliasPosition: alias)))
                }
                content = .object(members)
            case .alias(let alias):
                throw SyntaxError(position: position, message: "YAML: unresolved alias *\(alias.anchor.rawValue)")
            }
            let converted = SourceNode(content, at: position)
            guard let function = CloudFormationShortForm.function(forTag: tagName) else { return converted }
            return SourceNode(.object([SourceMember(key: function, keyPosition: position, value: converted)]), at: position)
        }

        /// The position of the `*alias` that follows the key at `keyPosition` (past the `:`, blanks, line breaks
        /// and comments), or `nil` when it cannot be found.
        private mutating func aliasMark(after keyPosition: SourcePosition) -> SourcePosition? {
            if lines == nil { lines = text.split(separator: "\n", omittingEmptySubsequences: false) }
            guard let lines else { return nil }
            var line = keyPosition.line - 1
            var column = keyPosition.column - 1  // 0-based, in scalars
            var sawColon = false
            var inQuote: Unicode.Scalar?
            while line < lines.count, line < keyPosition.line + 50 {
                let scalars = Array(lines[line].unicodeScalars)
                while column < scalars.count {
                    let scalar = scalars[column]
                    if let quote = inQuote {
                        if scalar == quote { inQuote = nil }
                    } else if !sawColon {
                        if scalar == "\"" || scalar == "'" {
                            if column == keyPosition.column - 1 || line != keyPosition.line - 1 { inQuote = scalar }
                        } else if scalar == ":" {
                            sawColon = true
                        }
                    } else if scalar == "*" {
                        return SourcePosition(line: line + 1, column: column + 1)
                    } else if scalar == "#" {
                        break
                    } else if scalar != " " && scalar != "\t" && scalar != "\r" {
                        return nil
                    }
                    column += 1
                }
                line += 1
                column = 0
            }
            return nil
        }

        private static func position(_ mark: Mark?) -> SourcePosition {
            guard let mark else { return .start }
            return SourcePosition(line: max(mark.line, 1), column: max(mark.column, 1))
        }

        private static func keyText(_ key: Node) -> String {
            switch key {
            case .scalar(let scalar): scalar.string
            case .alias(let alias): "*\(alias.anchor.rawValue)"
            case .mapping, .sequence: "<complex key>"
            }
        }

        /// A scalar's value: its explicit standard tag if any (`!!str`, `!!int`, …), quoted → string, plain →
        /// resolved by the YAML 1.1 rules of Yams' default resolver (without its regular expressions).
        private static func scalarContent(_ scalar: Node.Scalar, explicitTag: String) -> SourceNode.Content {
            let text = scalar.string
            switch explicitTag {
            case Tag.Name.str.rawValue, Tag.Name.nonSpecific.rawValue: return .string(text)
            case Tag.Name.null.rawValue: return .null
            case Tag.Name.bool.rawValue: return boolValue(text).map(SourceNode.Content.bool) ?? .string(text)
            case Tag.Name.int.rawValue, Tag.Name.float.rawValue: return .number(text)
            case Tag.Name.implicit.rawValue: break
            default: if !explicitTag.hasPrefix("!") || explicitTag.hasPrefix("!!") { return .string(text) }
            }
            guard scalar.style == .plain || scalar.style == .any else { return .string(text) }
            if text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL" { return .null }
            if let flag = boolValue(text) { return .bool(flag) }
            if looksNumeric(text) { return .number(text) }
            return .string(text)
        }

        private static func boolValue(_ text: String) -> Bool? {
            switch text {
            case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON": true
            case "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF": false
            default: nil
            }
        }

        /// YAML 1.1 ints and floats (decimal, `0x`, `0o`, `0b`, `_` separators, sexagesimal, `.inf`, `.nan`).
        private static func looksNumeric(_ text: String) -> Bool {
            switch text {
            case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN":
                return true
            default: break
            }
            var body = Substring(text)
            if body.first == "+" || body.first == "-" { body = body.dropFirst() }
            guard let first = body.first, first.isASCII, first.isNumber || first == "." else { return false }
            let lower = body.lowercased()
            if lower.hasPrefix("0x") { return lower.count > 2 && lower.dropFirst(2).allSatisfy { $0.isHexDigit || $0 == "_" } }
            if lower.hasPrefix("0b") { return lower.count > 2 && lower.dropFirst(2).allSatisfy { $0 == "0" || $0 == "1" || $0 == "_" } }
            if lower.hasPrefix("0o") { return lower.count > 2 && lower.dropFirst(2).allSatisfy { ("0"..."7").contains($0) || $0 == "_" } }
            var digits = 0
            var dots = 0
            var exponent = false
            var previous: Character = " "
            for character in lower {
                switch character {
                case "0"..."9": digits += 1
                case "_", ":": break
                case ".": dots += 1; if exponent { return false }
                case "e": if exponent || digits == 0 { return false }; exponent = true
                case "+", "-": if previous != "e" { return false }
                default: return false
                }
                previous = character
            }
            return digits > 0 && dots <= 1 && previous != "e" && previous != "+" && previous != "-"
        }
    }
}

/// CloudFormation's YAML short-form function tags and their long-form keys.
enum CloudFormationShortForm {
    /// `!Ref` → `Ref`, `!Condition` → `Condition`, `!GetAtt` → `Fn::GetAtt`, `!If` → `Fn::If`, any other `!Name` →
    /// `Fn::Name`; `nil` for untagged values, standard `!!` tags and the non-specific `!`.
    static func function(forTag tag: String) -> String? {
        guard tag.hasPrefix("!"), !tag.hasPrefix("!!"), tag.count > 1 else { return nil }
        let name = tag.dropFirst()
        guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else { return nil }
        switch name {
        case "Ref", "Condition": return String(name)
        default: return "Fn::\(name)"
        }
    }
}
