import Foundation
import Records

/// The dotted output paths of a layout (`payer.address.city`) as a trie of segments, numbered
/// depth-first so that a node's subtree is a range of numbers. A JSON record is resolved against
/// it once: each leaf's path (its keys joined by dots, a dotted key counting as the same path)
/// lands on a node, and the writer then reads values by node number, not by string.
struct PathTrie {
    /// Per node: the full path ("" for the root, node 0).
    let paths: [String]
    /// Per node: one past the last node of its subtree.
    let subtreeEnd: [Int32]
    /// Per node: segments from the root (1 for a top-level key).
    let depth: [Int32]
    let byPath: [String: Int32]
    /// Open-addressed table of (parent, segment) → child.
    let entries: [Entry]
    /// The segments' bytes, padded with zeros so that words can be loaded past each one's end.
    let keys: [UInt8]
    let shift: UInt64

    struct Entry {
        var hash: UInt64 = 0
        var parent: Int32 = -1
        var child: Int32 = -1
        var offset: Int32 = 0
        var length: Int32 = 0
    }

    init(_ all: Set<String>) {
        // Every prefix of every path is a node; sorting by segments gives depth-first order.
        var prefixes: Set<[Substring]> = [[]]
        for path in all {
            let segments = path.split(separator: ".", omittingEmptySubsequences: false)
            for k in 1...segments.count { prefixes.insert(Array(segments[0..<k])) }
        }
        let sorted = prefixes.sorted { a, b in a.lexicographicallyPrecedes(b) { $0.utf8.lexicographicallyPrecedes($1.utf8) } }
        var paths: [String] = []
        var depth: [Int32] = []
        var byPath: [String: Int32] = [:]
        for segments in sorted {
            let path = segments.joined(separator: ".")
            byPath[path] = Int32(paths.count)
            paths.append(path)
            depth.append(Int32(segments.count))
        }
        var subtreeEnd = [Int32](repeating: 0, count: sorted.count)
        for i in sorted.indices {
            var j = i + 1
            while j < sorted.count, sorted[j].count > sorted[i].count, Array(sorted[j][0..<sorted[i].count]) == sorted[i] { j += 1 }
            subtreeEnd[i] = Int32(j)
        }
        var capacity = 16
        while capacity < sorted.count * 4 { capacity *= 2 }
        var entries = [Entry](repeating: Entry(), count: capacity)
        var keys: [UInt8] = []
        let shift = UInt64(64 - capacity.trailingZeroBitCount)
        for (i, segments) in sorted.enumerated() where !segments.isEmpty {
            let parent = byPath[segments.dropLast().joined(separator: ".")]!
            let segment = Array(segments.last!.utf8)
            let offset = keys.count
            keys.append(contentsOf: segment)
            keys.append(contentsOf: [UInt8](repeating: 0, count: 16))
            let hash = keys.withUnsafeBufferPointer { Self.hash($0.baseAddress! + offset, segment.count, parent: parent).hash }
            var slot = Int(hash >> shift)
            while entries[slot].child >= 0 { slot = (slot + 1) & (capacity - 1) }
            entries[slot] = Entry(hash: hash, parent: parent, child: Int32(i), offset: Int32(offset), length: Int32(segment.count))
        }
        self.paths = paths
        self.depth = depth
        self.byPath = byPath
        self.subtreeEnd = subtreeEnd
        self.entries = entries
        self.keys = keys
        self.shift = shift
    }

    /// A hash of `n` bytes at `p` (readable up to 16 bytes past `n`, word-padded) under `parent`,
    /// and whether they hold a dot.
    @inline(__always)
    static func hash(_ p: UnsafePointer<UInt8>, _ n: Int, parent: Int32) -> (hash: UInt64, dotted: Bool) {
        var h = UInt64(n) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(UInt32(bitPattern: parent)) &* 0xC2B2_AE3D_27D4_EB4F
        var dots: UInt64 = 0
        var k = 0
        let ones: UInt64 = 0x0101_0101_0101_0101
        while k < n {
            var w = UInt64(littleEndian: UnsafeRawPointer(p + k).loadUnaligned(as: UInt64.self))
            let rest = n - k
            if rest < 8 { w &= (1 << UInt64(rest * 8)) &- 1 }
            let x = w ^ (ones &* 0x2E)
            dots |= (x &- ones) & ~x & (ones &* 0x80)
            h = (h ^ w) &* 0x9E37_79B9_7F4A_7C15
            h ^= h >> 29
            k += 8
        }
        return (h, dots != 0)
    }

