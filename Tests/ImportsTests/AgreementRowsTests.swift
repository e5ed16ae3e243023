import FixedWidth
import Foundation
import Imports
import Records
import Testing

/// What `AgreementRows` made of a CSV: the records written (with their row counts) and, per
/// rejected row, its diagnostics as `line:column:code`.
struct Grouped {
    var records: [[String: Any]] = []
    var writtenRows = 0
    var rejected: [[String]] = []
    var rowsIn = 0
    /// What the check was given, as JSON objects.
    var checked: [[String: Any]] = []
}

/// A map over the columns of `AgreementRowsTests.header`.
let agreementMap = """
    {"record": "agreement", "delimiter": ";", "fields": [
      {"to": "id", "column": "id"}, {"to": "party_document", "column": "doc"},
      {"to": "origin_titles", "column": "origem"}, {"to": "created_on", "column": "criado"},
      {"to": "total_cents", "column": "total"}, {"to": "break_rule.overdue_days", "column": "quebra"},
      {"to": "installments[].number", "column": "n"}, {"to": "installments[].due_date", "column": "venc"},
      {"to": "installments[].amount_cents", "column": "valor"}, {"to": "installments[].nosso_numero", "column": "nn", "type": "digits"}
    ]}
    """

/// Groups `csv` (header included) through `agreementMap`, the way `troca import agreements`
/// does on one thread; `refuse` plays the part of reconcile's checks.
func group(_ csv: String, refuse: @escaping ([String: Any]) -> (code: String, message: String)? = { _ in nil }) throws -> Grouped {
    let map = try AgreementRows.prepare(ColumnMap(json: Array(agreementMap.utf8), kind: .agreement))
    let reader = CSVReader(MemorySource(Array(csv.utf8)), delimiter: map.delimiter)
    #expect(try reader.next())
    let importer = try Importer(map: map, header: (0..<reader.count).map { reader.text($0) }, file: "A.csv")
    let checked = Box()
    let rows = AgreementRows(importer: importer, map: map, file: "A.csv") { record in
        let object = (try? JSONSerialization.jsonObject(with: Data(record))) as? [String: Any] ?? [:]
        checked.objects.append(object)
        return refuse(object)
    }
    var out = Grouped()
    func take(_ outcome: AgreementOutcome) {
        switch outcome {
        case .written(let record, let n):
            out.records.append((try? JSONSerialization.jsonObject(with: Data(record))) as? [String: Any] ?? [:])
            out.writtenRows += n
        case .rejected(let diagnostics):
            out.rejected.append(diagnostics.map { "\($0.line):\($0.column):\($0.code.rawValue)" })
        }
    }
    var buffer = ByteBuffer(capacity: 1024)
    defer { buffer.deallocate() }
    while try reader.next() {
        if reader.isBlankLine { continue }
        out.rowsIn += 1
        buffer.removeAll()
        var diagnostics: [Diagnostic] = []
        let taken = importer.record(reader, into: &buffer) { diagnostics.append($0) }
        var spans: [Int] = []
        for i in 0..<importer.fieldCount {
            let v = importer.value(ofField: i)
            spans += [v.offset, v.count]
        }
        rows.add(
            AgreementRow(
                line: reader.line, raw: reader.raw, key: importer.key, values: taken ? (UnsafePointer(buffer.base), spans[...]) : nil,
                diagnostics: diagnostics[...]), take)
    }
    rows.finish(take)
    out.checked = checked.objects
    return out
}

final class Box: @unchecked Sendable {
    var objects: [[String: Any]] = []
}

@Suite struct AgreementRowsTests {
    static let header = "id;doc;origem;criado;total;quebra;n;venc;valor;nn\n"

    /// One row of agreement `id`: installment `n` of `amount`, due on day `day` of May 2026 (or
    /// as given), the agreement's own cells as given.
    static func row(
        _ id: String, _ n: String, amount: String = "100,00", total: String = "200,00", due: String? = nil, doc: String = "529.982.247-25",
        origin: String = "NF-1, NF-2", days: String = "30", nn: String = ""
    ) -> String {
        let day = Int(n).map { String(format: "%02d", $0 + 1) } ?? "01"
        return "\(id);\(doc);\(origin);01/04/2026;\(total);\(days);\(n);\(due ?? "\(day)/05/2026");\(amount);\(nn)\n"
    }

