import Records

/// A field whose bytes do not fit its picture or format.
public struct FieldProblem: Sendable, Hashable {
    /// The code's last part: `numeric`, `date`, `time`, `document`.
    public let kind: String
    /// What was expected and found.
    public let message: String
}

extension CompiledField {
    @inline(__always)
    static func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0 }

    @inline(__always)
    func allBlank(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        for i in start..<(start + length) where !CompiledField.isBlank(line[i]) { return false }
        return true
    }

    @inline(__always)
    func allDigits(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        for i in start..<(start + length) where line[i] &- 48 > 9 { return false }
        return true
    }

    @inline(__always)
    func allZero(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        for i in start..<(start + length) where line[i] != 48 { return false }
        return true
    }

    func quoted(_ line: UnsafeBufferPointer<UInt8>) -> String {
        "\"" + TextBytes.decode(line[start..<(start + length)]) + "\""
    }

    /// Checks the field's bytes against its picture and format. Blank fields are absent, not wrong.
    public func problem(in line: UnsafeBufferPointer<UInt8>) -> FieldProblem? {
        switch format {
        case .text, .reasons, .enumeration:
            return nil
        case .digits, .units, .int:
            if allDigits(line) || allBlank(line) { return nil }
            return FieldProblem(kind: "numeric", message: "expected digits (\(picture.text)) in \(name), found \(quoted(line))")
        case .document:
            for i in start..<(start + length) {
                let b = line[i]
                if !(b &- 48 <= 9 || b &- 65 < 26 || CompiledField.isBlank(b)) {
                    return FieldProblem(kind: "document", message: "expected a CPF/CNPJ (digits or A-Z) in \(name), found \(quoted(line))")
                }
            }
            return nil
        case .date(let order):
            if allBlank(line) || allZero(line) { return nil }
            if decodeDate(order, line) != nil { return nil }
            let pattern = order == .dayMonthYear4 ? "DDMMAAAA" : order == .dayMonthYear2 ? "DDMMAA" : "AAAAMMDD"
            return FieldProblem(kind: "date", message: "invalid date \(quoted(line)) in \(name) (\(pattern))")
        case .time:
            if allBlank(line) { return nil }
            guard allDigits(line), let h = Digits.value(line[start..<(start + 2)]), let m = Digits.value(line[(start + 2)..<(start + 4)]),
                let s = Digits.value(line[(start + 4)..<(start + 6)]), h < 24, m < 60, s < 60
            else { return FieldProblem(kind: "time", message: "invalid time \(quoted(line)) in \(name) (HHMMSS)") }
            return nil
        }
    }

    func decodeDate(_ order: FieldFormat.DateOrder, _ line: UnsafeBufferPointer<UInt8>) -> CivilDate? {
        guard allDigits(line) else { return nil }
        let s = start
        switch order {
        case .dayMonthYear4:
            guard length == 8, let d = Digits.value(line[s..<(s + 2)]), let m = Digits.value(line[(s + 2)..<(s + 4)]),
                let y = Digits.value(line[(s + 4)..<(s + 8)]) else { return nil }
            return CivilDate(year: y, month: m, day: d)
        case .dayMonthYear2:
            guard length == 6, let d = Digits.value(line[s..<(s + 2)]), let m = Digits.value(line[(s + 2)..<(s + 4)]),
                let y = Digits.value(line[(s + 4)..<(s + 6)]) else { return nil }
            return CivilDate(year: y < 70 ? 2000 + y : 1900 + y, month: m, day: d)
        case .year4MonthDay:
            guard length == 8, let y = Digits.value(line[s..<(s + 4)]), let m = Digits.value(line[(s + 4)..<(s + 6)]),
                let d = Digits.value(line[(s + 6)..<(s + 8)]) else { return nil }
            return CivilDate(year: y, month: m, day: d)
        }
    }

    /// The field's value as text (for code lookups and messages); nil when absent.
    public func text(in line: UnsafeBufferPointer<UInt8>) -> String? {
        var lo = start
        var hi = start + length
        while lo < hi, CompiledField.isBlank(line[lo]) { lo += 1 }
        while hi > lo, CompiledField.isBlank(line[hi - 1]) { hi -= 1 }
        return lo == hi ? nil : TextBytes.decode(line[lo..<hi])
    }

    /// The field's value as an integer (numeric pictures; units for `V`); nil when blank or not digits.
    public func integer(in line: UnsafeBufferPointer<UInt8>) -> Int? {
        if allBlank(line) { return nil }
        return Digits.value(line[start..<(start + length)])
    }

    /// The field's value as a date; nil when blank, zero or invalid.
    public func date(in line: UnsafeBufferPointer<UInt8>) -> CivilDate? {
        guard case .date(let order) = format else { return nil }
        return decodeDate(order, line)
    }

    /// Appends the field's JSON value; returns false (appending nothing) when the value is absent.
    /// `reasonText` names a reason code for `reasons` fields.
    func appendJSON(
        _ line: UnsafeBufferPointer<UInt8>, to out: inout [UInt8], reasonText: ((String) -> String?)?
    ) -> Bool {
        let end = start + length
        switch format {
        case .text:
            var lo = start
            var hi = end
            while lo < hi, CompiledField.isBlank(line[lo]) { lo += 1 }
            while hi > lo, CompiledField.isBlank(line[hi - 1]) { hi -= 1 }
            if lo == hi { return false }
            JSONBytes.appendText(line[lo..<hi], to: &out)
        case .digits:
            if allBlank(line) || allZero(line) { return false }
            var lo = start
            var hi = end
            while lo < hi, CompiledField.isBlank(line[lo]) { lo += 1 }
            while hi > lo, CompiledField.isBlank(line[hi - 1]) { hi -= 1 }
            JSONBytes.appendText(line[lo..<hi], to: &out)
        case .units, .int:
            if allBlank(line) { return false }
            var lo = start
            while lo < end - 1, line[lo] == 48 || CompiledField.isBlank(line[lo]) { lo += 1 }
            for i in lo..<end { out.append(line[i]) }
        case .date(let order):
            guard let d = decodeDate(order, line) else { return false }
            out.append(UInt8(ascii: "\""))
            appendPadded(d.year, 4, &out)
            out.append(UInt8(ascii: "-"))
            appendPadded(d.month, 2, &out)
            out.append(UInt8(ascii: "-"))
            appendPadded(d.day, 2, &out)
            out.append(UInt8(ascii: "\""))
        case .time:
            if allBlank(line) { return false }
            out.append(UInt8(ascii: "\""))
            out.append(line[start]); out.append(line[start + 1]); out.append(UInt8(ascii: ":"))
            out.append(line[start + 2]); out.append(line[start + 3]); out.append(UInt8(ascii: ":"))
            out.append(line[start + 4]); out.append(line[start + 5])
            out.append(UInt8(ascii: "\""))
        case .document:
            if allBlank(line) || allZero(line) { return false }
            var lo = start
            var hi = end
            while lo < hi, CompiledField.isBlank(line[lo]) { lo += 1 }
            while hi > lo, CompiledField.isBlank(line[hi - 1]) { hi -= 1 }
            out.append(UInt8(ascii: "\""))
            // Keep the document's own width: 11 for a CPF, 14 for a CNPJ, dropping the field's extra zeros.
            var keep = hi - lo
            if let typeOffset = documentTypeOffset {
                switch line[typeOffset] {
                case UInt8(ascii: "1"): keep = 11
                case UInt8(ascii: "2"): keep = 14
                default: break
                }
            }
            var first = max(lo, hi - keep)
            for i in lo..<first where line[i] != 48 { first = lo; break }
            for i in first..<hi { out.append(line[i]) }
            out.append(UInt8(ascii: "\""))
        case .reasons:
            var any = false
            var i = start
            while i + 1 < end {
                let a = line[i]
                let b = line[i + 1]
                i += 2
                if CompiledField.isBlank(a) && CompiledField.isBlank(b) { continue }
                if a == 48 && b == 48 { continue }
                out.append(any ? UInt8(ascii: ",") : UInt8(ascii: "["))
                any = true
                out.append(contentsOf: [UInt8(ascii: "{"), UInt8(ascii: "\"")])
                out.append(contentsOf: "code\":".utf8)
                JSONBytes.appendText(line[(i - 2)..<i], to: &out)
                if let reasonText, let text = reasonText(TextBytes.decode(line[(i - 2)..<i])) {
                    out.append(contentsOf: ",\"text\":".utf8)
                    JSONBytes.appendString(text, to: &out)
                }
                out.append(UInt8(ascii: "}"))
            }
            if !any { return false }
            out.append(UInt8(ascii: "]"))
        case .enumeration:
            if allBlank(line) { return false }
            for entry in enumMap where entry.raw.count == length {
                var equal = true
                for k in 0..<length where line[start + k] != entry.raw[k] { equal = false; break }
                if equal {
                    JSONBytes.appendString(entry.value, to: &out)
                    return true
                }
            }
            var lo = start
            var hi = end
            while lo < hi, CompiledField.isBlank(line[lo]) { lo += 1 }
            while hi > lo, CompiledField.isBlank(line[hi - 1]) { hi -= 1 }
            JSONBytes.appendText(line[lo..<hi], to: &out)
        }
        return true
    }

    @inline(__always)
    func appendPadded(_ v: Int, _ width: Int, _ out: inout [UInt8]) {
        var div = 1
        for _ in 1..<width { div *= 10 }
        var x = v
        while div > 0 {
            out.append(UInt8(48 + (x / div) % 10))
            x %= div
            div /= 10
        }
    }
}
