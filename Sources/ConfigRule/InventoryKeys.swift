#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The set of resources the periodic sweep has listed, kept compactly for its clean-up (rule-semantics §4 step 4):
/// every key once, as its UTF-8 bytes in one growing byte arena, found through an open-addressing table of arena
/// offsets. About (id length + 6) bytes per key (a 13-character id: ~19 bytes; 250 000 keys: ~5 MB), instead of two
/// `String`s and a `Set` entry per key.
///
/// Keys of `primaryType` (the listed resource type) are stored as their id alone; any other type as `0xFF`, the type's
/// byte length (2 bytes, little endian), the type, the id (`0xFF` never starts UTF-8 text, so the two never collide and
/// every key reads back exactly: ``forEach(_:)``, in insertion order). Not thread-safe: one owner at a time.
struct InventoryKeys {
    let primaryType: String
    /// Per key: its byte length (2 bytes, little endian) then the bytes.
    private var arena: [UInt8] = []
    /// `0` = empty, else the key's arena offset + 1.
    private var slots: [UInt32]
    private(set) var count = 0

    init(primaryType: String, expectedCount: Int = 1_024) {
        self.primaryType = primaryType
        var capacity = 16
        while capacity < expectedCount * 2 { capacity <<= 1 }
        slots = [UInt32](repeating: 0, count: capacity)
    }

    /// Adds `key`. - Returns: `false` when it was already there (or cannot be stored: over 65 535 bytes).
    @discardableResult
    mutating func insert(_ key: ResourceKey) -> Bool {
        Self.withEncoded(key, primaryType: primaryType) { bytes in
            guard bytes.count <= Int(UInt16.max), arena.count + bytes.count + 2 < Int(UInt32.max) else { return false }
            if (count + 1) * 2 > slots.count { grow() }
            var slot = Self.hash(bytes) & (slots.count - 1)
            while slots[slot] != 0 {
                if matches(slots[slot], bytes) { return false }
                slot = (slot + 1) & (slots.count - 1)
            }
            slots[slot] = UInt32(arena.count + 1)
            arena.append(UInt8(bytes.count & 0xFF))
            arena.append(UInt8(bytes.count >> 8))
            arena.append(contentsOf: bytes)
            count += 1
            return true
        }
    }

    func contains(_ key: ResourceKey) -> Bool {
        Self.withEncoded(key, primaryType: primaryType) { bytes in
            var slot = Self.hash(bytes) & (slots.count - 1)
            while slots[slot] != 0 {
                if matches(slots[slot], bytes) { return true }
                slot = (slot + 1) & (slots.count - 1)
            }
            return false
        }
    }

    /// Calls `body` with every key, in the order they were inserted.
    func forEach<Failure: Error>(_ body: (ResourceKey) throws(Failure) -> Void) throws(Failure) {
        var offset = 0
        while offset + 2 <= arena.count {
            let length = Int(arena[offset]) | Int(arena[offset + 1]) << 8
            let start = offset + 2
            offset = start + length
            try body(decoded(arena[start..<offset]))
        }
    }

    /// Bytes held (arena + table), for the sweep's summary log.
    var footprintBytes: Int { arena.capacity + slots.capacity * MemoryLayout<UInt32>.stride }

    /// The marker of a key of another type than `primaryType` (a byte UTF-8 text never starts with).
    private static let typedMarker: UInt8 = 0xFF

    /// Calls `body` with the stored form of `key`: the id's own UTF-8 bytes for `primaryType` (no copy), else the
    /// marked form.
    /// Static, so that no copy of the set (and of its arena) is alive while `body` inserts: that would make every
    /// insert copy the whole arena.
    private static func withEncoded<Result>(
        _ key: ResourceKey, primaryType: String, _ body: (UnsafeBufferPointer<UInt8>) -> Result
    ) -> Result {
        guard key.resourceType == primaryType else {
            let type = Array(key.resourceType.utf8)
            let marked = [typedMarker, UInt8(type.count & 0xFF), UInt8((type.count >> 8) & 0xFF)] + type + Array(key.resourceID.utf8)
            return marked.withUnsafeBufferPointer(body)
        }
        var id = key.resourceID
        return id.withUTF8(body)
    }

    private func decoded(_ bytes: ArraySlice<UInt8>) -> ResourceKey {
        guard bytes.first == Self.typedMarker, bytes.count >= 3 else {
            return ResourceKey(resourceType: primaryType, resourceID: String(decoding: bytes, as: UTF8.self))
        }
        let typeStart = bytes.startIndex + 3
        let typeLength = Int(bytes[bytes.startIndex + 1]) | Int(bytes[bytes.startIndex + 2]) << 8
        let typeEnd = min(typeStart + typeLength, bytes.endIndex)
        return ResourceKey(
            resourceType: String(decoding: bytes[typeStart..<typeEnd], as: UTF8.self),
            resourceID: String(decoding: bytes[typeEnd...], as: UTF8.self)
        )
    }

    private func matches(_ stored: UInt32, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = Int(stored) - 1
        let length = Int(arena[start]) | Int(arena[start + 1]) << 8
        guard length == bytes.count else { return false }
        return arena.withUnsafeBufferPointer { arena in
            guard let stored = arena.baseAddress, let candidate = bytes.baseAddress else { return true }  // both empty
            return memcmp(stored + start + 2, candidate, length) == 0
        }
    }

    private mutating func grow() {
        var bigger = [UInt32](repeating: 0, count: slots.count * 2)
        for stored in slots where stored != 0 {
            let start = Int(stored) - 1
            let length = Int(arena[start]) | Int(arena[start + 1]) << 8
            var slot = Self.hash(arena[(start + 2)..<(start + 2 + length)]) & (bigger.count - 1)
            while bigger[slot] != 0 { slot = (slot + 1) & (bigger.count - 1) }
            bigger[slot] = stored
        }
        slots = bigger
    }

    /// FNV-1a, 64 bits (deterministic across runs, unlike `Hasher`; the keys are not attacker-chosen collisions'
    /// worth: a collision only costs a probe).
    private static func hash<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> Int {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return Int(truncatingIfNeeded: value ^ (value >> 29))
    }
}
