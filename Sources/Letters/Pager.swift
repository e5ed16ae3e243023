import Records

/// Page geometry shared by the text, LST and PDF renderers: characters per line and lines per
/// page (the last two lines of a page are a blank line and the page number).
public struct PageFormat: Sendable, Hashable {
    /// Characters per line.
    public var width: Int
    /// Lines per page, footer included.
    public var lines: Int

    /// 80 columns by 64 lines: Courier 10 pt on A4 with 11 pt leading and 2 cm margins.
    public static let standard = PageFormat(width: 80, lines: 64)

    /// Creates a format; `lines` must leave room for a body (at least barcode height + 3).
    public init(width: Int, lines: Int) {
        self.width = width
        self.lines = lines
    }

    /// Lines of text a page holds above its footer.
    public var bodyLines: Int { lines - 2 }
}

/// One line of a laid-out page.
public enum PageLine: Sendable, Hashable {
    /// Text (UTF-8), at most `width` characters.
    case text([UInt8])
    /// The top line of a barcode's `LetterLine.barcodeHeight` lines (the others follow as blank
    /// text lines): the 44 digits.
    case barcode([UInt8])
    /// The top line of a QR code's block (`LetterLine.qrCodeHeight` lines or more; the others
    /// follow as empty text lines): the whole payload.
    case qrCode([UInt8])
}

/// A letter laid out on pages.
public struct LaidOutLetter: Sendable {
    /// Each page's lines, exactly `format.lines` of them, the footer last.
    public var pages: [[PageLine]]
}

/// A letter laid out on pages, as spans of its `LetterText`'s bytes (the page footers are
/// appended there): `pageCount` pages of exactly `format.lines` lines each, the footer last, a
/// blank line an empty span. Reused letter after letter.
public struct PagedLetter: Sendable {
    /// Every page's lines, page after page (`text` or `barcode`).
    public internal(set) var lines: [LetterText.Line] = []
    /// Pages.
    public internal(set) var pageCount = 0
    /// Scratch: the body lines, where each page ends among them, a line's wrapped pieces.
    var body: [LetterText.Line] = []
    var pageEnds: [Int] = []
    var pieces: [Range<Int>] = []

    /// An empty layout.
    public init() {}
}

/// Lays a rendered letter out on pages: lines longer than the width are wrapped at a blank (or
/// cut where a word is longer than a line), a page never ends inside a line or a barcode, every
/// page is padded to its full height and ends with `Página N de M`.
public enum Pager {
    /// Lays `lines` out (the `LaidOutLetter` form, for the PDF writer and tests).
    public static func layout(_ lines: [LetterLine], _ format: PageFormat) -> LaidOutLetter {
        var text = LetterText(lines)
        var paged = PagedLetter()
        layout(&text, format, into: &paged)
        return LaidOutLetter(paged, text, format)
    }

    /// Lays `text` out into `paged`, appending the footers' bytes to `text`.
    public static func layout(_ text: inout LetterText, _ format: PageFormat, into paged: inout PagedLetter) {
        paged.body.removeAll(keepingCapacity: true)
        paged.pageEnds.removeAll(keepingCapacity: true)
        paged.lines.removeAll(keepingCapacity: true)
        let blank = LetterText.Line(start: 0, end: 0, kind: .text)
        var pageStart = 0
        func newPage() {
            paged.pageEnds.append(paged.body.count)
            pageStart = paged.body.count
        }
        for line in text.lines {
            switch line.kind {
            case .newPage:
                if paged.body.count > pageStart { newPage() }
            case .barcode:
                if paged.body.count - pageStart + LetterLine.barcodeHeight > format.bodyLines, paged.body.count > pageStart { newPage() }
                paged.body.append(line)
                for _ in 1..<LetterLine.barcodeHeight { paged.body.append(blank) }
            case .qrCode, .qrCodeContinued:
                // The payload cut (not wrapped: its blanks are data) into pieces of the width.
                text.bytes.withUnsafeBufferPointer { cut($0, line.start, line.end, format.width, into: &paged.pieces) }
                let height = max(LetterLine.qrCodeHeight, paged.pieces.count)
                if paged.body.count - pageStart + height > format.bodyLines, paged.body.count > pageStart { newPage() }
                for (k, piece) in paged.pieces.enumerated() {
                    // A payload longer than a page of lines goes on, as text does, on the next.
                    if paged.body.count - pageStart >= format.bodyLines { newPage() }
                    paged.body.append(LetterText.Line(start: piece.lowerBound, end: piece.upperBound, kind: k == 0 ? .qrCode : .qrCodeContinued))
                }
                for _ in paged.pieces.count..<height { paged.body.append(blank) }
            case .text:
                // A line of no more bytes than the width is one piece, its trailing blanks
                // dropped (what `wrap` gives it, without its work).
                if line.end - line.start <= format.width {
                    var end = line.end
                    text.bytes.withUnsafeBufferPointer { b in
                        while end > line.start, b[end - 1] == 0x20 { end -= 1 }
                    }
                    if paged.body.count - pageStart >= format.bodyLines { newPage() }
                    paged.body.append(LetterText.Line(start: line.start, end: end, kind: .text))
                    continue
                }
                text.bytes.withUnsafeBufferPointer { wrap($0, line.start, line.end, format.width, into: &paged.pieces) }
                // A wrapped line goes whole onto the next page when the rest of this one cannot
                // hold it (a Pix code, an address, must not be split by a page); only a line
                // longer than a whole page goes on from one page to the next.
                let height = paged.pieces.count
                if height > 1, height <= format.bodyLines, paged.body.count - pageStart + height > format.bodyLines,
                    paged.body.count > pageStart
                {
                    newPage()
                }
                for piece in paged.pieces {
                    if paged.body.count - pageStart >= format.bodyLines { newPage() }
                    paged.body.append(LetterText.Line(start: piece.lowerBound, end: piece.upperBound, kind: .text))
                }
            }
        }
        if paged.body.count > pageStart || paged.pageEnds.isEmpty { newPage() }
        let total = paged.pageEnds.count
        paged.lines.reserveCapacity(total * format.lines)
        var start = 0
        for (k, end) in paged.pageEnds.enumerated() {
            paged.body.withUnsafeBufferPointer { paged.lines.append(contentsOf: UnsafeBufferPointer(rebasing: $0[start..<end])) }
            // The page's blank lines, and the one above the footer.
            paged.lines.append(contentsOf: repeatElement(blank, count: format.bodyLines - (end - start) + 1))
            paged.lines.append(footer(page: k + 1, of: total, format, into: &text.bytes))
            start = end
        }
        paged.pageCount = total
    }

