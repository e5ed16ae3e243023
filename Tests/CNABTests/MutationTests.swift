import CNAB
import FixedWidth
import Foundation
import Records
import Testing

// Deterministic mutation fuzzing of `CNABReader`: the synthetic sample files, bent in thousands of
// seeded ways, must never crash or throw, and every run must keep the reader's promises (DESIGN.md,
// "Bad input"). A failure names its seed and mutations; `MutationTests.replay(seed:)` rebuilds the input.


private enum Samples {
    static let directory: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("Fixtures/samples").path
    }()
    static func load(_ name: String) -> [UInt8] {
        (FileManager.default.contents(atPath: directory + "/" + name)).map { [UInt8]($0) } ?? []
    }
    static let retorno = load("RETORNO-240.ret")
    static let remessa = load("REMESSA-240.rem")
    /// Our CNAB 400 samples, a remessa and a retorno per bank.
    static let cnab400: [(name: String, bytes: [UInt8])] = ["001", "033", "104", "237", "341", "748", "756"].flatMap { bank in
        ["remessa.rem", "retorno.ret"].map { file in ("cnab400/\(bank)/\(file)", load("cnab400/\(bank)/\(file)")) }
    }
    static let library = LayoutLibrary()
}

/// Bytes worth trying in a CNAB line: structure bytes, record types, blanks, line ends, EOF, NUL, high bytes.
private let interestingBytes: [UInt8] = [
    0x00, 0x1A, 0x0D, 0x0A, 0x20, 0x09, 0x22, 0x5C, 0x7F, 0x80, 0x81, 0x9D, 0xA0, 0xC3, 0xC9, 0xE9, 0xED, 0xEF, 0xBB,
    0xBF, 0xFE, 0xFF, UInt8(ascii: "0"), UInt8(ascii: "1"), UInt8(ascii: "2"), UInt8(ascii: "3"), UInt8(ascii: "5"),
    UInt8(ascii: "9"), UInt8(ascii: "A"), UInt8(ascii: "P"), UInt8(ascii: "Q"), UInt8(ascii: "R"), UInt8(ascii: "T"),
    UInt8(ascii: "U"), UInt8(ascii: "Y"), UInt8(ascii: "Z"),
]

/// Positions (1-based) where a CNAB 240 line decides its fate: bank, batch, record type, sequence,
/// segment, movement code, dates, amounts, document type and number, reasons, last byte.
private let hotPositions = [1, 3, 4, 7, 8, 9, 13, 14, 15, 16, 17, 18, 58, 74, 82, 96, 133, 134, 148, 138, 146, 214, 223, 240]

private struct Mutant {
    var bytes: [UInt8]
    /// What was done, step by step, for failure messages; the first step names the starting point.
    var steps: [String] = []
    /// The kind of each mutation step (after the starting point).
    var kinds: [String] = []
    var label: String { steps.joined(separator: "; ") }

    init(bytes: [UInt8], steps: [String]) {
        self.bytes = bytes
        self.steps = steps
    }

    mutating func note(_ kind: String, _ step: String) {
        kinds.append(kind)
        steps.append(step)
    }
}

private enum Mutator {
    /// The case of a seed: a mutated sample, garbage, or an edge-case file.
    static func make(seed: UInt64) -> Mutant {
        var rng = SplitMix64(seed: seed)
        let roll = rng.below(100)
        if roll < 80 {
            // Half the mutated files start from a CNAB 240 sample, half from a CNAB 400 one.
            var m: Mutant
            if rng.chance(50) {
                let sample = Samples.cnab400[rng.below(Samples.cnab400.count)]
                m = Mutant(bytes: sample.bytes, steps: [sample.name])
            } else {
                let retorno = rng.chance(50)
                m = Mutant(bytes: retorno ? Samples.retorno : Samples.remessa, steps: [retorno ? "RETORNO-240.ret" : "REMESSA-240.rem"])
            }
            for _ in 0..<(1 + rng.below(7)) { mutate(&m, &rng) }
            return m
        }
        if roll < 86 { return garbage(&rng) }
        if roll < 93 { return structured(&rng) }
        if roll < 96 { return edgeFile(&rng) }
        if roll < 98 { return utf16(&rng) }
        return spliced(&rng)
    }

