import FixedWidth
import Foundation
import Letters
import Records

/// Renders one `letter` job line into what its format writes, on any thread: everything but
/// the writing, the counting and the reporting, which the reading thread does in input order.
struct LetterRenderer {
    enum Format { case text, lst, pdf }

    /// What became of one line.
    enum Outcome {
        case skipped
        case rejected(code: String, message: String)
        /// `bytes`: text pages (form feeds between them), or the LST letter record and its print
        /// lines; `pages`: PDF content streams; `entry`: the LST counts; `sender`: the job's.
        case rendered(bytes: [UInt8], pages: [[UInt8]], pageCount: Int, entry: LetterSpool.Entry?, sender: JSONValue?)
    }

    let templates: [(name: String, template: Template)]
    let page: PageFormat
    let format: Format
    let lst: LSTWriter?
    let duplex: Bool
    var tape = JSONTape()

    /// An empty line stands for one the reader cut (blank lines are counted before).
    mutating func render(_ line: UnsafeBufferPointer<UInt8>) -> Outcome {
        if line.isEmpty { return .rejected(code: "letters.json", message: "a line longer than \(LineReader.maxLineLength) bytes") }
        guard JSONReader.parse(line, into: &tape), tape[0].kind == .object else {
            return .rejected(code: "letters.json", message: "expected a JSON object")
        }
        guard tape.recordKind == "letter", case .object(let job) = tape.value(at: 0) else { return .skipped }
        // The job's template: the one of that file name, or the only one.
        let wanted = job.string("template").map { ($0 as NSString).lastPathComponent }
        guard let template = templates.first(where: { $0.name == wanted })?.template ?? (wanted == nil && templates.count == 1 ? templates[0].template : nil) else {
            return .rejected(
                code: "letters.template",
                message: "the job asks for template \(wanted.map { "\"\($0)\"" } ?? "(none)"), not among --template \(templates.map(\.name).joined(separator: ", "))")
        }
        let address: PostalAddress
        switch PostalAddress.check(job["payer"]) {
        case .failure(let p): return .rejected(code: "letters.address", message: p.message)
        case .success(let a): address = a
        }
        let body: [LetterLine]
        do { body = try template.render(.object(job)) } catch { return .rejected(code: error.code, message: error.message) }
        let laid = Pager.layout(body, page)
        let pages = laid.pages.count
        switch format {
        case .pdf:
            return .rendered(bytes: [], pages: laid.pages.map { PDFWriter.content($0, page) }, pageCount: pages, entry: nil, sender: job["sender"])
        case .lst:
            let sheets = duplex ? (pages + 1) / 2 : pages
            var printLines: [UInt8] = []
            let n = LSTWriter.printLines(laid, into: &printLines)
            let out: [UInt8]
            switch lst!.letter(LSTWriter.letterValues(job: job, address: address, pages: pages, sheets: sheets, printLines: n)) {
            case .failure(let e): return .rejected(code: "letters.lst", message: "the LST letter record cannot hold this job: \(e.message)")
            case .success(let record): out = record + printLines
            }
            var boletoCents = 0
            if case .object(let b)? = job["boleto"], case .number(let a)? = b["amount_cents"], let c = a.exactInteger { boletoCents = Int(c) }
            let entry = LetterSpool.Entry(
                cep: Int(address.cep) ?? 0, order: 0, offset: 0, count: 0, printLines: n, pages: pages, sheets: sheets, boletoCents: boletoCents)
            return .rendered(bytes: out, pages: [], pageCount: pages, entry: entry, sender: job["sender"])
        case .text:
            var out: [UInt8] = []
            out.reserveCapacity(page.width * page.lines * pages / 2)
            for (k, p) in laid.pages.enumerated() {
                if k > 0 { out.append(0x0C) }
                for l in p {
                    switch l {
                    case .text(let t): out += t
                    case .barcode(let digits): out += digits
                    }
                    out.append(0x0A)
                }
            }
            return .rendered(bytes: out, pages: [], pageCount: pages, entry: nil, sender: job["sender"])
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

    func reset() {
        input.removeAll(keepingCapacity: true)
        lines.removeAll(keepingCapacity: true)
        outcomes.removeAll(keepingCapacity: true)
        requeue()
    }

    func render(_ renderer: inout LetterRenderer) {
        input.withUnsafeBufferPointer { base in
            for line in lines {
                outcomes.append(renderer.render(UnsafeBufferPointer(rebasing: base[line.start..<(line.start + line.count)])))
            }
        }
    }
}
