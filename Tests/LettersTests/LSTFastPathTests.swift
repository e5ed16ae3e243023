import FixedWidth
import Records
import Testing

@testable import Letters

/// The LST letter record and address read straight from a job's tape (the fast path) against
/// the general way (`PostalAddress.check` on the tree, `letterValues` through the layout
/// encoder): wherever the fast path answers, its bytes are the general way's.
@Suite struct LSTFastPathTests {
    /// A bureau's layout reading other paths and formats than lst/troca's.
    static let bureauJSON = #"""
        {"kind": "layout", "name": "lst/bureau", "version": "1", "record_length": 120, "records": [
          {"name": "header", "select": [{"pos": [1, 1], "values": ["H"]}], "fields": [
            {"name": "tipo", "pos": [1, 1], "picture": "X(1)", "default": "H"},
            {"name": "filler", "pos": [2, 120], "picture": "X(119)"}]},
          {"name": "letter", "select": [{"pos": [1, 1], "values": ["C"]}], "fields": [
            {"name": "tipo", "pos": [1, 1], "picture": "X(1)", "default": "C", "to": "_record_type"},
            {"name": "seq", "pos": [2, 6], "picture": "9(5)", "to": "sequence"},
            {"name": "carta", "pos": [7, 12], "picture": "X(6)", "to": "letter"},
            {"name": "passo", "pos": [13, 28], "picture": "X(16)", "to": "template"},
            {"name": "nome", "pos": [29, 40], "picture": "X(12)", "to": "recipient.name"},
            {"name": "rua", "pos": [41, 60], "picture": "X(20)", "to": "recipient.street"},
            {"name": "uf", "pos": [61, 62], "picture": "X(2)", "to": "recipient.state"},
            {"name": "banco", "pos": [63, 65], "picture": "9(3)", "to": "boleto.bank"},
            {"name": "venc", "pos": [66, 73], "picture": "9(8)", "format": "yyyyMMdd", "to": "boleto.due_date"},
            {"name": "valor", "pos": [74, 83], "picture": "9(8)V99", "to": "boleto.amount_cents"},
            {"name": "dv", "pos": [84, 84], "picture": "9(1)", "to": "recipient.cepnet_digit"},
            {"name": "versao", "pos": [85, 87], "picture": "9(3)", "default": "007"},
            {"name": "filler", "pos": [88, 120], "picture": "X(33)"}]},
          {"name": "trailer", "select": [{"pos": [1, 1], "values": ["T"]}], "fields": [
            {"name": "tipo", "pos": [1, 1], "picture": "X(1)", "default": "T"},
            {"name": "filler", "pos": [2, 120], "picture": "X(119)"}]}]}
        """#

    static func writers() throws -> [LSTWriter] {
        var library = LayoutLibrary()
        library.add(LayoutSource(name: "lst/bureau", origin: "test", json: Array(bureauJSON.utf8)))
        return try ["lst/troca", "lst/bureau"].map { try LSTWriter(layout: CompiledLayout(try library.layout(named: $0))) }
    }

    /// Jobs with plain and odd values: accents, ß, a combining mark beside a blank, blanks and
    /// tabs around parts, a lowercase UF, a CEP with a dash, long names cut, no number, a
    /// template only as step, a sequence as text, a boleto or none, values of odd kinds.
    static let jobs: [String] = {
        let boleto = #""boleto":{"bank":"237","nosso_numero":"000070000019","due_date":"2026-11-28","amount_cents":522415,"barcode":"23791164400005224151234090000700000100123450","linha_digitavel":"23791234059000070000601001234507116440000522415"}"#
        let names = [
            "Sebastião Araújo Assunção", "  Ana\\tMaria  ", "Straße Weiß", " \u{301}Ana", "Ana \u{301}", "Zoë Ærø Ñandú Çedilha ÿ",
            "Nome Muito Comprido Que Não Cabe No Campo De Cinquenta Caracteres Do Registro",
        ]
        let addresses = [
            #""street":"Rua Tiradentes","number":"2489","district":"Centro","city":"Belo Horizonte","state":"MG","cep":"30799308""#,
            #""street":" Praça da Sé ","number":"  ","complement":"apto 12","district":"Sé","city":"São Paulo","state":"sp","cep":"01001-000""#,
            #""street":"Avenida Brasil","district":"Centro","city":"Rio de Janeiro","state":"RJ","cep":"20040.000","complement":7"#,
            #""street":"Rua A","number":12,"district":"Centro","city":"Recife","state":"PE","cep":"50010000""#,
            #""street":"Rua B","number":"1","district":"Centro","city":"Recife","state":"XX","cep":"50010000""#,
            #""street":"Rua C","number":"1","district":"Centro","city":"Recife","state":"PE","cep":"00000000""#,
        ]
        var jobs: [String] = []
        for (k, name) in names.enumerated() {
            for (a, address) in addresses.enumerated() {
                let sequence = (k + a) % 3 == 0 ? #""sequence":"0042""# : #""sequence":\#(k * 10 + a)"#
                let template = a % 2 == 0 ? #""template":"cobranca-30.txt","inserts":"ENC01,BOL""# : #""step":"lembrete""#
                let withBoleto = k % 2 == 0 ? "," + boleto : (a == 3 ? #","boleto":{"bank":"x1","due_date":"28/11/2026","amount_cents":-5}"# : "")
                jobs.append(#"{"record":"letter",\#(sequence),\#(template),"payer":{"name":"\#(name)","address":{\#(address)}}\#(withBoleto)}"#)
            }
        }
        return jobs
    }()

    @Test func theFastPathWritesWhatTheGeneralWayWrites() throws {
        var fast = 0
        var general = 0
        var address = AddressBytes()
        for lst in try Self.writers() {
            for job in Self.jobs {
                var tape = JSONTape()
                #expect(Array(job.utf8).withUnsafeBufferPointer { JSONReader.parse($0, into: &tape) }, "\(job)")
                let object = try #require(tape.value(at: 0).object)
                let checked = PostalAddress.check(object["payer"])
                guard address.read(tape, JobNodes(tape)) else {
                    general += 1
                    continue
                }
                let a = try #require(try? checked.get(), "the fast path took an address the general way refuses: \(job)")
                #expect(address.name.array == Array(ASCIIFold.fold(a.name).utf8))
                #expect(address.streetLine.array == Array(ASCIIFold.fold(a.streetLine).utf8))
                #expect(address.state.array == Array(a.state.utf8) && address.cep.array == Array(a.cep.utf8))
                var out = LetterBytes()
                out.append(0x2A)
                let values = LSTWriter.letterValues(job: object, address: a, pages: 2, sheets: 1, printLines: 128)
                if lst.appendLetter(tape, JobNodes(tape), address: address, pages: 2, sheets: 1, printLines: 128, into: &out) {
                    fast += 1
                    #expect(try out.array == [0x2A] + lst.letter(values).get(), "\(job)")
                } else {
                    general += 1
                    #expect(out.array == [0x2A], "a refused record leaves the output as it was")
                }
            }
        }
        // Both ways are taken, so that each comparison above means something.
        #expect(fast >= 10 && general >= 20, "fast \(fast), general \(general)")
    }

    /// `upperLatin1` is `String.uppercased()` wherever it answers.
    @Test(arguments: ["Sebastião Araújo", "ação é ü ñ ø þ ÷ ×", "Weiß", "ÿ", "a\u{301}", "µ", "plain ascii 123", ""])
    func upperIsStringsUppercased(_ s: String) {
        var out = LetterBytes()
        out.append(contentsOf: Array("old".utf8))
        if Array(s.utf8).withUnsafeBufferPointer({ Filters.upperLatin1($0, into: &out) }) {
            #expect(out.array == Array(s.uppercased().utf8), "\(s)")
        } else {
            #expect(s.unicodeScalars.contains { $0.value > 0xFF || $0 == "ß" || $0 == "ÿ" || ($0.value >= 0x80 && $0.value < 0xC0) }, "\(s)")
        }
    }

    /// Bytes trimmed as `trimmingBlanks` trims the string, or left to it.
    @Test(arguments: ["  a b  ", "\ta\t", " \u{301}a", "a \u{301}", "é ", " é", "   ", "", "x"])
    func trimmedIsTrimmingBlanks(_ s: String) {
        let bytes = Array(s.utf8)
        if let t = AddressBytes.trimmed(bytes[...]) {
            #expect(Array(t) == Array(s.trimmingBlanks.utf8), "\(s)")
        } else {
            #expect(s.unicodeScalars.contains { $0.value >= 0x80 })
        }
    }
}
