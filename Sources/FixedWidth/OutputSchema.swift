import Records

/// One record line inside a group, by its compiled record index and its offset in a byte store.
public struct SegmentRef: Sendable, Hashable {
    /// The compiled record index (from `CompiledLayout.select`).
    public var record: Int
    /// Offset of the record's bytes in the store.
    public var offset: Int
    /// The 1-based line number in the input.
    public var line: Int

    /// Creates a reference.
    public init(record: Int, offset: Int, line: Int) {
        self.record = record
        self.offset = offset
        self.line = line
    }
}

/// The JSON shape of a layout's output records, built from the fields' `to` paths: nested
/// objects for dotted paths, keys in order of first appearance. Emitting a group of segments
/// writes each path's value from the first segment that has it; empty objects are left out.
///
/// The tree is flattened into a program of plain values (open object, leaf, close object) over
/// flat arrays, so emitting a record does no reference counting.
public final class OutputSchema: Sendable {
    struct Op: Sendable {
        enum Kind: UInt8, Sendable { case leaf, open, close }
        var kind: Kind
        var keyStart: Int
        var keyLength: Int
        var sourceStart: Int
        var sourceCount: Int
    }

    /// A record that can fill a leaf, and its field(s) (several are concatenated).
    struct Source: Sendable {
        var record: Int
        var specStart: Int
        var specCount: Int
    }

    final class Builder {
        var order: [String] = []
        var children: [String: Builder] = [:]
        var sources: [(record: Int, fields: [Int])] = []
        var isLeaf = false

        func insert(_ parts: ArraySlice<String>, record: Int, field: Int) {
            let head = parts.first!
            let child: Builder
            if let existing = children[head] {
                child = existing
            } else {
                child = Builder()
                children[head] = child
                order.append(head)
            }
            if parts.count == 1 {
                child.isLeaf = true
                if let last = child.sources.last, last.record == record {
                    child.sources[child.sources.count - 1].fields.append(field)
                } else {
                    child.sources.append((record, [field]))
                }
            } else {
                child.insert(parts.dropFirst(), record: record, field: field)
            }
        }
    }

    let ops: [Op]
    let keys: [UInt8]
    let sources: [Source]
    /// The specs sources point at, in source order.
    let specs: [FieldSpec]
    let enumTables: [[EnumEntry]]
    let depth: Int
    let recordLength: Int

    /// The schema of the given records of a layout (all of them when `records` is nil).
    public init(layout: CompiledLayout, records: [Int]? = nil) {
        let root = Builder()
        for r in records ?? Array(layout.records.indices) {
            for (f, field) in layout.records[r].fields.enumerated() {
                guard let to = field.to, !to.hasPrefix("_") else { continue }
                root.insert(to.split(separator: ".").map(String.init)[...], record: r, field: f)
            }
        }
        var ops: [Op] = []
        var keys: [UInt8] = []
        var sources: [Source] = []
        var specs: [FieldSpec] = []
        var depth = 0
        func flatten(_ node: Builder, level: Int) {
            depth = max(depth, level)
            for name in node.order {
                let child = node.children[name]!
                let key = Array("\"\(name)\":".utf8)
                let keyStart = keys.count
                keys.append(contentsOf: key)
                if child.isLeaf {
                    let first = sources.count
                    for (record, fields) in child.sources {
                        sources.append(Source(record: record, specStart: specs.count, specCount: fields.count))
                        specs.append(contentsOf: fields.map { layout.records[record].fields[$0].spec })
                    }
                    ops.append(
                        Op(kind: .leaf, keyStart: keyStart, keyLength: key.count, sourceStart: first, sourceCount: child.sources.count))
                } else {
                    ops.append(Op(kind: .open, keyStart: keyStart, keyLength: key.count, sourceStart: 0, sourceCount: 0))
                    flatten(child, level: level + 1)
                    ops.append(Op(kind: .close, keyStart: 0, keyLength: 0, sourceStart: 0, sourceCount: 0))
                }
            }
        }
        flatten(root, level: 0)
        keys.append(contentsOf: [UInt8](repeating: 0, count: 8))  // slack for word-at-a-time copies
        self.ops = ops
        self.keys = keys
        self.sources = sources
        self.specs = specs
        self.enumTables = layout.enumTables
        self.depth = depth + 1
        self.recordLength = layout.recordLength
    }

    /// Appends `,"key":value` for every path with a value in `segments`, whose bytes are in `store`.
    public func emit(
        _ segments: [SegmentRef], store: UnsafeBufferPointer<UInt8>, into out: inout [UInt8], reasons: ReasonTexts? = nil
    ) {
        var buffer = ByteBuffer(capacity: 1024)
        defer { buffer.deallocate() }
        emit(segments, store: store, into: &buffer, reasons: reasons)
        out.append(contentsOf: buffer.bytes)
    }

    /// The same into a `ByteBuffer`, through the program for the segments' shape.
    public func emit(_ segments: [SegmentRef], store: UnsafeBufferPointer<UInt8>, into out: inout ByteBuffer, reasons: ReasonTexts?) {
        let offsets = segments.map(\.offset)
        offsets.withUnsafeBufferPointer {
            program(for: segments.map(\.record)).emit(offsets: $0, store: store, into: &out, reasons: reasons)
        }
    }

