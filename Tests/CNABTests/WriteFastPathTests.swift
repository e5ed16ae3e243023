import FixedWidth
import Foundation
import Records
import Testing

@testable import CNAB

/// The writer's fast paths against the general ones they stand for, on random values with fixed
/// seeds: a record written from its image and live groups, its strings by `Cell.fast`, is the
/// record written group by group the general way (same bytes, problems, cuts and blanked
/// paths), for every remessa layout; the word-at-a-time
/// checks of a cell's text agree with byte-by-byte ones; a tape compares bytes alike whether
/// they are contiguous or not.
@Suite struct WriteFastPathTests {
    /// A writer for each built-in remessa layout.
    static func writers() -> [CNABWriter] {
        let library = LayoutLibrary()
        var writers: [CNABWriter] = []
        for name in library.sources.keys.sorted() where name.hasPrefix("cnab") && name.hasSuffix("/remessa") {
            let format: CNABFormat = name.hasPrefix("cnab240") ? .cnab240 : .cnab400
            let options = CNABWriteOptions(format: format, bank: "001", layout: name, date: CivilDate(year: 2026, month: 1, day: 2)!)
            if let writer = try? CNABWriter(library: library, options: options) { writers.append(writer) }
        }
        return writers
    }

    /// A random JSON value of the kinds títulos give, and of the wrong ones.
    static func value(_ rng: inout SplitMix64) -> String {
        let pieces = [
            "a", "Z", "0", "7", " ", "'", "\\\"", "`", "é", "Ç", "ã", "—", "’", "日", ".", "-", "/", "x", "MARIA", "rua", "123", "0001",
        ]
        func text(_ most: Int) -> String { (0..<rng.below(most)).map { _ in rng.pick(pieces) }.joined() }
        func digits(_ most: Int) -> String { String((0..<rng.below(most)).map { _ in Character(String(rng.below(10))) }) }
        switch rng.below(16) {
        case 0, 1, 2: return "\"\(text(30))\""
        case 3, 4: return "\"\(digits(25))\""
        case 5: return "\"2026-0\(1 + rng.below(9))-1\(rng.below(10))\""
        case 6: return rng.pick(["\"2026-13-40\"", "\"\"", "\"  \"", "\"12:34:56\"", "\"1234\"", "\"none\"", "\"register\""])
        case 7, 8: return String(rng.below(10) == 0 ? -rng.below(1000) : rng.below(Int(pow(10.0, Double(1 + rng.below(17))))))
        case 9: return rng.pick(["12.5", "1e3", "1500.0", "123456789012345678901234", "-0"])
        case 10: return rng.pick(["true", "false", "null"])
        case 11: return rng.pick(["[\"01\",\"02\"]", "[{\"code\":\"12\"},\"345\"]", "[]", "{\"x\":1}"])
        default: return "\"\(text(12).uppercased())\""
        }
    }

    /// A random título line naming some of the writer's output paths (as dotted keys).
    static func line(_ writer: CNABWriter, _ rng: inout SplitMix64) -> [UInt8] {
        let paths = writer.trie.paths.indices.filter { writer.trie.subtreeEnd[$0] == Int32($0 + 1) && $0 > 0 }.map { writer.trie.paths[$0] }
        var members = ["\"record\":\"title\""]
        for path in paths where path != "record" && rng.below(3) != 0 {
            members.append("\"\(path)\":\(value(&rng))")
        }
        return Array("{\(members.joined(separator: ","))}".utf8)
    }

    static func outcome(_ encoder: RecordEncoder) -> [String] {
        encoder.problems.map { "\($0.code) \($0.message) \($0.node) \($0.path ?? "-")" } + [
            "cuts \(encoder.cuts)", "blanked \(encoder.blanked)",
        ]
    }