    /// The child of `parent` for the segment at `p` (`n` bytes, readable 16 past), or -1.
    @inline(__always)
    func child(_ parent: Int32, _ p: UnsafePointer<UInt8>, _ n: Int, hash: UInt64) -> Int32 {
        entries.withUnsafeBufferPointer { entries in
            keys.withUnsafeBufferPointer { keys in
                let mask = entries.count - 1
                var slot = Int(hash >> shift)
                while true {
                    let e = entries[slot]
                    if e.child < 0 { return -1 }
                    if e.hash == hash, e.parent == parent, Int(e.length) == n, memcmp(keys.baseAddress! + Int(e.offset), p, n) == 0 {
                        return e.child
                    }
                    slot = (slot + 1) & mask
                }
            }
        }
    }

    /// The node of a key (which may hold dots) under `parent`, or -1.
    @inline(__always)
    func node(_ parent: Int32, key p: UnsafePointer<UInt8>, _ n: Int) -> Int32 {
        let (h, dotted) = Self.hash(p, n, parent: parent)
        if !dotted { return child(parent, p, n, hash: h) }
        var node = parent
        var start = 0
        for k in 0...n where k == n || p[k] == UInt8(ascii: ".") {
            // Each segment is hashed from a padded copy: the bytes after it are not zeros here.
            var segment = [UInt8](UnsafeBufferPointer(start: p + start, count: k - start))
            segment.append(contentsOf: [UInt8](repeating: 0, count: 16))
            node = segment.withUnsafeBufferPointer { s in
                child(node, s.baseAddress!, k - start, hash: Self.hash(s.baseAddress!, k - start, parent: node).hash)
            }
            if node < 0 { return -1 }
            start = k + 1
        }
        return node
    }
}

/// Which tape node holds the value of each path for the record being written: filled by walking
/// the record's tape once. A value belongs to the current record when its stamp is current, so
/// nothing is cleared between records. Holds raw memory, freed on deinit.
final class SlotTable {
    let count: Int
    /// Per path node: the tape node of its value (valid when `stamp` is current).
    let value: UnsafeMutablePointer<Int32>
    let stamp: UnsafeMutablePointer<UInt32>
    /// Per path node: the object (by stamp) that last named it, and the value node it gave:
    /// a key repeated in one object replaces what it gave before (JSONSerialization keeps the last).
    let visit: UnsafeMutablePointer<UInt32>
    let visitValue: UnsafeMutablePointer<Int32>
    var current: UInt32 = 0
    var objectStamp: UInt32 = 0
    /// Per path node and member position (below `memoWidth`): the last key seen there and its
    /// node. Records of one stream name their keys in the same order, so a key is mostly
    /// recognised by comparing two words, without hashing.
    let memo: UnsafeMutablePointer<KeyMemo>
    static let memoWidth = 32
    /// Per path node: which of `TopKeys` a top-level key reaching it is (-1: none); and the
    /// value node of each for the current record (a null counts, the last one wins).
    let topKind: UnsafeMutablePointer<Int8>
    let topValue: UnsafeMutablePointer<Int32>

    init(count: Int, trie: PathTrie) {
        self.count = count
        topKind = .allocate(capacity: count)
        topKind.initialize(repeating: -1, count: count)
        for (k, name) in TopKeys.names.enumerated() {
            if let node = trie.byPath[name], trie.depth[Int(node)] == 1 { topKind[Int(node)] = Int8(k) }
        }
        topValue = .allocate(capacity: TopKeys.names.count)
        topValue.initialize(repeating: -1, count: TopKeys.names.count)
        memo = .allocate(capacity: count * Self.memoWidth)
        memo.initialize(repeating: KeyMemo(), count: count * Self.memoWidth)
        value = .allocate(capacity: count)
        stamp = .allocate(capacity: count)
        visit = .allocate(capacity: count)
        visitValue = .allocate(capacity: count)
        value.initialize(repeating: -1, count: count)
        stamp.initialize(repeating: 0, count: count)
        visit.initialize(repeating: 0, count: count)
        visitValue.initialize(repeating: -1, count: count)
    }

