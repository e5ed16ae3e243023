import Records

/// A quick test that a record's checked fields are valid, 16 bytes at a time: every byte of a
/// numeric field (digits, amounts, counts, dates, times) must be a digit, every byte of a
/// document a digit, a capital letter or a blank. A record that passes needs only its dates
/// and times looked at (is the day real? the hour?); one that fails gets the exact per-field
/// check, which also allows blank fields. Either way the verdict is the per-field check's.
///
/// The class owns the test's tables; `plan` is a plain view of them for the per-line path
/// (no reference counting, no copies of arrays).
public final class FastCheck: @unchecked Sendable {
    /// The tables as raw pointers, valid while the `FastCheck` lives.
    public struct Plan {
        /// The 16-byte chunks holding digits: offset and 0xFF where a digit is required.
        let digits: UnsafeMutablePointer<Chunk>
        let digitChunks: Int
        /// The chunks holding documents: 0xFF where a digit, A–Z or a blank is required.
        let documents: UnsafeMutablePointer<Chunk>
        let documentChunks: Int
        let length: Int
        /// Whether the record length is not a multiple of 16.
        let padded: Bool
        /// Date fields (digits already known): offset and order, the calendar still to check.
        let dates: UnsafeMutablePointer<DateCheck>
        let dateCount: Int
        /// Offsets of 6-digit time fields (digits already known), the clock still to check.
        let times: UnsafeMutablePointer<Int>
        let timeCount: Int
    }

    struct Chunk {
        /// 0xFF where the byte is checked.
        var mask: SIMD16<UInt8>
        var offset: Int
    }

    struct DateCheck {
        var start: Int
        var order: FieldFormat.DateOrder
    }

    /// The view the per-line path uses.
    public let plan: Plan

    /// Builds the test for the checked fields of a record of `length` bytes.
    public init(specs: [FieldSpec], length: Int) {
        let chunks = (length + 15) / 16
        var digits = [UInt8](repeating: 0, count: chunks * 16)
        var documents = [UInt8](repeating: 0, count: chunks * 16)
        var dates: [DateCheck] = []
        var times: [Int] = []
        func mark(_ bytes: inout [UInt8], _ spec: FieldSpec) {
            for i in spec.start..<min(spec.start + spec.length, length) { bytes[i] = 0xFF }
        }
        for spec in specs {
            switch spec.format {
            case .digits, .units, .int:
                mark(&digits, spec)
            case .date(let order):
                mark(&digits, spec)
                // A date of the wrong width never passes: the per-field check reports it.
                let width = order == .dayMonthYear2 ? 6 : 8
                dates.append(DateCheck(start: spec.length == width ? spec.start : -1, order: order))
            case .time:
                mark(&digits, spec)
                times.append(spec.length == 6 ? spec.start : -1)
            case .document:
                mark(&documents, spec)
            case .text, .reasons, .enumeration:
                break
            }
        }
        func table<T>(_ values: [T]) -> UnsafeMutablePointer<T> {
            let p = UnsafeMutablePointer<T>.allocate(capacity: max(values.count, 1))
            if !values.isEmpty { p.initialize(from: values, count: values.count) }
            return p
        }
        // Only chunks with something to check; the last one may end past the record (then the
        // line is copied to a padded buffer first).
        func vectors(_ bytes: [UInt8]) -> [Chunk] {
            stride(from: 0, to: bytes.count, by: 16).compactMap { k in
                bytes[k..<(k + 16)].allSatisfy { $0 == 0 } ? nil : Chunk(mask: SIMD16<UInt8>(bytes[k..<(k + 16)]), offset: k)
            }
        }
        let digitTable = vectors(digits)
        let documentTable = vectors(documents)
        plan = Plan(
            digits: table(digitTable), digitChunks: digitTable.count, documents: table(documentTable),
            documentChunks: documentTable.count, length: length, padded: chunks * 16 != length,
            dates: table(dates), dateCount: dates.count, times: table(times), timeCount: times.count)
    }