    static func lines(_ bytes: [UInt8]) -> [[UInt8]] {
        bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
    }

    static func join(_ lines: [[UInt8]]) -> [UInt8] {
        Array(lines.joined(separator: [0x0A]))
    }

    /// Index of a line that holds data (not the empty piece after a final LF), or 0.
    static func lineIndex(_ lines: [[UInt8]], _ rng: inout SplitMix64) -> Int {
        let n = lines.last?.isEmpty == true ? lines.count - 1 : lines.count
        return rng.below(max(n, 1))
    }

    static func byte(_ rng: inout SplitMix64) -> UInt8 {
        rng.chance(60) ? rng.pick(interestingBytes) : UInt8(truncatingIfNeeded: rng.next())
    }

    static func fill(_ rng: inout SplitMix64, count: Int) -> ([UInt8], String) {
        switch rng.below(5) {
        case 0: return ([UInt8](repeating: 0x20, count: count), "blanks")
        case 1: return ((0..<count).map { _ in UInt8(48 + rng.below(10)) }, "digits")
        case 2: return ([UInt8](repeating: 0x30, count: count), "zeros")
        case 3: return (Array(String(repeating: "É", count: count).utf8), "UTF-8 É")
        default: return ((0..<count).map { _ in byte(&rng) }, "random")
        }
    }

    static func hex(_ b: UInt8) -> String { "0x" + String(b, radix: 16, uppercase: true) }