    deinit {
        topKind.deallocate()
        topValue.deallocate()
        memo.deallocate()
        value.deallocate()
        stamp.deallocate()
        visit.deallocate()
        visitValue.deallocate()
    }

    /// Starts a record: every path is absent.
    func begin() {
        if current == UInt32.max - 1 || objectStamp > UInt32.max - 1_000_000 {
            stamp.update(repeating: 0, count: count)
            visit.update(repeating: 0, count: count)
            current = 0
            objectStamp = 0
        }
        current += 1
        topValue.update(repeating: -1, count: TopKeys.names.count)
    }

    /// The top-level keys of the record resolved last from its root.
    var top: TopKeys {
        TopKeys(
            record: Int(topValue[0]), part: Int(topValue[1]), bank: Int(topValue[2]), batch: Int(topValue[3]), amount: Int(topValue[4]),
            face: Int(topValue[5]))
    }

    /// A view of the current record's values, for hot loops (no class property access).
    var view: SlotView { SlotView(value: value, stamp: stamp, current: current) }

    @inline(__always)
    func isPresent(_ path: Int32) -> Bool { stamp[Int(path)] == current }

    /// Sets a path's value.
    func set(_ path: Int32, _ node: Int) {
        value[Int(path)] = Int32(node)
        stamp[Int(path)] = current
    }

    /// Resolves the value at `index` of `tape` as the value of path node `at`: an object's leaves
    /// by their paths below it, null skipped, anything else a leaf (arrays too).
    func resolve(_ tape: JSONTape, _ index: Int, at node: Int32, trie: PathTrie) {
        var objects = objectStamp
        let walker = Walker(
            value: value, stamp: stamp, visit: visit, visitValue: visitValue, memo: memo, topKind: topKind, topValue: topValue,
            current: current,
            trie: trie, unique: tape.keysUnique)
        tape.nodes.withUnsafeBufferPointer { nodes in
            tape.text.withUnsafeBufferPointer { text in
                trie.subtreeEnd.withUnsafeBufferPointer { ends in
                    let v = nodes[index]
                    if v.kind == .object {
                        walker.walk(nodes, text.baseAddress!, index, node, ends, &objects)
                    } else if v.kind != .null {
                        value[Int(node)] = Int32(index)
                        stamp[Int(node)] = current
                    }
                }
            }
        }
        objectStamp = objects
    }
}

/// A key seen at a member position, and the path node it leads to.
struct KeyMemo {
    var w0: UInt64 = 0
    var w1: UInt64 = 0
    var w2: UInt64 = 0
    var length: Int32 = -1
    var node: Int32 = -1
}

/// The values of the current record by path node.
struct SlotView {
    let value: UnsafeMutablePointer<Int32>
    let stamp: UnsafeMutablePointer<UInt32>
    let current: UInt32

    /// The tape node of a path's value, or -1.
    @inline(__always)
    func node(_ path: Int32) -> Int {
        stamp[Int(path)] == current ? Int(value[Int(path)]) : -1
    }

    @inline(__always)
    func isPresent(_ path: Int32) -> Bool { stamp[Int(path)] == current }
}

/// One resolution's walk over a tape.
struct Walker {
    let value: UnsafeMutablePointer<Int32>
    let stamp: UnsafeMutablePointer<UInt32>
    let visit: UnsafeMutablePointer<UInt32>
    let visitValue: UnsafeMutablePointer<Int32>
    let memo: UnsafeMutablePointer<KeyMemo>
    let topKind: UnsafeMutablePointer<Int8>
    let topValue: UnsafeMutablePointer<Int32>
    let current: UInt32
    let trie: PathTrie
    /// No object of the tape gives a key twice (`JSONTape.keysUnique`): two keys of one object
    /// then never reach one path node (a node is one dotted path, a key one string of them),
    /// and repeats need no looking for.
    let unique: Bool

