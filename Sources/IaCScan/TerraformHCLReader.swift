import JSON
import PidModePolicy

/// Terraform configuration (`*.tf`): top-level `resource "aws_ecs_task_definition" "<name>" { pid_mode = … }` (and
/// `awscc_ecs_task_definition`), read at resource level only, never inside `container_definitions` or nested blocks.
///
/// A quoted string or heredoc without templates, a number, `true`/`false` and `null` are literals; `c ? a : b` yields
/// its branches; anything else (a variable, a local, a function call, a template) is not a literal.
enum TerraformHCLReader {
    static let maximumDepth = 256

    /// Whether `text` reads as HCL rather than YAML: its first line that is not blank or a `#` comment starts with
    /// `//`, `/*`, or an identifier followed by a quoted label, `{` or `=`.
    static func recognizes(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
        while index < bytes.count {
            var lineEnd = index
            while lineEnd < bytes.count, bytes[lineEnd] != 0x0A { lineEnd += 1 }
            var start = index
            while start < lineEnd, bytes[start] == 0x20 || bytes[start] == 0x09 || bytes[start] == 0x0D { start += 1 }
            index = lineEnd + 1
            guard start < lineEnd, bytes[start] != UInt8(ascii: "#") else { continue }
            if bytes[start] == UInt8(ascii: "/"), start + 1 < lineEnd, bytes[start + 1] == UInt8(ascii: "/") || bytes[start + 1] == UInt8(ascii: "*") {
                return true
            }
            var cursor = start
            while cursor < lineEnd, isWordByte(bytes[cursor]) { cursor += 1 }
            guard cursor > start else { return false }
            while cursor < lineEnd, bytes[cursor] == 0x20 || bytes[cursor] == 0x09 { cursor += 1 }
            guard cursor < lineEnd else { return false }
            let next = bytes[cursor]
            return next == UInt8(ascii: "\"") || next == UInt8(ascii: "{")
                || (next == UInt8(ascii: "=") && !(cursor + 1 < lineEnd && bytes[cursor + 1] == UInt8(ascii: "=")))
        }
        return false
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || isDigit(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }

    static func sites(in bytes: UnsafeBufferPointer<UInt8>, file: String) throws(SyntaxError) -> [TaskDefinitionSite] {
        let tokens = try HCLLexer.tokenize(bytes)
        var parser = Parser(tokens: tokens, bytes: bytes, file: file)
        var topLevel: Parser.Resource?
        try parser.parseBody(depth: 0, resource: &topLevel)
        if parser.index < tokens.count {
            throw SyntaxError(position: tokens[parser.index].position, message: "HCL: unexpected '}'")
        }
        return parser.sites
    }

    private struct Parser {
        let tokens: [HCLToken]
        let bytes: UnsafeBufferPointer<UInt8>
        let file: String
        var index = 0
        var sites: [TaskDefinitionSite] = []

        init(tokens: [HCLToken], bytes: UnsafeBufferPointer<UInt8>, file: String) {
            self.tokens = tokens
            self.bytes = bytes
            self.file = file
        }

        /// The resource being read: its address, the `resource` keyword's position, what was found so far.
        struct Resource {
            var address: String
            var position: SourcePosition
            var pidMode: (SiteValue, SourcePosition)?
            var family: String?
        }

        /// Reads attributes and blocks up to a `}` (not consumed) or the end. `resource` is set for the body of a
        /// task-definition resource block (its own attributes, not those of nested blocks).
        mutating func parseBody(depth: Int, resource: inout Resource?) throws(SyntaxError) {
            while index < tokens.count {
                let token = tokens[index]
                switch token.kind {
                case .newline:
                    index += 1
                    continue
                case .punctuation("}"):
                    return
                case .identifier(let name):
                    index += 1
                    if case .punctuation("=")? = tokens[safe: index]?.kind {
                        index += 1
                        let expression = try expressionTokens()
                        guard !expression.isEmpty else {
                            throw SyntaxError(position: token.position, message: "HCL: attribute \(name) has no value")
                        }
                        if resource != nil {
                            if name == "pid_mode" {
                                resource?.pidMode = (Self.siteValue(expression, bytes: bytes), expression[0].position)
                            } else if name == "family", expression.count == 1, case .string(let literal?) = expression[0].kind {
                                resource?.family = literal
                            }
                        }
                    } else {
                        try parseBlock(type: name, keyword: token, depth: depth, isTopLevel: resource == nil && depth == 0)
                    }
                default:
                    throw SyntaxError(position: token.position, message: "HCL: expected an attribute or a block, found \(describe(token))")
                }
            }
        }

        private mutating func parseBlock(type: String, keyword: HCLToken, depth: Int, isTopLevel: Bool) throws(SyntaxError) {
            guard depth < TerraformHCLReader.maximumDepth else {
                throw SyntaxError(position: keyword.position, message: "HCL: blocks nested deeper than \(TerraformHCLReader.maximumDepth) levels")
            }
            var labels: [String] = []
            while let token = tokens[safe: index] {
                if case .string(let literal) = token.kind {
                    labels.append(literal ?? "")
                } else if case .identifier(let label) = token.kind {
                    labels.append(label)
                } else {
                    break
                }
                index += 1
            }
            guard case .punctuation("{")? = tokens[safe: index]?.kind else {
                let found = tokens[safe: index].map(describe) ?? "the end of the file"
                throw SyntaxError(position: tokens[safe: index]?.position ?? keyword.position,
                                  message: "HCL: expected '{' or '=' after \(type), found \(found)")
            }
            index += 1
            let isTaskDefinition = isTopLevel && type == "resource" && labels.count == 2
                && TerraformPlanReader.resourceTypes.contains(labels[0])
            if isTaskDefinition {
                var resource: Resource? = Resource(address: "\(labels[0]).\(labels[1])", position: keyword.position)
                try parseBody(depth: depth + 1, resource: &resource)
                if let resource {
                    let (value, position) = resource.pidMode ?? (.single(.absent), resource.position)
                    sites.append(TaskDefinitionSite(
                        file: file, position: position, format: .terraform, resource: resource.address, value: value,
                        family: resource.family))
                }
            } else {
                var nested: Resource?
                try parseBody(depth: depth + 1, resource: &nested)
            }
            guard case .punctuation("}")? = tokens[safe: index]?.kind else {
                throw SyntaxError(position: keyword.position, message: "HCL: block \(type) \(labels.map { "\"\($0)\"" }.joined(separator: " ")) is not closed")
            }
            index += 1
        }

        /// The tokens of an attribute's expression: up to a line break outside brackets, or a `}` that closes the
        /// enclosing block (not consumed).
        private mutating func expressionTokens() throws(SyntaxError) -> [HCLToken] {
            var expression: [HCLToken] = []
            var open: [(String, SourcePosition)] = []
            while let token = tokens[safe: index] {
                switch token.kind {
                case .newline:
                    if open.isEmpty { return expression }
                    index += 1
                    continue
                case .punctuation(let mark) where mark == "(" || mark == "[" || mark == "{":
                    open.append((mark, token.position))
                    guard open.count <= TerraformHCLReader.maximumDepth else {
                        throw SyntaxError(position: token.position, message: "HCL: brackets nested deeper than \(TerraformHCLReader.maximumDepth) levels")
                    }
                case .punctuation(let mark) where mark == ")" || mark == "]" || mark == "}":
                    guard let (opener, _) = open.popLast() else {
                        if mark == "}" { return expression }
                        throw SyntaxError(position: token.position, message: "HCL: unexpected '\(mark)'")
                    }
                    let expected = opener == "(" ? ")" : opener == "[" ? "]" : "}"
                    guard mark == expected else {
                        throw SyntaxError(position: token.position, message: "HCL: expected '\(expected)', found '\(mark)'")
                    }
                default:
                    break
                }
                expression.append(token)
                index += 1
            }
            if let (opener, position) = open.last {
                throw SyntaxError(position: position, message: "HCL: '\(opener)' is not closed")
            }
            return expression
        }

        private func describe(_ token: HCLToken) -> String {
            switch token.kind {
            case .identifier(let name): "'\(name)'"
            case .number(let text): "'\(text)'"
            case .string: "a string"
            case .punctuation(let mark): "'\(mark)'"
            case .newline: "a line break"
            }
        }

        /// What an expression says about the pid mode.
        static func siteValue(_ expression: [HCLToken], bytes: UnsafeBufferPointer<UInt8>) -> SiteValue {
            if let branches = conditionalBranches(expression, depth: 0) {
                return .conditional(name: "?:", branches: branches.map { value($0, bytes: bytes) })
            }
            return .single(value(expression, bytes: bytes))
        }

        private static func value(_ expression: [HCLToken], bytes: UnsafeBufferPointer<UInt8>) -> PidModeValue {
            let inner = unparenthesized(expression)
            if inner.count == 1 {
                switch inner[0].kind {
                case .string(let literal?): return .literal(.string(literal))
                case .number(let text) where isJSONNumber(text): return .literal(.number(text))
                case .identifier("null"): return .literal(.null)
                case .identifier("true"): return .literal(.bool(true))
                case .identifier("false"): return .literal(.bool(false))
                default: break
                }
            }
            if inner.count == 2, case .punctuation("-") = inner[0].kind, case .number(let text) = inner[1].kind, isJSONNumber(text) {
                return .literal(.number("-" + text))
            }
            return .notLiteral(description: sourceText(expression, bytes: bytes))
        }

        /// `c ? a : b` at the top level (right-associative: `c1 ? a : c2 ? b : d` gives a, b, d).
        private static func conditionalBranches(_ expression: [HCLToken], depth: Int) -> [[HCLToken]]? {
            let inner = unparenthesized(expression)
            guard depth < 64, let question = topLevelIndex(of: "?", in: inner) else { return nil }
            var nesting = 0
            var bracket = 0
            var colon: Int?
            for position in (question + 1)..<inner.count {
                switch inner[position].kind {
                case .punctuation("("), .punctuation("["), .punctuation("{"): bracket += 1
                case .punctuation(")"), .punctuation("]"), .punctuation("}"): bracket -= 1
                case .punctuation("?") where bracket == 0: nesting += 1
                case .punctuation(":") where bracket == 0:
                    if nesting == 0 { colon = position } else { nesting -= 1 }
                default: break
                }
                if colon != nil { break }
            }
            guard let colon, colon > question + 1, colon + 1 < inner.count else { return nil }
            let whenTrue = Array(inner[(question + 1)..<colon])
            let whenFalse = Array(inner[(colon + 1)...])
            return (conditionalBranches(whenTrue, depth: depth + 1) ?? [whenTrue])
                + (conditionalBranches(whenFalse, depth: depth + 1) ?? [whenFalse])
        }

        private static func topLevelIndex(of mark: String, in tokens: [HCLToken]) -> Int? {
            var bracket = 0
            for (position, token) in tokens.enumerated() {
                switch token.kind {
                case .punctuation("("), .punctuation("["), .punctuation("{"): bracket += 1
                case .punctuation(")"), .punctuation("]"), .punctuation("}"): bracket -= 1
                case .punctuation(let found) where found == mark && bracket == 0: return position
                default: break
                }
            }
            return nil
        }

        /// The expression without parentheses around all of it.
        private static func unparenthesized(_ expression: [HCLToken]) -> [HCLToken] {
            var tokens = expression[...]
            while tokens.count >= 2, case .punctuation("(") = tokens.first?.kind, case .punctuation(")") = tokens.last?.kind {
                var bracket = 0
                var closesAtEnd = true
                for (offset, token) in tokens.enumerated() {
                    if case .punctuation("(") = token.kind { bracket += 1 }
                    if case .punctuation(")") = token.kind { bracket -= 1 }
                    if bracket == 0, offset < tokens.count - 1 { closesAtEnd = false; break }
                }
                guard closesAtEnd else { break }
                tokens = tokens.dropFirst().dropLast()
            }
            return Array(tokens)
        }

        /// The expression as written, on one line, at most 80 characters.
        private static func sourceText(_ expression: [HCLToken], bytes: UnsafeBufferPointer<UInt8>) -> String {
            guard let first = expression.first, let last = expression.last, first.start < last.end, last.end <= bytes.count else {
                return "an expression"
            }
            let raw = String(decoding: UnsafeBufferPointer(rebasing: bytes[first.start..<last.end]), as: UTF8.self)
            let oneLine = raw.split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\t" || $0 == " " }).joined(separator: " ")
            return oneLine.count > 80 ? String(oneLine.prefix(77)) + "..." : oneLine
        }

        private static func isJSONNumber(_ text: String) -> Bool {
            (try? JSONParser.parse(text))?.numberText != nil
        }
    }
}

extension Array {
    subscript(safe index: Int) -> Element? {
        indices.contains(index) ? self[index] : nil
    }
}