    static func mutate(_ m: inout Mutant, _ rng: inout SplitMix64) {
        var ls = lines(m.bytes)
        let op = rng.below(16)
        switch op {
        case 0, 1:  // one byte anywhere
            guard !m.bytes.isEmpty else { return }
            let at = rng.below(m.bytes.count)
            let b = byte(&rng)
            m.bytes[at] = b
            m.note("byte", "byte \(at) = \(hex(b))")
            return
        case 2:  // one byte at a position that matters, in one line
            let i = lineIndex(ls, &rng)
            let pos = rng.pick(hotPositions)
            let b = byte(&rng)
            if pos <= ls[i].count { ls[i][pos - 1] = b }
            m.note("hot byte", "line \(i + 1) col \(pos) = \(hex(b))")
        case 3:  // a run of bytes overwritten
            let i = lineIndex(ls, &rng)
            guard !ls[i].isEmpty else { return }
            let at = rng.below(ls[i].count)
            let (run, kind) = fill(&rng, count: 1 + rng.below(12))
            for (k, b) in run.enumerated() where at + k < ls[i].count { ls[i][at + k] = b }
            m.note("overwrite run", "line \(i + 1) col \(at + 1) overwritten with \(run.count) \(kind)")
        case 4:  // bytes inserted
            let at = rng.below(m.bytes.count + 1)
            let run = (0..<(1 + rng.below(4))).map { _ in byte(&rng) }
            m.bytes.insert(contentsOf: run, at: at)
            m.note("insert bytes", "insert \(run.map(hex)) at \(at)")
            return
        case 5:  // bytes deleted
            guard !m.bytes.isEmpty else { return }
            let at = rng.below(m.bytes.count)
            let n = min(1 + rng.below(5), m.bytes.count - at)
            m.bytes.removeSubrange(at..<(at + n))
            m.note("delete bytes", "delete \(n) bytes at \(at)")
            return
        case 6:  // truncated
            let at = rng.below(m.bytes.count + 1)
            m.bytes.removeSubrange(at...)
            m.note("truncate", "truncate at \(at)")
            return
        case 7:  // a line deleted
            let i = lineIndex(ls, &rng)
            ls.remove(at: i)
            m.note("delete line", "delete line \(i + 1)")
        case 8:  // a line duplicated
            let i = lineIndex(ls, &rng)
            ls.insert(ls[i], at: i)
            m.note("duplicate line", "duplicate line \(i + 1)")
        case 9:  // two lines swapped
            let i = lineIndex(ls, &rng)
            let j = lineIndex(ls, &rng)
            ls.swapAt(i, j)
            m.note("swap lines", "swap lines \(i + 1) and \(j + 1)")
        case 10:  // a line lengthened (before its CR)
            let i = lineIndex(ls, &rng)
            let (run, kind) = fill(&rng, count: 1 + rng.below(rng.chance(20) ? 200 : 5))
            let cr = ls[i].last == 0x0D ? ls[i].count - 1 : ls[i].count
            ls[i].insert(contentsOf: run, at: rng.chance(70) ? cr : rng.below(cr + 1))
            m.note("lengthen line", "line \(i + 1) lengthened by \(run.count) \(kind)")
        case 11:  // a line shortened
            let i = lineIndex(ls, &rng)
            let cr = ls[i].last == 0x0D ? ls[i].count - 1 : ls[i].count
            let n = min(1 + rng.below(rng.chance(20) ? 240 : 8), cr)
            let at = rng.chance(70) ? cr - n : rng.below(cr - n + 1)
            ls[i].removeSubrange(at..<(at + n))
            m.note("shorten line", "line \(i + 1) shortened by \(n) at \(at + 1)")
        case 12:  // line ends changed
            let i = lineIndex(ls, &rng)
            switch rng.below(4) {
            case 0:
                if ls[i].last == 0x0D { ls[i].removeLast() }
                m.note("drop CR", "line \(i + 1) without CR")
            case 1:
                ls[i].append(0x1A)
                m.note("add 0x1A", "line \(i + 1) ends with 0x1A")
            case 2:
                if i + 1 < ls.count { ls[i] += ls.remove(at: i + 1) }
                m.note("join lines", "line \(i + 1) joined with the next")
            default:
                for k in ls.indices where ls[k].last == 0x0D { ls[k].removeLast() }
                m.note("drop every CR", "every CR removed")
            }
        case 13:  // empty or blank lines inserted
            let i = rng.below(ls.count + 1)
            let blank: [UInt8] = rng.pick([[], [0x0D], [0x20, 0x20, 0x0D], [0x1A], [0x1A, 0x0D]])
            ls.insert(blank, at: i)
            m.note("insert blank line", "insert line \(blank.map(hex)) before line \(i + 1)")
        case 14:  // a field-sized window set to a telling value
            let i = lineIndex(ls, &rng)
            let value: [UInt8] = Array(
                rng.pick(["31022026", "00000000", "        ", "29022025", "99999999", "0000", "9999", "256000", "X"]).utf8)
            let at = rng.below(max(ls[i].count - value.count, 0) + 1)
            for (k, b) in value.enumerated() where at + k < ls[i].count { ls[i][at + k] = b }
            m.note("field value", "line \(i + 1) col \(at + 1) = \(String(decoding: value, as: UTF8.self))")
        default:  // a BOM in front
            m.bytes.insert(contentsOf: [0xEF, 0xBB, 0xBF], at: 0)
            m.note("add BOM", "UTF-8 BOM in front")
            return
        }
        m.bytes = join(ls)
    }

    static func garbage(_ rng: inout SplitMix64) -> Mutant {
        let count = rng.below(rng.chance(30) ? 4000 : 600)
        let newlines = rng.chance(50)
        var bytes: [UInt8] = []
        for _ in 0..<count {
            bytes.append(newlines && rng.chance(2) ? 0x0A : byte(&rng))
        }
        return Mutant(bytes: bytes, steps: ["garbage of \(count) bytes"])
    }

    /// Lines that look like CNAB 240 records (digits, a record type at 8, a segment at 14) in random order and lengths.
    static func structured(_ rng: inout SplitMix64) -> Mutant {
        var ls: [[UInt8]] = []
        for _ in 0..<(1 + rng.below(20)) {
            let length = rng.chance(80) ? 240 : rng.below(300)
            var line = (0..<length).map { _ in rng.chance(70) ? UInt8(48 + rng.below(10)) : 0x20 }
            if length >= 14 {
                line[0..<3] = [0x32, 0x33, 0x37]
                line[7] = rng.pick(Array("0135912".utf8))
                line[13] = rng.pick(Array("PQRSTUYA ".utf8))
            }
            if rng.chance(70) { line.append(0x0D) }
            ls.append(line)
        }
        return Mutant(bytes: join(ls) + (rng.chance(50) ? [0x0A] : []), steps: ["\(ls.count) CNAB-like random lines"])
    }

