import Testing

@testable import ConfigRule

/// ``InventoryKeys``: the sweep's compact key sets (listed resources, reported results) hold each key once, tell
/// types apart, and give every key back exactly (the clean-up enumerates the reported ones).
@Suite("InventoryKeys")
struct InventoryKeysTests {
    static let taskDefinition = "AWS::ECS::TaskDefinition"

    static func key(_ type: String, _ id: String) -> ResourceKey { ResourceKey(resourceType: type, resourceID: id) }

    @Test("forEach gives back every key once, exactly and in insertion order, whatever its type")
    func enumeratesExactly() {
        var keys = InventoryKeys(primaryType: Self.taskDefinition, expectedCount: 2)
        let inserted = [
            Self.key(Self.taskDefinition, "web"),
            Self.key("AWS::ECS::Service", "web"),
            Self.key(Self.taskDefinition, ""),
            Self.key("AWS::EC2::Instance", "i-0123456789abcdef0"),
            Self.key(Self.taskDefinition, "ünïcode-😀"),
            Self.key("", "typeless"),
        ] + (1...300).map { Self.key(Self.taskDefinition, "family-\($0)") }  // past several table growths
        for key in inserted {
            let added = keys.insert(key)
            #expect(added, "\(key)")
        }
        let duplicate = keys.insert(Self.key(Self.taskDefinition, "web"))
        let duplicateOfOtherType = keys.insert(Self.key("AWS::ECS::Service", "web"))
        #expect(!duplicate && !duplicateOfOtherType, "duplicates are refused")
        #expect(keys.count == inserted.count)
        var seen: [ResourceKey] = []
        keys.forEach { seen.append($0) }
        #expect(seen == inserted)
        #expect(inserted.allSatisfy { keys.contains($0) })
    }

    @Test("a key of another type never matches a primary-type id spelling the same bytes")
    func typesNeverCollide() {
        var keys = InventoryKeys(primaryType: Self.taskDefinition)
        // Under the former `type NUL id` encoding these two were the same bytes.
        let typed = Self.key("AWS::EC2::Instance", "i-1")
        let lookalike = Self.key(Self.taskDefinition, "AWS::EC2::Instance\u{0}i-1")
        let typedAdded = keys.insert(typed)
        #expect(typedAdded)
        #expect(!keys.contains(lookalike))
        let lookalikeAdded = keys.insert(lookalike)
        #expect(lookalikeAdded)
        #expect(!keys.contains(Self.key(Self.taskDefinition, "i-1")))
        #expect(!keys.contains(Self.key("AWS::ECS::Service", "i-1")))
        var seen: [ResourceKey] = []
        keys.forEach { seen.append($0) }
        #expect(seen == [typed, lookalike])
    }

    @Test("a key over 65 535 bytes is refused, never stored truncated")
    func oversizedRefused() {
        var keys = InventoryKeys(primaryType: Self.taskDefinition)
        let huge = Self.key(Self.taskDefinition, String(repeating: "x", count: 70_000))
        let added = keys.insert(huge)
        #expect(!added)
        #expect(keys.count == 0 && !keys.contains(huge))
        var seen = 0
        keys.forEach { _ in seen += 1 }
        #expect(seen == 0)
    }
}
