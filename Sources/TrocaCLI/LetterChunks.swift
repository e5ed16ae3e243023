import FixedWidth
import Foundation
import Letters
import Records

/// Renders one `letter` job line into what its format writes, on any thread: everything but
/// the writing, the counting and the reporting, which the reading thread does in input order.
/// The job is read from its tape (no tree) and rendered into buffers kept from letter to letter;
/// only jobs that are rejected, or whose values need Unicode or layout rules beyond the plain
/// ones, go through the general (tree) code, which says why.
struct LetterRenderer {
    enum Format { case text, lst, pdf }

    /// What became of one line.
    enum Outcome {
        case skipped
        /// `column`: 1-based, 0 for the whole line.
        case rejected(code: String, message: String, column: Int = 0)
        /// `bytes`: where the chunk's output holds the text pages (form feeds between them), or
        /// the LST letter record and its print lines; `pages`: PDF content streams; `entry`: the
        /// LST counts; `sender`: the job's, until a letter of the chunk has given one;
        /// `senderProblem`: why the LST header cannot hold the job's sender (the job is rejected
        /// when, in input order, no earlier job gave the header its sender).
        case rendered(
            bytes: Range<Int>, pages: [[UInt8]], pageCount: Int, entry: LetterSpool.Entry?, sender: JSONValue?, senderProblem: String? = nil)
    }

    let templates: [(name: String, template: Template)]
    let page: PageFormat
    let format: Format
    let lst: LSTWriter?
    let duplex: Bool
    /// The LST header's `--batch` and `--as-of`, to try the sender of the letter that gives it.
    var lstHeader: (batch: Int, date: CivilDate)? = nil
    /// The templates' names as bytes when ASCII (nil otherwise), to find a job's by bytes.
    let asciiNames: [[UInt8]?]
    /// The templates behind references: the one a letter needs is used without copying it (a
    /// `Template` holds some twenty arrays, each retained and released by a copy).
    let loaded: [LoadedTemplate]
    var tape = JSONTape()
    var text = LetterText()
    var paged = PagedLetter()
    var address = AddressBytes()

    init(templates: [(name: String, template: Template)], page: PageFormat, format: Format, lst: LSTWriter?, duplex: Bool) {
        self.templates = templates
        self.page = page
        self.format = format
        self.lst = lst
        self.duplex = duplex
        asciiNames = templates.map { t in t.name.utf8.allSatisfy { $0 < 0x80 } ? Array(t.name.utf8) : nil }
        loaded = templates.map { LoadedTemplate($0.template) }
    }

    /// A template, shared.
    final class LoadedTemplate: Sendable {
        let template: Template
        init(_ template: Template) { self.template = template }

        /// Renders a job with the template in place (called on the template through the
        /// reference from outside, Swift copied it first, retaining each of its arrays: from two
        /// threads at once, the same counts).
        func render(_ tape: JSONTape, into text: inout LetterText) throws(RenderProblem) {
            try template.render(tape, into: &text)
        }
    }

    /// The job's template, by its index in `templates`: the one of the file name it names, or
    /// the only one; nil when none. (An index, not the `Template`: copying one retains its arrays.)
    func template(_ node: Int?) -> Int? {
        guard let node, tape[node].kind == .string else {
            return templates.count == 1 ? 0 : nil
        }
        let wanted = tape.bytes(node)
        // An ASCII name without a slash is its own last path component, and ASCII names are equal
        // as strings exactly when their bytes are.
        if wanted.allSatisfy({ $0 < 0x80 && $0 != UInt8(ascii: "/") }), !asciiNames.contains(where: { $0 == nil }) {
            return templates.indices.first { asciiNames[$0]!.elementsEqual(wanted) }
        }
        let name = (tape.string(node) as NSString).lastPathComponent
        return templates.firstIndex { $0.name == name }
    }

