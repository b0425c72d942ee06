import Foundation
import IaCScan
import Testing

/// Bad input never traps: malformed, huge and deeply nested files are errors naming file:line:column.
@Suite("Robustness: malformed, huge and deeply nested files")
struct RobustnessTests {
    @Test("malformed JSON, YAML and HCL that look like inputs: ScanError at the exact position")
    func malformed() throws {
        let json = try scanError("{\n  \"Resources\": {\n    \"T\": {\"Type\": \"AWS::ECS::TaskDefinition\",}\n  }\n}", name: "t.json")
        #expect(json.position == at(3, 46))
        #expect(json.description.hasPrefix("t.json:3:46: "))
        let yaml = try scanError("Resources:\n  T:\n    Type: AWS::ECS::TaskDefinition\n    Properties: [unclosed\n", name: "t.yaml")
        #expect(yaml.file == "t.yaml" && yaml.position.line >= 4)
        let duplicate = try scanError("Resources:\n  T: {Type: AWS::ECS::TaskDefinition}\n  T: {Type: AWS::ECS::TaskDefinition}\n")
        #expect(duplicate.message.contains("duplicate key"))
        let hcl = try scanError("resource \"aws_ecs_task_definition\" \"t\" {\n  pid_mode = \"host\n}\n", name: "main.tf")
        #expect(hcl.position == at(2, 14))
        #expect(hcl.message.contains("unterminated string"))
        let unclosed = try scanError("resource \"aws_ecs_task_definition\" \"t\" {\n  pid_mode = \"host\"\n")
        #expect(unclosed.position == at(1, 1) && unclosed.message.contains("not closed"))
        let heredoc = try scanError("resource \"aws_ecs_task_definition\" \"t\" {\n  pid_mode = <<EOT\nhost\n")
        #expect(heredoc.position == at(2, 14) && heredoc.message.contains("heredoc"))
        let badUTF8 = try scanError(bytes: Array("{\"pidMode\": \"".utf8) + [0xFF, 0xFE] + Array("\", \"containerDefinitions\": []}".utf8))
        #expect(badUTF8.message.contains("UTF-8"))
        let resources = try scanError(#"{"AWSTemplateFormatVersion": "2010-09-09", "Resources": ["AWS::ECS::TaskDefinition"]}"#)
        #expect(resources.position == at(1, 57) && resources.message.contains("Resources is not an object"))
    }

    @Test("deep nesting: JSON, YAML and HCL refuse it with a position instead of overflowing the stack")
    func deepNesting() throws {
        let depth = 100_000
        let json = try scanError(String(repeating: "[", count: depth) + "\"pidMode\"" + String(repeating: "]", count: depth))
        #expect(json.message.contains("nesting deeper than 256") && json.position == at(1, 257))
        let flowYAML = try scanError("pidMode: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "\n")
        #expect(flowYAML.message.lowercased().contains("nest"))
        var blockYAML = "pidMode: x\nroot:\n"
        for level in 1...2_000 { blockYAML += String(repeating: " ", count: level) + "k:\n" }
        let block = try scanError(blockYAML)
        #expect(block.message.lowercased().contains("nest"))
        let hclBrackets = try scanError(terraform("pid_mode = " + String(repeating: "(", count: depth) + String(repeating: ")", count: depth)))
        #expect(hclBrackets.message.contains("nested deeper than 256"))
        var hclBlocks = ""
        for _ in 0..<1_000 { hclBlocks += "a {\n" }
        hclBlocks += "pid_mode = \"host\"\n" + String(repeating: "}\n", count: 1_000)
        #expect(try scanError(hclBlocks).message.contains("nested deeper than 256"))
        let template = try scanError(terraform("pid_mode = " + String(repeating: "\"${", count: 2_000)))
        #expect(template.message.contains("HCL"))
    }

    @Test("YAML alias expansion (billion laughs) is refused")
    func billionLaughs() throws {
        var yaml = "pidMode: x\na0: &a0 [host, host, host, host, host, host, host, host, host, host]\n"
        for level in 1...9 {
            yaml += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        let error = try scanError(yaml)
        #expect(error.message.contains("values once aliases are expanded"))
    }

    @Test("a 100 MB file is refused from its size, before it is read")
    func hugeFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pidmode-huge-\(getpid()).json").path
        FileManager.default.createFile(atPath: path, contents: Data("{\"pidMode\": \"host\", \"containerDefinitions\": []".utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: 100 * 1024 * 1024)  // sparse: no 100 MB written
        try handle.close()
        guard case .failure(let error) = FileScanner.scan(path: path, displayPath: "huge.json") else {
            Issue.record("a 100 MB file was scanned")
            return
        }
        #expect(error.description == "huge.json:1:1: file is 104857600 bytes, over the limit of 33554432 bytes (--max-file-bytes); not read")
    }

    @Test("binary files and files without any marker are not inputs; unreadable paths are errors")
    func notInputs() throws {
        #expect(FileScanner.scan(bytes: [0x7B, 0x00, 0x01] + Array("pidMode".utf8), file: "b") == .success(.notAnInput))
        #expect(FileScanner.scan(bytes: Array("{ not json at all".utf8), file: "c") == .success(.notAnInput))
        #expect(FileScanner.scan(bytes: Array("{\"a\": \"\\n\", broken".utf8), file: "d") == .success(.notAnInput))
        guard case .failure(let error) = FileScanner.scan(path: "/nonexistent/pidmode.json", displayPath: "pidmode.json") else {
            Issue.record("a missing file scanned")
            return
        }
        #expect(error.description.hasPrefix("pidmode.json:1:1: cannot open"))
    }
}
