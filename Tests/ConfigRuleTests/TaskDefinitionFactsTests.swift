import JSON
import Testing

@testable import ConfigRule

/// The focused extraction of a task definition's `configuration` (``TaskDefinitionFacts``): the byte scanner used by
/// the sweep must read exactly what the parsed-object path reads, and must never trap on hostile bytes (regressions
/// for inputs in the spirit of the fuzz corpus: deep nesting, duplicates, escapes, invalid UTF-8, truncation).
@Suite("TaskDefinitionFacts: scanner = parsed object, never a trap")
struct TaskDefinitionFactsTests {
    static func scanned(_ text: String) throws -> TaskDefinitionFacts? {
        try scanned(Array(text.utf8))
    }

    static func scanned(_ bytes: [UInt8]) throws -> TaskDefinitionFacts? {
        try bytes.withUnsafeBufferPointer { try TaskDefinitionFacts.scan(document: $0) }
    }

    static func parsed(_ bytes: [UInt8]) -> TaskDefinitionFacts?? {
        guard let value = try? JSONParser.parse(bytes) else { return .none }
        return .some(value.objectValue.map(TaskDefinitionFacts.init(configuration:)))
    }

    /// The scanner and the parser agree on acceptance and on the facts.
    static func expectAgreement(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        let byScanner = try? scanned(bytes)
        let byParser = parsed(bytes)
        #expect((byScanner == nil) == (byParser == nil), "acceptance differs for \(String(decoding: bytes.prefix(120), as: UTF8.self))",
                sourceLocation: sourceLocation)
        if let byScanner, let byParser {
            #expect(byScanner == byParser, "facts differ for \(String(decoding: bytes.prefix(120), as: UTF8.self))", sourceLocation: sourceLocation)
        }
    }

    @Test("the five facts, PascalCase and camelCase, other members never read")
    func facts() throws {
        let pascal = try Self.scanned(#"""
            {"ContainerDefinitions":[{"Name":"a","Environment":[{"Name":"PidMode","Value":"host"}]}],"Family":"web",
             "TaskDefinitionArn":"arn:aws:ecs:us-west-2:111111111111:task-definition/web:3","Revision":3,"Status":"ACTIVE",
             "PidMode":"host"}
            """#)
        #expect(pascal == TaskDefinitionFacts(
            pidMode: .string("host"), status: "ACTIVE", taskDefinitionArn: "arn:aws:ecs:us-west-2:111111111111:task-definition/web:3",
            family: "web", revision: "3"))
        let camel = try Self.scanned(#"{"family":"api","revision":12,"status":"INACTIVE","pidMode":"task","taskDefinitionArn":"x"}"#)
        #expect(camel == TaskDefinitionFacts(pidMode: .string("task"), status: "INACTIVE", taskDefinitionArn: "x", family: "api", revision: "12"))
        #expect(try Self.scanned("{}") == TaskDefinitionFacts())
        #expect(try Self.scanned("[1]") == nil)
        #expect(try Self.scanned(#""{\"PidMode\":\"host\"}""#) == nil)
    }

    @Test("precedence: host in either pid-mode member wins; else PidMode; the last duplicate counts; non-strings kept as values")
    func precedence() throws {
        #expect(try Self.scanned(#"{"PidMode":"task","pidMode":"HoSt"}"#)?.pidMode == .string("HoSt"))
        #expect(try Self.scanned(#"{"PidMode":"task","pidMode":"other"}"#)?.pidMode == .string("task"))
        #expect(try Self.scanned(#"{"PidMode":"host","PidMode":"task"}"#)?.pidMode == .string("task"))
        #expect(try Self.scanned(#"{"PidMode":null}"#)?.pidMode == .null)
        #expect(try Self.scanned(#"{"PidMode":{"a":[1]}}"#)?.pidMode == .object(JSONObject(["a": .array([.number("1")])])))
        #expect(try Self.scanned(#"{"Status":1,"status":"INACTIVE"}"#)?.status == nil, "Status present but not a string: no fallback")
        #expect(try Self.scanned(#"{"Revision":"3"}"#)?.revision == nil)
        #expect(try Self.scanned(#"{"Pid\u004dode":"host"}"#)?.pidMode == .string("host"), "escaped key")
    }

    @Test("agrees with the parser on edge cases and on every truncation of a realistic item")
    func agreement() throws {
        let realistic = #"{"ContainerDefinitions":[{"Name":"web","Image":"nginx","Environment":[{"Name":"A","Value":"x\"}{\\"}],"#
            + #""PortMappings":[{"ContainerPort":80}],"Essential":true,"Memory":512}],"Family":"web","Revision":7,"#
            + #""Status":"ACTIVE","PidMode":"host","Volumes":[],"Cpu":"256","Note":"caf\u00e9 \ud83d\ude00"}"#
        let bytes = Array(realistic.utf8)
        Self.expectAgreement(bytes)
        for cut in 0..<bytes.count { Self.expectAgreement(Array(bytes.prefix(cut))) }
        let edges = [
            #"{"PidMode":"host","x":\#(String(repeating: "[", count: 255))\#(String(repeating: "]", count: 255))}"#,
            #"{"PidMode":"host","x":\#(String(repeating: "[", count: 256))\#(String(repeating: "]", count: 256))}"#,
            #"{"PidMode":"task","Revision":123456789012345678901234567890,"Cpu":1e999999,"Memory":-0.0e-0}"#,
            #"{"PidMode":"\ud800"}"#, #"{"PidMode":"host"} x"#, #"{"PidMode":"host",}"#, #"{"a":"\u0000"}"#, " {} ",
        ]
        for edge in edges { Self.expectAgreement(Array(edge.utf8)) }
        Self.expectAgreement([0x7B, 0x22, 0x50, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0x22, 0x7D])  // {"P":"<invalid UTF-8>"}
        Self.expectAgreement([0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D])  // invalid UTF-8 in a skipped key
    }

    @Test("a BatchGetResourceConfig item is read from the reply's bytes exactly as the parsed API item is")
    func apiItemScan() throws {
        let configuration = #"{"Family":"web","Revision":2,"PidMode":"host","ContainerDefinitions":[{"Name":"a"}]}"#
        let item: JSONValue = .object(JSONObject([
            "version": .string("1.3"), "accountId": .string("111111111111"),
            "configurationItemCaptureTime": .number("1705615540.112"), "configurationItemStatus": .string("OK"),
            "resourceType": .string("AWS::ECS::TaskDefinition"), "resourceId": .string("web"), "resourceName": .string("web:2"),
            "configuration": .string(configuration), "supplementaryConfiguration": .object(JSONObject()),
        ]))
        let bytes = JSONWriter.serialize(item)
        var scratch: [UInt8] = []
        let scannedItem = try bytes.withUnsafeBufferPointer { buffer in
            var cursor = JSONCursor(buffer)
            return try ConfigurationItem.scanAPIItem(&cursor, path: { "item" }, scratch: &scratch)
        }
        let parsedItem = try ConfigurationItem(apiItem: try #require(item.objectValue), path: "item")
        #expect(scannedItem == parsedItem)
        #expect(scannedItem?.configuration?.pidMode == .string("host"))
    }

    @Test("a bad BatchGetResourceConfig item fails the scan with the parsed reader's error, naming the field", arguments: [
        ("resourceId", JSONValue?.none), ("resourceType", .number("3")), ("configurationItemStatus", .string("")),
        ("configurationItemCaptureTime", .string("yesterday")), ("resourceId", .null),
    ])
    func badAPIItemScan(_ member: String, _ value: JSONValue?) throws {
        var object = JSONObject([
            "configurationItemCaptureTime": .number("1705615540.112"), "configurationItemStatus": .string("OK"),
            "resourceType": .string("AWS::ECS::TaskDefinition"), "resourceId": .string("web"),
            "configuration": .string(#"{"PidMode":"host"}"#),
        ])
        object.members.removeAll { $0.key == member }
        if let value { object.append(member, value) }
        let bytes = JSONWriter.serialize(.object(object))
        var scratch: [UInt8] = []
        let scanError = bytes.withUnsafeBufferPointer { buffer -> ConfigRuleError? in
            var cursor = JSONCursor(buffer)
            do {
                _ = try ConfigurationItem.scanAPIItem(&cursor, path: { "items[3]" }, scratch: &scratch)
                return nil
            } catch {
                return error as? ConfigRuleError
            }
        }
        var parseError: ConfigRuleError?
        do { _ = try ConfigurationItem(apiItem: object, path: "items[3]") } catch { parseError = error }
        let scanned = try #require(scanError, "the scan accepted a bad \(member)")
        #expect(scanned.message == parseError?.message)
        #expect(scanned.message.contains("items[3].\(member)"))
    }
}