    func walk(
        _ nodes: UnsafeBufferPointer<JSONNode>, _ text: UnsafePointer<UInt8>, _ object: Int, _ at: Int32,
        _ ends: UnsafeBufferPointer<Int32>, _ objects: inout UInt32
    ) {
        objects += 1
        let mine = objects
        var i = object + 1
        for k in 0..<Int(nodes[object].count) {
            let key = nodes[i]
            // (Node indices of a tape in memory: far from overflowing Int or Int32.)
            let v = i &+ 1
            let node = nodes[v]
            let next = node.kind == .object || node.kind == .array ? Int(node.value) : v &+ 1
            let keyBytes = text + Int(key.offset)
            let length = Int(key.count)
            let t: Int32
            if length <= 24, k < SlotTable.memoWidth {
                // Up to three words hold the key (the tape's text is padded by two words past its
                // last byte, the rest is masked off).
                var w0 = UnsafeRawPointer(keyBytes).loadUnaligned(as: UInt64.self)
                var w1 = UnsafeRawPointer(keyBytes + 8).loadUnaligned(as: UInt64.self)
                var w2: UInt64 = 0
                if length < 8 {
                    w0 &= (1 << UInt64(length * 8)) &- 1
                    w1 = 0
                } else if length < 16 {
                    w1 &= (1 << UInt64((length - 8) * 8)) &- 1
                } else if length > 16 {
                    w2 = UnsafeRawPointer(keyBytes + 16).loadUnaligned(as: UInt64.self)
                    if length < 24 { w2 &= (1 << UInt64((length - 16) * 8)) &- 1 }
                }
                let m = memo + (Int(at) &* SlotTable.memoWidth &+ k)
                if m.pointee.length == Int32(length), m.pointee.w0 == w0, m.pointee.w1 == w1, m.pointee.w2 == w2 {
                    t = m.pointee.node
                } else {
                    t = trie.node(at, key: keyBytes, length)
                    m.pointee = KeyMemo(w0: w0, w1: w1, w2: w2, length: Int32(length), node: t)
                }
            } else {
                t = trie.node(at, key: keyBytes, length)
            }
            if t >= 0 {
                let ti = Int(t)
                if at == 0, topKind[ti] >= 0 { topValue[Int(topKind[ti])] = Int32(truncatingIfNeeded: v) }
                if !unique {
                    if visit[ti] == mine {
                        // A repeated key: forget what its earlier value gave.
                        let earlier = Int(visitValue[ti])
                        let earlierEnd = nodes[earlier].kind == .object ? Int(nodes[earlier].value) : earlier + 1
                        for s in ti..<Int(ends[ti]) where stamp[s] == current && Int(value[s]) >= earlier && Int(value[s]) < earlierEnd {
                            stamp[s] = 0
                        }
                    }
                    visit[ti] = mine
                    visitValue[ti] = Int32(v)
                }
                if node.kind == .object {
                    // Kept as the path's value too: a field that reads this path (one that
                    // wants text, say) is told it found an object, instead of finding nothing
                    // and leaving its positions blank.
                    value[ti] = Int32(truncatingIfNeeded: v)
                    stamp[ti] = current
                    walk(nodes, text, v, t, ends, &objects)
                } else if node.kind != .null {
                    value[ti] = Int32(truncatingIfNeeded: v)
                    stamp[ti] = current
                }
            }
            i = next
        }
    }
}

/// The top-level keys a record is dispatched and grouped by: their value nodes (-1: absent),
/// found while resolving the record; a key with null counts as there (as a dictionary's key
/// would), the last one wins.
struct TopKeys {
    static let names = ["record", "part", "bank", "batch", "amount_cents", "face_cents"]
    var record = -1, part = -1, bank = -1, batch = -1, amount = -1, face = -1
}
