import Records
import Testing

@testable import FixedWidth

/// The vector pre-check may only say "valid" when the per-field check finds nothing: random
/// records, mostly clean with a few bytes changed, of lengths 240, 400 and one that is not a
/// multiple of 16.
struct FastCheckTests {
    static func specs(length: Int) -> [FieldSpec] {
        let formats: [FieldFormat] = [
            .digits, .units, .int, .date(.dayMonthYear4), .date(.dayMonthYear2), .date(.year4MonthDay), .time, .document,
            .text,
        ]
        var specs: [FieldSpec] = []
        var at = 0
        var k = 0
        while true {
            let format = formats[k % formats.count]
            let width: Int
            switch format {
            case .date(.dayMonthYear2), .time: width = 6
            case .date: width = 8
            case .document: width = 14
            default: width = 3 + k % 17
            }
            guard at + width <= length else { break }
            specs.append(FieldSpec(start: at, length: width, format: format, typeOffset: -1, enumIndex: -1))
            at += width + k % 3
            k += 1
        }
        return specs
    }

    /// A record whose fields are all valid.
    static func clean(_ specs: [FieldSpec], length: Int, _ rng: inout SplitMix64) -> [UInt8] {
        var line = [UInt8](repeating: 0x20, count: length)
        func digits(_ s: String, at: Int) { for (i, b) in s.utf8.enumerated() { line[at + i] = b } }
        for spec in specs {
            switch spec.format {
            case .date(let order):
                let d = 1 + Int(rng.next() % 28), m = 1 + Int(rng.next() % 12), y = 1990 + Int(rng.next() % 60)
                let dd = d < 10 ? "0\(d)" : "\(d)", mm = m < 10 ? "0\(m)" : "\(m)", yy = String(y % 100 + 100).dropFirst()
                switch order {
                case .dayMonthYear4: digits("\(dd)\(mm)\(y)", at: spec.start)
                case .dayMonthYear2: digits("\(dd)\(mm)\(yy)", at: spec.start)
                case .year4MonthDay: digits("\(y)\(mm)\(dd)", at: spec.start)
                }
            case .time:
                digits(String(format2(Int(rng.next() % 24)) + format2(Int(rng.next() % 60)) + format2(Int(rng.next() % 60))), at: spec.start)
            case .document:
                for i in 0..<spec.length { line[spec.start + i] = rng.next() % 5 == 0 ? 65 + UInt8(rng.next() % 26) : 48 + UInt8(rng.next() % 10) }
            case .text:
                for i in 0..<spec.length { line[spec.start + i] = 32 + UInt8(rng.next() % 95) }
            default:
                for i in 0..<spec.length { line[spec.start + i] = 48 + UInt8(rng.next() % 10) }
            }
        }
        return line
    }

    static func format2(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }

    @Test(arguments: [240, 400, 250])
    func neverPassesAnInvalidRecord(length: Int) {
        let specs = Self.specs(length: length)
        let check = FastCheck(specs: specs, length: length)
        var rng = SplitMix64(seed: UInt64(length))
        var passed = 0
        var invalid = 0
        for round in 0..<4000 {
            var line = Self.clean(specs, length: length, &rng)
            let edits = round % 4 == 0 ? 0 : 1 + Int(rng.next() % 3)
            for _ in 0..<edits {
                let at = Int(rng.next() % UInt64(length))
                let pool: [UInt8] = [0x20, 0x00, 0x2F, 0x3A, 0x40, 0x5B, 0x41, 0x5A, 0x61, 0x30, 0x39, 0xC3, 0xFF, 0x0D]
                line[at] = pool[Int(rng.next() % UInt64(pool.count))]
            }
            let wrong = line.withUnsafeBufferPointer { buffer in specs.contains { $0.problem(in: buffer) != nil } }
            let passes = line.withUnsafeBufferPointer { check.passes($0) }
            if wrong { invalid += 1 }
            if passes { passed += 1 }
            #expect(!(passes && wrong), "round \(round): passed a record the per-field check rejects")
            if edits == 0 { #expect(passes, "round \(round): a clean record did not pass") }
        }
        #expect(passed > 1000)
        #expect(invalid > 1000)
    }
}
