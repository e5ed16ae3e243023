import Foundation
import Records

/// One problem `troca layout lint` found in a layout file.
public struct LintProblem: Sendable, Hashable, CustomStringConvertible {
    /// The file or built-in name.
    public var file: String
    /// The JSON path, e.g. `records[1].fields[4]`.
    public var path: String
    /// A stable code such as `layout.gap`.
    public var code: DiagnosticCode
    /// What is wrong.
    public var message: String
    /// Where a JSON syntax error is: 1-based line and byte column (0 when the problem is not one).
    public var line = 0
    /// See `line`.
    public var column = 0

    /// `FILE[:LINE:COL]: error: [code] path: message`, DESIGN.md's diagnostic (printed after
    /// `troca: `); the JSON path leads the message.
    public var description: String {
        Diagnostic(.error, code, path.isEmpty ? message : "\(path): \(message)", file: file, line: line, column: column).formatted
    }
}

/// Proves layouts exact: every byte covered once, pictures as long as their spans, names unique.
public enum LayoutLint {
    static let topKeys: Set<String> = [
        "kind", "name", "version", "doc", "record_length", "extends", "records", "checks", "writing", "defaults",
    ]
    static let checkValues: [String: Set<String>] = [
        "batch_numbers": ["sequential", "any"], "batch_record_count": ["all", "details"], "file_record_count": ["all", "details"],
    ]
    static let codeKeys: Set<String> = ["kind", "name", "version", "doc", "movements", "reasons", "remessa_movements"]
    static let recordKeys: Set<String> = ["name", "role", "starts_group", "requires", "fallback", "select", "fields", "doc"]
    static let selectKeys: Set<String> = ["pos", "values"]
    static let fieldKeys: Set<String> = ["name", "pos", "picture", "format", "enum", "default", "to", "doc", "truncate", "keep_case", "same_as"]
    /// Field formats the engine reads.
    public static let formats = Set(["ddMMyyyy", "ddMMyy", "yyyyMMdd", "HHmmss", "int", "document", "enum"]).union(FieldFormat.reasonWidths.keys)
    /// Structural `to` names the engine uses.
    public static let structural: Set<String> = ["_batch", "_record_type", "_sequence", "_segment"]

