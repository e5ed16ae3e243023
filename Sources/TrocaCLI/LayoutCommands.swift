import FixedWidth
import Foundation

/// `troca layout list`: the known layouts and code tables.
enum LayoutListCommand: Command {
    static let name = ["layout", "list"]
    static let summary = "list the layouts and code tables (built in and --layouts)"
    static let help = """
        usage: troca layout list [--layouts DIR]

        Prints NAME KIND VERSION ORIGIN for every layout and code table, sorted by name. A file
        of --layouts (or TROCA_LAYOUTS) that is not a layout's JSON is listed with `?` for its
        kind and version, and its problem said on stderr as `troca layout show` says it: exit
        78 then, else 0.

        """
    static let valued: Set<String> = ["layouts"]
    static let flags: Set<String> = []

    static func run(_ args: Arguments, _ context: Context) throws -> ExitStatus {
        guard args.positionals.isEmpty else {
            throw UsageError(message: "layout list takes no arguments, found \"\(args.positionals[0])\"")
        }
        let library = try context.library(args)
        var rows: [[String]] = [["NAME", "KIND", "VERSION", "ORIGIN"]]
        var problems: [LayoutError] = []
        for source in library.sources.values.sorted(by: { $0.name < $1.name }) {
            struct Head: Decodable { var version: String? }
            var kind = "?"
            var version = "?"
            do {
                kind = try LayoutLibrary.kind(of: source)
                if let v = try? JSONDecoder().decode(Head.self, from: Data(source.json)).version { version = v }
            } catch {
                problems.append(error)
            }
            rows.append([source.name, kind, version, source.origin])
        }
        try context.io.write(table(rows))
        for problem in problems { context.io.say(problem.description) }
        return problems.isEmpty ? .ok : .config
    }
}

/// `troca layout show NAME`: every field of every record of a layout.
enum LayoutShowCommand: Command {
    static let name = ["layout", "show"]
    static let summary = "print a layout's records and fields: NAME START END LEN PICTURE"
    static let help = """
        usage: troca layout show NAME [--layouts DIR]

        Prints the layout with `extends` resolved: for each record its role and selection,
        then one line per field: NAME START END LEN PICTURE (positions 1-based, inclusive).

        """
    static let valued: Set<String> = ["layouts"]
    static let flags: Set<String> = []

    static func run(_ args: Arguments, _ context: Context) throws -> ExitStatus {
        guard args.positionals.count == 1 else { throw UsageError(message: "layout show needs exactly one layout NAME") }
        let library = try context.library(args)
        let name = args.positionals[0]
        if try LayoutLibrary.kind(of: library.source(named: name)) == "codes" {
            try context.io.write(codeTable(try library.codes(named: name)))
            return .ok
        }
        let layout = try library.layout(named: name)
        var text = "\(layout.name) — version \(layout.version), \(layout.recordLength) bytes per record"
        if let doc = layout.doc { text += "\n\(doc)" }
        text += "\n"
        for record in layout.records {
            let select = record.select.map { sel in
                let pos = sel.pos.count == 2 && sel.pos[0] != sel.pos[1] ? "\(sel.pos[0])-\(sel.pos[1])" : "\(sel.pos.first ?? 0)"
                return "\(pos)=\(sel.values.joined(separator: "|"))"
            }.joined(separator: " ")
            text += "\nrecord \(record.name) (\(record.role?.rawValue ?? "no role")) select \(select)\n"
            var rows: [[String]] = [["NAME", "START", "END", "LEN", "PICTURE"]]
            for f in record.fields {
                let start = f.pos.first ?? 0
                let end = f.pos.last ?? 0
                rows.append([f.name, "\(start)", "\(end)", "\(end - start + 1)", f.picture])
            }
            text += table(rows, rightAligned: [1, 2, 3])
        }
        try context.io.write(text)
        return .ok
    }

    /// A code table: its retorno movements (code, event, reason table, text), its remessa
    /// movements, and each reason table.
    static func codeTable(_ t: CodeTable) -> String {
        var text = "\(t.name) — code table, version \(t.version)\n"
        if let doc = t.doc { text += "\(doc)\n" }
        var rows: [[String]] = [["CODE", "EVENT", "REASONS", "TEXT"]]
        for (code, m) in t.movements.sorted(by: { $0.key < $1.key }) { rows.append([code, m.event, m.reasons ?? "-", m.text]) }
        text += "\nretorno movements\n" + table(rows, rightAligned: [])
        if let remessa = t.remessaMovements, !remessa.isEmpty {
            var rows: [[String]] = [["CODE", "MOVEMENT", "TEXT"]]
            for (code, m) in remessa.sorted(by: { $0.key < $1.key }) { rows.append([code, m.movement, m.text]) }
            text += "\nremessa movements\n" + table(rows, rightAligned: [])
        }
        for (name, reasons) in t.reasons.sorted(by: { $0.key < $1.key }) {
            var rows: [[String]] = [["CODE", "TEXT"]]
            for (code, r) in reasons.sorted(by: { $0.key < $1.key }) { rows.append([code, r]) }
            text += "\nreasons \(name)\n" + table(rows, rightAligned: [])
        }
        return text
    }
}

