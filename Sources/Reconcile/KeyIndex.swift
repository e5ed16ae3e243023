/// Installment keys (nosso número, document number) → (agreement, installment index): the
/// lookup every payment makes, a million times a run.
///
/// An ASCII key of up to 16 bytes (nearly all: nosso números are matched without their leading zeros,
/// document numbers are short) is held in the table's own slot, so a lookup reads one slot (one
/// cache line) and compares two words; `Dictionary<String, _>` reads its bitmap, its keys and its
/// values from three arrays and hashes with SipHash. Longer keys go to a dictionary beside it.
/// Open addressing with linear probing, at most half full.
struct KeyIndex {
    struct Slot {
        /// The key's bytes, zero-padded, in two little-endian words.
        var k0: UInt64 = 0
        var k1: UInt64 = 0
        /// The key's length; 0: an empty slot (an empty key goes to `long`).
        var length: Int32 = 0
        var agreement: Int32 = 0
        var installment: Int32 = 0
    }

    private var slots: [Slot]
    private var mask: Int
    private var count = 0
    private var long: [String: (Int, Int)] = [:]

    /// An empty index with room for `capacity` keys before it grows.
    init(capacity: Int = 0) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: Slot(), count: size)
        mask = size - 1
    }

    @inline(__always)
    private static func words(_ bytes: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64) {
        var w: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &w) { raw in
            raw.copyMemory(from: UnsafeRawBufferPointer(bytes))
        }
        return (UInt64(littleEndian: w.0), UInt64(littleEndian: w.1))
    }

    /// Whether a key's words are ASCII. Only ASCII keys go in the slots, compared byte for byte:
    /// Swift strings are equal when canonically equivalent (NFC "Ç" and NFD "C\u{327}" are one
    /// key, as `Dictionary` finds them), so a key with other bytes goes to `long`.
    @inline(__always)
    private static func isASCII(_ k0: UInt64, _ k1: UInt64) -> Bool { (k0 | k1) & 0x8080_8080_8080_8080 == 0 }

    @inline(__always)
    private static func home(_ k0: UInt64, _ k1: UInt64, _ length: Int, _ mask: Int) -> Int {
        // MurmurHash3's 64-bit finaliser over the two words: every input bit reaches the low
        // bits the mask keeps (sequential digit strings, common as nosso números, differ only
        // in their last bytes, the words' high ones, and clustered under a weaker mix).
        var h = k0 ^ (k1 &* 0x9E37_79B9_7F4A_7C15) ^ UInt64(length) &<< 59
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h = h &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return Int(truncatingIfNeeded: h) & mask
    }

    /// The slot holding the key (k0, k1, length), or the empty slot where it would go.
    @inline(__always)
    private static func probe(
        _ slots: UnsafeBufferPointer<Slot>, _ k0: UInt64, _ k1: UInt64, _ length: Int32, _ mask: Int
    ) -> Int {
        var i = home(k0, k1, Int(length), mask)
        while slots[i].length != 0 && !(slots[i].k0 == k0 && slots[i].k1 == k1 && slots[i].length == length) {
            i = (i + 1) & mask
        }
        return i
    }

    /// A key's words when it goes in the slots: 1 to 16 bytes, ASCII; nil sends it to `long`.
    @inline(__always)
    private static func slotWords(_ bytes: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64)? {
        guard bytes.count > 0 && bytes.count <= 16 else { return nil }
        let (k0, k1) = words(bytes)
        return isASCII(k0, k1) ? (k0, k1) : nil
    }

    /// The (agreement, installment) of `key`, if indexed.
    subscript(key: String) -> (Int, Int)? {
        KeyIndex.withUTF8(key) { self[bytes: $0] }
    }

    /// The (agreement, installment) of the key of these UTF-8 bytes, if indexed.
    subscript(bytes bytes: UnsafeBufferPointer<UInt8>) -> (Int, Int)? {
        guard let (k0, k1) = Self.slotWords(bytes) else { return long[String(decoding: bytes, as: UTF8.self)] }
        let mask = mask
        return slots.withUnsafeBufferPointer { slots in
            let i = Self.probe(slots, k0, k1, Int32(bytes.count), mask)
            return slots[i].length == 0 ? nil : (Int(slots[i].agreement), Int(slots[i].installment))
        }
    }

    /// Calls `body` with a string's UTF-8 bytes: in place when the string has them contiguous
    /// (native strings do), without the copy `String.withUTF8` makes of its receiver.
    @inline(__always)
    static func withUTF8<R>(_ s: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let r = s.utf8.withContiguousStorageIfAvailable(body) { return r }
        var copy = s
        return copy.withUTF8(body)
    }

    /// Sets `key`'s value, returning the one it replaces (as `Dictionary.updateValue`).
    @discardableResult
    mutating func updateValue(_ value: (Int, Int), forKey key: String) -> (Int, Int)? {
        KeyIndex.withUTF8(key) { updateValue(value, forBytes: $0) }
    }

    /// `updateValue(_:forKey:)` for the key of these UTF-8 bytes.
    @discardableResult
    mutating func updateValue(_ value: (Int, Int), forBytes bytes: UnsafeBufferPointer<UInt8>) -> (Int, Int)? {
        guard let (k0, k1) = Self.slotWords(bytes) else {
            return long.updateValue(value, forKey: String(decoding: bytes, as: UTF8.self))
        }
        if (count + 1) * 2 > slots.count { grow() }
        let length = Int32(bytes.count)
        let mask = mask
        let replaced = slots.withUnsafeMutableBufferPointer { slots -> (Int, Int)? in
            let i = Self.probe(UnsafeBufferPointer(slots), k0, k1, length, mask)
            let old = slots[i].length == 0 ? nil : (Int(slots[i].agreement), Int(slots[i].installment))
            slots[i] = Slot(k0: k0, k1: k1, length: length, agreement: Int32(value.0), installment: Int32(value.1))
            return old
        }
        if replaced == nil { count += 1 }
        return replaced
    }

    /// `key`'s slot holding `value`, when the key is one the slots hold (1 to 16 ASCII bytes);
    /// nil for a key `updateValue` would send to the dictionary beside them.
    static func entry(_ key: UnsafeBufferPointer<UInt8>, _ value: (Int, Int)) -> Slot? {
        guard let (k0, k1) = slotWords(key) else { return nil }
        return Slot(k0: k0, k1: k1, length: Int32(key.count), agreement: Int32(value.0), installment: Int32(value.1))
    }

    /// Inserts `entries` (made by `entry`), taken in the order of their home slots: one sweep
    /// through the table, where keys in their given order land at random, each a cache miss
    /// and a TLB miss (in a table of millions of slots that was three quarters of the time).
    /// False, at the first key the index already holds (present before, or given twice): the
    /// index is then part-filled, and a caller that must say which key came first starts again
    /// key by key. `entries` is left reordered.
    mutating func insertAll(_ entries: inout [Slot]) -> Bool {
        while (count + entries.count) * 2 > slots.count { grow() }
        let mask = mask
        Self.sortByHome(&entries, mask: mask) { ($0.k0, $0.k1, $0.length) }
        let added = slots.withUnsafeMutableBufferPointer { slots -> Int? in
            var added = 0
            for s in entries {
                let i = Self.probe(UnsafeBufferPointer(slots), s.k0, s.k1, s.length, mask)
                if slots[i].length != 0 { return nil }
                slots[i] = s
                added += 1
            }
            return added
        }
        guard let added else { return false }
        count += added
        return true
    }

    /// A key `lookUpAll` looks up, with the caller's tag.
    struct Probe {
        var k0: UInt64
        var k1: UInt64
        var length: Int32
        var tag: Int32
    }

    /// `key` as a probe tagged `tag`, when the key is one the slots hold; nil for a key the
    /// subscript looks up in the dictionary beside them.
    static func probe(_ key: UnsafeBufferPointer<UInt8>, tag: Int) -> Probe? {
        guard let (k0, k1) = slotWords(key) else { return nil }
        return Probe(k0: k0, k1: k1, length: Int32(key.count), tag: Int32(tag))
    }

    /// Looks up every probe, in the order of their home slots (as `insertAll` inserts), calling
    /// `found` with the tag and value of each key the index holds. `probes` is left reordered.
    func lookUpAll(_ probes: inout [Probe], _ found: (Int, (Int, Int)) -> Void) {
        let mask = mask
        Self.sortByHome(&probes, mask: mask) { ($0.k0, $0.k1, $0.length) }
        slots.withUnsafeBufferPointer { slots in
            for p in probes {
                let i = Self.probe(slots, p.k0, p.k1, p.length, mask)
                if slots[i].length != 0 { found(Int(p.tag), (Int(slots[i].agreement), Int(slots[i].installment))) }
            }
        }
    }

    /// Sorts items by the top 16 bits of their keys' home slots (two passes of a byte; within
    /// 1/65536 of the table the order does not matter to the cache).
    static func sortByHome<T>(_ items: inout [T], mask: Int, _ words: (T) -> (UInt64, UInt64, Int32)) {
        guard items.count > 1 else { return }
        let shift = max(0, mask.nonzeroBitCount - 16)
        var other = items
        items.withUnsafeMutableBufferPointer { items in
            other.withUnsafeMutableBufferPointer { other in
                func pass(_ from: UnsafeMutableBufferPointer<T>, _ to: UnsafeMutableBufferPointer<T>, _ byte: Int) {
                    @inline(__always) func bucket(_ item: T) -> Int {
                        let (k0, k1, length) = words(item)
                        return home(k0, k1, Int(length), mask) >> (shift + byte * 8) & 0xFF
                    }
                    var counts = [Int](repeating: 0, count: 257)
                    for item in from { counts[bucket(item) + 1] += 1 }
                    for b in 1..<257 { counts[b] += counts[b - 1] }
                    for item in from {
                        let b = bucket(item)
                        to[counts[b]] = item
                        counts[b] += 1
                    }
                }
                pass(items, other, 0)
                pass(other, items, 1)
            }
        }
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: Slot(), count: old.count * 2)
        mask = slots.count - 1
        let mask = mask
        slots.withUnsafeMutableBufferPointer { slots in
            for s in old where s.length != 0 {
                slots[Self.probe(UnsafeBufferPointer(slots), s.k0, s.k1, s.length, mask)] = s
            }
        }
    }
}
