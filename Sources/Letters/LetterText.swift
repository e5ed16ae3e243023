import Foundation

/// A rendered letter before it is laid out on pages, in one byte buffer: every line is a span of
/// `bytes` (a `newPage` line has none). Kept by the renderer and reused letter after letter, so
/// that rendering allocates nothing per line (a `[LetterLine]` made one array per line).
public struct LetterText: Sendable {
    /// What a line is.
    public enum Kind: UInt8, Sendable {
        /// UTF-8 text without a line end.
        case text
        /// `{{newpage}}`: the next line starts a page.
        case newPage
        /// A boleto's 44 barcode digits (`LetterLine.barcode`).
        case barcode
        /// A Pix payload drawn as a QR code (`LetterLine.qrCode`); once paged, only its first
        /// piece of a page's width, the others following as `qrCodeContinued` lines.
        case qrCode
        /// A paged QR code's payload after its first piece (contiguous with it in `bytes`).
        case qrCodeContinued
    }

    /// One line: its bytes are `bytes[start..<end]`.
    public struct Line: Sendable {
        public var start: Int
        public var end: Int
        public var kind: Kind
    }

    /// The lines' bytes (and, once paged, the page footers after them).
    public internal(set) var bytes = LetterBytes()
    /// The lines in order.
    public internal(set) var lines: [Line] = []
    /// Where the line being collected starts in `bytes`.
    var lineStart = 0
    /// A barcode or QR code met on the line being collected: that line becomes the symbol.
    var pendingSymbol: [UInt8] = []
    var pendingKind: Kind? = nil
    /// The renderer's working storage, kept with the letter so that it is reused too: the
    /// sections' scopes (tape nodes, the job first), a value being formatted, and a spare buffer
    /// for the filters.
    var scopes: [Int] = []
    var value = LetterBytes(capacity: 256)
    var scratch = LetterBytes(capacity: 256)
    /// The job's nodes by schema entry (`JobCheck.problem(in:found:)`).
    var found: [Int] = []
    /// The members met last by object entry and position (`JobCheck.problem(in:found:predicted:)`).
    var predicted: [Int32] = []

    /// An empty letter.
    public init() {}

    /// Forgets the contents, keeping the memory.
    public mutating func removeAll() {
        bytes.removeAll()
        lines.removeAll(keepingCapacity: true)
        lineStart = 0
        pendingKind = nil
    }

    /// Appends text to the current line; a line feed in it ends the line (the statement is
    /// several lines).
    mutating func append(_ text: UnsafeBufferPointer<UInt8>) {
        guard let base = text.baseAddress else { return }
        let n = text.count
        var start = 0
        // (`memchr`: the statement is a few hundred bytes of a few lines.)
        while start < n, let found = memchr(base + start, 0x0A, n - start) {
            let nl = UnsafeRawPointer(found) - UnsafeRawPointer(base)
            bytes.append(base + start, nl - start)
            endLine()
            start = nl + 1
        }
        bytes.append(base + start, n - start)
    }

    /// Appends text to the current line (see `append(_:)` for a buffer).
    mutating func append(_ text: [UInt8]) {
        text.withUnsafeBufferPointer { append($0) }
    }

    /// Appends the formatted value (`value`) to the current line.
    mutating func appendValue() {
        // A copy (its memory shared, not copied) while it is appended: `append` mutates self.
        let v = value
        v.withUnsafeBufferPointer { append($0) }
    }

    /// Appends a value's bytes to the current line (a line feed in them ends it).
    mutating func appendValue(_ v: ArraySlice<UInt8>) {
        v.withUnsafeBufferPointer { append($0) }
    }

    /// Appends template text, which holds no line feed, to the current line.
    mutating func appendLineText(_ text: UnsafeBufferPointer<UInt8>) {
        bytes.appendBytes(text)
    }

    /// Marks the current line as a symbol (`barcode` of digits, `qrCode` of a payload); its text
    /// is dropped when it ends.
    mutating func symbol(_ content: ArraySlice<UInt8>, _ kind: Kind) {
        pendingSymbol.removeAll(keepingCapacity: true)
        pendingSymbol.append(contentsOf: content)
        pendingKind = kind
    }

    /// `{{newpage}}`: recorded where it was met, before the line being collected.
    mutating func newPage() {
        lines.append(Line(start: bytes.count, end: bytes.count, kind: .newPage))
    }

    /// Ends the current line: a text line of what was collected, or the pending symbol.
    mutating func endLine() {
        if let kind = pendingKind {
            bytes.removeSubrange(from: lineStart)
            bytes.append(contentsOf: pendingSymbol)
            lines.append(Line(start: lineStart, end: bytes.count, kind: kind))
            pendingKind = nil
        } else {
            lines.append(Line(start: lineStart, end: bytes.count, kind: .text))
        }
        lineStart = bytes.count
    }

    /// Ends the last line when it has text or a symbol.
    mutating func finish() {
        if bytes.count > lineStart || pendingKind != nil { endLine() }
    }

    /// The letter as `LetterLine`s (for callers of `Template.render(_:)` and tests).
    public var letterLines: [LetterLine] {
        lines.map { line in
            switch line.kind {
            case .text, .qrCodeContinued: return .text(Array(bytes[line.start..<line.end]))
            case .newPage: return .newPage
            case .barcode: return .barcode(Array(bytes[line.start..<line.end]))
            case .qrCode: return .qrCode(Array(bytes[line.start..<line.end]))
            }
        }
    }

    /// A letter of `LetterLine`s (for callers of `Pager.layout(_:_:)` and tests).
    public init(_ letterLines: [LetterLine]) {
        for line in letterLines {
            switch line {
            case .text(let t):
                lines.append(Line(start: bytes.count, end: bytes.count + t.count, kind: .text))
                bytes.append(contentsOf: t)
                lineStart = bytes.count
            case .newPage:
                lines.append(Line(start: bytes.count, end: bytes.count, kind: .newPage))
            case .barcode(let symbol), .qrCode(let symbol):
                if case .barcode = line { lines.append(Line(start: bytes.count, end: bytes.count + symbol.count, kind: .barcode)) } else {
                    lines.append(Line(start: bytes.count, end: bytes.count + symbol.count, kind: .qrCode))
                }
                bytes.append(contentsOf: symbol)
                lineStart = bytes.count
            }
        }
    }
}