/// `troca layout lint`: proves layouts cover their records exactly.
enum LayoutLintCommand: Command {
    static let name = ["layout", "lint"]
    static let summary = "check layouts: exact coverage, pictures, names (default: all built in)"
    static let help = """
        usage: troca layout lint [FILE|DIR…] [--layouts DIR]

        Checks each layout file (every *.json under a DIR; every built-in layout when none is
        given): fields in order with no gaps or overlaps (gaps must be filler_NNN fields), the
        last field ending at the record length, pictures well formed and as long as their
        positions, names unique, formats and `to` paths valid, `extends` resolvable, and for
        code tables known events and reason tables. Exit 0 when clean, 78 otherwise (a
        problem found, or a FILE or DIR that is missing or cannot be read).

        """
    static let valued: Set<String> = ["layouts"]
    static let flags: Set<String> = []

    static func run(_ args: Arguments, _ context: Context) throws -> ExitStatus {
        let io = context.io
        var library = try context.library(args)
        var targets: [LayoutSource] = []
        if args.positionals.isEmpty {
            targets = library.sources.values.sorted { $0.name < $1.name }
        }
        for arg in args.positionals {
            var path = io.path(arg)
            // `layouts/` and `layouts` name the same directory (file paths below are cut after it).
            while path.count > 1, path.hasSuffix("/") { path.removeLast() }
            var isDir: ObjCBool = false
            // A layout file to lint that is not there is a missing layout: exit 78, as a
            // --layouts DIR that is not there.
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
                throw LayoutError(file: arg, code: "layout.unreadable", message: "layout file or directory not found")
            }
            if isDir.boolValue {
                for var source in try LayoutLibrary.scan(directory: path) {
                    let file = source.origin
                    source.origin = (arg as NSString).appendingPathComponent(String(file.dropFirst(path.count + 1)))
                    Self.nameByClaim(&source, at: file)
                    targets.append(source)
                }
            } else {
                let data: Data
                do { data = Data(try FileSource.contents(of: path, name: arg)) } catch {
                    throw LayoutError(file: arg, code: "layout.unreadable", message: "cannot read file: \(error.reason)")
                }
                var source = LayoutSource(name: arg.hasSuffix(".json") ? String(arg.dropLast(5)) : arg, origin: arg, json: [UInt8](data))
                Self.nameByClaim(&source, at: path)
                targets.append(source)
            }
        }
        for source in targets { library.add(source) }
        var problems: [LintProblem] = []
        for source in targets { problems += FixedWidth.LayoutLint.lint(source, in: library) }
        for p in problems { io.say(p.description) }
        let s = targets.count == 1 ? "" : "s"
        io.say("layout lint: \(targets.count) file\(s), \(problems.count) problem\(problems.count == 1 ? "" : "s")")
        return problems.isEmpty ? .ok : .config
    }

    /// Names a file to lint by the name it claims when its path ends with that name's
    /// components (`…/cnab400/237/retorno.json` is `cnab400/237/retorno`), whether it was given
    /// relative, absolute, or found in a subdirectory of `layouts/`; otherwise it keeps the name
    /// of its path (relative to the directory linted, or as given), and lint says the two differ.
    /// The path is taken absolute, without `.` and `..`, and also with its symbolic links resolved.
    static func nameByClaim(_ source: inout LayoutSource, at path: String) {
        struct Name: Decodable { var name: String }
        guard let claimed = (try? JSONDecoder().decode(Name.self, from: Data(source.json)))?.name else { return }
        let url = URL(fileURLWithPath: path).standardizedFileURL
        if LayoutLint.name(claimed, fits: url.path) || LayoutLint.name(claimed, fits: url.resolvingSymlinksInPath().path) {
            source.name = claimed
        }
    }
}

/// Aligns rows into columns separated by two spaces.
func table(_ rows: [[String]], rightAligned: Set<Int> = []) -> String {
    guard let columns = rows.map(\.count).max() else { return "" }
    var widths = [Int](repeating: 0, count: columns)
    for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
    var out = ""
    for row in rows {
        var cells: [String] = []
        for (i, cell) in row.enumerated() {
            let last = i == row.count - 1
            if rightAligned.contains(i) {
                cells.append(cell.leftPadded(to: widths[i]))
            } else {
                cells.append(last ? cell : cell.rightPadded(to: widths[i]))
            }
        }
        out += cells.joined(separator: "  ") + "\n"
    }
    return out
}
