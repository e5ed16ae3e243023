import FixedWidth
@testable import Imports
import Records
import Testing

/// The short way's cell checks (the text classes, escaped quotes and backslashes, digits a word
/// at a time, UFs, the room made once per record) against the general path on random cells
/// built from the bytes that matter: quotes, backslashes, controls, DEL, blanks, digits,
/// letters, UTF-8 sequences whole or cut, Latin-1 letters, at every length from 0 to 80.
@Suite("Import rows the short way: odd cells")
struct CommonRowsOddCellsTests {
    static let map = #"""
        {"record":"title","key":"document_number","fields":[
         {"to":"document_number","column":"Doc","required":true},
         {"to":"nosso_numero","column":"Nosso","type":"digits"},
         {"to":"payer.name","column":"Nome"},
         {"to":"payer.document","column":"CPF"},
         {"to":"payer.address.street","column":"Rua"},
         {"to":"payer.address.state","column":"UF"},
         {"to":"amount_cents","column":"Valor"}]}
        """#

    /// Pieces a cell is made of.
    static let pieces: [[UInt8]] = [
        Array("a".utf8), Array("Z".utf8), Array("7".utf8), Array("0".utf8), Array(" ".utf8), Array("\"".utf8), Array("\\".utf8),
        Array("\"\"".utf8), [0x01], [0x09], [0x1F], [0x7F], [0x7E], [0xFF], Array("é".utf8), Array("ção".utf8), Array("😀".utf8),
        [0xC3], [0xE9], [0xA0], Array("'".utf8), Array("=".utf8), Array("-".utf8), Array(".".utf8), Array(",".utf8),
        Array("SP".utf8), Array("sp".utf8), Array("R$".utf8), Array(";".utf8),
    ]

    /// A random cell: mostly one kind of byte (digits, plain letters) with an odd one here and
    /// there (in three cells of four, no control byte among them).
    static func cell(_ rng: inout SplitMix64) -> [UInt8] {
        let length = Int(rng.next() % 81)
        let plain = rng.next() % 3
        let calm = rng.next() % 4 != 0
        var bytes: [UInt8] = []
        while bytes.count < length {
            if rng.next() % 6 == 0 {
                let piece = pieces[Int(rng.next() % UInt64(pieces.count))]
                if calm && piece.contains(where: { $0 < 0x20 || $0 == 0x7F }) { continue }
                bytes += piece
            } else {
                bytes.append(plain == 0 ? UInt8(48 + rng.next() % 10) : plain == 1 ? UInt8(97 + rng.next() % 26) : UInt8(32 + rng.next() % 95))
            }
        }
        return bytes
    }

    /// A CSV field: quoted (quotes doubled) when it holds a quote, the delimiter or a line end.
    static func field(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.contains(where: { $0 == 0x22 || $0 == 0x3B || $0 == 0x0A || $0 == 0x0D }) || bytes.first == 0x20 else { return bytes }
        var out: [UInt8] = [0x22]
        for b in bytes {
            out.append(b)
            if b == 0x22 { out.append(b) }
        }
        return out + [0x22]
    }

    @Test func oddCellsGiveTheGeneralPathsBytes() throws {
        let map = try ColumnMap(json: Array(Self.map.utf8), kind: .title)
        var rng = SplitMix64(seed: 0x4F44_4443)
        var csv = Array("Doc;Nosso;Nome;CPF;Rua;UF;Valor\n".utf8)
        let short = ["1", "12345678", "1234567", "123456789012", "", "12a4", "0000000001"]
        let ufs = ["SP", "sp", "sP", "pe", "PE", "Rj", "SP", "sp", "sP", "pe", "PE", "Rj", "S", "SPP", "XX", "s1", "1S", "ÉS", "{P", "S@"]
        let documents = [
            "776.317.066-20", "12.415.868/0001-31", "", "776.317.066-20", "12.415.868/0001-31", "", "776.317.066-21", "77631706620",
            "12.415.868/0001-3X",
        ]
        for k in 0..<4000 {
            // One column of the row odd (or none), the others of their usual shapes.
            let odd = Int(rng.next() % 8)
            func pick(_ list: [String]) -> [UInt8] { Array(list[Int(rng.next() % UInt64(list.count))].utf8) }
            var row: [[UInt8]] = [
                Array("NF-\(k)".utf8), pick(short), Self.cell(&rng), pick(documents), Self.cell(&rng), pick(ufs), Array("1.234,56".utf8),
            ]
            if odd == 0 { row[0] += Self.cell(&rng) }
            if odd == 1 || odd == 3 || odd == 5 || odd == 6 { row[odd] = Self.cell(&rng) }
            for (i, f) in row.enumerated() {
                if i > 0 { csv.append(0x3B) }
                csv += Self.field(f)
            }
            csv.append(0x0A)
        }
        let reader = CSVReader(MemorySource(csv), delimiter: UInt8(ascii: ";"))
        #expect(try reader.next())
        let fast = try Importer(map: map, header: (0..<reader.count).map { reader.text($0) }, file: "ODD.csv")
        let general = fast.replica()
        general.commonRows = false
        // One that does not keep where each value went: the same records.
        let unkept = fast.replica()
        unkept.keepsValues = false
        var d = ByteBuffer(capacity: 16)
        defer { d.deallocate() }
        // Small buffers: the room made once per record must be enough whatever the cells.
        var a = ByteBuffer(capacity: 16), b = ByteBuffer(capacity: 16), c = ByteBuffer(capacity: 16)
        defer { a.deallocate(); b.deallocate(); c.deallocate() }
        var taken = 0, rows = 0, escaped = 0
        while try reader.next() {
            rows += 1
            // The rows (of the right width) the short way takes itself, with an escape.
            c.removeAll()
            if reader.count == 7, fast.appendCommonRow(reader, line: reader.line, into: &c), c.bytes.contains(0x5C) { escaped += 1 }
            var da: [String] = [], db: [String] = []
            let (ma, mb) = (a.count, b.count)
            let ra = fast.record(reader, into: &a) { da.append("\($0)") }
            let rb = general.record(reader, into: &b) { db.append("\($0)") }
            #expect(ra == rb, "line \(reader.line)")
            d.removeAll()
            #expect(unkept.record(reader, into: &d) { _ in } == ra, "line \(reader.line)")
            #expect(Array(d.bytes) == Array(a.bytes[ma...]), "line \(reader.line)")
            let (x, y) = (Array(a.bytes[ma...]), Array(b.bytes[mb...]))
            #expect(x == y, "line \(reader.line): \(String(decoding: x, as: UTF8.self)) vs \(String(decoding: y, as: UTF8.self))")
            #expect(da == db, "line \(reader.line)")
            #expect(Array(fast.key) == Array(general.key), "line \(reader.line)")
            if ra {
                taken += 1
                for i in 0..<fast.fieldCount {
                    let (u, v) = (fast.value(ofField: i), general.value(ofField: i))
                    #expect(u.offset - ma == v.offset - mb && u.count == v.count, "line \(reader.line), field \(i)")
                }
            }
            if a.count > 1 << 20 { a.removeAll(); b.removeAll() }
        }
        #expect(rows == 4000)
        #expect(taken > 200 && taken < rows, "both outcomes are met")
        #expect(escaped > 20, "escaped quotes and backslashes are met the short way")
    }

    @Test func digitsAndUFsOfEveryShape() {
        // `areDigits` against a byte loop, at every length and every position of an odd byte.
        for n in 0...24 {
            for odd in -1..<n {
                for bad: UInt8 in [0x2F, 0x3A, 0x20, 0x00, 0xB0, 0x70, 0x39 &+ 0x80] {
                    var bytes = [UInt8](repeating: 0, count: n + 8)
                    for i in 0..<n { bytes[i] = UInt8(48 + (i * 7) % 10) }
                    if odd >= 0 { bytes[odd] = bad }
                    let expected = bytes[0..<n].allSatisfy { $0 &- 48 <= 9 }
                    let got = bytes.withUnsafeBufferPointer { CellFastPaths.areDigits($0.baseAddress!, n) }
                    #expect(got == expected, "n \(n), odd \(odd), byte \(bad)")
                }
            }
        }
        // `writeUF` against `CellParsers.uf` for every pair of bytes.
        let codes = UnsafePointer(CellFastPaths.ufCodes)
        var out = ByteBuffer(capacity: 8)
        defer { out.deallocate() }
        var o: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0]
        for x in 0..<256 {
            for y in 0..<256 {
                let cell: [UInt8] = [UInt8(x), UInt8(y)]
                out.removeAll()
                let problem = cell.withUnsafeBufferPointer { CellParsers.uf($0, into: &out) }
                let fast = cell.withUnsafeBufferPointer { c in o.withUnsafeMutableBufferPointer { CellFastPaths.writeUF(c.baseAddress!, 2, codes, to: $0.baseAddress!) } }
                #expect(fast == (problem == nil), "\(x) \(y)")
                if fast { #expect(Array(o[0..<4]) == Array(out.bytes), "\(x) \(y)") }
            }
        }
    }

    @Test func amountsAndCEPsOfEveryShape() {
        var rng = SplitMix64(seed: 0x414D_4E54)
        let alphabet: [UInt8] = Array("0000123456789.,.,-R$ x".utf8)
        var o = [UInt8](repeating: 0, count: 32)
        var out = ByteBuffer(capacity: 32)
        defer { out.deallocate() }
        var taken = 0
        for k in 0..<200_000 {
            // Mostly Brazilian amounts (some with leading zeros), some random bytes.
            var cell: [UInt8]
            if k % 2 == 0 {
                let whole = rng.next() % 4 == 0 ? "0" : String(rng.next() % 100_000_000)
                var grouped = ""
                for (i, ch) in whole.reversed().enumerated() {
                    if i > 0 && i % 3 == 0 && rng.next() % 2 == 0 { grouped.append(".") }
                    grouped.append(ch)
                }
                cell = Array((String(repeating: "0", count: Int(rng.next() % 3)) + String(grouped.reversed()) + "," + String(format: "%02d", Int(rng.next() % 100))).utf8)
            } else {
                cell = (0..<Int(rng.next() % 22)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            }
            let n = cell.count
            cell += [UInt8](repeating: 0x37, count: 8)
            let written = cell.withUnsafeBufferPointer { c in o.withUnsafeMutableBufferPointer { CellFastPaths.writeBrazilianCents(c.baseAddress!, n, to: $0.baseAddress!) } }
            // What the short way takes, both styles it stands in front of read to the same centavos.
            guard written > 0 else { continue }
            taken += 1
            for style in [CellParsers.AmountStyle.auto, .br] {
                let parsed = cell.withUnsafeBufferPointer { CellParsers.amount(UnsafeBufferPointer(rebasing: $0[0..<n]), style: style) }
                guard case .success(let cents) = parsed else {
                    Issue.record("\(String(decoding: cell[0..<n], as: UTF8.self)) refused by the parser (\(style))")
                    continue
                }
                out.removeAll()
                CellFastPaths.appendInt(cents, to: &out)
                #expect(Array(o[0..<written]) == Array(out.bytes), "\(String(decoding: cell[0..<n], as: UTF8.self)) (\(style))")
            }
        }
        #expect(taken > 50_000, "the Brazilian shapes are met")
        // CEPs of 9 bytes: every position of an odd byte, against `CellParsers.cep`.
        for odd in -1..<9 {
            for bad: UInt8 in [0x2D, 0x2F, 0x3A, 0x2E, 0x20, 0x00, 0xB0, 0x41] {
                var cell = Array("01310-100".utf8)
                if odd >= 0 { cell[odd] = bad }
                cell += [UInt8](repeating: 0x37, count: 8)
                let fast = cell.withUnsafeBufferPointer { c in o.withUnsafeMutableBufferPointer { CellFastPaths.writeHyphenatedCEP(c.baseAddress!, 9, to: $0.baseAddress!) } }
                out.removeAll()
                let problem = cell.withUnsafeBufferPointer { CellParsers.cep(UnsafeBufferPointer(rebasing: $0[0..<9]), into: &out) }
                // The short way takes the hyphenated shape only; what it takes, the parser writes the same.
                if fast { #expect(problem == nil && Array(o[0..<10]) == Array(out.bytes), "odd \(odd) \(bad)") }
                #expect(fast == (problem == nil && cell[5] == 0x2D && odd != 5 || (odd == 5 && bad == 0x2D)), "odd \(odd) \(bad)")
            }
        }
    }

    @Test func digitDocumentsAgainstTheGeneralCheck() {
        var rng = SplitMix64(seed: 0x434E_504A)
        var valid = 0
        for k in 0..<100_000 {
            var d = (0..<12).map { _ in UInt8(48 + rng.next() % 10) }
            if k % 10 == 0 { d = [UInt8](repeating: UInt8(48 + k % 10), count: 12) }
            let (a, b) = BrazilianDocument.checkDigits(cnpjBody: d)
            // Half with their check digits, half with others.
            d += k % 2 == 0 ? [UInt8(48 + a), UInt8(48 + b)] : [UInt8(48 + rng.next() % 10), UInt8(48 + rng.next() % 10)]
            let expected = BrazilianDocument.isValidCNPJ(d)
            if expected { valid += 1 }
            #expect(d.withUnsafeBufferPointer { BrazilianDocument.isValidDigitsCNPJ($0.baseAddress!) } == expected, "\(d)")
        }
        #expect(valid > 40_000)
        // And CPFs: `isValidDigitsCPF` against `isValidCPF`.
        valid = 0
        for k in 0..<100_000 {
            var d = (0..<9).map { _ in UInt8(48 + rng.next() % 10) }
            if k % 10 == 0 { d = [UInt8](repeating: UInt8(48 + k % 10), count: 9) }
            d += [UInt8(48 + rng.next() % 10), UInt8(48 + rng.next() % 10)]
            // Half with their own check digits (searched for).
            if k % 2 == 0 {
                search: for a in 0..<10 {
                    for b in 0..<10 {
                        d[9] = UInt8(48 + a)
                        d[10] = UInt8(48 + b)
                        if BrazilianDocument.isValidCPF(d) { break search }
                    }
                }
            }
            let expected = BrazilianDocument.isValidCPF(d)
            if expected { valid += 1 }
            #expect(d.withUnsafeBufferPointer { BrazilianDocument.isValidDigitsCPF($0.baseAddress!) } == expected, "\(d)")
        }
        #expect(valid > 40_000)
    }

    /// `writeDayMonthYear` (the dates of most rows, stored as two words) against the parser
    /// and `CivilDate.writeQuoted`, for every day and month around those that exist.
    @Test func dayMonthYearDatesAgainstTheParser() {
        var o = [UInt8](repeating: 0, count: 16)
        var checked = 0
        for year in [1, 2, 99, 100, 1900, 1999, 2000, 2024, 2026, 2100, 9999] {
            for month in 0...13 {
                for day in 0...32 {
                    var text = Array(String(format: "%02d/%02d/%04d", day, month, year).utf8)
                    text += [0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39]
                    let fast = text.withUnsafeBufferPointer { t in o.withUnsafeMutableBufferPointer { CellFastPaths.writeDayMonthYear(t.baseAddress!, 10, to: $0.baseAddress!) } }
                    let parsed = text.withUnsafeBufferPointer { CellParsers.date(UnsafeBufferPointer(rebasing: $0[0..<10]), format: .ddMMyyyy) }
                    switch parsed {
                    case .success(let date):
                        var expected = [UInt8](repeating: 0, count: 12)
                        expected.withUnsafeMutableBufferPointer { date.writeQuoted(to: $0.baseAddress!) }
                        #expect(fast, "\(day)/\(month)/\(year)")
                        #expect(Array(o[0..<12]) == expected, "\(day)/\(month)/\(year)")
                        checked += 1
                    case .failure:
                        // What the parser refuses the short way refuses too (month 00 among them:
                        // it once passed as `month &- 1 < 12` on an Int).
                        #expect(!fast, "\(day)/\(month)/\(year)")
                    }
                }
            }
        }
        #expect(checked > 3000)
    }
}