    /// Appends `Página N de M`, right-aligned in the width, and returns its span.
    static func footer(page: Int, of total: Int, _ format: PageFormat, into bytes: inout LetterBytes) -> LetterText.Line {
        let start = bytes.count
        // "Página " and " de " are 7 and 4 characters.
        let characters = 7 + decimalDigits(page) + 4 + decimalDigits(total)
        bytes.appendBlanks(max(0, format.width - characters))
        footerWords.withUnsafeBufferPointer { w in
            bytes.appendBytes(UnsafeBufferPointer(rebasing: w[0..<8]))
            JSONBytes.appendInt(page, to: &bytes)
            bytes.appendBytes(UnsafeBufferPointer(rebasing: w[8..<12]))
            JSONBytes.appendInt(total, to: &bytes)
        }
        return LetterText.Line(start: start, end: bytes.count, kind: .text)
    }

    /// `Página ` and ` de `, as bytes.
    static let footerWords = Array("Página  de ".utf8)

    /// The decimal digits of a non-negative integer.
    static func decimalDigits(_ value: Int) -> Int {
        var n = 1
        var v = value
        while v >= 10 {
            v /= 10
            n += 1
        }
        return n
    }

    /// The characters of UTF-8 `b[lo..<hi]` (bytes that start a scalar).
    @inline(__always)
    static func characters(_ b: UnsafeBufferPointer<UInt8>, _ lo: Int, _ hi: Int) -> Int {
        var n = 0
        for i in lo..<hi where b[i] & 0xC0 != 0x80 { n += 1 }
        return n
    }

    /// Whether `b[lo..<hi]` is all ASCII: a word at a time, then byte by byte.
    @inline(__always)
    static func allASCII(_ b: UnsafeBufferPointer<UInt8>, _ lo: Int, _ hi: Int) -> Bool {
        let base = UnsafeRawPointer(b.baseAddress!)
        var i = lo
        var high: UInt64 = 0
        while i + 8 <= hi {
            high |= base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            i += 8
        }
        while i < hi {
            high |= UInt64(b[i])
            i += 1
        }
        return high & 0x8080_8080_8080_8080 == 0
    }

