/// A quick test that a record's checked fields are valid, 16 bytes at a time: every byte of a
/// numeric field (digits, amounts, counts, dates, times) must be a digit. A record that passes
/// needs only its dates looked at (is the day real?); one that fails gets the exact per-field
/// check, which also allows blank fields. Either way the verdict is the per-field check's.
public struct FastCheck: Sendable {
    let masks: [SIMD16<UInt8>]
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
        var masks: [SIMD16<UInt8>] = []
        for chunk in stride(from: 0, to: bytes.count, by: 16) {
            masks.append(SIMD16<UInt8>(bytes[chunk..<(chunk + 16)]))
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
        var bad = SIMD16<UInt8>(repeating: 0)
        let full = length / 16
        masks.withUnsafeBufferPointer { masks in
            for k in 0..<full {
                let v = raw.loadUnaligned(fromByteOffset: k * 16, as: SIMD16<UInt8>.self)
                let notDigit = SIMD16<UInt8>(repeating: 0).replacing(with: 0xFF, where: (v &- zero) .> nine)
                bad |= notDigit & masks[k]
            }
            if full < masks.count {
                var tail = SIMD16<UInt8>(repeating: 48)
                for i in (full * 16)..<length { tail[i - full * 16] = base[i] }
                let notDigit = SIMD16<UInt8>(repeating: 0).replacing(with: 0xFF, where: (tail &- zero) .> nine)
                bad |= notDigit & masks[full]
            }
        }
        if bad != SIMD16<UInt8>(repeating: 0) { return false }
        for spec in dates {
            if spec.problem(in: line) != nil { return false }
        }
        for spec in others {
            if spec.problem(in: line) != nil { return false }
        }
        return true
    }
}
