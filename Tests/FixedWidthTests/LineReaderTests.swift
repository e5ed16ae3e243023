import Foundation
import Records
import Testing

@testable import FixedWidth

/// A source that hands out at most `chunk` bytes per read, as pipes and sockets do.
final class ChunkedSource: ByteSource {
    let bytes: [UInt8]
    let chunk: Int
    var position = 0
    init(_ bytes: [UInt8], chunk: Int) {
        self.bytes = bytes
        self.chunk = chunk
    }
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = min(chunk, buffer.count, bytes.count - position)
        for k in 0..<n { buffer[k] = bytes[position + k] }
        position += n
        return n
    }
}

/// One line as the reader handed it out.
struct ReadLine: Hashable, CustomStringConvertible {
    var bytes: [UInt8]
    var number: Int
    var cut: Bool
    init(_ text: String, _ number: Int, cut: Bool = false) {
        self.init(bytes: Array(text.utf8), number: number, cut: cut)
    }
    init(bytes: [UInt8], number: Int, cut: Bool) {
        self.bytes = bytes
        self.number = number
        self.cut = cut
    }
    var description: String { "\(number):\(String(reflecting: String(decoding: bytes, as: UTF8.self)))\(cut ? " (cut)" : "")" }
}

/// Reads every line of `bytes` (from memory, or `chunk` bytes per read).
func readLines(_ bytes: [UInt8], bufferSize: Int = 1 << 20, maxLineLength: Int = 64 << 10, chunk: Int? = nil) throws -> [ReadLine] {
    let source: ByteSource = chunk.map { ChunkedSource(bytes, chunk: $0) } ?? MemorySource(bytes)
    var reader = LineReader(source, bufferSize: bufferSize, maxLineLength: maxLineLength)
    defer { reader.close() }
    var lines: [ReadLine] = []
    try reader.forEachLine { line, number, cut in
        lines.append(ReadLine(bytes: Array(line), number: number, cut: cut))
        return true
    }
    #expect(reader.lineNumber == lines.count)
    return lines
}

/// What the reader should hand out: the bytes split at LF, no empty line after a final LF.
func expectedLines(_ bytes: [UInt8]) -> [ReadLine] {
    var parts = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
    if parts.last == [] { parts.removeLast() }
    return parts.enumerated().map { ReadLine(bytes: $0.element, number: $0.offset + 1, cut: false) }
}

