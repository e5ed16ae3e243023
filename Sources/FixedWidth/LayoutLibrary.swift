import Foundation
import Records

/// Where a layout's JSON came from and its bytes.
public struct LayoutSource: Sendable, Hashable {
    /// The layout's name (its path under `layouts/` without `.json`).
    public var name: String
    /// A file path, or `built-in` for layouts compiled into the binary.
    public var origin: String
    /// The JSON text.
    public var json: [UInt8]

    /// Creates a source.
    public init(name: String, origin: String, json: [UInt8]) {
        self.name = name
        self.origin = origin
        self.json = json
    }

    /// `origin` for messages: the file path, or `built-in NAME.json`.
    public var displayName: String { origin == "built-in" ? "built-in \(name).json" : origin }
}

/// The layouts Troca knows: those compiled into the binary plus any directories added with
/// `--layouts DIR` or `TROCA_LAYOUTS`, later ones overriding earlier ones by name.
public struct LayoutLibrary: Sendable {
    /// Every known source by name.
    public private(set) var sources: [String: LayoutSource] = [:]

    /// Creates a library, with the built-in layouts unless `builtin` is false.
    public init(builtin: Bool = true) {
        guard builtin else { return }
        for (name, json) in BuiltinLayouts.files {
            sources[name] = LayoutSource(name: name, origin: "built-in", json: Array(json.utf8))
        }
    }

    /// Adds (or overrides) every `*.json` under `directory`, named by their relative paths.
    public mutating func add(directory: String) throws(LayoutError) {
        for source in try LayoutLibrary.scan(directory: directory) {
            sources[source.name] = source
        }
    }

    /// Adds one source, replacing one of the same name.
    public mutating func add(_ source: LayoutSource) {
        sources[source.name] = source
    }

