import Records
import Testing

/// `JSONReader.column(ofNode:in:)` against `JSONReader.parse`, on random lines: the generator
/// notes where each value (and each key) starts as it writes it, in the order `parse` numbers
/// its nodes, so every node's column is known and checked exactly, and the node counts must
/// agree. Lines with escapes, raw UTF-8 and byte order marks in strings, blanks (tab, CR, LF)
/// around every token, trailing commas, repeated keys, a leading BOM and nesting near
/// `JSONReader.maxDepth`; lines `parse` refuses (too deep, cut short) must not trap the walk.
@Suite struct JSONNodeColumnFuzzTests {
    struct Generator {
        var rng: SplitMix64
        var out: [UInt8] = []
        /// Where each node starts, in `parse`'s order.
        var starts: [Int] = []

        init(seed: UInt64) { rng = SplitMix64(seed: seed) }

        mutating func emit(_ s: String) { out.append(contentsOf: Array(s.utf8)) }

        mutating func blank() {
            guard rng.chance(40) else { return }
            for _ in 0..<(1 + rng.below(3)) { emit(rng.pick([" ", "\t", "\r", " ", "\n"])) }
        }

        mutating func string(_ keys: [String] = []) {
            starts.append(out.count)
            if !keys.isEmpty, rng.chance(60) {
                // A key likely to repeat.
                emit("\"" + rng.pick(keys) + "\"")
                return
            }
            emit("\"")
            let pieces = [
                "a", "Z", "0", " ", ",", "]", "}", "[", "{", ":", "\\\"", "\\\\", "\\/", "\\n", "\\t", "\\u00e9", "\\u00E9",
                "\\ud83d\\ude00", "\\u0000", "é", "ção", "😀", "\u{FEFF}", "\\\\\\\"", "true", "-1",
            ]
            for _ in 0..<rng.below(6) { emit(rng.pick(pieces)) }
            emit("\"")
        }

        mutating func number() {
            starts.append(out.count)
            emit(
                rng.pick([
                    "0", "-0", "7", "-12", "123456789012345678", "-123456789012345678", "1234567890123456789012", "3.25", "-3.25e+10",
                    "1E5", "0.5e-3", "-0.0E-0", "6.02e23", "1e-7",
                ]))
        }

        mutating func value(depth: Int) {
            let roll = rng.below(depth > 6 ? 6 : 10)
            switch roll {
            case 0: string()
            case 1, 2: number()
            case 3:
                starts.append(out.count)
                emit(rng.pick(["true", "false", "null"]))
            case 4: string()
            case 5: number()
            case 6, 7: object(depth: depth)
            default: container(keyed: false, depth: depth)
            }
        }

        mutating func separator(last: Bool) {
            blank()
            if !last {
                emit(",")
                blank()
            } else if rng.chance(15) {
                // A trailing comma, which `parse` accepts (as JSONSerialization does).
                emit(",")
                blank()
            }
        }

        /// An object (`keyed`) or an array, of up to five members.
        mutating func container(keyed: Bool, depth: Int) {
            starts.append(out.count)
            emit(keyed ? "{" : "[")
            blank()
            let n = rng.chance(15) ? 0 : rng.below(5) + 1
            for k in 0..<n {
                if keyed {
                    string(["id", "a", "é", "x\\\"y"])
                    blank()
                    emit(":")
                    blank()
                }
                value(depth: depth + 1)
                separator(last: k == n - 1)
            }
            emit(keyed ? "}" : "]")
        }

        mutating func object(depth: Int) { container(keyed: true, depth: depth) }

        /// A line: an object, sometimes after a BOM, sometimes nested `levels` deep.
        mutating func line(levels: Int?) -> [UInt8] {
            out = []
            starts = []
            if rng.chance(20) { out = [0xEF, 0xBB, 0xBF] }
            blank()
            if let levels {
                // `{"k":[[…[{"n":1},2]…]]}`: `levels` containers in all.
                starts.append(out.count)
                emit("{")
                starts.append(out.count)
                emit("\"k\":")
                for _ in 0..<(levels - 2) {
                    starts.append(out.count)
                    emit("[")
                    blank()
                }
                object(depth: 100)
                for _ in 0..<(levels - 2) {
                    emit(",")
                    number()
                    emit("]")
                }
                emit("}")
            } else {
                object(depth: 0)
            }
            blank()
            return out
        }
    }

    static func kindMatches(_ kind: JSONKind, _ byte: UInt8) -> Bool {
        switch kind {
        case .object: byte == UInt8(ascii: "{")
        case .array: byte == UInt8(ascii: "[")
        case .string: byte == UInt8(ascii: "\"")
        case .integer, .number: byte == UInt8(ascii: "-") || (48...57).contains(byte)
        case .true: byte == UInt8(ascii: "t")
        case .false: byte == UInt8(ascii: "f")
        case .null: byte == UInt8(ascii: "n")
        }
    }