    static func edgeFile(_ rng: inout SplitMix64) -> Mutant {
        let n = 1 + rng.below(50)
        switch rng.below(6) {
        case 0: return Mutant(bytes: [], steps: ["empty file"])
        case 1: return Mutant(bytes: [UInt8](repeating: 0x0A, count: n), steps: ["\(n) LF"])
        case 2: return Mutant(bytes: Array(repeating: [0x0D, 0x0A], count: n).flatMap { $0 }, steps: ["\(n) CRLF"])
        case 3: return Mutant(bytes: [0x1A], steps: ["only 0x1A"])
        case 4: return Mutant(bytes: [UInt8](repeating: 0, count: n * 10), steps: ["\(n * 10) NUL"])
        default: return Mutant(bytes: [0xEF, 0xBB, 0xBF, 0x0D, 0x0A], steps: ["only a BOM"])
        }
    }

    static func utf16(_ rng: inout SplitMix64) -> Mutant {
        let bigEndian = rng.chance(50)
        let bom = rng.chance(50)
        var bytes: [UInt8] = bom ? (bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]) : []
        for b in rng.chance(50) ? Samples.retorno : Samples.remessa { bytes += bigEndian ? [0, b] : [b, 0] }
        var m = Mutant(bytes: bytes, steps: ["UTF-16\(bigEndian ? "BE" : "LE")\(bom ? " with BOM" : "")"])
        if rng.chance(50) { mutate(&m, &rng) }
        return m
    }

    /// Lines of both samples, interleaved.
    static func spliced(_ rng: inout SplitMix64) -> Mutant {
        let a = lines(Samples.retorno).filter { !$0.isEmpty }
        let b = lines(Samples.remessa).filter { !$0.isEmpty }
        var ls: [[UInt8]] = []
        for _ in 0..<(1 + rng.below(25)) { ls.append(rng.chance(50) ? rng.pick(a) : rng.pick(b)) }
        return Mutant(bytes: join(ls) + [0x0A], steps: ["\(ls.count) lines picked from both samples"])
    }
}

private final class Collected {
    var diagnostics: [Diagnostic] = []
    var output: [UInt8] = []
}

/// One read of `bytes`, collected.
private struct Run {
    var summary: CNABReadSummary
    var diagnostics: [Diagnostic]
    var output: [UInt8]
    var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }

    static let file = "MUT.ret"

    static func read(_ bytes: [UInt8], emit: Bool, options: CNABReadOptions = CNABReadOptions()) throws -> Run {
        var options = options
        options.emit = emit
        let collected = Collected()
        let writer = RecordWriter(threshold: 4096) { collected.output.append(contentsOf: $0) }
        let sink = DiagnosticSink { collected.diagnostics.append($0) }
        let reader = CNABReader(library: Samples.library, file: file, options: options)
        let summary = try reader.read(MemorySource(bytes), output: emit ? writer : nil, diagnostics: sink)
        try writer.finish()
        return Run(summary: summary, diagnostics: collected.diagnostics, output: collected.output)
    }
}

/// Codes of a refused file (every line rejected under one diagnostic), and of a read stopped early.
private let refusalCodes: Set<DiagnosticCode> = ["input.utf16", "input.line-ends", "cnab.format", "cnab.no-layout", "cnab.direction"]
private let stoppingCodes: Set<DiagnosticCode> = ["cnab.max-rejects"]

