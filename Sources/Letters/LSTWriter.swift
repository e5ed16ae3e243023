import FixedWidth
import Imports
import Records

/// Why an LST layout cannot be used.
public struct LSTLayoutError: Error, Sendable, Hashable {
    /// What is missing.
    public var message: String
}

/// Troca's LST for enveloping machines (docs/lst.md): control records written through a layout
/// (`lst/troca`, or a bureau's own with the same record names and `to` paths) and the letter's
/// print lines with ASA carriage control in column 1 (`1` new page, blank next line), in
/// Windows-1252. Every line ends with CRLF.
public struct LSTWriter {
    let encoder: FlatEncoder
    let header: Int
    let letter: Int
    let trailer: Int
    /// Bytes of a control record.
    public let recordLength: Int
    /// Where the letter record's `sequence` field lies (0-based byte range), so that a letter
    /// encoded before the CEP sort gets its position written in afterwards.
    let sequenceSlot: Range<Int>
    /// The letter record written straight from a job's tape (the plain cases).
    let letterRecord: LSTLetterRecord

    /// Prepares `layout`, which must have records named `header`, `letter` and `trailer`.
    public init(layout: CompiledLayout) throws(LSTLayoutError) {
        encoder = FlatEncoder(layout: layout)
        func index(_ name: String) throws(LSTLayoutError) -> Int {
            guard let i = layout.records.firstIndex(where: { $0.name == name }) else {
                throw LSTLayoutError(message: "layout \(layout.layout.name) has no record named \"\(name)\" (an LST layout needs header, letter and trailer)")
            }
            return i
        }
        header = try index("header")
        letter = try index("letter")
        trailer = try index("trailer")
        recordLength = layout.recordLength
        guard let field = layout.records[letter].fields.first(where: { $0.to == "sequence" }), field.picture.kind == .numeric else {
            throw LSTLayoutError(message: "layout \(layout.layout.name): the letter record needs a numeric field with \"to\": \"sequence\"")
        }
        sequenceSlot = field.start..<field.end
        letterRecord = LSTLetterRecord(layout: layout, record: letter)
    }

    /// A control record's bytes and CRLF, or the problems of the fields that did not fit.
    func encode(_ object: JSONObject, _ record: Int) -> Result<[UInt8], LSTLayoutError> {
        var tape = JSONTape()
        tape.append(.object(object))
        var out: [UInt8] = []
        out.reserveCapacity(recordLength + 2)
        let problems = encoder.encode(tape, record: record, into: &out)
        guard problems.isEmpty else {
            return .failure(LSTLayoutError(message: problems.map { "\($0.field): \($0.message)" }.joined(separator: "; ")))
        }
        out += [0x0D, 0x0A]
        return .success(out)
    }

    /// The header record.
    public func header(batch: Int, date: CivilDate, sender: JSONValue?, format: PageFormat) -> Result<[UInt8], LSTLayoutError> {
        var o = JSONObject()
        o["batch"] = .number(JSONNumber(batch))
        o["date"] = .string(date.description)
        if let sender { o["sender"] = sender }
        o["page_width"] = .number(JSONNumber(format.width))
        o["page_lines"] = .number(JSONNumber(format.lines))
        return encode(o, header)
    }

    /// The letter record's values (all but `sequence`, given when the letters are in CEP order).
    public static func letterValues(job: JSONObject, address: PostalAddress, pages: Int, sheets: Int, printLines: Int) -> JSONObject {
        var o = JSONObject()
        if let n = job["sequence"] { o["letter"] = n }
        o["template"] = job["template"] ?? job["step"] ?? .null
        if let inserts = job["inserts"] { o["inserts"] = inserts }
        o["sheets"] = .number(JSONNumber(sheets))
        o["pages"] = .number(JSONNumber(pages))
        o["print_lines"] = .number(JSONNumber(printLines))
        o["recipient"] = .object(
            JSONObject([
                "name": .string(ASCIIFold.fold(address.name)), "street": .string(ASCIIFold.fold(address.streetLine)),
                "district": .string(ASCIIFold.fold(address.district)), "cep": .string(address.cep), "city": .string(ASCIIFold.fold(address.city)),
                "state": .string(address.state),
                "cepnet_digit": .number(JSONNumber(PostalAddress.cepnetDigit(address.cep))),
            ]))
        if let boleto = job["boleto"] { o["boleto"] = boleto }
        return o
    }