    /// A job holding a character Windows-1252 cannot print (`letters.pdf`, `letters.lst`), at the
    /// column of the first of its string values that has it.
    static func unprintable(_ c: Unicode.Scalar, format: Format, tape: JSONTape, _ line: UnsafeBufferPointer<UInt8>) -> Outcome {
        let code = Diagnostic.code(of: c.value)
        let utf8 = Array(String(Character(c)).utf8)
        let node = (0..<tape.count).first { tape[$0].kind == .string && tape.bytes($0).firstRange(of: utf8) != nil }
        let what = format == .pdf ? "the PDF's fonts (WinAnsiEncoding, Windows-1252)" : "the LST's print lines (Windows-1252)"
        return .rejected(
            code: format == .pdf ? "letters.pdf" : "letters.lst",
            message: "\(what) cannot print \"\(Character(c))\" (\(code)): the job is refused rather than printed with \"?\" "
                + "(Latin letters they lack print as their base letter, Ł as L)",
            column: node.map { JSONReader.column(ofNode: $0, in: line) } ?? max(1, JSONReader.column(ofNode: 0, in: line)))
    }

    /// A job whose address is not mailable, at the column of the first reason's value.
    static func notMailable(_ p: AddressProblem, _ line: UnsafeBufferPointer<UInt8>) -> Outcome {
        .rejected(code: "letters.address", message: p.message, column: p.path.map { JSONReader.column(ofPath: $0, in: line) } ?? 0)
    }

