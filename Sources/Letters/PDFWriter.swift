import Boleto
import Records

/// Writes a PDF of A4 pages, streamed: each page is written as soon as it is laid out, and only
/// the objects' offsets stay in memory. Troca's own writer, no library: the standard Type 1 fonts
/// Courier (the letter's text, so columns line up as in the text renderer) and Helvetica (page
/// numbers) with WinAnsiEncoding; a boleto's Interleaved 2 of 5 barcode and a Pix QR code drawn
/// as filled rectangles. No creation date, so the same letters give the same bytes.
public final class PDFWriter {
    /// Where the bytes go.
    let sink: ([UInt8]) throws -> Void
    let format: PageFormat
    var offset = 0
    /// Byte offset of each object, by number (index 0 unused).
    var offsets: [Int] = [0]
    var pageObjects: [Int] = []
    let title: String

    /// Page size and placement, in points (1/72 inch).
    static let pageWidth = 595
    static let pageHeight = 842
    static let margin = 57
    static let fontSize = 10
    static let leading = 11
    /// A Courier character is 0.6 em wide.
    static let charWidthHundredths = 600
    /// One narrow barcode module: 0.72 pt (≈ 0.254 mm, so 44 digits at ratio 3 take ≈ 103 mm).
    static let moduleHundredths = 72
    /// Bar height: 13 mm ≈ 36.85 pt.
    static let barHeightHundredths = 3685

    /// Object numbers fixed before any page: catalog, page tree (written last), fonts, info.
    static let catalog = 1, pages = 2, courier = 3, helvetica = 4, info = 5

    /// Starts a PDF; `sink` receives every byte in order.
    public init(format: PageFormat, title: String, sink: @escaping ([UInt8]) throws -> Void) throws {
        self.sink = sink
        self.format = format
        self.title = title
        try emit(Array("%PDF-1.4\n%".utf8) + [0xE2, 0xE3, 0xCF, 0xD3, 0x0A])
        try object(Self.catalog, "<< /Type /Catalog /Pages 2 0 R >>")
        try object(Self.courier, "<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>")
        try object(Self.helvetica, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
        var info = Array("<< /Producer (Troca) /Title ".utf8)
        Self.literal(WinAnsi.encode(Array(title.utf8)), into: &info)
        info += Array(" >>".utf8)
        try object(Self.info, info)
    }

    func emit(_ bytes: [UInt8]) throws {
        try sink(bytes)
        offset += bytes.count
    }

    func object(_ number: Int, _ body: String) throws { try object(number, Array(body.utf8)) }

    func object(_ number: Int, _ body: [UInt8]) throws {
        while offsets.count <= number { offsets.append(0) }
        offsets[number] = offset
        try emit(Array("\(number) 0 obj\n".utf8) + body + Array("\nendobj\n".utf8))
    }

    var nextObject: Int { max(offsets.count, Self.info + 1) }

    /// Writes every page of a letter.
    public func write(_ letter: LaidOutLetter) throws {
        for page in letter.pages { try write(page) }
    }

    /// Writes one page.
    public func write(_ page: [PageLine]) throws {
        try write(content: Self.content(page, format))
    }

    /// Writes one page whose content stream `content(_:_:)` made (perhaps on another thread).
    public func write(content: [UInt8]) throws {
        let contentNumber = nextObject
        try object(contentNumber, Array("<< /Length \(content.count) >>\nstream\n".utf8) + content + Array("\nendstream".utf8))
        let pageNumber = nextObject
        try object(
            pageNumber,
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 \(Self.pageWidth) \(Self.pageHeight)] "
                + "/Resources << /Font << /F1 \(Self.courier) 0 R /F2 \(Self.helvetica) 0 R >> >> /Contents \(contentNumber) 0 R >>")
        pageObjects.append(pageNumber)
    }

    /// Pages written so far.
    public var pageCount: Int { pageObjects.count }

    /// Writes the page tree, the cross-reference table and the trailer.
    public func finish() throws {
        var kids = "<< /Type /Pages /Count \(pageObjects.count) /Kids ["
        for (k, p) in pageObjects.enumerated() { kids += (k > 0 ? " " : "") + "\(p) 0 R" }
        kids += "] >>"
        try object(Self.pages, kids)
        let xref = offset
        var table = "xref\n0 \(offsets.count)\n0000000000 65535 f \n"
        for k in 1..<offsets.count {
            let o = String(offsets[k])
            table += String(repeating: "0", count: 10 - o.count) + o + " 00000 n \n"
        }
        table += "trailer\n<< /Size \(offsets.count) /Root \(Self.catalog) 0 R /Info \(Self.info) 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        try emit(Array(table.utf8))
    }