    deinit {
        plan.digits.deallocate()
        plan.documents.deallocate()
        plan.dates.deallocate()
        plan.times.deallocate()
    }

    /// True when every checked field is certainly valid; false means "look closer" (not "invalid").
    @inline(__always)
    public func passes(_ line: UnsafeBufferPointer<UInt8>) -> Bool { plan.passes(line) }
}

extension FastCheck.Plan {
    /// True when every checked field is certainly valid; false means "look closer" (not "invalid").
    @inline(__always)
    public func passes(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        guard line.count >= length, line.baseAddress != nil else { return false }
        guard !padded else {
            // A record length that is not a multiple of 16: test a copy padded with blanks.
            let size = (length + 15) / 16 * 16
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: size) { copy in
                copy.initialize(repeating: 0x20)
                _ = copy.update(fromContentsOf: UnsafeBufferPointer(rebasing: line[0..<length]))
                return fields(UnsafeBufferPointer(copy))
            }
        }
        return fields(line)
    }

    /// `passes` on a line whose 16-byte chunks can all be read.
    @inline(__always)
    func fields(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        let base = line.baseAddress!
        let raw = UnsafeRawPointer(base)
        // Plain byte arithmetic (no lane masks, which the compiler may split into lanes): for a
        // byte t, the high bit of `t | (t &+ (127 - n))` is set exactly when t > n.
        @inline(__always) func above(_ t: SIMD16<UInt8>, _ n: UInt8) -> SIMD16<UInt8> {
            t | (t &+ SIMD16(repeating: 127 - n))
        }
        var bad = SIMD16<UInt8>(repeating: 0)
        for k in 0..<digitChunks {
            let c = digits[k]
            let v = raw.loadUnaligned(fromByteOffset: c.offset, as: SIMD16<UInt8>.self)
            bad |= above(v &- 48, 9) & c.mask
        }
        for k in 0..<documentChunks {
            let c = documents[k]
            let v = raw.loadUnaligned(fromByteOffset: c.offset, as: SIMD16<UInt8>.self)
            // Wrong: not a digit, not A–Z, and not a blank or NUL (v & 0xDF is 0 only for those two).
            bad |= above(v &- 48, 9) & above(v &- 65, 25) & above(v & 0xDF, 0) & c.mask
        }
        bad &= SIMD16(repeating: 0x80)
        let words = unsafeBitCast(bad, to: (UInt64, UInt64).self)
        if words.0 | words.1 != 0 { return false }
        for k in 0..<dateCount {
            let d = dates[k]
            guard d.start >= 0, Self.dateOrZero(base + d.start, d.order) else { return false }
        }
        for k in 0..<timeCount {
            let s = times[k]
            guard s >= 0 else { return false }
            let p = base + s
            let h = Int(p[0] &- 48) * 10 + Int(p[1] &- 48)
            let m = Int(p[2] &- 48) * 10 + Int(p[3] &- 48)
            let sec = Int(p[4] &- 48) * 10 + Int(p[5] &- 48)
            guard h < 24, m < 60, sec < 60 else { return false }
        }
        return true
    }

    /// For a date field of digits of the right width: whether it is all zeros or a real date.
    @inline(__always)
    static func dateOrZero(_ p: UnsafePointer<UInt8>, _ order: FieldFormat.DateOrder) -> Bool {
        @inline(__always) func two(_ k: Int) -> Int { Int(p[k] &- 48) * 10 + Int(p[k + 1] &- 48) }
        let d: Int, m: Int, y: Int
        switch order {
        case .dayMonthYear4: d = two(0); m = two(2); y = two(4) * 100 + two(6)
        case .dayMonthYear2: d = two(0); m = two(2); y = 2000 + two(4)
        case .year4MonthDay: y = two(0) * 100 + two(2); m = two(4); d = two(6)
        }
        if d == 0 && m == 0 && (y == 0 || y == 2000) { return true }
        guard m >= 1, m <= 12, d >= 1, y >= 1 else { return false }
        return d <= CivilDate.daysIn(month: m, year: y)
    }
}