/// Checks every promise of one input; records issues prefixed with `label`. Returns the parse run.
@discardableResult
private func verify(_ bytes: [UInt8], label: String, options: CNABReadOptions = CNABReadOptions(), checkMode: Bool = true) -> Run? {
    let parse: Run
    let check: Run?
    do {
        parse = try Run.read(bytes, emit: true, options: options)
        check = checkMode ? try Run.read(bytes, emit: false, options: options) : nil
    } catch {
        Issue.record("\(label): CNABReader threw \(error)")
        return nil
    }
    let s = parse.summary
    let physical = Mutator.lines(bytes)
    let physicalCount = physical.last?.isEmpty == true ? physical.count - 1 : physical.count
    let stopped = parse.diagnostics.contains { stoppingCodes.contains($0.code) }
    #expect(s.stopped == stopped, "\(label): summary.stopped \(s.stopped), a stopping diagnostic \(stopped)")

    // Every line read is written, rejected or skipped; nothing is lost unless the reader stopped.
    #expect(
        s.lines == s.written + s.rejected + s.skipped,
        "\(label): lines \(s.lines) != written \(s.written) + rejected \(s.rejected) + skipped \(s.skipped)")
    if !stopped {
        #expect(s.lines == physicalCount, "\(label): read \(s.lines) lines of \(physicalCount)")
    }

    // Output: one valid JSON object per line, "record" first, as many as the summary says.
    var outputLines = parse.output.split(separator: 0x0A, omittingEmptySubsequences: false)
    if outputLines.last?.isEmpty == true { outputLines.removeLast() }
    #expect(outputLines.count == s.records, "\(label): \(outputLines.count) output lines, summary.records \(s.records)")
    for (k, line) in outputLines.enumerated() {
        let text = String(decoding: line, as: UTF8.self)
        #expect(line.starts(with: Array(#"{"record":""#.utf8)), "\(label): output line \(k + 1) does not start with \"record\": \(text)")
        #expect(!line.contains { $0 < 0x20 }, "\(label): raw control byte in output line \(k + 1): \(text)")
        guard let object = (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any] else {
            Issue.record("\(label): output line \(k + 1) is not a JSON object: \(text)")
            continue
        }
        let source = object["source"] as? [String: Any]
        #expect(source?["file"] as? String == Run.file, "\(label): output line \(k + 1) source: \(text)")
        let sourceLine = source?["line"] as? Int ?? -1
        #expect((1...max(s.lines, 1)).contains(sourceLine), "\(label): output line \(k + 1) source line \(sourceLine) of \(s.lines)")
    }

    // Diagnostics: positioned inside the input.
    for d in parse.diagnostics {
        #expect(d.file == Run.file, "\(label): \(d.formatted)")
        #expect((0...s.lines).contains(d.line), "\(label): line out of range: \(d.formatted)")
        guard d.severity == .error else { continue }
        // A column is a byte of the record (241 or 401 = just past it); an over-long line's first
        // non-blank excess byte is named where it is, which may be further right.
        var maxColumn = s.format == .cnab400 ? 401 : 241
        if d.code == "input.line-length", d.line >= 1, d.line <= physical.count {
            maxColumn = max(maxColumn, physical[d.line - 1].count)
        }
        #expect((0...maxColumn).contains(d.column), "\(label): column out of range: \(d.formatted)")
        if let raw = d.raw { #expect(!raw.isEmpty, "\(label): empty raw: \(d.formatted)") }
    }

    // Every rejected line has an error diagnostic carrying its raw bytes; a refused file has one
    // error (with its first line's bytes) and every non-blank line rejected.
    let refused = parse.errors.filter { refusalCodes.contains($0.code) }
    let rawLines = Set(parse.errors.filter { $0.raw != nil }.map(\.line))
    if !refused.isEmpty {
        #expect(refused.count == 1 && parse.errors.count == 1, "\(label): refused file: \(parse.errors.map(\.formatted))")
        #expect(refused.first?.raw?.isEmpty == false, "\(label): refusal without raw bytes")
        #expect(
            s.written == 0 && s.records == 0 && s.rejected >= 1 && s.fatal,
            "\(label): refused file: written \(s.written), records \(s.records), rejected \(s.rejected), fatal \(s.fatal)")
    } else {
        #expect(
            rawLines.count == s.rejected,
            "\(label): \(s.rejected) rejected lines, raw diagnostics for lines \(rawLines.sorted())")
    }
    if s.fatal { #expect(!parse.errors.isEmpty, "\(label): fatal without an error diagnostic") }

    // Checking reads the same way as parsing, without output.
    guard let check else { return parse }
    let c = check.summary
    #expect(check.output.isEmpty, "\(label): check mode wrote output")
    #expect(c.records == 0, "\(label): check mode counted \(c.records) records")
    #expect(
        [c.lines, c.written, c.rejected, c.skipped] == [s.lines, s.written, s.rejected, s.skipped] && c.fatal == s.fatal,
        "\(label): check \([c.lines, c.written, c.rejected, c.skipped]) fatal \(c.fatal), parse \([s.lines, s.written, s.rejected, s.skipped]) fatal \(s.fatal)"
    )
    #expect(check.errors.map(\.formatted) == parse.errors.map(\.formatted), "\(label): check and parse report different errors")
    return parse
}