    @Test func everyNodeOfRandomLinesIsFoundWhereTheGeneratorWroteIt() throws {
        var generator = Generator(seed: 0x7A0C_A5E1)
        var tape = JSONTape()
        var accepted = 0, refused = 0, nodes = 0
        for k in 0..<400 {
            // Every 40th line nests near the limit: 511 and 512 containers parse, 513 does not.
            let levels: Int? = k % 40 == 7 ? JSONReader.maxDepth - 1 + (k / 40) % 3 : nil
            let line = generator.line(levels: levels)
            let starts = generator.starts
            let shown = String(decoding: line, as: UTF8.self)
            let ok = line.withUnsafeBufferPointer { JSONReader.parse($0, into: &tape) }
            guard ok else {
                refused += 1
                #expect(levels.map { $0 > JSONReader.maxDepth } == true, "refused: \(shown)")
                // Nothing to find in a line `parse` refused, and nothing to trap on.
                for node in [0, 1, starts.count / 2, starts.count - 1, starts.count] {
                    let column = line.withUnsafeBufferPointer { JSONReader.column(ofNode: node, in: $0) }
                    #expect(column >= 0 && column <= line.count)
                }
                continue
            }
            accepted += 1
            try #require(tape.count == starts.count, "node count \(tape.count), generated \(starts.count): \(shown)")
            try line.withUnsafeBufferPointer { raw in
                // A deep line's nodes are many (each walk reads the line again): some of them.
                let all = 0..<tape.count
                let checked =
                    levels == nil
                    ? Array(all) : Array(all.prefix(40)) + Array(all.suffix(40)) + (0..<40).map { _ in generator.rng.below(tape.count) }
                for node in checked {
                    let column = JSONReader.column(ofNode: node, in: raw)
                    try #require(
                        column == starts[node] + 1, "node \(node) (\(tape[node].kind)) at \(column), expected \(starts[node] + 1): \(shown)"
                    )
                    #expect(Self.kindMatches(tape[node].kind, raw[column - 1]))
                    nodes += 1
                }
                #expect(JSONReader.column(ofNode: tape.count, in: raw) == 0)
                #expect(JSONReader.column(ofNode: -1, in: raw) == 0)
            }
            // The same line cut short anywhere: never a trap, never a column outside it.
            let cut = line.count > 1 ? generator.rng.below(line.count - 1) + 1 : 1
            let short = Array(line[..<cut])
            for node in [0, 1, tape.count / 2, tape.count - 1] {
                let column = short.withUnsafeBufferPointer { JSONReader.column(ofNode: node, in: $0) }
                #expect(column >= 0 && column <= short.count)
            }
        }
        #expect(accepted >= 380 && refused >= 1 && nodes > 5_000, "accepted \(accepted), refused \(refused), nodes \(nodes)")
    }

    static func utf16LE(_ s: String) -> [UInt8] { s.utf16.flatMap { (u: UInt16) -> [UInt8] in [UInt8(u & 0xFF), UInt8(u >> 8)] } }
    static func utf16BE(_ s: String) -> [UInt8] { s.utf16.flatMap { (u: UInt16) -> [UInt8] in [UInt8(u >> 8), UInt8(u & 0xFF)] } }
    static func utf32BE(_ s: String) -> [UInt8] {
        s.unicodeScalars.flatMap { (u: Unicode.Scalar) -> [UInt8] in [0, 0, 0, UInt8(u.value)] }
    }
    static let wideLines: [[UInt8]] = [
        [0xFF, 0xFE] + utf16LE(#" {"a":1}"#), utf16BE(#" {"a":1}"#), utf32BE(#"{"a":1}"#),
        [0xFE, 0xFF] + utf16BE("[1,2]"), [0xFF, 0xFE] + utf16LE("[1,2]"),
    ]

    /// A line `parse` reads as UTF-16 or UTF-32: its nodes are not at its bytes, so no column
    /// (node 0 was said at column 1, the mark or a zero byte); nor for one that is an array.
    @Test(arguments: wideLines)
    func aLineInUTF16OrUTF32HasNoColumn(line: [UInt8]) {
        var tape = JSONTape()
        #expect(line.withUnsafeBufferPointer { JSONReader.parse($0, into: &tape) })
        line.withUnsafeBufferPointer { raw in
            for node in 0...tape.count { #expect(JSONReader.column(ofNode: node, in: raw) == 0, "node \(node)") }
            if tape[0].kind == .array { #expect(JSONReader.notAnObject(raw).column == 0) }
        }
    }
}