@Suite("LineReader")
struct LineReaderTests {
    @Test(
        "lines split at LF, CR left for the caller, no final newline, empty lines kept",
        arguments: [
            ("", [] as [ReadLine]),
            ("\n", [ReadLine("", 1)]),
            ("\n\n", [ReadLine("", 1), ReadLine("", 2)]),
            ("abc", [ReadLine("abc", 1)]),
            ("abc\n", [ReadLine("abc", 1)]),
            ("abc\r\ndef\r\n", [ReadLine("abc\r", 1), ReadLine("def\r", 2)]),
            ("abc\r\ndef", [ReadLine("abc\r", 1), ReadLine("def", 2)]),
            ("a\n\nb\r\n\r\n", [ReadLine("a", 1), ReadLine("", 2), ReadLine("b\r", 3), ReadLine("\r", 4)]),
            ("\r", [ReadLine("\r", 1)]),
        ])
    func splits(text: String, expected: [ReadLine]) throws {
        for chunk in [nil, 1, 2, 3, 7] as [Int?] {
            #expect(
                try readLines(Array(text.utf8), bufferSize: 16, maxLineLength: 8, chunk: chunk) == expected,
                "chunk \(String(describing: chunk))")
        }
    }

    @Test("lines cross buffer and read boundaries intact: 2,000 random inputs, tiny buffers, random chunks")
    func boundaries() throws {
        var rng = SplitMix64(seed: 0x4C49_4E45_5245_4144)
        let alphabet: [UInt8] = [0x41, 0x42, 0x30, 0x20, 0x0D, 0x00, 0x1A, 0xC3, 0xA9, 0xFF]
        for i in 0..<2_000 {
            var bytes: [UInt8] = []
            for _ in 0..<rng.below(12) {
                for _ in 0..<rng.below(15) { bytes.append(alphabet[rng.below(alphabet.count)]) }  // lines shorter than the limit
                bytes.append(0x0A)
            }
            if rng.below(2) == 0 { bytes.removeLast(min(bytes.count, rng.below(3))) }
            let chunk = 1 + rng.below(20)
            let bufferSize = rng.below(40)
            let lines = try readLines(bytes, bufferSize: bufferSize, maxLineLength: 16, chunk: chunk)
            #expect(lines == expectedLines(bytes), "case \(i): chunk \(chunk), buffer \(bufferSize), input \(bytes)")
        }
    }

    @Test("a line longer than the limit is cut there and the rest of it skipped", arguments: [nil, 1, 3, 5, 100] as [Int?])
    func longLine(chunk: Int?) throws {
        let long = String(repeating: "ABCDEFGHIJ", count: 100)
        #expect(
            try readLines(Array("ABCDEFGHIJKLMNOP\nxyz\n".utf8), bufferSize: 0, maxLineLength: 8, chunk: chunk)
                == [ReadLine("ABCDEFGH", 1, cut: true), ReadLine("xyz", 2)])
        #expect(
            try readLines(Array("xy\n\(long)\nok\r\n\(long)".utf8), bufferSize: 0, maxLineLength: 8, chunk: chunk)
                == [ReadLine("xy", 1), ReadLine("ABCDEFGH", 2, cut: true), ReadLine("ok\r", 3), ReadLine("ABCDEFGH", 4, cut: true)])
    }

    @Test("whether a line is cut depends on its length only, not on how the input arrives", arguments: [nil, 1, 4, 8, 9, 100] as [Int?])
    func cutDependsOnLengthOnly(chunk: Int?) throws {
        // Exactly the limit: never cut. One byte more: always cut.
        let atLimit = try readLines(Array("ABCDEFGH\nxy\nABCDEFGH".utf8), bufferSize: 0, maxLineLength: 8, chunk: chunk)
        let overLimit = try readLines(Array("ABCDEFGHI\nz\nABCDEFGHI".utf8), bufferSize: 0, maxLineLength: 8, chunk: chunk)
        #expect(atLimit == [ReadLine("ABCDEFGH", 1), ReadLine("xy", 2), ReadLine("ABCDEFGH", 3)])
        #expect(overLimit == [ReadLine("ABCDEFGH", 1, cut: true), ReadLine("z", 2), ReadLine("ABCDEFGH", 3, cut: true)])
    }

    @Test("a regular file is read through mapped windows as memory is read: 400 random files, tiny windows, descriptors already inside, a stop and a second call")
    func mappedFiles() throws {
        var rng = SplitMix64(seed: 0x4D41_5050_4544)
        let alphabet: [UInt8] = [0x41, 0x30, 0x20, 0x0D, 0x00, 0xC3, 0xA9]
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("troca-linereader-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var mappedSome = false, mappedLong = false
        for i in 0..<400 {
            var bytes: [UInt8] = []
            for _ in 0..<rng.below(120) {
                // Lines up to 40 bytes against a limit of 16: some cut, some across windows; now
                // and then one longer than a whole window (its rest skipped through windows).
                let length = rng.below(60) == 0 ? 300 + rng.below(1_500) : rng.below(rng.below(4) == 0 ? 41 : 17)
                for _ in 0..<length { bytes.append(alphabet[rng.below(alphabet.count)]) }
                bytes.append(0x0A)
            }
            if rng.below(2) == 0 { bytes.removeLast(min(bytes.count, rng.below(3))) }
            let skip = rng.below(4)
            let bufferSize = rng.below(40)
            try Data([UInt8](repeating: 0x0A, count: skip) + bytes).write(to: URL(fileURLWithPath: path))
            let source = try FileSource(path: path)
            if skip > 0 {
                var junk = [UInt8](repeating: 0, count: skip)
                _ = try junk.withUnsafeMutableBytes { try source.read(into: $0) }
            }
            var reader = LineReader(source, bufferSize: bufferSize, maxLineLength: 16)
            defer { reader.close() }
            // Windows are four buffers (34 bytes here, the least a limit of 16 allows) plus 32 bytes.
            mappedSome = mappedSome || bytes.count > 4 * 34 + 32
            // Stopped after some lines, then called again: it goes on from there.
            let stopAfter = rng.below(30)
            var lines: [ReadLine] = []
            try reader.forEachLine { line, number, cut in
                lines.append(ReadLine(bytes: Array(line), number: number, cut: cut))
                return lines.count != stopAfter
            }
            try reader.forEachLine { line, number, cut in
                lines.append(ReadLine(bytes: Array(line), number: number, cut: cut))
                return true
            }
            // Memory gives the same lines read at once (no line after a stop on a cut one is
            // compared: a cut line's rest is not skipped across a stop, by either way).
            var expected = try readLines(bytes, bufferSize: bufferSize, maxLineLength: 16)
            if stopAfter > 0, stopAfter <= expected.count, expected[stopAfter - 1].cut {
                expected = Array(expected.prefix(stopAfter))
                lines = Array(lines.prefix(stopAfter))
            }
            #expect(lines == expected, "case \(i): buffer \(bufferSize), skip \(skip), \(bytes.count) bytes")
            #expect(lseek(source.mappable!.descriptor, 0, SEEK_CUR) == off_t(skip + bytes.count), "case \(i): read to the end")
            mappedLong = mappedLong || bytes.count > 4 * 34 + 32 && expected.contains { $0.cut }
        }
        #expect(mappedSome && mappedLong)
    }

    @Test("returning false stops the reader")
    func stops() throws {
        var reader = LineReader(MemorySource(Array("a\nb\nc\n".utf8)))
        defer { reader.close() }
        var seen: [Int] = []
        try reader.forEachLine { _, number, _ in
            seen.append(number)
            return number < 2
        }
        #expect(seen == [1, 2])
        #expect(reader.lineNumber == 2)
    }

    @Test("a source's error reaches the caller")
    func sourceErrors() {
        final class Failing: ByteSource {
            func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
                throw InputError(file: "x", reason: "boom", missing: false)
            }
        }
        var reader = LineReader(Failing())
        defer { reader.close() }
        #expect(throws: InputError.self) {
            try reader.forEachLine { _, _, _ in true }
        }
    }
}