    @Test(
        "a record from its image and live groups, its strings written by Cell.fast, is the record written group by group the general way, in every remessa layout"
    )
    func imageAgreesWithEveryGroup() throws {
        let writers = Self.writers()
        #expect(writers.count > 10)
        var rng = SplitMix64(seed: 240_400)
        var imaged = 0
        for writer in writers {
            let slots = SlotTable(count: writer.trie.paths.count, trie: writer.trie)
            let length = writer.layout.recordLength
            var tape = JSONTape()
            for _ in 0..<60 {
                let line = Self.line(writer, &rng)
                let parsed = line.withUnsafeBufferPointer { JSONReader.parseRecord($0, into: &tape) }
                guard parsed else { continue }
                slots.begin()
                slots.resolve(tape, 0, at: 0, trie: writer.trie)
                for program in writer.programs {
                    var plain = program
                    plain.live = program.ops.indices.map { Int32($0) }
                    plain.image = []
                    if !program.image.isEmpty { imaged += 1 }
                    let numbers = RecordEncoder.Numbers(
                        batch: rng.below(4) == 0 ? nil : rng.below(100_000), sequence: rng.below(4) == 0 ? nil : rng.below(1_000_000))
                    // The fast way (image, `Cell.fast`), then each fast path alone, then neither.
                    var results: [([UInt8], [String])] = []
                    for (p, general) in [(program, false), (program, true), (plain, false), (plain, true)] {
                        var encoder = RecordEncoder()
                        encoder.general = general
                        var bytes = [UInt8](repeating: 0x20, count: length + 2)
                        bytes.withUnsafeMutableBufferPointer { encoder.encode(p, numbers, into: $0.baseAddress!, tape, slots.view) }
                        results.append((bytes, Self.outcome(encoder)))
                    }
                    for k in 0..<3 {
                        #expect(results[k].0 == results[3].0, "\(writer.layoutName) \(k): \(String(decoding: line, as: UTF8.self))")
                        #expect(results[k].1 == results[3].1, "\(writer.layoutName) \(k): \(String(decoding: line, as: UTF8.self))")
                    }
                }
            }
        }
        #expect(imaged > 0, "some records have constant groups")
    }

    @Test("a cell's word-at-a-time checks agree with byte-by-byte ones")
    func wordChecksAgreeWithBytes() {
        var rng = SplitMix64(seed: 7)
        let alphabet: [UInt8] = [0x20, 0x41, 0x61, 0x7A, 0x7B, 0x7E, 0x7F, 0x1F, 0x27, 0x22, 0x60, 0x30, 0x39, 0xC3, 0xA9, 0x80, 0x00]
        for _ in 0..<20_000 {
            let n = rng.below(40)
            let bytes = (0..<n).map { _ in rng.pick(alphabet) } + [UInt8](repeating: 0, count: 16)
            bytes.withUnsafeBufferPointer { b in
                let p = b.baseAddress!
                #expect(Cell.printable(p, n) == (0..<n).allSatisfy { p[$0] >= 0x20 && p[$0] < 0x7F })
                #expect(Cell.hasQuote(p, n) == (0..<n).contains { Transliteration.isQuote(p[$0]) })
            }
        }
    }

    @Test("a tape compares a string node with contiguous and other bytes alike")
    func bytesEqualAgrees() {
        var rng = SplitMix64(seed: 11)
        let words = ["", "0", "01", "title", "TITLE", "títle", "001", "0010"]
        for _ in 0..<2_000 {
            let a = rng.pick(words), b = rng.pick(words)
            var tape = JSONTape()
            let line = Array("[\"\(a)\"]".utf8)
            _ = line.withUnsafeBufferPointer { JSONReader.parse($0, into: &tape) }
            let expected = Array(a.utf8) == Array(b.utf8)
            #expect(tape.bytesEqual(1, Array(b.utf8)) == expected)
            #expect(tape.bytesEqual(1, b.utf8) == expected)
            #expect(tape.bytesEqual(1, b.utf8.lazy.map { $0 }) == expected)
        }
    }
}