@Suite("CNABReader under mutation")
struct MutationTests {
    /// 16 shards × 60 cases = 960 inputs carrying about 3,200 mutations (see `mutationCount`). Every
    /// input is parsed; every fourth is also checked (`emit: false`). A read costs ~9 ms in a debug
    /// build, 80% of it in `CNABEngine.use` decoding and compiling layouts, so this is what fits in
    /// ~10 s on two cores. `TROCA_FUZZ_CASES=N` runs N cases per shard instead (e.g. 2000 nightly).
    static let shards = 0..<16
    static let casesPerShard: UInt64 = ProcessInfo.processInfo.environment["TROCA_FUZZ_CASES"].flatMap { UInt64($0) } ?? 60

    static func seed(shard: Int, case k: UInt64) -> UInt64 { baseSeed &+ UInt64(shard) &* casesPerShard &+ k }

    /// Mutations in an input: its steps after the sample's name, or 1 for a generated file.
    fileprivate static func mutations(_ m: Mutant) -> Int { max(m.kinds.count, 1) }
    static let baseSeed: UInt64 = 0x5452_4F43_4100_0000

    /// Rebuilds the input of a failing case (paste the seed from its message).
    static func replay(seed: UInt64) -> (bytes: [UInt8], mutations: String) {
        let m = Mutator.make(seed: seed)
        return (m.bytes, m.label)
    }

    @Test("the samples exist and read clean: zero errors, every line written", arguments: ["RETORNO-240.ret", "REMESSA-240.rem"])
    func samplesReadClean(name: String) throws {
        let bytes = Samples.load(name)
        #expect(bytes.count > 2000, "sample \(name) missing from \(Samples.directory)")
        for emit in [true, false] {
            let run = try Run.read(bytes, emit: emit)
            let s = run.summary
            #expect(run.errors.isEmpty, "\(name): \(run.errors.map(\.formatted))")
            #expect(s.rejected == 0 && s.skipped == 0 && !s.fatal)
            #expect(s.lines == bytes.filter { $0 == 0x0A }.count)
            #expect(s.written == s.lines)
            #expect(s.format == .cnab240)
            #expect(s.direction == (name.hasPrefix("RETORNO") ? "retorno" : "remessa"))
            if emit { #expect(s.records > 0 && s.titles > 0) }
        }
        verify(bytes, label: name)
    }

    @Test(
        "line-end variants of the samples read clean: LF only, no final newline, 0x1A at the end, a BOM, mixed",
        arguments: ["RETORNO-240.ret", "REMESSA-240.rem"])
    func lineEndVariants(name: String) throws {
        let crlf = Samples.load(name)
        let lf = crlf.filter { $0 != 0x0D }
        for (variant, bytes) in [
            ("LF", lf), ("no final newline", Array(crlf.dropLast(2))), ("0x1A", crlf + [0x1A]), ("BOM", [0xEF, 0xBB, 0xBF] + crlf),
            ("mixed", Array(lf.prefix(241)) + Array(crlf.dropFirst(242))),
        ] {
            let run = try #require(verify(bytes, label: "\(name) \(variant)", checkMode: false))
            #expect(run.errors.isEmpty, "\(name) \(variant): \(run.errors.map(\.formatted))")
            #expect(run.summary.rejected == 0, "\(name) \(variant)")
            #expect(run.summary.written == run.summary.lines - run.summary.skipped, "\(name) \(variant)")
        }
    }

    @Test("seeded mutations: no crash, no throw, every promise kept", arguments: shards)
    func mutations(shard: Int) {
        var clean = 0, rejected = 0, skipped = 0, titles = 0
        for k in 0..<Self.casesPerShard {
            let seed = Self.seed(shard: shard, case: k)
            let m = Mutator.make(seed: seed)
            guard let run = verify(m.bytes, label: "seed 0x\(String(seed, radix: 16)) [\(m.label)]", checkMode: k % 4 == 0) else {
                continue
            }
            if run.errors.isEmpty { clean += 1 }
            if run.summary.rejected > 0 { rejected += 1 }
            if run.summary.skipped > 0 { skipped += 1 }
            if run.summary.titles > 0 { titles += 1 }
        }
        // The generator must reach the interesting outcomes for the checks above to mean much.
        let n = Int(Self.casesPerShard)
        #expect(
            clean * 50 >= n && rejected * 3 >= n && skipped * 20 >= n && titles * 3 >= n,
            "shard \(shard): clean \(clean), rejected \(rejected), skipped \(skipped), with títulos \(titles) of \(n)")
    }

