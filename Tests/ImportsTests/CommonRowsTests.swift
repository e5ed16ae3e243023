import FixedWidth
@testable import Imports
import Records
import Testing

/// The short way through a row (`Importer.appendCommonRow`) against the general path: the
/// same record bytes, outcome, diagnostics, key and field values for rows whose cells take
/// every shape the short way takes or gives up on (blanks, blanks around, quotes, escapes,
/// text beyond ASCII valid or not as UTF-8, a `'` first, amounts, dates, CEPs and documents
/// of every spelling, valid or not).
@Suite("Import rows the short way")
struct CommonRowsTests {
    static let map = #"""
        {"record":"title","key":"document_number","fields":[
         {"to":"document_number","column":"Documento","required":true},
         {"to":"nosso_numero","column":"Nosso","type":"digits"},
         {"to":"bank","value":"237","type":"digits"},
         {"to":"carteira","column":"Carteira","type":"digits","default":"09"},
         {"to":"issue_date","column":"Emissao"},
         {"to":"due_date","column":"Vencimento","required":true},
         {"to":"amount_cents","column":"Valor","required":true},
         {"to":"payer.name","column":"Sacado","required":true},
         {"to":"payer.document","column":"Doc"},
         {"to":"payer.address.street","column":"Rua"},
         {"to":"payer.address.complement","column":"Compl"},
         {"to":"payer.address.state","column":"UF"},
         {"to":"payer.address.cep","column":"CEP"}]}
        """#
    static let header = ["Documento", "Nosso", "Carteira", "Emissao", "Vencimento", "Valor", "Sacado", "Doc", "Rua", "Compl", "UF", "CEP"]

    /// Spellings per column, valid and not.
    static let cells: [[String]] = [
        ["NF-1", "NF-2", "", " NF-3 ", "NF\"4", "'=1", "''x", "São", "a\\b", "\t", "NF-1"],
        ["0001", "", "12a", " 7 ", "٣"],
        ["09", "", "1", "x"],
        ["28/02/2026", "", "2026-02-28", "31/02/2026", "1/2/26", "28/02/26", "x", " 01/01/2027"],
        ["28/02/2027", "", "29/02/2028", "2027-01-31", "00/01/2027", "12/13/2027"],
        ["19.784,47", "0,50", "1234,56", "1.234", "12,345", "-1,00", "R$ 1,00", "1.234.567,89", "12.34,56", "1234.567,89",
         "", "1,5", "999999999999999,99", "9999999999999999,99", ",50", "1.000,0", "00.123,45"],
        ["Comércio Ávila", "João", "", "  x", "a\u{1}b", "Caf\u{E9}"],
        ["776.317.066-20", "12.415.868/0001-31", "", "111.111.111-11", "77631706620", "1", "12.ABC.345/01DE-35"],
        ["Rua São Bento", "", "R. \"A\"", "Praça"],
        ["", "sala 3", " "],
        ["PE", "sp", "", "XX", "S"],
        ["35908-738", "35908738", "", "3590-8738", "1234567", "01.310-100"],
    ]

    @Test func rowsWrittenTheShortWayAreThoseOfTheGeneralPath() throws {
        let map = try ColumnMap(json: Array(Self.map.utf8), kind: .title)
        var rng = SplitMix64(seed: 0x524F_5753)
        var csv = Self.header.joined(separator: ";") + "\n"
        for _ in 0..<3000 {
            let row = Self.cells.map { column -> String in
                let cell = column[Int(rng.next() % UInt64(column.count))]
                return cell.contains(";") || cell.contains("\"") ? "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : cell
            }
            csv += row.joined(separator: ";") + "\n"
        }
        var bytes = Array(csv.utf8)
        // Some Latin-1 bytes (not UTF-8) in a text cell.
        bytes += Array("NF-9;1;09;01/01/2026;01/01/2027;1,00;Caf".utf8) + [0xE9] + Array(";;;;;SP;01310-100\n".utf8)

        let reader = CSVReader(MemorySource(bytes), delimiter: UInt8(ascii: ";"))
        #expect(try reader.next())
        let short = try Importer(map: map, header: (0..<reader.count).map { reader.text($0) }, file: "T.csv")
        let general = short.replica()
        general.commonRows = false
        var a = ByteBuffer(capacity: 64), b = ByteBuffer(capacity: 64)
        defer { a.deallocate(); b.deallocate() }
        var taken = 0, rows = 0
        while try reader.next() {
            rows += 1
            var da: [String] = [], db: [String] = []
            a.removeAll()
            b.removeAll()
            let ra = short.record(reader, into: &a) { da.append("\($0)") }
            let rb = general.record(reader, into: &b) { db.append("\($0)") }
            #expect(ra == rb, "line \(reader.line)")
            #expect(Array(a.bytes) == Array(b.bytes), "line \(reader.line): \(String(decoding: a.bytes, as: UTF8.self))")
            #expect(da == db, "line \(reader.line)")
            #expect(Array(short.key) == Array(general.key), "line \(reader.line)")
            if ra {
                taken += 1
                for i in 0..<short.fieldCount {
                    let (x, y) = (short.value(ofField: i), general.value(ofField: i))
                    #expect(x.offset == y.offset && x.count == y.count, "line \(reader.line), field \(i)")
                }
            }
        }
        #expect(rows == 3001)
        #expect(taken > 10 && taken < rows, "both outcomes are met")
    }
}
