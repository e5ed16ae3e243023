import FixedWidth
import Foundation
import Letters
import Records

#if canImport(Glibc)
    import Glibc
#endif

/// Plumbing shared by `troca letters select` and `render`.
enum LettersRun {
    /// `--as-of YYYY-MM-DD` as a civil date, or today.
    static func asOf(_ args: Arguments) throws -> CivilDate {
        CivilDate(iso: try BoletoRun.asOf(args).description)!
    }

    /// The 1-based column a rejected record is reported at: of the value at `path` (a dotted
    /// path, `JSONTape.node(_:of:)`'s), else of the nearest object on that path the record has
    /// (`payer` when `payer.document` is missing), else of the record's start (its `{`), as for
    /// a reason about the whole record (`path` nil).
    static func column(ofPath path: String?, in raw: UnsafeBufferPointer<UInt8>) -> Int {
        var p = path.map { Substring($0) }
        while let part = p {
            let column = JSONReader.column(ofPath: String(part), in: raw)
            if column > 0 { return column }
            p = part.lastIndex(of: ".").map { part[..<$0] }
        }
        return max(1, JSONReader.column(ofNode: 0, in: raw))
    }

    /// Reports a rejected job or title and counts it.
    static func reject(_ sink: DiagnosticSink, _ code: String, _ message: String, file: String, line: Int, column: Int = 0, raw: [UInt8]) {
        sink.report(Diagnostic(.error, DiagnosticCode(rawValue: code), message, file: file, line: line, column: column, raw: raw))
    }
}

/// Rendered letters waiting to be written in CEP order: their bytes in an unlinked temporary
/// file, and in memory only each letter's CEP, arrival order, offset and length.
final class LetterSpool {
    let fd: Int32
    var size = 0
    /// One letter: where its bytes are, and the counts the LST trailer sums.
    struct Entry {
        var cep: Int
        var order: Int
        var offset: Int
        var count: Int
        var printLines: Int
        var pages: Int
        var sheets: Int
        var boletoCents: Int
    }
    var entries: [Entry] = []
    var pending: [UInt8] = []

    init(directory: String) throws {
        var template = Array((directory + "/.troca-letters.XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw WriteError(description: "cannot create a spool file in \(directory): \(String(cString: strerror(errno)))") }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        self.fd = fd
    }

    deinit { close(fd) }

    func add(_ entry: Entry, _ bytes: ArraySlice<UInt8>) throws {
        var e = entry
        e.order = entries.count
        e.offset = size + pending.count
        e.count = bytes.count
        entries.append(e)
        pending += bytes
        if pending.count >= 1 << 20 { try flush() }
    }

    func flush() throws {
        try pending.withUnsafeBytes { try FileDescriptorOutput.write(fd, $0) }
        size += pending.count
        pending.removeAll(keepingCapacity: true)
    }

    /// Each letter's bytes, by CEP, in arrival order within a CEP: the first `Entry.count` bytes
    /// of the buffer given (one buffer for all, grown when a letter needs more).
    func forEachSorted(_ body: (inout [UInt8], Entry) throws -> Void) throws {
        try flush()
        entries.sort { ($0.cep, $0.order) < ($1.cep, $1.order) }
        var buffer: [UInt8] = []
        for e in entries {
            if buffer.count < e.count { buffer = [UInt8](repeating: 0, count: e.count) }
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, e.count, off_t(e.offset)) }
            guard n == e.count else { throw WriteError(description: "cannot read the letters' spool file back") }
            try body(&buffer, e)
        }
    }
}
