import FixedWidth
import Records

extension CNABWriter {
    /// The layout's file-name rule, or the default.
    public var fileNamePattern: FileNamePattern {
        layout.layout.writing?.fileName.map(FileNamePattern.init) ?? .fallback
    }

    /// The value of a file header field in a written header line, blanks trimmed; nil when the
    /// layout's file header has no such field.
    public func headerValue(_ field: String, in line: [UInt8]) -> String? {
        guard let spec = layout.records[fileHeader].fields.first(where: { $0.name == field }),
            spec.start + spec.length <= line.count
        else { return nil }
        var bytes = line[spec.start..<(spec.start + spec.length)]
        while let last = bytes.last, last == 0x20 { bytes = bytes.dropLast() }
        while let first = bytes.first, first == 0x20 { bytes = bytes.dropFirst() }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The generation date a written header line carries (`generated_on`), or nil: the date a
    /// file-name rule's day and month are of (the remessa's own, whatever `--date` says when the
    /// input's file record gives it).
    public func headerDate(in line: [UInt8]) -> CivilDate? {
        guard let field = layout.records[fileHeader].fields.first(where: { $0.to == "generated_on" }), field.start + field.length <= line.count
        else { return nil }
        return line.withUnsafeBufferPointer { field.date(in: $0) }
    }
}
