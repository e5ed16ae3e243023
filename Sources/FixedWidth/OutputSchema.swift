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
public struct OutputSchema: Sendable {
    struct Source: Sendable {
        let record: Int
        let fields: [Int]
    }

    indirect enum Node: Sendable {
        case leaf(key: [UInt8], sources: [Source])
        case object(key: [UInt8], children: [Node])
    }

    final class Builder {
        var order: [String] = []
        var children: [String: Builder] = [:]
        var sources: [Source] = []
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
                    child.sources[child.sources.count - 1] = Source(record: record, fields: last.fields + [field])
                } else {
                    child.sources.append(Source(record: record, fields: [field]))
                }
            } else {
                child.insert(parts.dropFirst(), record: record, field: field)
            }
        }

        func build() -> [Node] {
            order.map { name in
                let child = children[name]!
                let key = Array("\"\(name)\":".utf8)
                return child.isLeaf ? .leaf(key: key, sources: child.sources) : .object(key: key, children: child.build())
            }
        }
    }

    let nodes: [Node]
    let layout: CompiledLayout

    /// The schema of the given records of a layout (all of them when `records` is nil).
    public init(layout: CompiledLayout, records: [Int]? = nil) {
        self.layout = layout
        let root = Builder()
        for r in records ?? Array(layout.records.indices) {
            for (f, field) in layout.records[r].fields.enumerated() {
                guard let to = field.to, !to.hasPrefix("_") else { continue }
                root.insert(to.split(separator: ".").map(String.init)[...], record: r, field: f)
            }
        }
        nodes = root.build()
    }

    /// Appends `,"key":value` for every path with a value in `segments`, whose bytes are in `store`.
    public func emit(
        _ segments: [SegmentRef], store: UnsafeBufferPointer<UInt8>, into out: inout [UInt8],
        reasonText: ((String) -> String?)? = nil
    ) {
        var needComma = true
        emit(nodes, segments, store, &out, &needComma, reasonText)
    }

    private func emit(
        _ nodes: [Node], _ segments: [SegmentRef], _ store: UnsafeBufferPointer<UInt8>, _ out: inout [UInt8],
        _ needComma: inout Bool, _ reasonText: ((String) -> String?)?
    ) {
        let length = layout.recordLength
        for node in nodes {
            let mark = out.count
            if needComma { out.append(UInt8(ascii: ",")) }
            switch node {
            case .leaf(let key, let sources):
                out.append(contentsOf: key)
                var written = false
                search: for source in sources {
                    for seg in segments where seg.record == source.record {
                        let line = UnsafeBufferPointer(rebasing: store[seg.offset..<(seg.offset + length)])
                        let fields = layout.records[source.record].fields
                        if source.fields.count == 1 {
                            written = fields[source.fields[0]].appendJSON(line, to: &out, reasonText: reasonText)
                        } else {
                            written = Self.appendConcatenated(source.fields.map { fields[$0] }, line, &out, reasonText)
                        }
                        if written { break search }
                    }
                }
                if written {
                    needComma = true
                } else {
                    out.removeSubrange(mark...)
                }
            case .object(let key, let children):
                out.append(contentsOf: key)
                out.append(UInt8(ascii: "{"))
                let inner = out.count
                var childComma = false
                emit(children, segments, store, &out, &childComma, reasonText)
                if out.count == inner {
                    out.removeSubrange(mark...)
                } else {
                    out.append(UInt8(ascii: "}"))
                    needComma = true
                }
            }
        }
    }

    /// Values of several fields with one path (CEP + suffix) are their bytes joined, read as the first field reads.
    static func appendConcatenated(
        _ fields: [CompiledField], _ line: UnsafeBufferPointer<UInt8>, _ out: inout [UInt8],
        _ reasonText: ((String) -> String?)?
    ) -> Bool {
        var joined: [UInt8] = []
        for f in fields { joined.append(contentsOf: line[f.start..<(f.start + f.length)]) }
        let first = fields[0]
        let merged = CompiledField(
            name: first.name, start: 0, length: joined.count, picture: first.picture, format: first.format,
            to: first.to, defaultValue: nil, enumMap: first.enumMap, documentTypeOffset: nil)
        return joined.withUnsafeBufferPointer { merged.appendJSON($0, to: &out, reasonText: reasonText) }
    }
}