    /// An empty line stands for one the reader cut (blank lines are counted before).
    mutating func render(_ line: UnsafeBufferPointer<UInt8>, senderGiven: inout Bool, into out: inout LetterBytes) -> Outcome {
        if line.isEmpty { return .rejected(code: "letters.json", message: "a line longer than \(LineReader.maxJSONLLineLength) bytes") }
        guard JSONReader.parseRecord(line, into: &tape), tape[0].kind == .object else {
            let (message, column) = JSONReader.notAnObject(line)
            return .rejected(code: "letters.json", message: message, column: column)
        }
        let nodes = JobNodes(tape)
        if let (message, node) = JSONLInput.recordNotAString(tape, record: nodes.record) {
            return .rejected(code: "letters.record", message: message, column: JSONReader.column(ofNode: node, in: line))
        }
        guard nodes.isLetter(tape) else { return .skipped }
        guard let template = template(nodes.template) else {
            let wanted = nodes.template.flatMap { tape[$0].kind == .string ? (tape.string($0) as NSString).lastPathComponent : nil }
            return .rejected(
                code: "letters.template",
                message: "the job asks for template \(wanted.map { "\"\($0)\"" } ?? "(none)"), not among --template \(templates.map(\.name).joined(separator: ", "))")
        }
        let payer = nodes.payer
        // The common address on bytes; any other, and every bad one, the general way.
        var checked: PostalAddress? = nil
        if !address.read(tape, nodes) {
            switch PostalAddress.check(payer.map { tape.value(at: $0) }) {
            case .failure(let p): return Self.notMailable(p, line)
            case .success(let a): checked = a
            }
        }
        let loadedTemplate = loaded[template]
        do { try loadedTemplate.render(tape, into: &text) } catch {
            // At the value at fault when it is one the job has (a bad amount, a control character).
            return .rejected(code: error.code, message: error.message, column: error.node.map { JSONReader.column(ofNode: $0, in: line) } ?? 0)
        }
        // The PDF's fonts and the LST's print lines are Windows-1252: a character it lacks (a
        // Latin letter aside, printed as its base letter) refuses the job, as the LST's letter
        // record refuses it, rather than print "?".
        // (The LST's print lines find it as they are encoded, below: every byte of the text
        // that is not a blank is in one of them, in order.)
        func firstUnprintable() -> Unicode.Scalar? { text.bytes.withUnsafeBufferPointer { WinAnsi.firstUnprintable($0) } }
        if format == .pdf, let c = firstUnprintable() {
            return Self.unprintable(c, format: format, tape: tape, line)
        }
        Pager.layout(&text, page, into: &paged)
        let pages = paged.pageCount
        // The header's sender is the first rendered letter's: each chunk passes on its first.
        func sender() -> JSONValue? {
            guard !senderGiven, let s = nodes.sender else { return nil }
            senderGiven = true
            return tape.value(at: s)
        }
        let start = out.count
        switch format {
        case .pdf:
            let content = LaidOutLetter(paged, text, page).pages.map { PDFWriter.content($0, page) }
            return .rendered(bytes: start..<start, pages: content, pageCount: pages, entry: nil, sender: sender())
        case .lst:
            // A sender the header cannot hold is not passed on (the next letter's is tried); the
            // job is rejected only if, in input order, its sender is the one the header takes
            // (an earlier chunk may have given one: known only when the outcomes are taken).
            var senderProblem: String? = nil
            if !senderGiven, let s = nodes.sender, let h = lstHeader,
                case .failure(let e) = lst!.header(batch: h.batch, date: h.date, sender: tape.value(at: s), format: page)
            {
                senderProblem = "the LST header cannot hold this job's sender: \(e.message)"
            }
            let sheets = duplex ? (pages + 1) / 2 : pages
            let n = pages * page.lines
            if checked != nil || !lst!.appendLetter(tape, nodes, address: address, pages: pages, sheets: sheets, printLines: n, into: &out) {
                // The general way: the values' object through the layout encoder.
                // A character the print lines cannot hold refuses the job first.
                let job = tape.value(at: 0).object ?? JSONObject()
                switch PostalAddress.check(job["payer"]) {
                case .failure(let p):
                    if let c = firstUnprintable() { return Self.unprintable(c, format: format, tape: tape, line) }
                    return Self.notMailable(p, line)
                case .success(let a):
                    switch lst!.letter(LSTWriter.letterValues(job: job, address: a, pages: pages, sheets: sheets, printLines: n)) {
                    case .failure(let e):
                        if let c = firstUnprintable() { return Self.unprintable(c, format: format, tape: tape, line) }
                        return .rejected(code: "letters.lst", message: "the LST letter record cannot hold this job: \(e.message)")
                    case .success(let record): out.append(contentsOf: record)
                    }
                }
            }
            var unprintable: Unicode.Scalar? = nil
            _ = LSTWriter.appendPrintLines(paged, text, page, into: &out, unprintable: &unprintable)
            if let c = unprintable {
                out.removeSubrange(from: start)
                return Self.unprintable(c, format: format, tape: tape, line)
            }
            var boletoCents = 0
            if let a = nodes.boletoAmount, tape[a].kind == .integer { boletoCents = Int(tape[a].value) }
            let entry = LetterSpool.Entry(
                cep: checked.map { Int($0.cep) ?? 0 } ?? address.cepValue, offset: 0, count: 0, printLines: n, pages: pages, sheets: sheets,
                boletoCents: boletoCents)
            return .rendered(
                bytes: start..<out.count, pages: [], pageCount: pages, entry: entry, sender: senderProblem == nil ? sender() : nil,
                senderProblem: senderProblem)
        case .text:
            text.bytes.withUnsafeBufferPointer { b in
                for (i, line) in paged.lines.enumerated() {
                    if i > 0, i % page.lines == 0 { out.append(0x0C) }
                    out.appendBytes(UnsafeBufferPointer(rebasing: b[line.start..<line.end]))
                    out.append(0x0A)
                }
            }
            return .rendered(bytes: start..<out.count, pages: [], pageCount: pages, entry: nil, sender: sender())
        }
    }
}

/// Letter job lines read in order into chunks, rendered on whichever thread is free, and taken
/// back in order by the reading thread (as `boleto make` does).
final class LetterChunk: PoolJob, @unchecked Sendable {
    var input: [UInt8] = []
    /// Per line: where it starts in `input`, its length, its number.
    var lines: [(start: Int, count: Int, number: Int)] = []
    var outcomes: [LetterRenderer.Outcome] = []
    /// The rendered letters' bytes, each outcome's span.
    var output = LetterBytes(capacity: 1 << 16)

    func reset() {
        input.removeAll(keepingCapacity: true)
        output.removeAll()
        lines.removeAll(keepingCapacity: true)
        outcomes.removeAll(keepingCapacity: true)
        requeue()
    }

    func render(_ renderer: inout LetterRenderer) {
        var senderGiven = false
        input.withUnsafeBufferPointer { base in
            for line in lines {
                outcomes.append(
                    renderer.render(UnsafeBufferPointer(rebasing: base[line.start..<(line.start + line.count)]), senderGiven: &senderGiven, into: &output))
            }
        }
    }
}
