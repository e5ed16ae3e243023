import FixedWidth
@testable import Imports
import Records
import Testing

/// Records the reading thread vouched for as plain lines (not in `CSVReader.unplainRecords`: no
/// quote or NUL, no CR but before the LF), cut by the workers' lean scan (`PlainLine.leanFlags`),
/// against one reader reading the whole
/// input: the same records, lines, problems and error, for inputs mostly of plain lines (long
/// enough to be cut a word at a time) with now and then a quote, a CR, a CRLF, a NUL or a
/// missing last line end.
@Suite("Plain chunks cut the lean way")
struct PerfPlainChunksTests {
    /// As `parseInChunks`, each chunk's reader told what `readRecords` found; `lean` counts
    /// the records it vouched for.
    static func parseInPlainChunks(_ bytes: [UInt8], bufferSize: Int, limit: Int, lean: inout Int) -> Parsed {
        let (parsed, vouched) = parseInChunks(bytes, bufferSize: bufferSize, limit: limit, tellingPlainLines: true)
        lean += vouched
        return parsed
    }

    @Test(arguments: [UInt8(ascii: ";"), UInt8(ascii: ","), 0x09])
    func plainChunksReadAsOneReader(delimiter: UInt8) {
        var rng = SplitMix64(seed: 0x504C_4149 &+ UInt64(delimiter))
        let cellBytes: [UInt8] = Array("abcdefgh 0123456789.-/".utf8) + [0xC3, 0xA9, UInt8(ascii: ";"), UInt8(ascii: ","), 0x09]
        var lean = 0
        for round in 0..<400 {
            var bytes: [UInt8] = []
            let lines = 1 + Int(rng.next() % 40)
            for line in 0..<lines {
                let cells = 1 + Int(rng.next() % 12)
                for c in 0..<cells {
                    if c > 0 { bytes.append(delimiter) }
                    for _ in 0..<Int(rng.next() % 14) { bytes.append(cellBytes[Int(rng.next() % UInt64(cellBytes.count))]) }
                }
                // Now and then something the lean scan must never be given.
                switch rng.next() % 40 {
                case 0: bytes.append(0x22)
                case 1: bytes += [0x22, 0x61, 0x0A, 0x62, 0x22]
                case 2: bytes.append(0x0D)
                case 3 where round % 4 == 0: bytes.append(0)
                default: break
                }
                if line < lines - 1 || rng.next() % 3 != 0 { bytes += rng.next() % 30 == 0 ? [0x0D, 0x0A] : [0x0A] }
            }
            let bufferSize = [16, 64, 1 << 20][round % 3]
            let whole = parse(bytes, bufferSize: bufferSize)
            for limit in [1, 50, 300, 1 << 16] {
                let chunked = Self.parseInPlainChunks(bytes, bufferSize: bufferSize, limit: limit, lean: &lean)
                #expect(chunked == whole, "round \(round), limit \(limit): \(bytes)")
            }
        }
        #expect(lean > 5_000, "the lean scan was tried: \(lean) records")
    }
}