    @Test func rowsOfOneAgreementMakeOneRecordWithTheEntradaApart() throws {
        let g = try group(
            Self.header + Self.row("AC-1", "0", total: "300,00") + Self.row("AC-1", "1", total: "300,00")
                + Self.row("AC-1", "2", total: "300,00"))
        #expect(g.rejected.isEmpty)
        #expect(g.writtenRows == 3)
        let a = try #require(g.records.first)
        #expect(g.records.count == 1)
        #expect(a["id"] as? String == "AC-1")
        #expect(a["origin_titles"] as? [String] == ["NF-1", "NF-2"])
        #expect(a["created_on"] as? String == "2026-04-01")
        #expect((a["down_payment"] as? [String: Any])?["due_date"] as? String == "2026-05-01")
        #expect((a["down_payment"] as? [String: Any])?["number"] == nil, "the entrada is written without its number")
        let installments = try #require(a["installments"] as? [[String: Any]])
        #expect(installments.map { $0["number"] as? Int } == [1, 2])
        #expect(installments.map { $0["amount_cents"] as? Int } == [10000, 10000])
        #expect((a["break_rule"] as? [String: Any])?["overdue_days"] as? Int == 30)
        #expect((a["source"] as? [String: Any])?["line"] as? Int == 2)
        // The check saw the very record written.
        #expect(g.checked.count == 1)
        #expect(g.checked.first?["id"] as? String == "AC-1")
    }

    @Test func aRefusedAgreementRejectsEveryRowWithTheReasonOnTheFirst() throws {
        let g = try group(Self.header + Self.row("AC-1", "1") + Self.row("AC-1", "2") + Self.row("AC-2", "1", total: "100,00")) {
            $0["id"] as? String == "AC-1" ? ("agreement.total", "does not add up") : nil
        }
        #expect(g.records.map { $0["id"] as? String } == ["AC-2"])
        #expect(g.rejected == [["2:0:agreement.total"], ["3:1:import.agreement-rejected"]])
        #expect(g.writtenRows + g.rejected.count == g.rowsIn)
    }

    @Test func ownCellsThatDifferNameTheFieldAndTheFirstRow() throws {
        let g = try group(Self.header + Self.row("AC-1", "1") + Self.row("AC-1", "2", total: "250,00", days: "45") + Self.row("AC-1", "3"))
        #expect(g.records.isEmpty)
        #expect(
            g.rejected == [
                ["2:1:import.agreement-rejected"], ["3:5:import.agreement-mismatch", "3:6:import.agreement-mismatch"],
                ["4:1:import.agreement-rejected"],
            ])
        #expect(g.checked.isEmpty, "a rejected agreement is not checked")
    }

    @Test func theSameValueWrittenAnotherWayIsNoMismatch() throws {
        let g = try group(
            Self.header + Self.row("AC-1", "1", total: "200")
                + Self.row("AC-1", "2", total: "R$ 200,00", doc: "52998224725", origin: " NF-1 ,NF-2,"))
        #expect(g.rejected.isEmpty)
        #expect(g.records.count == 1)
    }

    @Test func anInvalidCellRejectsItsWholeAgreementAndNoOther() throws {
        let g = try group(
            Self.header + Self.row("AC-1", "1") + Self.row("AC-1", "2", due: "31/06/2026") + Self.row("AC-2", "1", total: "100,00")
                + "AC-3;1\n"
                + Self.row("AC-3", "2"))
        #expect(g.records.map { $0["id"] as? String } == ["AC-2"])
        #expect(
            g.rejected == [["2:1:import.agreement-rejected"], ["3:8:import.date"], ["5:3:csv.ragged"], ["6:1:import.agreement-rejected"]])
    }

    @Test func anIdBackAfterAnotherAgreementIsADuplicateOfItsFirstLine() throws {
        let g = try group(
            Self.header + Self.row("AC-1", "1", total: "100,00") + Self.row("AC-2", "1", total: "100,00")
                + Self.row("AC-1", "2", total: "100,00")
                + Self.row("AC-1", "3", total: "100,00"))
        #expect(g.records.map { $0["id"] as? String } == ["AC-1", "AC-2"])
        #expect(g.rejected == [["4:1:import.duplicate-key"], ["5:1:import.agreement-rejected"]])
    }

    @Test func aRowWithoutAnIdIsRejectedAloneAndEndsTheAgreementBeforeIt() throws {
        let g = try group(Self.header + Self.row("AC-1", "1", total: "100,00") + Self.row("", "2") + Self.row("AC-2", "1", total: "100,00"))
        #expect(g.records.map { $0["id"] as? String } == ["AC-1", "AC-2"])
        #expect(g.rejected.count == 1)
        #expect(g.rejected.first?.first == "3:1:import.required")
    }

    @Test func aSecondEntradaIsRejectedAtItsRow() throws {
        let g = try group(Self.header + Self.row("AC-1", "0") + Self.row("AC-1", "0") + Self.row("AC-1", "1"))
        #expect(g.records.isEmpty)
        #expect(g.rejected == [["2:1:import.agreement-rejected"], ["3:7:import.agreement-entrada"], ["4:1:import.agreement-rejected"]])
    }

    /// Random rows (good, bad cells, ragged, differing totals, ids out of order, no id): every
    /// row is in a written agreement or rejected, never both, and a written agreement has as
    /// many installments as rows.
    @Test(arguments: [1, 2, 3, 4, 5])
    func everyRowIsWrittenOrRejected(seed: UInt64) throws {
        var state = seed
        func next(_ n: UInt64) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % n)
        }
        var csv = Self.header
        for k in 0..<80 {
            let id = "AC-\(next(3) == 0 ? next(30) : k)"
            let n = 1 + next(3)
            for i in 1...n {
                switch next(20) {
                case 0: csv += Self.row(id, "\(i)", amount: "x", total: "\(n)00,00")
                case 1: csv += "\(id);1\n"
                case 2: csv += Self.row(id, "\(i)", total: "999,00")
                case 3: csv += Self.row("", "\(i)")
                default: csv += Self.row(id, "\(i)", total: "\(n)00,00")
                }
            }
        }
        let g = try group(csv)
        #expect(g.writtenRows + g.rejected.count == g.rowsIn)
        let installments = g.records.reduce(0) { $0 + (($1["installments"] as? [Any])?.count ?? 0) + ($1["down_payment"] == nil ? 0 : 1) }
        #expect(installments == g.writtenRows)
        let ids = g.records.compactMap { $0["id"] as? String }
        #expect(Set(ids).count == ids.count, "an id is written once")
        #expect(g.checked.count >= g.records.count)
    }
}

