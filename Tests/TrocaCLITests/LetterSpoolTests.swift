import Foundation
import Letters
import Records
import Testing

@testable import TrocaCLI

/// The LST spool is an external sort: runs sorted in memory, written, merged back through
/// windows. Whatever the run and window sizes, it must give every letter once, byte for byte,
/// by CEP and in arrival order within a CEP, as a plain stable sort of the letters does.
@Suite struct LetterSpoolTests {
    /// Letters of random lengths (a few longer than a run or a window) and CEPs from a short
    /// list (many ties), added in chunks of random sizes.
    func letters(_ count: Int, seed: UInt64) -> [(cep: Int, bytes: [UInt8])] {
        var random = SplitMix64(seed: seed)
        let ceps = [1_310_100, 30_799_308, 1_000_239, 80_758_790, 30_799_308, 99_999_999, 0]
        return (0..<count).map { k in
            let n = random.chance(3) ? 2_000 + random.below(3_000) : 1 + random.below(300)
            // Bytes that say which letter they are, so a swap or a cut shows.
            let bytes = (0..<n).map { UInt8(truncatingIfNeeded: k &* 31 &+ $0) }
            return (random.pick(ceps), bytes)
        }
    }

    func spooled(_ letters: [(cep: Int, bytes: [UInt8])], runCapacity: Int, mergeBudget: Int, seed: UInt64) throws -> (
        [(Int, [UInt8], Int)], LetterSpool
    ) {
        let dir = FileManager.default.temporaryDirectory.path
        let spool = LetterSpool(directory: dir, runCapacity: runCapacity, mergeBudget: mergeBudget)
        var random = SplitMix64(seed: seed)
        var k = 0
        while k < letters.count {
            // A chunk: its letters' bytes one after another in an output buffer, after a prefix
            // that belongs to no letter.
            let n = min(letters.count - k, 1 + random.below(40))
            var output: [UInt8] = Array(repeating: 0xEE, count: random.below(5))
            var entries: [LetterSpool.Entry] = []
            var spans: [Range<Int>] = []
            for letter in letters[k..<(k + n)] {
                spans.append(output.count..<(output.count + letter.bytes.count))
                output += letter.bytes
                entries.append(
                    LetterSpool.Entry(
                        cep: letter.cep, offset: 0, count: 0, printLines: letter.bytes.count % 7, pages: 1, sheets: 1, boletoCents: letter.cep % 1000))
            }
            var chunk = LetterBytes()
            chunk.append(contentsOf: output)
            try spool.add(entries, spans, of: chunk)
            k += n
        }
        var out: [(Int, [UInt8], Int)] = []
        try spool.forEachSorted { bytes, e in
            out.append((e.cep, Array(bytes), e.printLines))
            // The body may change the bytes it is given (the sequence number is set in them).
            if !bytes.isEmpty { bytes[0] = 0xFF }
        }
        return (out, spool)
    }

    @Test(arguments: [(1, 1), (100, 1), (700, 4_096), (5_000, 300), (64 << 10, 1 << 20), (1 << 30, 1 << 20)])
    func sortsLikeAStableSort(runCapacity: Int, mergeBudget: Int) throws {
        let input = letters(600, seed: UInt64(runCapacity &* 7 &+ mergeBudget))
        let expected = input.enumerated().sorted { ($0.element.cep, $0.offset) < ($1.element.cep, $1.offset) }.map { $0.element }
        let (out, spool) = try spooled(input, runCapacity: runCapacity, mergeBudget: mergeBudget, seed: 9)
        #expect(out.count == expected.count)
        for (k, (got, want)) in zip(out, expected).enumerated() {
            #expect(got.0 == want.cep, "letter \(k): CEP")
            #expect(got.1 == want.bytes, "letter \(k): bytes")
            #expect(got.2 == want.bytes.count % 7, "letter \(k): its counts travel with it")
        }
        let total = input.reduce(0) { $0 + $1.bytes.count }
        if runCapacity >= total {
            #expect(spool.fd < 0, "a batch that fits in one run is never written to a file")
        } else {
            #expect(spool.runs.count > 1)
            #expect(spool.size + spool.runBytes == total)
        }
    }

    @Test func emptySpoolGivesNothing() throws {
        let spool = LetterSpool(directory: FileManager.default.temporaryDirectory.path, runCapacity: 10)
        var calls = 0
        try spool.forEachSorted { _, _ in calls += 1 }
        #expect(calls == 0)
    }

    @Test func aDirectoryThatCannotHoldTheSpoolIsAnError() throws {
        let spool = LetterSpool(directory: "/nonexistent-troca-dir", runCapacity: 10)
        let e = LetterSpool.Entry(cep: 1, offset: 0, count: 0, printLines: 0, pages: 1, sheets: 1, boletoCents: 0)
        var bytes = LetterBytes()
        bytes.append(contentsOf: [UInt8](repeating: 65, count: 8))
        // The first run fits in memory; the second letter overflows it, and the run is written.
        try spool.add([e], [0..<8], of: bytes)
        #expect(throws: WriteError.self) { try spool.add([e], [0..<8], of: bytes) }
    }
}