    /// The index of the last blank in `b[(lo + 1)...hi]`, or `lo` when there is none (what a
    /// scan back from `hi` that stops at `lo` gives): a word at a time, then byte by byte.
    @inline(__always)
    static func lastBlank(_ b: UnsafeBufferPointer<UInt8>, after lo: Int, atOrBefore hi: Int) -> Int {
        let base = UnsafeRawPointer(b.baseAddress!)
        var blank = hi
        // Words wholly after `lo`: bytes blank - 7 ... blank.
        while blank - 8 >= lo {
            let x = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: blank - 7, as: UInt64.self)) ^ 0x2020_2020_2020_2020
            // 0x80 in exactly the bytes that were blanks (no borrow between bytes).
            let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
            let blanks = ~(((x & low7) &+ low7) | x | low7)
            if blanks != 0 { return blank - blanks.leadingZeroBitCount / 8 }
            blank -= 8
        }
        while blank > lo, b[blank] != 0x20 { blank -= 1 }
        return blank
    }

    /// Cuts `b[lo..<hi]` into pieces of `width` characters (the last one shorter), as spans of `b`.
    static func cut(_ b: UnsafeBufferPointer<UInt8>, _ lo: Int, _ hi: Int, _ width: Int, into pieces: inout [Range<Int>]) {
        pieces.removeAll(keepingCapacity: true)
        var start = lo
        // All ASCII (a Pix payload is): a character a byte.
        if allASCII(b, lo, hi) {
            while hi - start > width {
                pieces.append(start..<(start + width))
                start += width
            }
            pieces.append(start..<hi)
            return
        }
        var chars = 0
        for i in lo..<hi where b[i] & 0xC0 != 0x80 {
            if chars == width {
                pieces.append(start..<i)
                start = i
                chars = 0
            }
            chars += 1
        }
        pieces.append(start..<hi)
    }

    /// Splits line `b[lo..<hi]` into pieces of at most `width` characters, at the last blank that
    /// fits (trailing blanks of the line and of each piece dropped, leading blanks of the pieces
    /// after the first too), as spans of `b`.
    static func wrap(_ b: UnsafeBufferPointer<UInt8>, _ lo: Int, _ hi: Int, _ width: Int, into pieces: inout [Range<Int>]) {
        var steps = 0
        wrap(b, lo, hi, width, into: &pieces, steps: &steps)
    }

    /// `wrap`, adding to `steps` the bytes it looks at, so that a test can see the work is
    /// linear in the line's length: each piece is found by one scan forward of at most `width`
    /// characters from its start and one back to the last blank, and the bytes after that blank
    /// are scanned once more, as the next piece's start; never the whole rest of the line again.
    static func wrap(_ b: UnsafeBufferPointer<UInt8>, _ lo: Int, _ hi: Int, _ width: Int, into pieces: inout [Range<Int>], steps: inout Int) {
        pieces.removeAll(keepingCapacity: true)
        var end = hi
        while end > lo, b[end - 1] == 0x20 { end -= 1 }
        var rest = lo
        while rest < end {
            // No more bytes than the width: no more characters either, the rest is one piece
            // (most lines of a letter), found without counting.
            if end - rest <= width {
                pieces.append(rest..<end)
                return
            }
            // The byte index after `width` characters, or `end` when the rest is no longer:
            // `width` bytes on when they are all ASCII (found a word at a time), else counted.
            var cut = rest
            if !Self.allASCII(b, rest, rest + width) {
                var chars = 0
                while cut < end {
                    if b[cut] & 0xC0 != 0x80 {
                        if chars == width { break }
                        chars += 1
                    }
                    cut += 1
                }
            } else {
                cut = rest + width
            }
            steps += cut - rest
            if cut == end {
                pieces.append(rest..<end)
                return
            }
            var breakAt = cut
            if b[cut] != 0x20 {
                let blank = Self.lastBlank(b, after: rest, atOrBefore: cut - 1)
                steps += cut - blank
                if blank > rest { breakAt = blank }
            }
            var pieceEnd = breakAt
            while pieceEnd > rest, b[pieceEnd - 1] == 0x20 { pieceEnd -= 1 }
            pieces.append(rest..<pieceEnd)
            rest = breakAt
            while rest < end, b[rest] == 0x20 { rest += 1 }
        }
        // A line of blanks only (or none): one empty piece, as before.
        if pieces.isEmpty { pieces.append(lo..<end) }
    }
}

extension LaidOutLetter {
    /// The pages of `paged` as `PageLine`s.
    public init(_ paged: PagedLetter, _ text: LetterText, _ format: PageFormat) {
        pages = (0..<paged.pageCount).map { k in
            let lines = paged.lines[(k * format.lines)..<((k + 1) * format.lines)]
            return lines.indices.map { i in
                let line = lines[i]
                switch line.kind {
                case .barcode: return .barcode(Array(text.bytes[line.start..<line.end]))
                case .qrCode:
                    // The whole payload: this piece and the continued ones after it, which
                    // follow it in `bytes` (on later pages too, past blanks and footers).
                    var end = line.end
                    var j = i + 1
                    while j < paged.lines.count, paged.lines[j].kind != .qrCode {
                        if paged.lines[j].kind == .qrCodeContinued, paged.lines[j].start == end { end = paged.lines[j].end }
                        j += 1
                    }
                    return .qrCode(Array(text.bytes[line.start..<end]))
                case .qrCodeContinued: return .text([])
                case .text, .newPage: return .text(Array(text.bytes[line.start..<line.end]))
                }
            }
        }
    }
}