    /// The program for one shape of group: the records of its segments, in order. Leaves point
    /// straight at the segment (slot) and field that can fill them, in the order `emit` would try
    /// them; leaves no segment can fill are left out. Emitting with it skips all searching.
    public func program(for records: [Int]) -> ShapeProgram {
        var ops: [ShapeProgram.Op] = []
        var alternatives: [ShapeProgram.Alternative] = []
        for op in self.ops {
            switch op.kind {
            case .leaf:
                let first = alternatives.count
                for source in sources[op.sourceStart..<(op.sourceStart + op.sourceCount)] {
                    for (slot, record) in records.enumerated() where record == source.record {
                        let format = specs[source.specStart].format
                        alternatives.append(
                            .init(
                                slot: slot, specStart: source.specStart, specCount: source.specCount,
                                coded: format == .reasons || format == .enumeration))
                    }
                }
                if alternatives.count > first {
                    ops.append(
                        .init(kind: .leaf, keyStart: op.keyStart, keyLength: op.keyLength, sourceStart: first, sourceCount: alternatives.count - first))
                }
            case .open:
                ops.append(.init(kind: .open, keyStart: op.keyStart, keyLength: op.keyLength, sourceStart: 0, sourceCount: 0))
            case .close:
                if let last = ops.last, last.kind == .open {
                    ops.removeLast()
                } else {
                    ops.append(.init(kind: .close, keyStart: 0, keyLength: 0, sourceStart: 0, sourceCount: 0))
                }
            }
        }
        return ShapeProgram(ops: ops, alternatives: alternatives, schema: self)
    }

    /// Values of several fields with one path (CEP + suffix) are their bytes joined, read as the first field reads.
    static func appendConcatenated(_ specs: UnsafeBufferPointer<FieldSpec>, _ line: UnsafeBufferPointer<UInt8>, _ out: inout ByteBuffer)
        -> Bool
    {
        var total = 0
        for f in specs { total += f.length }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: total) { joined in
            var n = 0
            for f in specs {
                for i in f.start..<(f.start + f.length) { joined[n] = line[i]; n += 1 }
            }
            let merged = FieldSpec(start: 0, length: total, format: specs[0].format, typeOffset: -1, enumIndex: -1)
            return merged.appendJSON(UnsafeBufferPointer(joined), to: &out, enumTable: nil, reasons: nil)
        }
    }
}

/// An `OutputSchema` specialised to one shape of group (see `OutputSchema.program(for:)`).
public final class ShapeProgram: Sendable {
    /// The schema's ops; a leaf's sources are this program's alternatives.
    typealias Op = OutputSchema.Op

    struct Alternative: Sendable {
        var slot: Int
        var specStart: Int
        var specCount: Int
        /// Reasons and enums read through a table; every other format needs none.
        var coded = false
    }

    let ops: [Op]
    let alternatives: [Alternative]
    let schema: OutputSchema

    init(ops: [Op], alternatives: [Alternative], schema: OutputSchema) {
        self.ops = ops
        self.alternatives = alternatives
        self.schema = schema
    }

    /// Appends `,"key":value` for every path with a value; `offsets[slot]` is where each
    /// segment's record starts in `store`.
    public func emit(
        offsets: UnsafeBufferPointer<Int>, store: UnsafeBufferPointer<UInt8>, into out: inout ByteBuffer, reasons: ReasonTexts?
    ) {
        let length = schema.recordLength
        let enumTables = schema.enumTables
        ops.withUnsafeBufferPointer { ops in
            alternatives.withUnsafeBufferPointer { alternatives in
                schema.keys.withUnsafeBufferPointer { keys in
                    schema.specs.withUnsafeBufferPointer { specs in
                        withUnsafeTemporaryAllocation(of: Int.self, capacity: schema.depth * 3) { stack in
                            let keyBase = keys.baseAddress!
                            let storeBase = store.baseAddress!
                            let offsetBase = offsets.baseAddress!
                            var top = 0
                            var needComma = true
                            for o in 0..<ops.count {
                                let op = ops[o]
                                switch op.kind {
                                case .leaf:
                                    let mark = out.count
                                    out.reserve(op.keyLength + 1)
                                    if needComma { out.append(44) }
                                    out.appendWords(keyBase + op.keyStart, op.keyLength)
                                    var written = false
                                    var a = op.sourceStart
                                    let last = op.sourceStart + op.sourceCount
                                    while a < last {
                                        let alt = alternatives[a]
                                        let line = UnsafeBufferPointer(start: storeBase + offsetBase[alt.slot], count: length)
                                        if alt.specCount == 1, !alt.coded {
                                            written = specs[alt.specStart].appendPlain(line, to: &out)
                                        } else if alt.specCount == 1 {
                                            let spec = specs[alt.specStart]
                                            written = spec.appendCoded(
                                                line, to: &out, enumTable: spec.enumIndex >= 0 ? enumTables[spec.enumIndex] : nil,
                                                reasons: reasons)
                                        } else {
                                            written = OutputSchema.appendConcatenated(
                                                UnsafeBufferPointer(start: specs.baseAddress! + alt.specStart, count: alt.specCount), line,
                                                &out)
                                        }
                                        if written { break }
                                        a += 1
                                    }
                                    if written { needComma = true } else { out.truncate(to: mark) }
                                case .open:
                                    let mark = out.count
                                    if needComma { out.append(44) }
                                    out.appendWords(keyBase + op.keyStart, op.keyLength)
                                    out.append(123)
                                    stack[top] = mark
                                    stack[top + 1] = out.count
                                    stack[top + 2] = needComma ? 1 : 0
                                    top += 3
                                    needComma = false
                                case .close:
                                    top -= 3
                                    if out.count == stack[top + 1] {
                                        out.truncate(to: stack[top])
                                        needComma = stack[top + 2] == 1
                                    } else {
                                        out.append(125)
                                        needComma = true
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
