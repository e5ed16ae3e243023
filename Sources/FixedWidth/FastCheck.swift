/// A quick test that a record's checked fields are valid, 16 bytes at a time: every byte of a
/// numeric field (digits, amounts, counts, dates, times) must be a digit. A record that passes
/// needs only its dates looked at (is the day real?); one that fails gets the exact per-field
/// check, which also allows blank fields. Either way the verdict is the per-field check's.
public struct FastCheck: Sendable {
    let masks: [SIMDMask<SIMD16<Int8>>]
    let length: Int
    /// Date fields: digits already known, the calendar still to check.
    let dates: [FieldSpec]
    /// Fields the vector test cannot vouch for (documents with letters, times).
    let others: [FieldSpec]

    /// Builds the test for the checked fields of a record of `length` bytes.
    public init(specs: [FieldSpec], length: Int) {
        var bytes = [UInt8](repeating: 0, count: (length + 15) / 16 * 16)
        var dates: [FieldSpec] = []
        var others: [FieldSpec] = []
        for spec in specs {
            switch spec.format {
            case .digits, .units, .int:
                for i in spec.start..<(spec.start + spec.length) { bytes[i] = 0xFF }
            case .date:
                for i in spec.start..<(spec.start + spec.length) { bytes[i] = 0xFF }
                dates.append(spec)
            case .time, .document:
                others.append(spec)
            case .text, .reasons, .enumeration:
                break
            }
        }
        var masks: [SIMDMask<SIMD16<Int8>>] = []
        for chunk in stride(from: 0, to: bytes.count, by: 16) {
            var mask = SIMDMask<SIMD16<Int8>>()
            for i in 0..<16 { mask[i] = bytes[chunk + i] != 0 }
            masks.append(mask)
        }
        self.masks = masks
        self.length = length
        self.dates = dates
        self.others = others
    }

    /// True when every checked field is certainly valid; false means "look closer" (not "invalid").
    @inline(__always)
    public func passes(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        guard line.count >= length, let base = line.baseAddress else { return false }
        let raw = UnsafeRawPointer(base)
        let zero = SIMD16<UInt8>(repeating: 48)
        let nine = SIMD16<UInt8>(repeating: 9)
        let full = length / 16
        let clean: Bool = masks.withUnsafeBufferPointer { masks in
            var bad = SIMDMask<SIMD16<Int8>>()
            for k in 0..<full {
                let v = raw.loadUnaligned(fromByteOffset: k * 16, as: SIMD16<UInt8>.self)
                bad = bad .| ((v &- zero) .> nine) .& masks[k]
            }
            if full < masks.count {
                var tail = zero
                for i in (full * 16)..<length { tail[i - full * 16] = base[i] }
                bad = bad .| ((tail &- zero) .> nine) .& masks[full]
            }
            return !any(bad)
        }
        guard clean else { return false }
        for spec in dates where !spec.digitsAreDateOrZero(line) { return false }
        for spec in others where spec.problem(in: line) != nil { return false }
        return true
    }
}
