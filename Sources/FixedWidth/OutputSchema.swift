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

    /// The same into a `ByteBuffer`, through the program for the segments' shape (which reads
    /// their records back to back: gathered so first when they lie elsewhere in `store`).
    public func emit(_ segments: [SegmentRef], store: UnsafeBufferPointer<UInt8>, into out: inout ByteBuffer, reasons: ReasonTexts?) {
        let program = program(for: segments.map(\.record))
        if segments.indices.allSatisfy({ segments[$0].offset == $0 * recordLength }) {
            program.emit(store: store, into: &out, reasons: reasons)
            return
        }
        var records: [UInt8] = []
        for segment in segments { records += store[segment.offset..<(segment.offset + recordLength)] }
        records.withUnsafeBufferPointer { program.emit(store: $0, into: &out, reasons: reasons) }
    }

    /// The program for one shape of group: the records of its segments, in order. Leaves point
    /// straight at the segment (slot) and field that can fill them, in the order `emit` would try
    /// them; leaves no segment can fill are left out. Emitting with it skips all searching.
    public func program(for records: [Int]) -> ShapeProgram {
        var steps: [ShapeProgram.Step] = []
        var bound = 0
        for op in self.ops {
            switch op.kind {
            case .leaf:
                var first = true
                for source in sources[op.sourceStart..<(op.sourceStart + op.sourceCount)] {
                    for (slot, record) in records.enumerated() where record == source.record {
                        let spec = specs[source.specStart]
                        // Where the segment's record lies in the store the program reads.
                        let record = slot * recordLength
                        var step = ShapeProgram.Step(
                            op: first ? .leaf : .alternative, kind: .text, keyLength: UInt16(op.keyLength),
                            keyStart: Int32(op.keyStart), slot: Int32(slot), start: Int32(record + spec.start),
                            length: Int32(spec.length), aux: -1)
                        var width = spec.length
                        if source.specCount > 1 {
                            step.kind = .concatenated
                            step.aux = Int32(source.specStart)
                            step.length = Int32(source.specCount)
                            width = specs[source.specStart..<(source.specStart + source.specCount)].reduce(0) { $0 + $1.length }
                        } else {
                            switch spec.format {
                            case .text, .digits:
                                step.kind = spec.format == .text ? .text : .digits
                                if spec.length == 1 {
                                    step.kind = spec.format == .text ? .textByte : .digitByte
                                } else if spec.length <= 8 && recordLength >= 8 {
                                    // Read as one word inside the record: from the field's start, or
                                    // ending at the record's end when the field is that close to it.
                                    step.kind = spec.format == .text ? .shortText : .shortDigits
                                    let wordStart = min(spec.start, recordLength - 8)
                                    step.start = Int32(record + wordStart)
                                    step.skew = UInt8(spec.start - wordStart)
                                }
                            case .units, .int: step.kind = (9...16).contains(spec.length) ? .amount : .number
                            case .date(.dayMonthYear4): step.kind = .dayMonthYear4
                            case .date(.dayMonthYear2): step.kind = .dayMonthYear2
                            case .date(.year4MonthDay): step.kind = .year4MonthDay
                            case .time: step.kind = .time
                            case .document:
                                step.kind = .document
                                step.aux = spec.typeOffset >= 0 ? Int32(record + spec.typeOffset) : -1
                            case .enumeration where spec.length == 1 && spec.enumIndex >= 0:
                                step.kind = .byteEnum
                                step.aux = Int32(spec.enumIndex)
                                // Room for its longest JSON value (`bound` counts 6 bytes a byte).
                                width = max(1, ((enumTables[spec.enumIndex].map(\.json.count).max() ?? 0) + 5) / 6)
                            case .reasons(let codeWidth):
                                step.kind = .reasonCodes
                                step.aux = Int32(codeWidth)
                            case .enumeration:
                                step.kind = .coded
                                step.aux = Int32(source.specStart)
                            }
                        }
                        // Comma, key, and the value at its widest: 6 bytes a byte (\u00XX) and quotes.
                        bound += 1 + op.keyLength + 2 + 6 * width
                        steps.append(step)
                        first = false
                    }
                }
            case .open:
                steps.append(
                    .init(
                        op: .open, kind: .text, keyLength: UInt16(op.keyLength), keyStart: Int32(op.keyStart), slot: 0, start: 0,
                        length: 0, aux: -1))
                bound += op.keyLength + 2
            case .close:
                if let last = steps.last, last.op == .open {
                    steps.removeLast()
                } else {
                    steps.append(.init(op: .close, kind: .text, keyLength: 0, keyStart: 0, slot: 0, start: 0, length: 0, aux: -1))
                    bound += 1
                }
            }
        }
        for i in steps.indices
        where steps[i].op == .leaf && steps[i].kind.rawValue < ShapeProgram.Step.Kind.coded.rawValue
            && (i + 1 == steps.count || steps[i + 1].op != .alternative)
        {
            steps[i].op = .single
            steps[i].plain = true
        }
        return ShapeProgram(steps: steps, bound: bound + 32, schema: self)
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

/// An `OutputSchema` specialised to one shape of group (see `OutputSchema.program(for:)`): a
/// flat list of plain steps, each naming the segment (slot) and byte range it reads and how the
/// bytes become JSON. Emitting reserves the program's worst case once and then writes through a
/// raw pointer, with no capacity checks and no reference counting per field. (Unchecked
/// Sendable: the pointers' memory is written once, in `init`, and only read after.)
public final class ShapeProgram: @unchecked Sendable {
    struct Step: Sendable {
        enum Op: UInt8, Sendable {
            /// A leaf's first source.
            case leaf
            /// Another source for the leaf before it, tried only when that one was absent.
            case alternative
            /// A leaf with one source and a plain value (no table): the common case, taken straight.
            case single
            case open, close
        }
        enum Kind: UInt8, Sendable {
            case text, digits, number, dayMonthYear4, dayMonthYear2, year4MonthDay, time, document
            /// Text or digits of one byte (check digits, carteiras, kinds): a byte test or two.
            case textByte, digitByte
            /// Text or digits of at most 8 bytes, read as one word (`skew`: where in it the field starts).
            case shortText, shortDigits
            /// A number of 9 to 16 bytes (amounts, mostly): `number`, with a fast way for the
            /// usual value, zeros then at most 8 digits.
            case amount
            /// An enum field of one byte (`aux` = its table): its value found by the byte (`enumByIndex`).
            case byteEnum
            /// Reasons or enums, read through a table (`aux` = spec index).
            case coded
            /// Reason codes (`aux` = their width), read through the título's reason table.
            case reasonCodes
            /// Several fields joined (`aux` = first spec index, `length` = spec count).
            case concatenated
        }
        var op: Op
        var kind: Kind
        var keyLength: UInt16
        var keyStart: Int32
        var slot: Int32
        /// Where the field lies in the store: its segment's record (`slot` × the record length)
        /// plus its offset in the record.
        var start: Int32
        var length: Int32
        /// Document: where the type byte lies in the store, as `start` (-1: none). Coded and
        /// concatenated: spec index.
        var aux: Int32
        /// `op == .single`, as a byte of its own: tested apart from `op`, the test stays a compare
        /// and a branch the CPU predicts (a test of `op` itself would be merged into the switch
        /// on it, one indirect jump more per step).
        var plain = false
        /// Short kinds: the 8-byte word read starts at `start` (inside the field's record), the
        /// field `skew` bytes into it.
        var skew: UInt8 = 0
    }

    /// The most bytes one emission can write, table texts aside.
    let bound: Int
    let schema: OutputSchema
    /// The steps, and copies of the schema's keys and specs, that `emit` reads through plain
    /// pointers: an array read through a class is retained and released on every record.
    let stepBase: UnsafeMutablePointer<Step>
    let keyBase: UnsafeMutablePointer<UInt8>
    let specBase: UnsafeMutablePointer<FieldSpec>
    let stepCount: Int
    let depth: Int
    let recordLength: Int
    /// The schema's enum tables as plain memory: per table, a range of `enumEntries`; per entry,
    /// where its raw and JSON bytes lie in `enumBytes` (read without retaining the arrays).
    let enumTableBase: UnsafeMutablePointer<(start: Int32, count: Int32)>
    let enumEntryBase: UnsafeMutablePointer<(raw: Int32, rawCount: Int32, json: Int32, jsonCount: Int32)>
    let enumBytes: UnsafeMutablePointer<UInt8>
    /// Per enum table, 256 entries: the index in `enumEntryBase` of the entry whose raw value is
    /// that one byte, or -1.
    let enumByIndex: UnsafeMutablePointer<Int32>

    init(steps: [Step], bound: Int, schema: OutputSchema) {
        stepCount = steps.count
        depth = schema.depth
        recordLength = schema.recordLength
        self.bound = bound
        self.schema = schema
        // Each key with its comma before it, `,"key":`, so that a step writes both in one copy:
        // the first value of an object drops its comma when the object closes (`emit`).
        var steps = steps
        var keys: [UInt8] = []
        var placed: [Int32: Int32] = [:]
        for i in steps.indices where steps[i].keyLength > 0 {
            let start = steps[i].keyStart
            if placed[start] == nil {
                placed[start] = Int32(keys.count)
                keys.append(UInt8(ascii: ","))
                keys += schema.keys[Int(start)..<Int(start) + Int(steps[i].keyLength)]
            }
            steps[i].keyStart = placed[start]!
            steps[i].keyLength += 1
        }
        keys += [UInt8](repeating: 0, count: 32)  // slack for copies 16 bytes at a time
        stepBase = .allocate(capacity: max(steps.count, 1))
        stepBase.initialize(from: steps, count: steps.count)
        keyBase = .allocate(capacity: keys.count)
        keyBase.initialize(from: keys, count: keys.count)
        specBase = .allocate(capacity: max(schema.specs.count, 1))
        specBase.initialize(from: schema.specs, count: schema.specs.count)
        var tables: [(start: Int32, count: Int32)] = []
        var entries: [(raw: Int32, rawCount: Int32, json: Int32, jsonCount: Int32)] = []
        var bytes: [UInt8] = []
        for table in schema.enumTables {
            tables.append((Int32(entries.count), Int32(table.count)))
            for entry in table {
                entries.append((Int32(bytes.count), Int32(entry.raw.count), Int32(bytes.count + entry.raw.count), Int32(entry.json.count)))
                bytes += entry.raw
                bytes += entry.json
            }
        }
        enumTableBase = .allocate(capacity: max(tables.count, 1))
        enumTableBase.initialize(from: tables, count: tables.count)
        enumEntryBase = .allocate(capacity: max(entries.count, 1))
        enumEntryBase.initialize(from: entries, count: entries.count)
        enumBytes = .allocate(capacity: max(bytes.count, 1))
        enumBytes.initialize(from: bytes, count: bytes.count)
        var byByte = [Int32](repeating: -1, count: max(tables.count, 1) * 256)
        for (t, table) in tables.enumerated() {
            // The first entry of a raw value wins, as in `enumeration`'s search.
            for k in (Int(table.start)..<Int(table.start + table.count)).reversed() where entries[k].rawCount == 1 {
                byByte[t << 8 | Int(bytes[Int(entries[k].raw)])] = Int32(k)
            }
        }
        enumByIndex = .allocate(capacity: byByte.count)
        enumByIndex.initialize(from: byByte, count: byByte.count)
    }

    deinit {
        stepBase.deinitialize(count: stepCount)
        stepBase.deallocate()
        keyBase.deallocate()
        specBase.deinitialize(count: schema.specs.count)
        specBase.deallocate()
        enumTableBase.deallocate()
        enumEntryBase.deallocate()
        enumBytes.deallocate()
        enumByIndex.deallocate()
    }

    /// Appends `,"key":value` for every path with a value; `store` holds the group's records
    /// back to back, in slot order, each the layout's record length (a field's place in it is
    /// known when the program is made: no per-segment offsets to look up per step).
    public func emit(store: UnsafeBufferPointer<UInt8>, into out: inout ByteBuffer, reasons: ReasonTexts?) {
        out.reserve(bound)
        let keyBase = UnsafePointer(keyBase)
        withUnsafeTemporaryAllocation(of: Int.self, capacity: depth * 2) { stack in
            let storeBase = store.baseAddress!
            // The steps walked by a pointer: no index to scale per step.
            var at = UnsafePointer(stepBase)
            let end = at + stepCount
            var p = out.base + out.count
            var top = 0
            while at < end {
                let step = at.pointee
                // A plain leaf, nearly every step, is told apart by a compare, not a jump table:
                // `value` dispatches on the kind, and one indirect jump per step is enough.
                if step.plain {
                    let mark = p
                    Self.copyWords(keyBase + Int(step.keyStart), Int(step.keyLength), to: p)
                    p += Int(step.keyLength)
                    if !value(step, storeBase, &p) { p = mark }
                    at += 1
                    continue
                }
                switch step.op {
                case .single:
                    break
                case .leaf, .alternative:
                    let mark = p - out.base
                    Self.copyWords(keyBase + Int(step.keyStart), Int(step.keyLength), to: p)
                    p += Int(step.keyLength)
                    var written = false
                    repeat {
                        let s = at.pointee
                        if s.kind.rawValue < Step.Kind.coded.rawValue {
                            written = value(s, storeBase, &p)
                        } else {
                            out.count = p - out.base
                            written = coded(s, storeBase, &out, reasons)
                            out.reserve(bound)
                            p = out.base + out.count
                        }
                        at += 1
                    } while !written && at < end && at.pointee.op == .alternative
                    while at < end && at.pointee.op == .alternative { at += 1 }
                    if !written { p = out.base + mark }
                    continue
                case .open:
                    // `,"key":`, then the members, each `,"name":value`: when the object closes,
                    // its first member's comma becomes the `{` (none written: all is undone).
                    stack[top] = p - out.base
                    Self.copyWords(keyBase + Int(step.keyStart), Int(step.keyLength), to: p)
                    p += Int(step.keyLength)
                    stack[top + 1] = p - out.base
                    top += 2
                case .close:
                    top -= 2
                    if p - out.base == stack[top + 1] {
                        p = out.base + stack[top]
                    } else {
                        out.base[stack[top + 1]] = 123
                        p.pointee = 125
                        p += 1
                    }
                }
                at += 1
            }
            out.count = p - out.base
        }
    }

    /// Reasons, enums and joined fields go through the general path, on the segment's record.
    func coded(_ s: Step, _ store: UnsafePointer<UInt8>, _ out: inout ByteBuffer, _ reasons: ReasonTexts?) -> Bool {
        if s.kind == .reasonCodes { return reasonCodes(s, store + Int(s.start), &out, reasons) }
        let line = UnsafeBufferPointer(start: store + Int(s.slot) &* recordLength, count: recordLength)
        if s.kind == .concatenated {
            return OutputSchema.appendConcatenated(UnsafeBufferPointer(start: specBase + Int(s.aux), count: Int(s.length)), line, &out)
        }
        let spec = specBase + Int(s.aux)
        if case .enumeration = spec.pointee.format { return enumeration(spec, line, &out) }
        return spec.pointee.appendCoded(
            line, to: &out, enumTable: spec.pointee.enumIndex >= 0 ? schema.enumTables[spec.pointee.enumIndex] : nil, reasons: reasons)
    }

    /// `FieldSpec.appendCoded` for a reasons field, its code width from the step: none of the
    /// general path's look-ups of the field's spec and format per título.
    @inline(__always)
    func reasonCodes(_ s: Step, _ field: UnsafePointer<UInt8>, _ out: inout ByteBuffer, _ reasons: ReasonTexts?) -> Bool {
        FieldSpec.appendReasons(field, length: Int(s.length), width: Int(s.aux), to: &out, reasons: reasons)
    }

    /// `FieldSpec.appendCoded` for an enum field, its table read from plain memory: the entry
    /// whose raw bytes are the field's, else the field's trimmed text.
    @inline(__always)
    func enumeration(_ spec: UnsafePointer<FieldSpec>, _ line: UnsafeBufferPointer<UInt8>, _ out: inout ByteBuffer) -> Bool {
        let r = spec.pointee.trimmed(line)
        if r.isEmpty { return false }
        let start = spec.pointee.start
        let length = spec.pointee.length
        if spec.pointee.enumIndex >= 0 {
            let table = enumTableBase[spec.pointee.enumIndex]
            let field = line.baseAddress! + start
            for k in Int(table.start)..<Int(table.start + table.count) {
                let entry = enumEntryBase[k]
                guard Int(entry.rawCount) == length else { continue }
                let raw = enumBytes + Int(entry.raw)
                var equal = true
                for b in 0..<length where raw[b] != field[b] {
                    equal = false
                    break
                }
                guard equal else { continue }
                out.appendBytes(UnsafeBufferPointer(start: enumBytes + Int(entry.json), count: Int(entry.jsonCount)))
                return true
            }
        }
        if spec.pointee.unfilledZeros(line) { return false }
        JSONBytes.appendText(UnsafeBufferPointer(rebasing: line[r]), to: &out)
        return true
    }

    /// Copies `n` bytes 16 at a time; reads and writes up to 15 bytes past `n` (keys carry slack,
    /// and the destination is reserved beyond the bound). A key (nearly all are under 32 bytes)
    /// takes one or two copies, with no loop.
    @inline(__always)
    static func copyWords(_ src: UnsafePointer<UInt8>, _ n: Int, to dst: UnsafeMutablePointer<UInt8>) {
        let from = UnsafeRawPointer(src)
        let to = UnsafeMutableRawPointer(dst)
        to.storeBytes(of: from.loadUnaligned(as: SIMD16<UInt8>.self), as: SIMD16<UInt8>.self)
        if n <= 16 { return }
        to.storeBytes(of: from.loadUnaligned(fromByteOffset: 16, as: SIMD16<UInt8>.self), toByteOffset: 16, as: SIMD16<UInt8>.self)
        var k = 32
        while k < n {
            to.storeBytes(of: from.loadUnaligned(fromByteOffset: k, as: SIMD16<UInt8>.self), toByteOffset: k, as: SIMD16<UInt8>.self)
            k += 16
        }
    }

    /// Copies exactly `n` bytes (the source may end at its buffer's end).
    @inline(__always)
    static func copyExact(_ src: UnsafePointer<UInt8>, _ n: Int, to dst: UnsafeMutablePointer<UInt8>) {
        if n >= 8 {
            let from = UnsafeRawPointer(src)
            let to = UnsafeMutableRawPointer(dst)
            var k = 0
            while k + 8 <= n {
                to.storeBytes(of: from.loadUnaligned(fromByteOffset: k, as: UInt64.self), toByteOffset: k, as: UInt64.self)
                k += 8
            }
            if k < n {
                to.storeBytes(of: from.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self), toByteOffset: n - 8, as: UInt64.self)
            }
        } else if n >= 4 {
            // Two copies of four that overlap when `n` is under 8.
            let from = UnsafeRawPointer(src)
            let to = UnsafeMutableRawPointer(dst)
            to.storeBytes(of: from.loadUnaligned(as: UInt32.self), as: UInt32.self)
            to.storeBytes(of: from.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self), toByteOffset: n - 4, as: UInt32.self)
        } else {
            for k in 0..<n { dst[k] = src[k] }
        }
    }

    @inline(__always)
    static func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0 }

    /// Writes `field[0..<n]` as a JSON string: copied when clean, escaped and transcoded otherwise.
    @inline(__always)
    static func string(_ field: UnsafePointer<UInt8>, _ n: Int, _ p: inout UnsafeMutablePointer<UInt8>) {
        if Words.jsonClean(field, n) {
            p[0] = 34
            copyExact(field, n, to: p + 1)
            p[n + 1] = 34
            p += n + 2
        } else {
            var w = PointerWriter(p: p)
            JSONBytes.appendText(UnsafeBufferPointer(start: field, count: n)[...], to: &w)
            p = w.p
        }
    }

    /// Writes one plain value; false (writing nothing) when it is absent.
    @inline(__always)
    func value(_ s: Step, _ store: UnsafePointer<UInt8>, _ p: inout UnsafeMutablePointer<UInt8>) -> Bool {
        let f = store + Int(s.start)
        let n = Int(s.length)
        switch s.kind {
        case .text, .digits:
            if s.kind == .digits && Words.all(f, n, equal: 48) { return false }
            var hi = n - Words.trailing(f, n, equal: 0x20)
            var lo = Words.leading(f, hi, equal: 0x20)
            while lo < hi, Self.isBlank(f[lo]) { lo += 1 }
            while hi > lo, Self.isBlank(f[hi - 1]) { hi -= 1 }
            if lo == hi { return false }
            Self.string(f + lo, hi - lo, &p)
        case .textByte, .digitByte:
            // As `text` and `digits`: a blank is no value, nor is a lone zero digit.
            let b = f[0]
            if Self.isBlank(b) || s.kind == .digitByte && b == 48 { return false }
            if b >= 0x20 && b < 0x7F && b != 0x22 && b != 0x5C {
                // `"b"` in one store (its fourth byte is written over next).
                UnsafeMutableRawPointer(p).storeBytes(of: (0x22_0022 | UInt32(b) &<< 8).littleEndian, as: UInt32.self)
                p += 3
            } else {
                Self.string(f, 1, &p)
            }
        case .shortText, .shortDigits:
            // The field's bytes at the word's low end, blanks in place of the bytes past it.
            let field = UInt64.max &>> UInt64(64 &- 8 &* n)
            let v = Words.word(f) &>> UInt64(8 &* Int(s.skew))
            if s.kind == .shortDigits && v & field == 0x3030_3030_3030_3030 & field { return false }
            let text = v & field | 0x2020_2020_2020_2020 & ~field
            // Trimmed: from the first byte not blank to the last.
            let kept = ~Words.blankBytes(text) & 0x8080_8080_8080_8080
            if kept == 0 { return false }
            let lo = kept.trailingZeroBitCount &>> 3
            let count = (64 &- kept.leadingZeroBitCount) &>> 3 &- lo
            let trimmed = text &>> UInt64(8 &* lo)
            if Words.dirtyBytes(trimmed) & (UInt64.max &>> UInt64(64 &- 8 &* count)) == 0 {
                // Quoted as it is: the whole word stored (the bytes past the value are written
                // over next), and the closing quote after the value.
                p[0] = 34
                UnsafeMutableRawPointer(p + 1).storeBytes(of: trimmed.littleEndian, as: UInt64.self)
                p[count &+ 1] = 34
                p += count &+ 2
            } else {
                Self.string(f + (Int(s.skew) &+ lo), count, &p)
            }
        case .amount:
            // Its first 8 bytes zeros: the value is in its last word, from its first byte that
            // is not a zero (its last byte when all are). A blank there is left to `number`.
            if Words.word(f) == 0x3030_3030_3030_3030 {
                let last = Words.word(f + (n &- 8))
                let digits = last ^ 0x3030_3030_3030_3030
                let lo = min(digits.trailingZeroBitCount &>> 3, 7)
                let first = UInt8(truncatingIfNeeded: last &>> UInt64(8 &* lo))
                if lo == 7 || !Self.isBlank(first) {
                    UnsafeMutableRawPointer(p).storeBytes(of: (last &>> UInt64(8 &* lo)).littleEndian, as: UInt64.self)
                    p += 8 &- lo
                    return true
                }
            }
            fallthrough
        case .number:
            if Self.isBlank(f[0]) {
                var blank = true
                for k in 0..<n where !Self.isBlank(f[k]) { blank = false; break }
                if blank { return false }
            }
            var lo = Words.leading(f, n - 1, equal: 48)
            while lo < n - 1, f[lo] == 48 || Self.isBlank(f[lo]) { lo += 1 }
            Self.copyExact(f + lo, n - lo, to: p)
            p += n - lo
        case .dayMonthYear4, .dayMonthYear2, .year4MonthDay:
            guard Words.allDigits(f, n) else { return false }
            @inline(__always) func two(_ k: Int) -> Int { Int(f[k] &- 48) * 10 + Int(f[k + 1] &- 48) }
            let date: CivilDate?
            switch s.kind {
            case .dayMonthYear4: date = n == 8 ? CivilDate(year: two(4) * 100 + two(6), month: two(2), day: two(0)) : nil
            case .dayMonthYear2:
                let y = two(4)
                date = n == 6 ? CivilDate(year: y < 70 ? 2000 + y : 1900 + y, month: two(2), day: two(0)) : nil
            default: date = n == 8 ? CivilDate(year: two(0) * 100 + two(2), month: two(4), day: two(6)) : nil
            }
            guard let d = date else { return false }
            // A real date with a four-digit year: its digits as written, only reordered.
            switch s.kind {
            case .dayMonthYear4:
                p[1] = f[4]; p[2] = f[5]; p[3] = f[6]; p[4] = f[7]
                p[6] = f[2]; p[7] = f[3]; p[9] = f[0]; p[10] = f[1]
            case .year4MonthDay:
                p[1] = f[0]; p[2] = f[1]; p[3] = f[2]; p[4] = f[3]
                p[6] = f[4]; p[7] = f[5]; p[9] = f[6]; p[10] = f[7]
            default:
                d.writeQuoted(to: p)
            }
            p[0] = 34; p[5] = 45; p[8] = 45; p[11] = 34
            p += 12
        case .time:
            var blank = true
            for k in 0..<n where !Self.isBlank(f[k]) { blank = false; break }
            if blank { return false }
            p[0] = 34
            p[1] = f[0]; p[2] = f[1]; p[3] = 58
            p[4] = f[2]; p[5] = f[3]; p[6] = 58
            p[7] = f[4]; p[8] = f[5]
            p[9] = 34
            p += 10
        case .document:
            if Words.all(f, n, equal: 48) { return false }
            var hi = n
            while hi > 0, Self.isBlank(f[hi - 1]) { hi -= 1 }
            var lo = 0
            while lo < hi, Self.isBlank(f[lo]) { lo += 1 }
            if lo == hi { return false }
            // Keep the document's own width: 11 for a CPF, 14 for a CNPJ, dropping the field's extra zeros.
            var keep = hi - lo
            if s.aux >= 0 {
                switch store[Int(s.aux)] {
                case UInt8(ascii: "1"): keep = 11
                case UInt8(ascii: "2"): keep = 14
                default: break
                }
            }
            var first = max(lo, hi - keep)
            for k in lo..<first where f[k] != 48 { first = lo; break }
            Self.string(f + first, hi - first, &p)
        case .byteEnum:
            // As `enumeration`: a blank byte is no value; one in the table its JSON; a zero not
            // in it no value; else its text.
            if Self.isBlank(f[0]) { return false }
            let k = enumByIndex[Int(s.aux) << 8 | Int(f[0])]
            if k < 0 {
                if f[0] == 0x30 { return false }
                Self.string(f, 1, &p)
            } else {
                let entry = enumEntryBase[Int(k)]
                Self.copyExact(enumBytes + Int(entry.json), Int(entry.jsonCount), to: p)
                p += Int(entry.jsonCount)
            }
        case .coded, .reasonCodes, .concatenated:
            return false
        }
        return true
    }
}

/// Appends through a raw pointer into memory the caller has reserved.
struct PointerWriter: ByteAppending {
    var p: UnsafeMutablePointer<UInt8>

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        p.pointee = byte
        p += 1
    }

    @inline(__always)
    mutating func appendBytes(_ bytes: UnsafeBufferPointer<UInt8>) {
        for b in bytes { append(b) }
    }
}