    /// `x y w h re` and a newline, each number in points from hundredths (`appendPoints`),
    /// appended as bytes: the QR code and the bars draw thousands of rectangles a page.
    static func rectangle(_ x: Int, _ y: Int, _ w: Int, _ h: Int, into out: inout [UInt8]) {
        appendPoints(x, to: &out)
        out.append(0x20)
        appendPoints(y, to: &out)
        out.append(0x20)
        appendPoints(w, to: &out)
        out.append(0x20)
        appendPoints(h, to: &out)
        out.append(contentsOf: [0x20, 0x72, 0x65, 0x0A])  // " re\n"
    }

    /// A number of hundredths of a point as PDF text (`12.34`, `-0.05`), appended as bytes.
    static func appendPoints(_ hundredths: Int, to out: inout [UInt8]) {
        if hundredths < 0 { out.append(0x2D) }
        let m = hundredths.magnitude
        JSONBytes.appendInt(Int(m / 100), to: &out)
        out.append(0x2E)
        out.append(UInt8(48 + (m % 100) / 10))
        out.append(UInt8(48 + m % 10))
    }

    /// `appendPoints` as a String, for text positions.
    static func points(_ hundredths: Int) -> String {
        var out: [UInt8] = []
        appendPoints(hundredths, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The page's content stream: text lines in Courier, the footer in Helvetica, bars as
    /// rectangles (`x y w h re`, then one `f`).
    public static func content(_ page: [PageLine], _ format: PageFormat) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(4096)
        let top = pageHeight - margin - fontSize
        var bars: [(digits: [UInt8], line: Int)] = []
        var qrCodes: [(payload: [UInt8], line: Int)] = []
        out += Array("BT /F1 \(fontSize) Tf \(leading) TL \(margin) \(top) Td\n".utf8)
        let footer = page.count - 1
        for (k, line) in page.enumerated() {
            if k > 0 { out += Array("T*".utf8) }
            switch line {
            case .barcode(let digits):
                bars.append((digits, k))
            case .qrCode(let payload):
                qrCodes.append((payload, k))
            case .text(let text):
                guard !text.isEmpty, k != footer else { break }
                out.append(0x20)
                literal(WinAnsi.encode(text), into: &out)
                out += Array(" Tj".utf8)
            }
            out.append(0x0A)
        }
        out += Array("ET\n".utf8)
        if case .text(let text) = page[footer], !text.isEmpty {
            let blanks = text.prefix { $0 == 0x20 }.count
            let x = margin * 100 + blanks * fontSize * charWidthHundredths / 10
            let y = top - footer * leading
            out += Array("BT /F2 8 Tf \(points(x)) \(y) Td ".utf8)
            literal(WinAnsi.encode(Array(text.dropFirst(blanks))), into: &out)
            out += Array(" Tj ET\n".utf8)
        }
        for (digits, line) in bars {
            guard let symbol = try? Interleaved2of5(digits: digits) else { continue }
            // The bars' top at the line's cap height; x in hundredths of a point, exact.
            let yTop = (top - line * leading + 8) * 100
            let y = yTop - barHeightHundredths
            var x = margin * 100 + symbol.quietZone * moduleHundredths
            out += Array("0 g\n".utf8)
            for e in symbol.elements {
                let w = (e.isWide ? symbol.ratio : 1) * moduleHundredths
                if e.isBar { rectangle(x, y, w, barHeightHundredths, into: &out) }
                x += w
            }
            out += Array("f\n".utf8)
        }
        for (payload, line) in qrCodes {
            guard let symbol = try? QRCode(bytes: payload) else { continue }
            drawQRCode(symbol, top: (top - line * leading + 8) * 100, into: &out)
        }
        return out
    }

    /// Draws a QR symbol with its quiet zone of 4 modules in the `LetterLine.qrCodeHeight` lines
    /// from `top` (hundredths of a point) down, at the left margin: one rectangle per run of dark
    /// modules in a row, one fill. A Pix payload's version 7 to 10 symbol comes out 33–35 mm wide.
    static func drawQRCode(_ symbol: QRCode, top: Int, into out: inout [UInt8]) {
        let side = symbol.size + 8
        let module = LetterLine.qrCodeHeight * leading * 100 / side
        let left = margin * 100 + 4 * module
        out += Array("0 g\n".utf8)
        for r in 0..<symbol.size {
            let y = top - (4 + r + 1) * module
            var c = 0
            while c < symbol.size {
                guard symbol[r, c] else {
                    c += 1
                    continue
                }
                let start = c
                while c < symbol.size, symbol[r, c] { c += 1 }
                rectangle(left + start * module, y, (c - start) * module, module, into: &out)
            }
        }
        out += Array("f\n".utf8)
    }

    /// A PDF literal string `( … )` with `(`, `)` and `\` escaped.
    static func literal(_ bytes: [UInt8], into out: inout [UInt8]) {
        out.append(UInt8(ascii: "("))
        for b in bytes {
            if b == UInt8(ascii: "(") || b == UInt8(ascii: ")") || b == UInt8(ascii: "\\") { out.append(UInt8(ascii: "\\")) }
            out.append(b)
        }
        out.append(UInt8(ascii: ")"))
    }
}
