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
}

/// A letter laid out on pages.
public struct LaidOutLetter: Sendable {
    /// Each page's lines, exactly `format.lines` of them, the footer last.
    public var pages: [[PageLine]]
}

/// Lays a rendered letter out on pages: lines longer than the width are wrapped at a blank (or
/// cut where a word is longer than a line), a page never ends inside a line or a barcode, every
/// page is padded to its full height and ends with `Página N de M`.
public enum Pager {
    public static func layout(_ lines: [LetterLine], _ format: PageFormat) -> LaidOutLetter {
        var pages: [[PageLine]] = []
        var page: [PageLine] = []
        func newPage() {
            pages.append(page)
            page = []
        }
        for line in lines {
            switch line {
            case .newPage:
                if !page.isEmpty { newPage() }
            case .barcode(let digits):
                if page.count + LetterLine.barcodeHeight > format.bodyLines, !page.isEmpty { newPage() }
                page.append(.barcode(digits))
                for _ in 1..<LetterLine.barcodeHeight { page.append(.text([])) }
            case .text(let bytes):
                for piece in wrap(bytes, format.width) {
                    if page.count >= format.bodyLines { newPage() }
                    page.append(.text(piece))
                }
            }
        }
        if !page.isEmpty || pages.isEmpty { newPage() }
        let total = pages.count
        for k in pages.indices {
            while pages[k].count < format.bodyLines { pages[k].append(.text([])) }
            pages[k].append(.text([]))
            let footer = Array("Página \(k + 1) de \(total)".utf8)
            let pad = max(0, format.width - Filters.width(footer))
            pages[k].append(.text([UInt8](repeating: 0x20, count: pad) + footer))
        }
        return LaidOutLetter(pages: pages)
    }

    /// Splits a line into pieces of at most `width` characters, at the last blank that fits.
    static func wrap(_ bytes: [UInt8], _ width: Int) -> [[UInt8]] {
        var end = bytes.count
        while end > 0, bytes[end - 1] == 0x20 { end -= 1 }
        // Fewer bytes than the width: fewer characters too.
        if end <= width { return [end == bytes.count ? bytes : Array(bytes[0..<end])] }
        let trimmed = bytes[0..<end]
        if Filters.width(Array(trimmed)) <= width { return [Array(trimmed)] }
        var pieces: [[UInt8]] = []
        var rest = trimmed
        while Filters.width(Array(rest)) > width {
            // The byte index after `width` characters.
            var chars = 0
            var cut = rest.startIndex
            while cut < rest.endIndex {
                if rest[cut] & 0xC0 != 0x80 {
                    if chars == width { break }
                    chars += 1
                }
                cut += 1
            }
            var breakAt = cut
            if rest[cut] != 0x20 {
                if let blank = rest[rest.startIndex..<cut].lastIndex(of: 0x20), blank > rest.startIndex { breakAt = blank }
            }
            var piece = rest[rest.startIndex..<breakAt]
            while piece.last == 0x20 { piece = piece.dropLast() }
            pieces.append(Array(piece))
            rest = rest[breakAt...]
            while rest.first == 0x20 { rest = rest.dropFirst() }
        }
        if !rest.isEmpty { pieces.append(Array(rest)) }
        return pieces
    }
}
