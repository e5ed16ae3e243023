import Foundation
import Testing

@testable import FixedWidth

@Suite("layouts/ in the repository")
struct RepositoryLayoutsTests {
    static let layoutsDirectory = repoRoot + "/layouts"

    @Test("every file under layouts/ lints clean")
    func lintEveryFile() throws {
        let sources = try LayoutLibrary.scan(directory: Self.layoutsDirectory)
        #expect(sources.count >= 4, "found \(sources.map(\.name)) under \(Self.layoutsDirectory)")
        var library = LayoutLibrary(builtin: false)
        try library.add(directory: Self.layoutsDirectory)
        for source in sources {
            let problems = LayoutLint.lint(source, in: library)
            #expect(problems.isEmpty, "\(source.name):\n\(problems.map(\.description).joined(separator: "\n"))")
        }
    }

    @Test("every layout compiles, extends resolved")
    func compileEveryLayout() throws {
        var library = LayoutLibrary(builtin: false)
        try library.add(directory: Self.layoutsDirectory)
        let names = library.names()
        #expect(!names.isEmpty)
        for name in names {
            let layout = try CompiledLayout(try library.layout(named: name))
            #expect(layout.records.allSatisfy { $0.fields.last?.end == layout.recordLength }, "\(name)")
        }
        for name in library.names(kind: "codes") {
            #expect(!(try library.codes(named: name)).movements.isEmpty, "\(name)")
        }
    }

    @Test("BuiltinLayouts.swift is current: the same files as layouts/, byte for byte")
    func builtinsAreCurrent() throws {
        let hint = "Sources/FixedWidth/BuiltinLayouts.swift is stale: run scripts/gen-layouts.sh"
        let files = try LayoutLibrary.scan(directory: Self.layoutsDirectory)
        let builtin = BuiltinLayouts.files
        // Compared as sorted lists: the script sorts paths with `sort`, the scan sorts names in Swift.
        #expect(builtin.map(\.name).sorted() == files.map(\.name), "\(hint) (layout names differ)")
        let generated = Dictionary(builtin.map { ($0.name, $0.json) }, uniquingKeysWith: { a, _ in a })
        for file in files {
            // The generator's raw string literal ends with a newline that is not part of the string.
            var expected = file.json
            if expected.last == 0x0A { expected.removeLast() }
            let actual = generated[file.name].map { Array($0.utf8) }
            #expect(actual == expected, "\(hint) (\(file.name).json differs)")
        }
    }
}