    @Test("the seeded inputs carry at least 3,000 mutations, of every kind")
    func mutationCount() {
        var total = 0
        var kinds: Set<String> = []
        var origins: [String] = []
        for shard in Self.shards {
            for k in 0..<Self.casesPerShard {
                let m = Mutator.make(seed: Self.seed(shard: shard, case: k))
                total += Self.mutations(m)
                kinds.formUnion(m.kinds)
                origins.append(m.steps.first ?? "")
            }
        }
        #expect(total >= 3_000, "\(total) mutations")
        #expect(
            kinds == [
                "byte", "hot byte", "overwrite run", "insert bytes", "delete bytes", "truncate", "delete line", "duplicate line",
                "swap lines", "lengthen line", "shorten line", "drop CR", "add 0x1A", "join lines", "drop every CR",
                "insert blank line", "field value", "add BOM",
            ])
        for origin in [
            "RETORNO-240.ret", "REMESSA-240.rem", "garbage", "CNAB-like", "empty file", " LF", " CRLF", " NUL", "only 0x1A",
            "UTF-16LE", "UTF-16BE", "both samples",
        ] {
            #expect(origins.contains { $0.contains(origin) }, "no input made from \"\(origin)\"")
        }
    }

    /// A single-field mutation of line `line` of the retorno sample at column `column`.
    static func retorno(line: Int, column: Int, _ value: String) -> [UInt8] {
        var ls = Mutator.lines(Samples.retorno)
        for (k, b) in latin1Bytes(value).enumerated() { ls[line - 1][column - 1 + k] = b }
        return Mutator.join(ls)
    }

    static func latin1Bytes(_ s: String) -> [UInt8] { s.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) } }

    @Test(
        "targeted mutations give the diagnostic they should, and reject exactly their título",
        arguments: [
            // line, column, value, code, column reported, lines rejected
            (3, 74, "31022026", "cnab.date", 74, 2),  // impossible due date in segment T: T and its U
            (4, 138, "29022025", "cnab.date", 138, 2),  // impossible occurrence date in segment U
            (3, 82, "00000000012,50", "cnab.numeric", 93, 2),  // amount with a comma: at the comma
            (3, 134, "00001234567890a", "cnab.document", 148, 2),  // lowercase in a document: at the letter
            (3, 8, "X", "cnab.record-type", 8, 1),  // no record type: the line alone (U becomes an orphan)
            (2, 8, "7", "cnab.record-type", 8, 1),
        ] as [(Int, Int, String, String, Int, Int)])
    func targeted(line: Int, column: Int, value: String, code: String, reportedColumn: Int, minimumRejected: Int) throws {
        let bytes = Self.retorno(line: line, column: column, value)
        let label = "line \(line) col \(column) = \(value)"
        let run = try #require(verify(bytes, label: label))
        let hit = run.errors.first { $0.code.rawValue == code && $0.line == line }
        #expect(hit?.column == reportedColumn, "\(label): \(run.errors.map(\.formatted))")
        #expect(hit?.raw?.count == 240, "\(label): raw is the whole record")
        #expect(run.summary.rejected >= minimumRejected, "\(label): rejected \(run.summary.rejected)")
        #expect(run.summary.written > 0, "\(label): the other records are still written")
    }

    @Test("an unknown enum value is emitted raw and reported")
    func unknownEnumValue() throws {
        // Segment T's tipo_inscricao_pagador (133) = 7: not in G005.
        let bytes = Self.retorno(line: 3, column: 133, "7")
        let run = try #require(verify(bytes, label: "line 3 col 133 = 7"))
        #expect(run.summary.rejected == 0)
        let text = String(decoding: run.output, as: UTF8.self)
        #expect(text.contains(#""document_type":"7""#))
        #expect(
            run.diagnostics.contains { $0.line == 3 && $0.column == 133 },
            "\(run.diagnostics.map(\.formatted))")
    }

    @Test("--max-rejects stops the read without losing count of the lines read", arguments: [0, 1, 2])
    func maxRejects(limit: Int) throws {
        // Line 4 (segment U of the first título) gets a record type no layout knows, and so does
        // line 6: each is rejected while segment T's título (lines 3, 5) is still open.
        var ls = Mutator.lines(Samples.retorno)
        ls[3][7] = UInt8(ascii: "X")
        ls[5][7] = UInt8(ascii: "X")
        ls[9][7] = UInt8(ascii: "X")
        let bytes = Mutator.join(ls)
        let run = try Run.read(bytes, emit: true, options: CNABReadOptions(maxRejects: limit))
        let s = run.summary
        // A limit the caller set, not a broken file: stopped, not fatal (with 2, the first batch's
        // trailer is read before the stop: the unknown lines count in their batch, so its record
        // count agrees).
        #expect(s.stopped && !s.fatal, "stopped \(s.stopped), fatal \(s.fatal)")
        #expect(run.errors.contains { $0.code == "cnab.max-rejects" })
        #expect(
            s.lines == s.written + s.rejected + s.skipped,
            "lines \(s.lines) != written \(s.written) + rejected \(s.rejected) + skipped \(s.skipped)")
    }
}