    /// Every `*.json` file under `directory` (README and other files are ignored), sorted by name.
    public static func scan(directory: String) throws(LayoutError) -> [LayoutSource] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDir), isDir.boolValue else {
            throw LayoutError(file: directory, code: "layout.unreadable", message: "layouts directory not found")
        }
        let root = URL(fileURLWithPath: directory).standardizedFileURL.path
        guard let walker = FileManager.default.enumerator(atPath: root) else {
            throw LayoutError(file: directory, code: "layout.unreadable", message: "cannot read layouts directory")
        }
        var found: [LayoutSource] = []
        while let rel = walker.nextObject() as? String {
            guard rel.hasSuffix(".json") else { continue }
            let path = (directory as NSString).appendingPathComponent(rel)
            let data: [UInt8]
            do { data = try FileSource.contents(of: path) } catch {
                throw LayoutError(file: path, code: "layout.unreadable", message: "cannot read file: \(error.reason)")
            }
            let name = String(rel.dropLast(5))
            found.append(LayoutSource(name: name, origin: path, json: data))
        }
        return found.sorted { $0.name < $1.name }
    }

    /// Names of the known layouts of one kind (`layout` or `codes`), sorted.
    public func names(kind: String = "layout") -> [String] {
        sources.values.filter { (try? LayoutLibrary.kind(of: $0)) == kind }.map(\.name).sorted()
    }

    /// The `kind` member of a source.
    public static func kind(of source: LayoutSource) throws(LayoutError) -> String {
        if source.origin == "built-in" {
            if BuiltinLayouts.layoutNames.contains(source.name) { return "layout" }
            if BuiltinLayouts.codeTableNames.contains(source.name) { return "codes" }
        }
        struct Kind: Decodable { var kind: String }
        do {
            return try JSONDecoder().decode(Kind.self, from: Data(source.json)).kind
        } catch {
            throw LayoutError.from(error, source: source)
        }
    }

    /// The source of a name, or an error listing what exists.
    public func source(named name: String) throws(LayoutError) -> LayoutSource {
        guard let source = sources[name] else {
            let hint = Suggestion.closest(to: name, among: sources.keys.sorted()).map { "did you mean \"\($0)\"? " } ?? ""
            throw LayoutError(file: name, code: "layout.unknown", message: "unknown layout \"\(name)\" (\(hint)see `troca layout list`)")
        }
        return source
    }

    /// Decodes a layout as written, without resolving `extends`.
    public static func decodeLayout(_ source: LayoutSource) throws(LayoutError) -> Layout {
        if source.origin == "built-in", let compiled = BuiltinLayouts.layout(named: source.name) { return compiled }
        let layout: Layout
        do {
            layout = try JSONDecoder().decode(Layout.self, from: Data(source.json))
        } catch {
            throw LayoutError.from(error, source: source)
        }
        guard layout.kind == "layout" else {
            throw LayoutError(
                file: source.displayName, path: "kind", code: "layout.kind", message: "expected \"layout\", found \"\(layout.kind)\"")
        }
        return layout
    }

    /// The layout of a name with its `extends` chain resolved: inherited records first, a record
    /// redefined by name replaced in place, new records appended.
    public func layout(named name: String) throws(LayoutError) -> Layout {
        try layout(named: name, refusingUnlinted: true)
    }

    /// `layout(named:)`; lint itself resolves a layout without refusing what it is linting, and
    /// a reader trying which layout fits a line without using it yet.
    public func layout(named name: String, refusingUnlinted: Bool) throws(LayoutError) -> Layout {
        var chain: [Layout] = []
        var seen: [String] = []
        var next: String? = name
        while let current = next {
            if seen.contains(current) {
                throw LayoutError(
                    file: try source(named: name).displayName, path: "extends", code: "layout.extends",
                    message: "extends cycle: \((seen + [current]).joined(separator: " -> "))")
            }
            seen.append(current)
            let found = try source(named: current)
            if refusingUnlinted { try LayoutLibrary.refuseUnlinted(found, in: self) }
            let layout = try LayoutLibrary.decodeLayout(found)
            chain.append(layout)
            next = layout.extends
        }
        var resolved = chain.removeLast()
        while let child = chain.popLast() {
            var records = resolved.records
            for record in child.records {
                if let i = records.firstIndex(where: { $0.name == record.name }) {
                    records[i] = record
                } else {
                    records.append(record)
                }
            }
            guard child.recordLength == resolved.recordLength else {
                throw LayoutError(
                    file: try source(named: child.name).displayName, path: "record_length", code: "layout.length",
                    message: "\(child.recordLength) differs from \(resolved.recordLength) in \(resolved.name), which it extends")
            }
            for (key, value) in (child.defaults ?? [:]).sorted(by: { $0.key < $1.key }) {
                let parts = key.split(separator: ".", maxSplits: 1).map(String.init)
                guard parts.count == 2, let r = records.firstIndex(where: { $0.name == parts[0] }),
                    let f = records[r].fields.firstIndex(where: { $0.name == parts[1] })
                else {
                    throw LayoutError(
                        file: try source(named: child.name).displayName, path: "defaults.\(key)", code: "layout.default",
                        message: "names no field: expected RECORD.FIELD of a record this layout has (or inherits)")
                }
                records[r].fields[f].default = value
            }
            resolved = Layout(
                kind: child.kind, name: child.name, version: child.version, doc: child.doc,
                recordLength: child.recordLength, extends: child.extends, records: records, checks: child.checks ?? resolved.checks,
                writing: child.writing ?? resolved.writing)
        }
        return resolved
    }

    /// Throws the first problem `troca layout lint` finds in a layout or code table added from
    /// a directory: one that does not cover its record exactly (an overlap, a gap, a picture
    /// longer than its positions) would read or write the wrong bytes without a word. (The
    /// built-in ones are linted by the tests.)
    static func refuseUnlinted(_ source: LayoutSource, in library: LayoutLibrary) throws(LayoutError) {
        guard source.origin != "built-in" else { return }
        let problems = LayoutLint.lint(source, in: library)
        guard let first = problems.first else { return }
        var error = LayoutError(
            file: first.file, path: first.path, code: first.code,
            message: first.message
                + (problems.count > 1 ? " (and \(problems.count - 1) more problem\(problems.count > 2 ? "s" : ""): `troca layout lint \(source.origin)`)" : ""))
        (error.line, error.column) = (first.line, first.column)
        throw error
    }

    /// The first of these code tables the library has, nil when it has none of them; one that
    /// is there but cannot be used (not valid JSON, refused by lint) is an error, not a table
    /// missing: every code would be read as unknown.
    public func firstCodes(of names: [String]) throws(LayoutError) -> CodeTable? {
        guard let name = names.first(where: { sources[$0] != nil }) else { return nil }
        return try codes(named: name)
    }

    /// Decodes a code table.
    public func codes(named name: String) throws(LayoutError) -> CodeTable {
        try codes(named: name, refusingUnlinted: true)
    }

    /// `codes(named:)`; lint itself decodes a table without refusing what it is linting.
    func codes(named name: String, refusingUnlinted: Bool) throws(LayoutError) -> CodeTable {
        let source = try source(named: name)
        if refusingUnlinted { try LayoutLibrary.refuseUnlinted(source, in: self) }
        if source.origin == "built-in", let compiled = BuiltinLayouts.codeTable(named: name) { return compiled }
        let table: CodeTable
        do {
            table = try JSONDecoder().decode(CodeTable.self, from: Data(source.json))
        } catch {
            throw LayoutError.from(error, source: source)
        }
        guard table.kind == "codes" else {
            throw LayoutError(
                file: source.displayName, path: "kind", code: "layout.kind", message: "expected \"codes\", found \"\(table.kind)\"")
        }
        return table
    }
}