/// JSONL lines may be far longer than fixed-width ones (`LineReader.maxJSONLLineLength`): the
/// buffer grows for them, and a line longer than a mapped window is read through the buffer.
@Suite struct LongLineTests {
    /// "a", 900,000 x (longer than a mapped window here, under the limit), "b", 1.5 MiB y (over
    /// the 1 MiB limit: cut), "z".
    static let limit = 1 << 20
    static let bytes: [UInt8] = Array("a\n".utf8) + [UInt8](repeating: 0x78, count: 900_000) + Array("\nb\n".utf8)
        + [UInt8](repeating: 0x79, count: 1_500_000) + Array("\nz".utf8)
    static let expected = [
        ReadLine("a", 1), ReadLine(bytes: [UInt8](repeating: 0x78, count: 900_000), number: 2, cut: false), ReadLine("b", 3),
        ReadLine(bytes: [UInt8](repeating: 0x79, count: limit), number: 4, cut: true), ReadLine("z", 5),
    ]

    @Test(arguments: [nil, 1_000, 65_536, 1 << 20] as [Int?])
    func aLineLongerThanTheBufferGrowsIt(chunk: Int?) throws {
        #expect(try readLines(Self.bytes, bufferSize: 0, maxLineLength: Self.limit, chunk: chunk) == Self.expected)
    }

    @Test func aLineLongerThanAMappedWindowIsReadThroughTheBuffer() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("troca-longline-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(Self.bytes).write(to: URL(fileURLWithPath: path))
        let source = try FileSource(path: path)
        #expect(source.mappable != nil)
        var reader = LineReader(source, bufferSize: 0, maxLineLength: Self.limit)
        defer { reader.close() }
        var lines: [ReadLine] = []
        try reader.forEachLine { line, number, cut in
            lines.append(ReadLine(bytes: Array(line), number: number, cut: cut))
            return true
        }
        #expect(lines == Self.expected)
    }
}

/// A file read again (the lines `troca reconcile` quotes for agreements it rejects late) is read
/// through the descriptor it was first read with: the same file even when another was renamed
/// over its path meanwhile; a change in place shows in its stamp; a pipe has none.
@Suite struct FileSourceRereadTests {
    static func all(_ source: FileSource) throws -> String {
        var reader = LineReader(source)
        defer { reader.close() }
        var lines: [String] = []
        try reader.forEachLine { line, _, _ in
            lines.append(String(decoding: line, as: UTF8.self))
            return true
        }
        return lines.joined(separator: "|")
    }

    @Test func readAgainIsTheFileFirstRead() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("troca-reread-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/acordos.jsonl"
        try Data("first\nsecond\n".utf8).write(to: URL(fileURLWithPath: path))
        let source = try FileSource(path: path)
        let stamp = try #require(source.regularFileStamp)
        #expect(try Self.all(source) == "first|second")
        // Another file renamed over the path: the descriptor still reads the first.
        try Data("other\n".utf8).write(to: URL(fileURLWithPath: dir + "/new"))
        #expect(rename(dir + "/new", path) == 0)
        #expect(source.regularFileStamp == stamp)
        #expect(source.rewind())
        #expect(try Self.all(source) == "first|second")
        // Changed in place: the stamp says so.
        let again = try FileSource(path: path)
        let before = again.regularFileStamp
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("more\n".utf8))
        try handle.close()
        #expect(again.regularFileStamp != before)
    }

    @Test func aPipeHasNoStampAndCannotRewind() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[1]) }
        let source = FileSource(descriptor: fds[0], name: "pipe")
        defer { close(fds[0]) }
        #expect(source.regularFileStamp == nil)
        #expect(!source.rewind())
    }
}