/// Thousands of títulos of the largest face value a segment P holds (15 digits) add up past
/// Int's range: the sum is held and told as a difference from the trailer, never trapped on (a
/// trap ended parse and check with no diagnostic and no output). (A remessa: a retorno's
/// trailer totals are the bank's portfolio, not checked against the file.)
@Suite struct HugeTotalsTests {
    @Test func faceValuesPastIntsRangeAreADifferenceNotATrap() throws {
        let ls = Mutator.lines(Samples.remessa)
        let p = try #require(ls.first { $0.count >= 240 && $0[13] == UInt8(ascii: "P") })
        let q = try #require(ls.first { $0.count >= 240 && $0[13] == UInt8(ascii: "Q") })
        let pairs = Int.max / 999_999_999_999_999 + 1  // 9,224
        let start = try #require(ls.firstIndex(of: p))
        var lines = Array(ls[..<start])
        func numbered(_ line: [UInt8], _ sequence: Int) -> [UInt8] {
            var l = line
            for (k, b) in String(format: "%05d", sequence).utf8.enumerated() { l[8 + k] = b }
            return l
        }
        for k in 0..<pairs {
            var big = numbered(p, 2 * k + 1)
            for c in 85..<100 { big[c] = UInt8(ascii: "9") }  // valor nominal, 86–100
            lines.append(big)
            lines.append(numbered(q, 2 * k + 2))
        }
        var trailers = Array(ls.suffix(from: ls.count - (ls.last?.isEmpty == true ? 3 : 2)))
        // The batch trailer: its records (pairs + header + trailer), and a título count and total.
        for (k, b) in String(format: "%06d", 2 * pairs + 2).utf8.enumerated() { trailers[0][17 + k] = b }
        for (k, b) in String(format: "%06d", pairs).utf8.enumerated() { trailers[0][23 + k] = b }
        for (k, b) in String(repeating: "1", count: 17).utf8.enumerated() { trailers[0][29 + k] = b }
        for (k, b) in String(format: "%06d", 2 * pairs + 4).utf8.enumerated() { trailers[1][23 + k] = b }
        lines += trailers
        let run = try #require(verify(Mutator.join(lines), label: "\(pairs) títulos of 9,999,999,999,999.99"))
        let total = run.diagnostics.first { $0.code == "cnab.batch-total" }
        #expect(total?.message.contains("add up to more than 92233720368547758.07") == true, "\(run.diagnostics.prefix(5).map(\.formatted))")
        #expect(run.summary.titles == pairs)
    }
}