    /// Lints one source; `library` resolves `extends`.
    public static func lint(_ source: LayoutSource, in library: LayoutLibrary) -> [LintProblem] {
        var problems: [LintProblem] = []
        let file = source.displayName
        func add(_ path: String, _ code: DiagnosticCode, _ message: String) {
            problems.append(LintProblem(file: file, path: path, code: code, message: message))
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(source.json)) as? [String: Any] else {
            do { _ = try LayoutLibrary.kind(of: source) } catch {
                var problem = LintProblem(file: file, path: error.path, code: "layout.json", message: error.message)
                (problem.line, problem.column) = (error.line, error.column)
                problems.append(problem)
                return problems
            }
            add("", "layout.json", "not a JSON object")
            return problems
        }
        // JSONSerialization keeps one of two values given for a key and drops the other unseen: a
        // pasted-twice field or table must be refused, never half read.
        if let (key, line, column) = JSONReader.repeatedKey(inFile: source.json) {
            var problem = LintProblem(
                file: file, path: "", code: "layout.repeated-key",
                message: "\"\(key)\" is given twice in one object: only one of its values would be read")
            (problem.line, problem.column) = (line, column)
            problems.append(problem)
        }
        let kind = object["kind"] as? String
        if let name = object["name"] as? String, name != source.name {
            add("name", "layout.name", "\"\(name)\" does not match the file's path \"\(source.name)\"")
        }
        if kind == "codes" {
            checkKeys(object, codeKeys, "", add)
            lintCodes(source, in: library, add)
            return problems
        }
        guard kind == "layout" else {
            add("kind", "layout.kind", "expected \"layout\" or \"codes\", found \(kind.map { "\"\($0)\"" } ?? "nothing")")
            return problems
        }
        checkKeys(object, topKeys, "", add)
        if let writing = object["writing"] as? [String: Any] {
            checkKeys(writing, ["end_of_file", "file_name", "required_on_register"], "writing", add)
            if let required = writing["required_on_register"], !(required is [String]) {
                add("writing.required_on_register", "layout.writing", "expected a list of output paths (\"payer.name\"), found \(required)")
            }
            if let eof = writing["end_of_file"], !((eof as? String).map { $0.count == 2 && UInt8($0, radix: 16) != nil } ?? false) {
                add("writing.end_of_file", "layout.writing", "\(eof) is not one byte in hex (e.g. \"1A\")")
            }
            if let name = writing["file_name"] as? String, let problem = FileNamePattern(name).problem {
                add("writing.file_name", "layout.writing", problem)
            }
        }
        if let checks = object["checks"] as? [String: Any] {
            checkKeys(checks, Set(checkValues.keys), "checks", add)
            for (key, value) in checks.sorted(by: { $0.key < $1.key }) {
                guard let allowed = checkValues[key] else { continue }
                if !allowed.contains(value as? String ?? "") {
                    add("checks.\(key)", "layout.checks", "\(value) is not one of \(allowed.sorted().joined(separator: ", "))")
                }
            }
        }
        for (r, record) in ((object["records"] as? [[String: Any]]) ?? []).enumerated() {
            checkKeys(record, recordKeys, "records[\(r)]", add)
            for (s, sel) in ((record["select"] as? [[String: Any]]) ?? []).enumerated() {
                checkKeys(sel, selectKeys, "records[\(r)].select[\(s)]", add)
            }
            for (f, field) in ((record["fields"] as? [[String: Any]]) ?? []).enumerated() {
                checkKeys(field, fieldKeys, "records[\(r)].fields[\(f)]", add)
            }
        }
        let layout: Layout
        do {
            layout = try LayoutLibrary.decodeLayout(source)
        } catch {
            add(error.path, "layout.json", error.message)
            return problems
        }
        lintRecords(layout, add)
        if layout.extends == nil {
            if layout.records.isEmpty { add("records", "layout.records", "a layout needs at least one record") }
            lintSelection(layout.records, own: Array(layout.records.indices), add)
            lintGroupPaths(layout, add)
        }
        if layout.extends == nil, layout.defaults != nil {
            add("defaults", "layout.default", "\"defaults\" change inherited fields: this layout extends none")
        }
        if layout.extends != nil {
            // Resolved by the name the file claims, under which it is added too: when that is
            // not its path's name (a problem said above), resolving by it would otherwise find
            // no such layout, or another, and blame the layout itself for its `extends`.
            var scoped = library
            scoped.add(source)
            var claimed = source
            claimed.name = layout.name
            scoped.add(claimed)
            do {
                let resolved = try scoped.layout(named: layout.name, refusingUnlinted: false)
                if resolved.records.isEmpty {
                    add(
                        "records", "layout.records",
                        "a layout needs at least one record (it has none, nor has \(layout.extends!) or what that extends)")
                }
                // A record the file declares is in the resolved layout as it is written (whether
                // it replaced an inherited one or was added after them).
                lintSelection(resolved.records, own: resolved.records.map { r in layout.records.lastIndex { $0 == r } }, add)
                var names: Set<String> = []
                for (r, record) in resolved.records.enumerated() where !names.insert(record.name).inserted {
                    add("records[\(r)]", "layout.duplicate", "record name \"\(record.name)\" used twice after extends")
                }
                lintGroupPaths(resolved, add)
                for key in (layout.defaults ?? [:]).keys.sorted() {
                    let parts = key.split(separator: ".", maxSplits: 1).map(String.init)
                    guard let field = resolved.records.first(where: { $0.name == parts[0] })?.fields.first(where: { $0.name == parts.last }),
                        field.pos.count == 2, let picture = try? Picture(field.picture)
                    else { continue }
                    for problem in defaultProblems(field.default ?? "", span: field.pos[1] - field.pos[0] + 1, numeric: picture.kind == .numeric) {
                        add("defaults.\(key)", "layout.default", problem)
                    }
                }
            } catch {
                add(error.path.isEmpty ? "extends" : error.path, "layout.extends", error.message)
            }
        }
        return problems
    }

    /// Whether a layout named `name` (`cnab400/237/retorno`) may be the file at `path`: the
    /// path's last components are the name's, the last with `.json` (`…/cnab400/237/retorno.json`).
    /// `path` is absolute (and standardized), so that the answer does not depend on how the
    /// file was named on the command line: `237/retorno.json` from `layouts/cnab400`, or a file
    /// found linting `layouts/cnab400` rather than `layouts`.
    public static func name(_ name: String, fits path: String) -> Bool {
        let wanted = name.split(separator: "/", omittingEmptySubsequences: false)
        guard !wanted.isEmpty, wanted.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }) else { return false }
        let have = path.split(separator: "/", omittingEmptySubsequences: false)
        guard have.count > wanted.count else { return false }
        return zip(have.suffix(wanted.count), wanted).enumerated().allSatisfy { i, pair in
            i == wanted.count - 1 ? pair.0 == pair.1 + ".json" : pair.0 == pair.1
        }
    }

    /// What is wrong with a field's default for its width and picture (nothing: empty).
    static func defaultProblems(_ value: String, span: Int, numeric: Bool) -> [String] {
        var problems: [String] = []
        if value.utf8.count != span {
            problems.append("default \"\(value)\" is \(value.utf8.count) bytes, the field is \(span)")
        }
        if numeric, !value.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
            problems.append("default \"\(value)\" of a numeric field must be digits")
        }
        return problems
    }

    static func checkKeys(_ object: [String: Any], _ allowed: Set<String>, _ path: String, _ add: (String, DiagnosticCode, String) -> Void)
    {
        for key in object.keys.sorted() where !allowed.contains(key) {
            add(path, "layout.key", "unknown key \"\(key)\"\(Suggestion.hint(for: key, among: allowed.sorted()) { "\"\($0)\"" }) (allowed: \(allowed.sorted().joined(separator: ", ")))")
        }
    }

    static func lintRecords(_ layout: Layout, _ add: (String, DiagnosticCode, String) -> Void) {
        let length = layout.recordLength
        if length <= 0 || length > LineReader.maxLineLength {
            add("record_length", "layout.length", "must be 1…\(LineReader.maxLineLength) (the longest line read), found \(length)")
        }
        var recordNames: Set<String> = []
        for (r, record) in layout.records.enumerated() {
            let rp = "records[\(r)]"
            if !recordNames.insert(record.name).inserted {
                add(rp, "layout.duplicate", "record name \"\(record.name)\" used twice")
            }
            if let role = record.role, !RecordRole.known.contains(role) {
                add(rp + ".role", "layout.role", "unknown role \"\(role.rawValue)\"")
            }
            if record.startsGroup == true, record.role != .detail {
                add(rp + ".starts_group", "layout.role", "only detail records start a group")
            }
            if record.select.isEmpty { add(rp + ".select", "layout.select", "a record needs at least one selection condition") }
            for (s, sel) in record.select.enumerated() {
                let sp = "\(rp).select[\(s)]"
                guard sel.pos.count == 2, sel.pos[0] >= 1, sel.pos[0] <= sel.pos[1], sel.pos[1] <= length else {
                    add(sp + ".pos", "layout.select", "pos must be [start, end] within 1…\(length), found \(sel.pos)")
                    continue
                }
                let span = sel.pos[1] - sel.pos[0] + 1
                if sel.values.isEmpty { add(sp + ".values", "layout.select", "no values") }
                for v in sel.values where v.utf8.count != span {
                    add(sp + ".values", "layout.select", "value \"\(v)\" is \(v.utf8.count) bytes, the span is \(span)")
                }
            }
            lintFields(record, path: rp, length: length, add)
        }
    }

    static func lintFields(_ record: RecordLayout, path rp: String, length: Int, _ add: (String, DiagnosticCode, String) -> Void) {
        var expected = 1
        var names: Set<String> = []
        var leaves: Set<String> = []
        var prefixes: Set<String> = []
        for (f, field) in record.fields.enumerated() {
            let fp = "\(rp).fields[\(f)]"
            if !names.insert(field.name).inserted {
                add(fp, "layout.duplicate", "field name \"\(field.name)\" used twice in \(record.name)")
            }
            if !isSnakeCase(field.name) { add(fp + ".name", "layout.name", "\"\(field.name)\" is not snake_case") }
            guard field.pos.count == 2, field.pos[0] >= 1, field.pos[0] <= field.pos[1], field.pos[1] <= LineReader.maxLineLength else {
                add(fp + ".pos", "layout.pos", "pos must be [start, end] with 1 <= start <= end <= \(LineReader.maxLineLength), found \(field.pos)")
                continue
            }
            let (start, end) = (field.pos[0], field.pos[1])
            if start > expected {
                add(
                    fp, "layout.gap",
                    "positions \(expected)-\(start - 1) of \(record.name) are not covered: declare a filler_\(pad3(expected)) field")
            } else if start < expected {
                add(fp, "layout.overlap", "\(field.name) [\(start), \(end)] overlaps the previous field, which ends at \(expected - 1)")
            }
            expected = max(expected, end + 1)
            if field.isFiller, field.name != "filler", field.name != "filler_\(pad3(start))" {
                add(fp + ".name", "layout.name", "filler at \(start) should be named filler_\(pad3(start))")
            }
            let picture: Picture
            do {
                picture = try Picture(field.picture)
            } catch {
                add(fp + ".picture", "layout.picture", error.description)
                continue
            }
            if field.keepCase == true, picture.kind != .alphanumeric || field.to == nil || field.to!.hasPrefix("_") {
                add(
                    fp + ".keep_case", "layout.keep-case",
                    "keep_case applies to text fields (X pictures) with an output path; \(field.name) is \(field.picture)\(field.to == nil ? " without one" : "")")
            }
            if let target = field.sameAs {
                // A repeat of another field of the record: written as it is, so the same picture,
                // and a value of its own only through it.
                let other = record.fields.first { $0.name == target && $0.name != field.name }
                if let other, other.sameAs == nil, other.picture == field.picture, let to = other.to, !to.hasPrefix("_"),
                    field.to == nil, field.default == nil, field.format == nil
                {
                } else {
                    add(
                        fp + ".same_as", "layout.same-as",
                        "same_as names another field of \(record.name) with an output path and the same picture, and the field has no to, default or format of its own; \(field.name) names \"\(target)\"")
                }
            }
            if field.truncate == true, picture.kind != .alphanumeric || field.to == nil || field.to!.hasPrefix("_") {
                add(
                    fp + ".truncate", "layout.truncate",
                    "truncate applies to text fields (X pictures) with an output path; \(field.name) is \(field.picture)\(field.to == nil ? " without one" : "")")
            }
            let span = end - start + 1
            if picture.length != span {
                add(fp + ".picture", "layout.picture", "\(field.picture) is \(picture.length) bytes, pos [\(start), \(end)] is \(span)")
            }
            if let format = field.format {
                if !formats.contains(format) {
                    add(
                        fp + ".format", "layout.format", "unknown format \"\(format)\" (known: \(formats.sorted().joined(separator: ", ")))"
                    )
                } else if let problem = formatProblem(format, picture) {
                    add(fp + ".format", "layout.format", problem)
                }
            }
            if (field.format == "enum") != (field.enum != nil) {
                add(fp + ".enum", "layout.format", "\"enum\" goes with \"format\": \"enum\" and only with it")
            }
            if let map = field.enum {
                for raw in map.keys.sorted() where raw.utf8.count != span {
                    add(fp + ".enum", "layout.format", "enum value \"\(raw)\" is \(raw.utf8.count) bytes, the field is \(span)")
                }
            }
            if let value = field.default {
                for problem in defaultProblems(value, span: span, numeric: picture.kind == .numeric) {
                    add(fp + ".default", "layout.default", problem)
                }
            }
            if let to = field.to {
                if to.hasPrefix("_") {
                    if !structural.contains(to) {
                        add(
                            fp + ".to", "layout.to",
                            "unknown structural name \"\(to)\" (known: \(structural.sorted().joined(separator: ", ")))")
                    }
                } else if !to.split(separator: ".", omittingEmptySubsequences: false).allSatisfy({ isSnakeCase(String($0)) }) {
                    add(fp + ".to", "layout.to", "\"\(to)\" is not a dotted snake_case path")
                } else if let long = to.split(separator: ".").first(where: { $0.utf8.count > Self.maxNameLength }) {
                    add(fp + ".to", "layout.to", "\"\(long.prefix(20))…\" in \(field.name)'s path is over \(Self.maxNameLength) characters")
                } else {
                    leaves.insert(to)
                    var parts = to.split(separator: ".").map(String.init)
                    while parts.count > 1 {
                        parts.removeLast()
                        prefixes.insert(parts.joined(separator: "."))
                    }
                }
            }
        }
        if expected - 1 != length, !record.fields.isEmpty {
            if expected - 1 < length {
                add(
                    rp, "layout.gap",
                    "fields of \(record.name) end at \(expected - 1), the record is \(length) bytes: declare a filler_\(pad3(expected)) field"
                )
            } else {
                add(rp, "layout.length", "fields of \(record.name) end at \(expected - 1), past the record length \(length)")
            }
        }
        for clash in leaves.intersection(prefixes).sorted() {
            add(rp, "layout.to", "\"\(clash)\" is used both as a value and as an object")
        }
    }

    /// Records no line can ever be read as. The engine reads a line as, among the records whose
    /// every condition holds, the one with the most conditions, the first declared on a tie
    /// (`CompiledLayout.select`). So a record is never chosen when another's conditions hold on
    /// every line its own hold (each is one of its own, at the same positions, with the same
    /// values or more) and that other wins: more conditions, or as many and declared before it.
    /// Two records with the same `select` are the plain case: the second is dead. Records
    /// without conditions are left out (a problem of their own).
    /// `records` is the layout as read (its `extends` resolved), `own` each one's index among
    /// the records its file declares (nil: inherited): paths are the file's; a pair of
    /// inherited records is the parent's to report.
    static func lintSelection(_ records: [RecordLayout], own: [Int?], _ add: (String, DiagnosticCode, String) -> Void) {
        func implies(_ a: RecordLayout, _ b: RecordLayout) -> Bool {
            b.select.allSatisfy { cond in a.select.contains { $0.pos == cond.pos && Set($0.values).isSubset(of: Set(cond.values)) } }
        }
        func same(_ a: RecordLayout, _ b: RecordLayout) -> Bool {
            a.select.count == b.select.count && implies(a, b) && implies(b, a)
        }
        for (j, dead) in records.enumerated() where !dead.select.isEmpty {
            // The other wins: more conditions, or as many and declared before it.
            func wins(_ i: Int) -> Bool {
                records[i].select.count > dead.select.count || (records[i].select.count == dead.select.count && i < j)
            }
            guard let i = records.indices.first(where: { $0 != j && !records[$0].select.isEmpty && implies(dead, records[$0]) && wins($0) })
            else { continue }
            let winner = records[i]
            let why = winner.select.count > dead.select.count ? "it has more conditions" : "it is declared first"
            switch (own[j], own[i]) {
            case let (d?, w?):
                add(
                    "records[\(d)].select", "layout.select",
                    same(dead, winner)
                        ? "the same as records[\(w)]'s (records[\(w)] is always chosen first; this record can never be)"
                        : "every line it matches, records[\(w)]'s select matches too, and records[\(w)] wins (\(why)): this record can never be chosen"
                )
            case let (d?, nil):
                add(
                    "records[\(d)].select", "layout.select",
                    same(dead, winner)
                        ? "the same as inherited record \(winner.name)'s (\(winner.name) is always chosen first; this record can never be)"
                        : "every line it matches, inherited record \(winner.name)'s select matches too, and \(winner.name) wins (\(why)): this record can never be chosen"
                )
            case let (nil, w?):
                add(
                    "records[\(w)].select", "layout.select",
                    same(dead, winner)
                        ? "the same as inherited record \(dead.name)'s, which comes after this record: \(dead.name) can never be chosen"
                        : "matches every line inherited record \(dead.name) matches, and wins (\(why)): \(dead.name) can never be chosen")
            case (nil, nil):
                continue
            }
        }
    }

    /// The detail records of a layout make one output record together (a título's segments), so
    /// a path may not be a value in one segment and an object in another.
    static func lintGroupPaths(_ layout: Layout, _ add: (String, DiagnosticCode, String) -> Void) {
        var leaves: [String: String] = [:]
        var prefixes: [String: String] = [:]
        for record in layout.records where record.role == .detail {
            for field in record.fields {
                guard let to = field.to, !to.hasPrefix("_") else { continue }
                leaves[to] = leaves[to] ?? record.name
                var parts = to.split(separator: ".").map(String.init)
                while parts.count > 1 {
                    parts.removeLast()
                    let prefix = parts.joined(separator: ".")
                    prefixes[prefix] = prefixes[prefix] ?? record.name
                }
            }
        }
        for (path, leafRecord) in leaves.sorted(by: { $0.key < $1.key }) {
            if let objectRecord = prefixes[path] {
                add(
                    "records", "layout.to",
                    "\"\(path)\" is a value in \(leafRecord) and an object in \(objectRecord): the segments of a título share one output record"
                )
            }
        }
    }

    static func formatProblem(_ format: String, _ picture: Picture) -> String? {
        let widths = ["ddMMyyyy": 8, "ddMMyy": 6, "yyyyMMdd": 8, "HHmmss": 6]
        if let w = widths[format] {
            return picture.kind == .numeric && picture.decimals == 0 && picture.length == w
                ? nil : "\(format) needs picture 9(\(w)), found \(picture.text)"
        }
        switch format {
        case "int":
            return picture.kind == .numeric && picture.decimals == 0 ? nil : "int needs a 9(n) picture, found \(picture.text)"
        case let name where FieldFormat.reasonWidths[name] != nil:
            let width = FieldFormat.reasonWidths[name]!
            return picture.length % width == 0
                ? nil : "\(format) are \(width)-byte codes: the length must be a multiple of \(width), found \(picture.length)"
        default:
            return nil
        }
    }

    static func lintCodes(_ source: LayoutSource, in library: LayoutLibrary, _ add: (String, DiagnosticCode, String) -> Void) {
        var scoped = library
        scoped.add(source)
        let table: CodeTable
        do {
            table = try scoped.codes(named: source.name, refusingUnlinted: false)
        } catch {
            add(error.path, "layout.json", error.message)
            return
        }
        for (code, movement) in table.movements.sorted(by: { $0.key < $1.key }) {
            let p = "movements.\(code)"
            if code.utf8.count != 2 { add(p, "layout.codes", "movement codes are 2 characters, found \"\(code)\"") }
            if !CodeTable.events.contains(movement.event) {
                add(
                    p + ".event", "layout.codes",
                    "unknown event \"\(movement.event)\" (known: \(CodeTable.events.sorted().joined(separator: ", ")))")
            }
            if let r = movement.reasons, table.reasons[r] == nil {
                add(p + ".reasons", "layout.codes", "no reason table \"\(r)\"")
            }
        }
        for (name, reasons) in table.reasons.sorted(by: { $0.key < $1.key }) {
            // One width per table (2 to 4 characters), the first code's of such a width.
            let width = reasons.keys.sorted().lazy.map { $0.utf8.count }.first { (2...4).contains($0) } ?? 2
            for code in reasons.keys.sorted() where !(2...4).contains(code.utf8.count) || code.utf8.count != width {
                add(
                    "reasons.\(name).\(code)", "layout.codes",
                    (2...4).contains(code.utf8.count)
                        ? "reason codes of table \(name) are \(width) characters, found \"\(code)\""
                        : "reason codes are 2 to 4 characters, found \"\(code)\"")
            }
        }
    }

    /// The longest name a `to` path may have between its dots (a JSON key the output programs
    /// hold with a 16-bit length).
    static let maxNameLength = 64

    static func isSnakeCase(_ s: String) -> Bool {
        guard let first = s.utf8.first, (97...122).contains(first) else { return false }
        return s.utf8.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == 95 }
    }

    static func pad3(_ n: Int) -> String {
        n < 10 ? "00\(n)" : n < 100 ? "0\(n)" : "\(n)"
    }
}