/// The column-map rules that agreements brought: list fields, typed names, required fields.
@Suite struct AgreementMapTests {
    static func map(_ fields: String, key: String = "") throws(MapError) -> ColumnMap {
        try ColumnMap(json: Array("{\(key)\"fields\": [\(fields)]}".utf8), kind: .agreement)
    }

    static let required = """
        {"to": "id", "column": "a"}, {"to": "party_document", "column": "b"}, {"to": "created_on", "column": "c"},
        {"to": "total_cents", "column": "d"}, {"to": "installments[].number", "column": "e"},
        {"to": "installments[].due_date", "column": "f"}, {"to": "installments[].amount_cents", "column": "g"}
        """

    @Test(arguments: [
        ("created_on", CellType.date), ("installments[].due_date", .date), ("installments[].number", .integer),
        ("break_rule.overdue_days", .integer), ("break_rule.down_payment_days", .integer), ("total_cents", .amount),
        ("status", .text), ("origin_titles", .text), ("party_document", .document),
    ])
    func fieldsTakeTheirTypeFromTheirName(path: String, type: CellType) throws {
        let m = try Self.map("{\"to\": \"\(path)\", \"column\": \"x\"}")
        #expect(m.fields[0].type == type)
    }

    @Test func originTitlesIsAListCutAtACommaUnlessTheMapSaysOtherwise() throws {
        #expect(try Self.map(#"{"to": "origin_titles", "column": "x"}"#).fields[0].split == UInt8(ascii: ","))
        #expect(try Self.map(#"{"to": "origin_titles", "column": "x", "split": "|"}"#).fields[0].split == UInt8(ascii: "|"))
        #expect(try Self.map(#"{"to": "status", "column": "x"}"#).fields[0].split == 0)
    }

    @Test(arguments: [
        (#"{"to": "status", "column": "x", "split": ","}"#, "applies only to a list"),
        (#"{"to": "origin_titles", "column": "x", "split": ", "}"#, "one visible ASCII character"),
        (#"{"to": "origin_titles", "column": "x", "split": " "}"#, "one visible ASCII character"),
        (#"{"to": "installments[].number", "column": "x", "type": "text"}"#, "is an integer"),
        (#"{"to": "break_rule.overdue_days", "column": "x", "type": "amount"}"#, "is an integer"),
        (#"{"to": "created_on", "column": "x", "type": "text"}"#, "is a date"),
        (#"{"to": "installments[].valor", "column": "x"}"#, "agreement records have no field"),
    ])
    func mapsThatAreRefused(field: String, message: String) {
        #expect(throws: MapError.self) { try Self.map(field) }
        do {
            _ = try Self.map(field)
        } catch {
            #expect(error.message.contains(message), "\(error.message)")
        }
    }

    @Test func titlesAndOtherImportsHaveNoListField() {
        #expect(throws: MapError.self) {
            try ColumnMap(json: Array(#"{"fields": [{"to": "document_number", "column": "x", "split": ","}]}"#.utf8), kind: .title)
        }
    }

    @Test func prepareWantsWhatEveryAgreementHasAndMakesItRequired() throws {
        let full = try AgreementRows.prepare(Self.map(Self.required + #", {"to": "status", "column": "h"}"#))
        #expect(full.fields.filter(\.required).map(\.to).count == 7)
        #expect(full.fields.last?.required == false)
        for missing in ["created_on", "installments[].amount_cents"] {
            let fields = Self.required.split(separator: "}").filter { !$0.contains("\"\(missing)\"") }.joined(separator: "}") + "}"
            let m = try Self.map(fields.hasPrefix(",") ? String(fields.dropFirst()) : fields)
            #expect(throws: MapError.self) { try AgreementRows.prepare(m) }
        }
        for key in [#""key": null, "#, #""key": "party_document", "#] {
            let m = try Self.map(Self.required, key: key)
            #expect(throws: MapError.self) { try AgreementRows.prepare(m) }
        }
    }
}