    /// The letter record, its position in the file still zero (see `setSequence`).
    public func letter(_ values: JSONObject) -> Result<[UInt8], LSTLayoutError> {
        var o = values
        o["sequence"] = .number(JSONNumber(0))
        return encode(o, letter)
    }

    /// Writes a letter's position in the file into its record (zero-padded, right-aligned).
    public func setSequence(_ sequence: Int, in record: UnsafeMutableBufferPointer<UInt8>) throws(LSTLayoutError) {
        var n = sequence
        for i in sequenceSlot.reversed() {
            record[i] = UInt8(48 + n % 10)
            n /= 10
        }
        guard n == 0 else { throw LSTLayoutError(message: "letter \(sequence) does not fit the letter record's sequence field (\(sequenceSlot.count) digits)") }
    }

    /// Totals for the trailer.
    public struct Totals: Sendable, Hashable {
        public var letters = 0
        public var sheets = 0
        public var pages = 0
        public var printLines = 0
        public var boletoCents = 0
        public init() {}
        /// Every line of the file: header, one record per letter, print lines, trailer.
        public var records: Int { 1 + letters + printLines + 1 }
    }

    /// The trailer record.
    public func trailer(batch: Int, _ t: Totals) -> Result<[UInt8], LSTLayoutError> {
        var o = JSONObject()
        o["batch"] = .number(JSONNumber(batch))
        o["letters"] = .number(JSONNumber(t.letters))
        o["sheets"] = .number(JSONNumber(t.sheets))
        o["pages"] = .number(JSONNumber(t.pages))
        o["print_lines"] = .number(JSONNumber(t.printLines))
        o["records"] = .number(JSONNumber(t.records))
        o["boleto_total_cents"] = .number(JSONNumber(t.boletoCents))
        return encode(o, trailer)
    }

    /// Appends the letter record (its position still zero) and CRLF for the job at the root of
    /// `tape`, its members found before (`JobNodes(tape)`), with its checked address, or returns
    /// false, appending nothing, when a field needs the general encoder: `letter(letterValues(…))`
    /// then writes the record or says why not.
    public func appendLetter(
        _ tape: JSONTape, _ nodes: JobNodes, address: AddressBytes, pages: Int, sheets: Int, printLines: Int, into out: inout LetterBytes
    ) -> Bool {
        guard letterRecord.encode(tape, nodes, address: address, pages: pages, sheets: sheets, printLines: printLines, into: &out) else { return false }
        out.append(0x0D)
        out.append(0x0A)
        return true
    }

    /// Appends a letter's print lines: `1` before each page's first line, a blank before the
    /// others, trailing blanks trimmed, Windows-1252, CRLF; returns how many. Notes in
    /// `unprintable` the first character of the lines that Windows-1252 neither holds nor folds
    /// (printed as `?`): what `WinAnsi.firstUnprintable` finds in the letter's text, whose every
    /// byte but blanks is in a line, in order.
    public static func appendPrintLines(
        _ paged: PagedLetter, _ text: LetterText, _ format: PageFormat, into out: inout LetterBytes, unprintable: inout Unicode.Scalar?
    ) -> Int {
        // Room for every line at most: ASA, its UTF-8 bytes (Windows-1252 takes no more), CRLF;
        // written through pointers, then the excess dropped.
        var bound = 0
        for line in paged.lines { bound += line.end - line.start + 3 }
        let d = out.room(bound)
        var w = 0
        do {
            text.bytes.withUnsafeBufferPointer { b in
                var onPage = 0
                for line in paged.lines {
                    d[w] = onPage == 0 ? UInt8(ascii: "1") : 0x20
                    onPage += 1
                    if onPage == format.lines { onPage = 0 }
                    w += 1
                    if line.start == line.end {
                        // A blank line (most of a page's padding): nothing between ASA and CRLF.
                    } else if line.kind == .barcode {
                        (d + w).update(from: b.baseAddress! + line.start, count: line.end - line.start)
                        w += line.end - line.start
                    } else {
                        var end = line.end
                        while end > line.start, b[end - 1] == 0x20 { end -= 1 }
                        w += WinAnsi.write(UnsafeBufferPointer(rebasing: b[line.start..<end]), to: d + w, unprintable: &unprintable)
                    }
                    d[w] = 0x0D
                    d[w + 1] = 0x0A
                    w += 2
                }
            }
        }
        out.advance(w)
        return paged.lines.count
    }
}
