import Foundation
import Testing

@testable import FixedWidth

/// The built-in layouts are compiled twice into the binary: as JSON text and as Swift values
/// (so start-up decodes nothing). Both come from layouts/ through scripts/gen-layouts.sh; these
/// tests prove the values are exactly what decoding the files gives.
@Suite struct BuiltinValuesTests {
    static let layoutsDir: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("layouts").path
    }()

    static func sources() throws -> [LayoutSource] {
        try LayoutLibrary.scan(directory: layoutsDir)
    }

    @Test func everyLayoutFileHasItsCompiledValue() throws {
        let files = try Self.sources()
        #expect(!files.isEmpty)
        var layouts = 0
        var tables = 0
        for file in files {
            let kind = try LayoutLibrary.kind(of: file)
            if kind == "layout" {
                layouts += 1
                let decoded = try JSONDecoder().decode(Layout.self, from: Data(file.json))
                #expect(BuiltinLayouts.layout(named: file.name) == decoded, "\(file.name): run scripts/gen-layouts.sh")
            } else {
                tables += 1
                let decoded = try JSONDecoder().decode(CodeTable.self, from: Data(file.json))
                #expect(BuiltinLayouts.codeTable(named: file.name) == decoded, "\(file.name): run scripts/gen-layouts.sh")
            }
        }
        #expect(BuiltinLayouts.layoutNames.count == layouts, "compiled layouts that no file has: run scripts/gen-layouts.sh")
        #expect(BuiltinLayouts.codeTableNames.count == tables, "compiled code tables that no file has: run scripts/gen-layouts.sh")
    }

    @Test func aBuiltinOverriddenFromADirectoryIsDecodedFromItsFile() throws {
        var library = LayoutLibrary()
        let builtin = try #require(BuiltinLayouts.files.first { $0.name == "cnab240/febraban/common" })
        let changed = builtin.json.replacingOccurrences(of: "\"version\": \"10.6\"", with: "\"version\": \"test\"")
        #expect(changed != builtin.json)
        library.add(LayoutSource(name: builtin.name, origin: "/tmp/x.json", json: Array(changed.utf8)))
        #expect(try library.layout(named: builtin.name).version == "test")
    }
}
