import FixedWidth
@testable import Imports
import Records
import Testing

/// The word-at-a-time cut of plain lines (`PlainLine`) against the byte loop it stands in front
/// of: the same cells (as bytes), lines, raw bytes, problems and errors, for every delimiter,
/// with quotes, CR, LF, NUL, other control bytes, bytes beyond ASCII and the byte after each
/// delimiter (a borrow in the bit tricks) at every offset around the 8-byte words.
@Suite("CSV plain lines a word at a time")
struct PlainLineTests {
    /// Everything a reader handed out, bytes and all.
    struct Read: Equatable {
        var records: [[[UInt8]]] = []
        var lines: [Int] = []
        var raws: [[UInt8]] = []
        var problems: [String] = []
        var error: String? = nil
    }

    static func read(_ bytes: [UInt8], delimiter: UInt8, wordScan: Bool, bufferSize: Int) -> Read {
        let reader = CSVReader(MemorySource(bytes), delimiter: delimiter, bufferSize: bufferSize)
        reader.wordScan = wordScan
        var out = Read()
        do {
            while try reader.next() {
                out.records.append((0..<reader.count).map { Array(reader.cell($0)) })
                out.lines.append(reader.line)
                out.raws.append(Array(reader.raw))
                if let p = reader.problem { out.problems.append("\(reader.line):\(p.column):\(p.code.rawValue):\(p.message)") }
            }
        } catch let e as CSVError {
            out.error = e.description
        } catch {
            out.error = "\(error)"
        }
        return out
    }

    /// Reads `bytes` with and without the word scan, whole and in chunks of records on a
    /// worker's reader, and expects the same.
    static func expectSame(_ bytes: [UInt8], delimiter: UInt8, _ note: @autoclosure () -> String) {
        for bufferSize in [16, 40, 1 << 20] {
            let words = read(bytes, delimiter: delimiter, wordScan: true, bufferSize: bufferSize)
            let loop = read(bytes, delimiter: delimiter, wordScan: false, bufferSize: bufferSize)
            #expect(words == loop, "\(note()), buffer \(bufferSize): \(bytes)")
        }
    }

    @Test(arguments: [UInt8(ascii: ";"), UInt8(ascii: ","), 0x09])
    func randomLinesReadAsTheByteLoopReadsThem(delimiter: UInt8) {
        var rng = SplitMix64(seed: 0x504C_4149_4E00 &+ UInt64(delimiter))
        // Mostly plain bytes, so that many lines are plain; the byte after the delimiter (a
        // borrow's false flag), controls below 0x0E, and bytes beyond ASCII.
        let specials: [UInt8] = [delimiter, delimiter &+ 1, delimiter ^ 1, 0x22, 0x0D, 0x0A, 0x0A, 0, 0x01, 0x0B, 0x0C, 0x0E, 0x09, 0xC3, 0xA9, 0xFF, 0x80]
        for round in 0..<1500 {
            let length = Int(rng.next() % 200)
            let density = 1 + rng.next() % 12
            let bytes: [UInt8] = (0..<length).map { _ in
                if rng.next() % density == 0 {
                    let b = specials[Int(rng.next() % UInt64(specials.count))]
                    return b == 0 && round % 4 != 0 ? UInt8(ascii: "x") : b
                }
                return UInt8(ascii: "a") &+ UInt8(rng.next() % 26)
            }
            Self.expectSame(bytes, delimiter: delimiter, "round \(round)")
        }
    }

    /// Each special byte at each offset of a line of 1 to 24 bytes, the line followed by LF,
    /// CRLF, CR or nothing.
    @Test(arguments: [UInt8(ascii: ";"), 0x09])
    func everySpecialAtEveryOffset(delimiter: UInt8) {
        let specials: [UInt8] = [delimiter, 0x22, 0x0D, 0x0A, 0, 0x01, delimiter &+ 1, 0xE9]
        let ends: [[UInt8]] = [[0x0A], [0x0D, 0x0A], [0x0D], []]
        for length in 1...24 {
            for at in 0..<length {
                for special in specials {
                    for end in ends {
                        var line = (0..<length).map { UInt8(ascii: "a") &+ UInt8($0 % 26) }
                        line[at] = special
                        // A second line after it, so that the first is not the last of the input.
                        let bytes = line + end + Array("x\(Character(Unicode.Scalar(delimiter)))y\n".utf8)
                        Self.expectSame(bytes, delimiter: delimiter, "length \(length), \(special) at \(at), end \(end)")
                        Self.expectSame(line + end, delimiter: delimiter, "alone: length \(length), \(special) at \(at), end \(end)")
                    }
                }
            }
        }
    }
}
