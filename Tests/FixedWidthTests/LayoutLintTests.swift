import Foundation
import Records
import Testing

@testable import FixedWidth

/// One lint case: a record's fields (10-byte records) and the problem expected.
struct LintCase: Sendable, CustomTestStringConvertible {
    var label: String
    var fields: [String]
    var role = "detail"
    var recordExtra = ""
    var layoutExtra = ""
    var code: String
    var path: String
    var fragment: String
    var testDescription: String { label }
}

@Suite("LayoutLint")
struct LayoutLintTests {
    static let tipo = fieldJSON("tipo", 1, 1, "X(1)")
    static let codigo = fieldJSON("codigo", 2, 4, "9(3)")
    static let nome = fieldJSON("nome", 5, 10, "X(6)")

    static func lint(
        _ fields: [String], role: String = "detail", recordExtra: String = "", layoutExtra: String = "", name: String = "t/lint"
    ) -> [LintProblem] {
        let json = layoutJSON(
            name, length: 10, extra: layoutExtra, records: [recordJSON("r", role: role, extra: recordExtra, fields: fields)])
        return LayoutLint.lint(source("t/lint", json), in: LayoutLibrary(builtin: false))
    }

    @Test("a layout that covers its record exactly has no problems")
    func clean() {
        #expect(Self.lint([Self.tipo, Self.codigo, Self.nome]).isEmpty)
        #expect(Self.lint([Self.tipo, fieldJSON("filler_002", 2, 4, "X(3)"), Self.nome]).isEmpty)
        #expect(Self.lint([Self.tipo, fieldJSON("filler", 2, 4, "X(3)"), Self.nome]).isEmpty)
        #expect(
            Self.lint([Self.tipo, fieldJSON("codigo", 2, 4, "9(3)", #""format": "enum", "enum": { "001": "a" }, "to": "kind""#), Self.nome])
                .isEmpty)
        // A field repeating another of the record (`same_as`: Caixa's código do beneficiário).
        #expect(
            Self.lint([
                Self.tipo, fieldJSON("codigo", 2, 4, "9(3)", #""to": "convenio""#), fieldJSON("repete", 5, 7, "9(3)", #""same_as": "codigo""#),
                fieldJSON("nome", 8, 10, "X(3)"),
            ]).isEmpty)
    }

    @Test(
        "each kind of mistake is found, with its code and JSON path",
        arguments: [
            LintCase(
                label: "keep_case on a number", fields: [tipo, fieldJSON("codigo", 2, 4, "9(3)", #""to": "code", "keep_case": true"#), nome],
                code: "layout.keep-case", path: "records[0].fields[1].keep_case", fragment: "keep_case applies to text fields"),
            LintCase(
                label: "same_as naming no field", fields: [tipo, fieldJSON("codigo", 2, 4, "9(3)", #""same_as": "outro""#), nome],
                code: "layout.same-as", path: "records[0].fields[1].same_as", fragment: "codigo names \"outro\""),
            LintCase(
                label: "same_as of another picture",
                fields: [tipo, fieldJSON("codigo", 2, 4, "9(3)", #""to": "convenio""#), fieldJSON("repete", 5, 6, "9(2)", #""same_as": "codigo""#), fieldJSON("nome", 7, 10, "X(4)")],
                code: "layout.same-as", path: "records[0].fields[2].same_as", fragment: "the same picture"),
            LintCase(
                label: "same_as with a to of its own",
                fields: [tipo, fieldJSON("codigo", 2, 4, "9(3)", #""to": "convenio""#), fieldJSON("repete", 5, 7, "9(3)", #""to": "other", "same_as": "codigo""#), fieldJSON("nome", 8, 10, "X(3)")],
                code: "layout.same-as", path: "records[0].fields[2].same_as", fragment: "no to, default or format of its own"),
            LintCase(
                label: "gap", fields: [tipo, nome], code: "layout.gap", path: "records[0].fields[1]",
                fragment: "positions 2-4 of r are not covered: declare a filler_002 field"),
            LintCase(
                label: "gap at the end", fields: [tipo, codigo, fieldJSON("nome", 5, 9, "X(5)")], code: "layout.gap", path: "records[0]",
                fragment: "end at 9, the record is 10 bytes"),
            LintCase(
                label: "past the end", fields: [tipo, codigo, fieldJSON("nome", 5, 11, "X(7)")], code: "layout.length", path: "records[0]",
                fragment: "past the record length 10"),
            LintCase(
                label: "overlap", fields: [tipo, fieldJSON("codigo", 2, 5, "9(4)"), nome], code: "layout.overlap",
                path: "records[0].fields[2]", fragment: "overlaps the previous field, which ends at 5"),
            LintCase(
                label: "picture length", fields: [tipo, fieldJSON("codigo", 2, 4, "9(4)"), nome], code: "layout.picture",
                path: "records[0].fields[1].picture", fragment: "9(4) is 4 bytes, pos [2, 4] is 3"),
            LintCase(
                label: "end past any line (this trapped)", fields: [tipo, fieldJSON("codigo", 2, 9_223_372_036_854_775_807, "9(3)"), nome],
                code: "layout.pos", path: "records[0].fields[1].pos", fragment: "1 <= start <= end <= 65536"),
            LintCase(
                label: "malformed picture", fields: [tipo, fieldJSON("codigo", 2, 4, "9(3"), nome], code: "layout.picture",
                path: "records[0].fields[1].picture", fragment: "bad repeat count"),
            LintCase(
                label: "unknown field key", fields: [tipo, fieldJSON("codigo", 2, 4, "9(3)", #""pic": "9(3)""#), nome], code: "layout.key",
                path: "records[0].fields[1]", fragment: #"unknown key "pic""#),
            LintCase(
                label: "unknown record key", fields: [tipo, codigo, nome], recordExtra: #""start_group": true"#, code: "layout.key",
                path: "records[0]", fragment: #"unknown key "start_group""#),
            LintCase(
                label: "unknown top-level key", fields: [tipo, codigo, nome], layoutExtra: #""lenght": 10"#, code: "layout.key", path: "",
                fragment: #"unknown key "lenght""#),
            LintCase(
                label: "a key given twice (one value would be dropped unseen)",
                fields: [tipo, fieldJSON("codigo", 2, 4, "9(3)", #""to": "code", "to": "kind""#), nome], code: "layout.repeated-key",
                path: "", fragment: #""to" is given twice in one object"#),
            LintCase(
                label: "required paths not a list", fields: [tipo, codigo, nome], layoutExtra: #""writing": {"required_on_register": "payer.name"}"#,
                code: "layout.writing", path: "writing.required_on_register", fragment: "expected a list of output paths"),
            LintCase(
                label: "duplicate field name", fields: [tipo, codigo, fieldJSON("codigo", 5, 10, "X(6)")], code: "layout.duplicate",
                path: "records[0].fields[2]", fragment: #"field name "codigo" used twice in r"#),
            LintCase(
                label: "filler named for another position", fields: [tipo, fieldJSON("filler_003", 2, 4, "X(3)"), nome],
                code: "layout.name", path: "records[0].fields[1].name", fragment: "filler at 2 should be named filler_002"),
            LintCase(
                label: "name not snake_case", fields: [tipo, fieldJSON("Codigo", 2, 4, "9(3)"), nome], code: "layout.name",
                path: "records[0].fields[1].name", fragment: "not snake_case"),
            LintCase(
                label: "enum without format", fields: [tipo, fieldJSON("codigo", 2, 4, "9(3)", #""enum": { "001": "a" }"#), nome],
                code: "layout.format", path: "records[0].fields[1].enum", fragment: #""enum" goes with "format": "enum""#),
            LintCase(
                label: "format enum without enum", fields: [tipo, fieldJSON("codigo", 2, 4, "9(3)", #""format": "enum""#), nome],
                code: "layout.format", path: "records[0].fields[1].enum", fragment: #""enum" goes with "format": "enum""#),
            LintCase(
                label: "enum value of the wrong width",
                fields: [tipo, fieldJSON("codigo", 2, 4, "9(3)", #""format": "enum", "enum": { "1": "a" }"#), nome], code: "layout.format",
                path: "records[0].fields[1].enum", fragment: #"enum value "1" is 1 bytes, the field is 3"#),
            LintCase(
                label: "unknown format", fields: [tipo, fieldJSON("codigo", 2, 4, "9(3)", #""format": "date""#), nome],
                code: "layout.format", path: "records[0].fields[1].format", fragment: #"unknown format "date""#),
            LintCase(
                label: "date format on a short picture", fields: [tipo, fieldJSON("codigo", 2, 4, "9(3)", #""format": "ddMMyy""#), nome],
                code: "layout.format", path: "records[0].fields[1].format", fragment: "ddMMyy needs picture 9(6), found 9(3)"),
            LintCase(
                label: "time format on text",
                fields: [tipo, fieldJSON("hora", 2, 7, "X(6)", #""format": "HHmmss""#), fieldJSON("nome", 8, 10, "X(3)")],
                code: "layout.format", path: "records[0].fields[1].format", fragment: "HHmmss needs picture 9(6), found X(6)"),
            LintCase(
                label: "int on text", fields: [tipo, fieldJSON("codigo", 2, 4, "X(3)", #""format": "int""#), nome], code: "layout.format",
                path: "records[0].fields[1].format", fragment: "int needs a 9(n) picture"),
            LintCase(
                label: "int with decimals", fields: [tipo, fieldJSON("codigo", 2, 4, "9V99", #""format": "int""#), nome],
                code: "layout.format", path: "records[0].fields[1].format", fragment: "int needs a 9(n) picture"),
            LintCase(
                label: "odd reasons", fields: [tipo, fieldJSON("codigo", 2, 4, "X(3)", #""format": "reasons""#), nome],
                code: "layout.format", path: "records[0].fields[1].format", fragment: "length must be a multiple of 2, found 3"),
            LintCase(
                label: "reasons4 not a multiple of 4", fields: [tipo, fieldJSON("codigo", 2, 4, "X(3)", #""format": "reasons4""#), nome],
                code: "layout.format", path: "records[0].fields[1].format", fragment: "length must be a multiple of 4, found 3"),
            LintCase(
                label: "to: value and object",
                fields: [
                    tipo, fieldJSON("codigo", 2, 4, "9(3)", #""to": "payer""#), fieldJSON("nome", 5, 10, "X(6)", #""to": "payer.name""#),
                ], code: "layout.to", path: "records[0]", fragment: #""payer" is used both as a value and as an object"#),
            LintCase(
                label: "to: deeper clash",
                fields: [
                    tipo, fieldJSON("codigo", 2, 4, "9(3)", #""to": "payer.address.cep""#),
                    fieldJSON("nome", 5, 10, "X(6)", #""to": "payer.address""#),
                ], code: "layout.to", path: "records[0]", fragment: #""payer.address" is used both"#),
            LintCase(
                label: "to: not a path", fields: [tipo, fieldJSON("codigo", 2, 4, "9(3)", #""to": "payer..cep""#), nome], code: "layout.to",
                path: "records[0].fields[1].to", fragment: "not a dotted snake_case path"),
            LintCase(
                label: "to: a name over 64 characters",
                fields: [tipo, fieldJSON("codigo", 2, 4, "9(3)", #""to": "payer.\#(String(repeating: "a", count: 65))""#), nome],
                code: "layout.to", path: "records[0].fields[1].to", fragment: "path is over 64 characters"),
            LintCase(
                label: "to: unknown structural name", fields: [tipo, fieldJSON("codigo", 2, 4, "9(3)", #""to": "_lote""#), nome],
                code: "layout.to", path: "records[0].fields[1].to", fragment: #"unknown structural name "_lote""#),
            LintCase(
                label: "default of the wrong width", fields: [tipo, fieldJSON("codigo", 2, 4, "9(3)", #""default": "01""#), nome],
                code: "layout.default", path: "records[0].fields[1].default", fragment: #"default "01" is 2 bytes"#),
            LintCase(
                label: "non-digit default", fields: [tipo, fieldJSON("codigo", 2, 4, "9(3)", #""default": "0A1""#), nome],
                code: "layout.default", path: "records[0].fields[1].default", fragment: "must be digits"),
            LintCase(
                label: "bad pos", fields: [tipo, fieldJSON("codigo", 4, 2, "9(3)"), nome], code: "layout.pos",
                path: "records[0].fields[1].pos", fragment: "1 <= start <= end"),
            LintCase(
                label: "starts_group outside a detail", fields: [tipo, codigo, nome], role: "batch_header",
                recordExtra: #""starts_group": true"#, code: "layout.role", path: "records[0].starts_group",
                fragment: "only detail records start a group"),
            LintCase(
                label: "not JSON for the decoder", fields: [tipo, #"{ "name": "codigo", "pos": [2, 4] }"#, nome], code: "layout.json",
                path: "records[0].fields[1]", fragment: #"missing key "picture""#),
        ])
    func problems(row: LintCase) {
        let problems = Self.lint(row.fields, role: row.role, recordExtra: row.recordExtra, layoutExtra: row.layoutExtra)
        let hit = problems.first { $0.code.rawValue == row.code && $0.path == row.path && $0.message.contains(row.fragment) }
        #expect(hit != nil, "expected [\(row.code)] at \(row.path) containing \(row.fragment); got \(problems.map(\.description))")
        #expect(problems.allSatisfy { $0.file == "/layouts/t/lint.json" })
    }

    @Test("a duplicate record name, a name that is not the file's path, a bad role and selector")
    func recordLevel() {
        let record = recordJSON("r", fields: [Self.tipo, Self.codigo, Self.nome])
        let json = layoutJSON(
            "t/other", length: 10,
            records: [
                record,
                record.replacingOccurrences(of: "\"detail\"", with: "\"details\"")
                    .replacingOccurrences(of: #""values": ["D"]"#, with: #""values": ["DD"]"#),
            ])
        let problems = LayoutLint.lint(source("t/lint", json), in: LayoutLibrary(builtin: false))
        let found = Set(problems.map { "\($0.code.rawValue) \($0.path)" })
        #expect(found.contains("layout.duplicate records[1]"), "\(problems)")
        #expect(found.contains("layout.name name"), "\(problems)")
        #expect(found.contains("layout.role records[1].role"), "\(problems)")
        #expect(found.contains("layout.select records[1].select[0].values"), "\(problems)")
        let description = problems.first { $0.code == "layout.name" }?.description
        #expect(description == #"/layouts/t/lint.json: error: [layout.name] name: "t/other" does not match the file's path "t/lint""#)
    }

    @Test("a name fits a path that ends with its components, the last with .json")
    func nameFitsPath() {
        #expect(LayoutLint.name("cnab400/237/retorno", fits: "/work/layouts/cnab400/237/retorno.json"))
        #expect(LayoutLint.name("generic", fits: "/x/generic.json"))
        #expect(!LayoutLint.name("cnab400/237/retorno", fits: "/work/layouts/cnab400x/237/retorno.json"))
        #expect(!LayoutLint.name("cnab400/237/retorno", fits: "/work/layouts/x/cnab400/237retorno.json"))
        #expect(!LayoutLint.name("b/c", fits: "/x/ab/c.json"), "a component is matched whole, not as the end of a string")
        #expect(!LayoutLint.name("cnab400/237/retorno", fits: "/237/retorno.json"))
        #expect(!LayoutLint.name("retorno", fits: "/x/retorno.json.json"))
        #expect(!LayoutLint.name("", fits: "/x/.json"))
        #expect(!LayoutLint.name("../x", fits: "/a/../x.json"))
    }

    @Test("a name that is not the path's: extends is resolved from the name claimed, its problems name the target or the cycle")
    func extendsOfAMisnamedLayout() {
        let child = source("elsewhere/ext", layoutJSON("t/ext", length: 10, extends: "t/nope", records: [recordJSON("r", fields: [Self.tipo, Self.codigo, Self.nome])]))
        let problems = LayoutLint.lint(child, in: LayoutLibrary(builtin: false))
        #expect(problems.map(\.code.rawValue).sorted() == ["layout.extends", "layout.name"], "\(problems)")
        #expect(problems.contains { $0.code == "layout.extends" && $0.message.contains(#"unknown layout "t/nope""#) }, "\(problems)")
        let selfExt = source("elsewhere/self", layoutJSON("t/self", length: 10, extends: "t/self", records: [recordJSON("r", fields: [Self.tipo, Self.codigo, Self.nome])]))
        let cycle = LayoutLint.lint(selfExt, in: LayoutLibrary(builtin: false))
        #expect(cycle.contains { $0.code == "layout.extends" && $0.message == "extends cycle: t/self -> t/self" }, "\(cycle)")
    }

    @Test("extends is resolved through the library; a missing parent is a problem")
    func extendsLint() {
        let base = source(
            "t/base",
            layoutJSON(
                "t/base", length: 10,
                records: [recordJSON("h", role: "file_header", select: "H", fields: [Self.tipo, Self.codigo, Self.nome])]))
        let child = source(
            "t/lint",
            layoutJSON("t/lint", length: 10, extends: "t/base", records: [recordJSON("r", fields: [Self.tipo, Self.codigo, Self.nome])]))
        #expect(LayoutLint.lint(child, in: library(base)).isEmpty)
        let problems = LayoutLint.lint(child, in: LayoutLibrary(builtin: false))
        #expect(problems.contains { $0.code == "layout.extends" && $0.message.contains(#""t/base""#) }, "\(problems)")
    }

    /// A record with `select` "D" at 1, or another selection (a list of conditions as JSON).
    static func record(_ name: String, select: String) -> String {
        recordJSON(name, fields: [Self.tipo, Self.codigo, Self.nome]).replacingOccurrences(
            of: #"[ { "pos": [1, 1], "values": ["D"] } ]"#, with: select)
    }

    static func selectProblems(_ records: [String], extends: String? = nil, in lib: LayoutLibrary = LayoutLibrary(builtin: false)) -> [String] {
        LayoutLint.lint(source("t/lint", layoutJSON("t/lint", length: 10, extends: extends, records: records)), in: lib)
            .filter { $0.code == "layout.select" || $0.code == "layout.records" }.map { "[\($0.code.rawValue)] \($0.path): \($0.message)" }
    }

    @Test("a record whose select another's always beats is never chosen: the same select declared later, or one the other's covers")
    func unreachableRecords() {
        let d = #"[ { "pos": [1, 1], "values": ["D"] } ]"#
        let dOrE = #"[ { "pos": [1, 1], "values": ["E", "D"] } ]"#
        let d01 = #"[ { "pos": [2, 4], "values": ["001"] }, { "pos": [1, 1], "values": ["D"] } ]"#
        #expect(
            Self.selectProblems([Self.record("a", select: d), Self.record("b", select: d)]) == [
                "[layout.select] records[1].select: the same as records[0]'s (records[0] is always chosen first; this record can never be)"
            ])
        // The same conditions in another order, values in another order: the same select.
        #expect(
            Self.selectProblems([Self.record("a", select: d01), Self.record("b", select: #"[ { "pos": [1, 1], "values": ["D"] }, { "pos": [2, 4], "values": ["001"] } ]"#)])
                == ["[layout.select] records[1].select: the same as records[0]'s (records[0] is always chosen first; this record can never be)"])
        #expect(
            Self.selectProblems([Self.record("a", select: dOrE), Self.record("b", select: d)]) == [
                "[layout.select] records[1].select: every line it matches, records[0]'s select matches too, and records[0] wins (it is declared first): this record can never be chosen"
            ])
        // More conditions win wherever they are declared: D+001 after a generic D is chosen for
        // its lines, and the generic D for the others; declared before it, D+001 beats it too.
        #expect(Self.selectProblems([Self.record("a", select: d), Self.record("b", select: d01)]).isEmpty)
        #expect(Self.selectProblems([Self.record("a", select: d01), Self.record("b", select: d)]).isEmpty)
        #expect(Self.selectProblems([Self.record("a", select: dOrE), Self.record("b", select: d01)]).isEmpty)
        // Another value at the same position, or the same value elsewhere: another record.
        #expect(Self.selectProblems([Self.record("a", select: d), Self.record("b", select: #"[ { "pos": [1, 1], "values": ["E"] } ]"#)]).isEmpty)
        #expect(Self.selectProblems([Self.record("a", select: d), Self.record("b", select: #"[ { "pos": [2, 2], "values": ["D"] } ]"#)]).isEmpty)
    }

    @Test("a layout without records is a problem; one extending another may add none")
    func noRecords() {
        #expect(Self.selectProblems([]) == ["[layout.records] records: a layout needs at least one record"])
        let base = source("t/base", layoutJSON("t/base", length: 10, records: [Self.record("h", select: #"[ { "pos": [1, 1], "values": ["H"] } ]"#)]))
        #expect(Self.selectProblems([], extends: "t/base", in: library(base)).isEmpty)
        let empty = source("t/empty", layoutJSON("t/empty", length: 10, records: []))
        #expect(
            Self.selectProblems([], extends: "t/empty", in: library(empty)) == [
                "[layout.records] records: a layout needs at least one record (it has none, nor has t/empty or what that extends)"
            ])
    }

    @Test("a select the same as an inherited record's: the path is the file's record, either way round")
    func unreachableAfterExtends() {
        let h = #"[ { "pos": [1, 1], "values": ["H"] } ]"#
        let t = #"[ { "pos": [1, 1], "values": ["T"] } ]"#
        let base = source("t/base", layoutJSON("t/base", length: 10, records: [Self.record("h", select: h), Self.record("t", select: t)]))
        // Added after the inherited records: the new one is dead.
        #expect(
            Self.selectProblems([Self.record("d", select: Self.d), Self.record("h2", select: h)], extends: "t/base", in: library(base)) == [
                "[layout.select] records[1].select: the same as inherited record h's (h is always chosen first; this record can never be)"
            ])
        // Replacing h in place with t's select: the inherited t, after it, is dead.
        #expect(
            Self.selectProblems([Self.record("h", select: t)], extends: "t/base", in: library(base)) == [
                "[layout.select] records[0].select: the same as inherited record t's, which comes after this record: t can never be chosen"
            ])
        // A parent's own dead record is the parent's to report.
        let bad = source("t/bad", layoutJSON("t/bad", length: 10, records: [Self.record("h", select: h), Self.record("h2", select: h)]))
        #expect(Self.selectProblems([Self.record("d", select: Self.d)], extends: "t/bad", in: library(bad)).isEmpty)
        #expect(!LayoutLint.lint(bad, in: library(bad)).filter { $0.code == "layout.select" }.isEmpty)
    }

    static let d = #"[ { "pos": [1, 1], "values": ["D"] } ]"#

    @Test("defaults: a child layout gives inherited fields new defaults; a key naming no field or a value that does not fit is found")
    func defaultsKey() throws {
        let base = source(
            "t/base",
            layoutJSON(
                "t/base", length: 10,
                records: [recordJSON("h", role: "file_header", select: "H", fields: [Self.tipo, Self.codigo, Self.nome])]))
        func child(_ defaults: String) -> LayoutSource {
            source("t/lint", layoutJSON("t/lint", length: 10, extends: "t/base", extra: #""defaults": \#(defaults)"#, records: []))
        }
        let good = child(#"{ "h.codigo": "084", "h.nome": "BANCO " }"#)
        #expect(LayoutLint.lint(good, in: library(base)).isEmpty)
        let resolved = try library(base, good).layout(named: "t/lint")
        #expect(resolved.records[0].fields.map(\.default) == [nil, "084", "BANCO "])
        // The parent keeps its own defaults.
        #expect(try library(base).layout(named: "t/base").records[0].fields.map(\.default) == [nil, nil, nil])

        let missing = child(#"{ "h.versao": "084" }"#)
        #expect(throws: LayoutError.self) { try library(base, missing).layout(named: "t/lint") }
        let found = LayoutLint.lint(missing, in: library(base))
        #expect(found.contains { $0.code == "layout.extends" && $0.path == "defaults.h.versao" }, "\(found)")

        let misfit = LayoutLint.lint(child(#"{ "h.codigo": "84", "h.nome": "X" }"#), in: library(base))
        #expect(Set(misfit.map { "\($0.code.rawValue) \($0.path)" }) == ["layout.default defaults.h.codigo", "layout.default defaults.h.nome"], "\(misfit)")
        let letters = LayoutLint.lint(child(#"{ "h.codigo": "ABC" }"#), in: library(base))
        #expect(letters.contains { $0.path == "defaults.h.codigo" && $0.message.contains("digits") }, "\(letters)")

        let alone = LayoutLint.lint(
            source("t/lint", layoutJSON("t/lint", length: 10, extra: #""defaults": { "h.codigo": "084" }"#, records: [recordJSON("h", fields: [Self.tipo, Self.codigo, Self.nome])])),
            in: LayoutLibrary(builtin: false))
        #expect(alone.contains { $0.code == "layout.default" && $0.path == "defaults" }, "\(alone)")
    }

    @Test("code tables: unknown events, missing reason tables, codes of the wrong width")
    func codeTables() {
        let json = #"""
            { "kind": "codes", "name": "t/lint", "version": "1",
              "movements": { "06": { "text": "Liquidação", "event": "paid", "reasons": "C" },
                             "2": { "text": "x", "event": "other" },
                             "09": { "text": "Baixa", "event": "settled", "reasons": "Z" } },
              "reasons": { "C": { "01": "ok", "123": "long" } } }
            """#
        let problems = LayoutLint.lint(source("t/lint", json), in: LayoutLibrary(builtin: false))
        let found = Set(problems.map { "\($0.code.rawValue) \($0.path)" })
        #expect(
            found == [
                "layout.codes movements.2", "layout.codes movements.09.event", "layout.codes movements.09.reasons",
                "layout.codes reasons.C.123",
            ], "\(problems)")
    }

    @Test("code tables: a code of no valid width sorted first flags that code alone")
    func codeTableWidthFromAValidCode() {
        let json = #"""
            { "kind": "codes", "name": "t/lint", "version": "1",
              "movements": { "06": { "text": "Liquidação", "event": "paid", "reasons": "C" } },
              "reasons": { "C": { "0": "short", "01": "ok", "02": "ok" } } }
            """#
        let problems = LayoutLint.lint(source("t/lint", json), in: LayoutLibrary(builtin: false))
        let found = Set(problems.map { "\($0.code.rawValue) \($0.path)" })
        #expect(found == ["layout.codes reasons.C.0"], "\(problems)")
    }

    @Test(
        "text that is not a layout object",
        arguments: [
            (#"[1, 2]"#, "layout.json"),
            (#"{ "kind": "layout", "#, "layout.json"),
            (#"{ "kind": "table", "name": "t/lint" }"#, "layout.kind"),
            (#"{ "name": "t/lint" }"#, "layout.kind"),
        ])
    func notALayout(json: String, code: String) {
        let problems = LayoutLint.lint(source("t/lint", json), in: LayoutLibrary(builtin: false))
        #expect(problems.contains { $0.code.rawValue == code }, "\(problems)")
    }
}
