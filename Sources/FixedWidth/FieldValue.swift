import Records

/// A field whose bytes do not fit its picture or format.
public struct FieldProblem: Sendable, Hashable {
    /// The code's last part: `numeric`, `date`, `time`, `document`.
    public let kind: String
    /// What was expected and found.
    public let message: String
}

/// The texts of reason codes of 2 to 4 characters, as ready-made JSON objects
/// `{"code":"08","text":"…"}`. A two-character code (nearly all) finds its object by its two
/// bytes in a flat table, with no hashing (retornos carry five codes a line, most of them
/// blank, the rest a few codes over and over); longer ones by `key` in a dictionary. A class:
/// the threads formatting títulos share one, and pass it on with no reference counting of its
/// tables (each count an atomic operation on memory both threads write).
public final class ReasonTexts: Sendable {
    /// Codes of 3 or 4 bytes → JSON object.
    let long: [UInt64: [UInt8]]
    /// Per pair of printable ASCII bytes (`pairIndex`), where its JSON object lies in
    /// `pairBytes`: start << 32 | count (0: the code has no text).
    let pairs: [UInt64]
    let pairBytes: [UInt8]

    /// A code's bytes (up to 4) packed into one number, the first byte highest, with the length
    /// above them, so that "01" and "001" differ.
    @inline(__always)
    public static func key(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var k = UInt64(bytes.count) << 32
        for (i, b) in bytes.prefix(4).enumerated() { k |= UInt64(b) << UInt64(24 - 8 * i) }
        return k
    }

    /// The flat table's index of a two-byte code, when both bytes are printable ASCII.
    @inline(__always)
    static func pairIndex(_ a: UInt8, _ b: UInt8) -> Int? {
        guard a >= 0x20, a < 0x7F, b >= 0x20, b < 0x7F else { return nil }
        return Int(a &- 0x20) * 95 + Int(b &- 0x20)
    }

    /// Builds the table from code → text.
    public init(_ texts: [String: String]) {
        var long: [UInt64: [UInt8]] = [:]
        var pairs = [UInt64](repeating: 0, count: 95 * 95)
        var pairBytes: [UInt8] = []
        for (code, text) in texts.sorted(by: { $0.key < $1.key }) {
            let bytes = Array(code.utf8)
            guard (2...4).contains(bytes.count) else { continue }
            var object: [UInt8] = Array("{\"code\":".utf8)
            JSONBytes.appendString(code, to: &object)
            object += Array(",\"text\":".utf8)
            JSONBytes.appendString(text, to: &object)
            object.append(UInt8(ascii: "}"))
            if bytes.count == 2, let k = Self.pairIndex(bytes[0], bytes[1]) {
                pairs[k] = UInt64(pairBytes.count) << 32 | UInt64(object.count)
                pairBytes += object
            } else {
                long[bytes.withUnsafeBufferPointer { Self.key($0) }] = object
            }
        }
        self.long = long
        self.pairs = pairs
        self.pairBytes = pairBytes
    }

    /// Appends the JSON object of `code`'s text; false (appending nothing) when it has none.
    @inline(__always)
    func append(_ code: UnsafeBufferPointer<UInt8>, to out: inout ByteBuffer) -> Bool {
        if code.count == 2, let k = Self.pairIndex(code[0], code[1]) {
            let place = pairs[k]
            if place == 0 { return false }
            pairBytes.withUnsafeBufferPointer { bytes in
                out.appendBytes(UnsafeBufferPointer(rebasing: bytes[Int(place >> 32)..<Int((place >> 32) + (place & 0xFFFF_FFFF))]))
            }
            return true
        }
        guard let known = long[Self.key(code)] else { return false }
        out.append(known)
        return true
    }
}

/// A raw enum value and the JSON string it becomes.
public struct EnumEntry: Sendable, Hashable {
    /// The bytes as written in the file.
    public let raw: [UInt8]
    /// The emitted value, as a JSON string literal with its quotes.
    public let json: [UInt8]
}

/// The hot-path form of a field: plain values only, so copying it costs nothing and the
/// per-line loops do no reference counting. `CompiledField` wraps one with the field's names.
public struct FieldSpec: Sendable, Hashable {
    /// 0-based start offset.
    public var start: Int
    /// Width in bytes.
    public var length: Int
    /// How the bytes become a value.
    public var format: FieldFormat
    /// For `document` fields: offset of the one-byte `…document_type` sibling, or -1.
    public var typeOffset: Int
    /// For `enum` fields: index into the layout's enum tables, or -1.
    public var enumIndex: Int

    /// What is wrong with a field's bytes.
    public enum ProblemKind: UInt8, Sendable {
        case numeric, document, date, time

        /// The diagnostic code's last part.
        public var name: String {
            switch self {
            case .numeric: return "numeric"
            case .document: return "document"
            case .date: return "date"
            case .time: return "time"
            }
        }
    }

    @inline(__always)
    static func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0 }

    /// A reason code that is none: all blank (or NUL), or all zeros. (Most títulos carry only
    /// such codes: one plain loop, no closures.)
    @inline(__always)
    static func isNoCode(_ code: UnsafeBufferPointer<UInt8>) -> Bool {
        var blank = true, zeros = true
        for c in code {
            if !isBlank(c) { blank = false }
            if c != 48 { zeros = false }
        }
        return blank || zeros
    }

    @inline(__always)
    func allBlank(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        if Words.all(line.baseAddress! + start, length, equal: 0x20) { return true }
        for i in start..<(start + length) where !FieldSpec.isBlank(line[i]) { return false }
        return true
    }

    /// Whether an `enum` field holds zeros that are no code of its table: a numeric field not
    /// filled in (CNAB zero-fills what it leaves out, as it blanks text), so no value, as a
    /// blank one is. (A table that lists its zeros, "00": "none", gives them their name.)
    public func unfilledZeros(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        Words.all(line.baseAddress! + start, length, equal: 0x30)
    }

    @inline(__always)
    func allDigits(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        Words.allDigits(line.baseAddress! + start, length)
    }

    @inline(__always)
    func allZero(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        Words.all(line.baseAddress! + start, length, equal: 48)
    }

    /// The trimmed byte range (blanks and NULs off both ends); empty when the field is blank.
    @inline(__always)
    func trimmed(_ line: UnsafeBufferPointer<UInt8>) -> Range<Int> {
        let p = line.baseAddress! + start
        var lo = start + Words.leading(p, length, equal: 0x20)
        var hi = start + length
        hi -= Words.trailing(line.baseAddress! + lo, hi - lo, equal: 0x20)
        while lo < hi, FieldSpec.isBlank(line[lo]) { lo += 1 }
        while hi > lo, FieldSpec.isBlank(line[hi - 1]) { hi -= 1 }
        return lo..<hi
    }

    /// Checks the bytes against the picture and format; blank fields are absent, not wrong.
    @inline(__always)
    public func problem(in line: UnsafeBufferPointer<UInt8>) -> ProblemKind? {
        switch format {
        case .text, .reasons, .enumeration:
            return nil
        case .digits, .units, .int:
            if allDigits(line) || allBlank(line) { return nil }
            return .numeric
        case .document:
            for i in start..<(start + length) {
                let b = line[i]
                if !(b &- 48 <= 9 || b &- 65 < 26 || FieldSpec.isBlank(b)) { return .document }
            }
            return nil
        case .date(let order):
            if allDigits(line) {
                if allZero(line) || date(order, line) != nil { return nil }
                return .date
            }
            return allBlank(line) ? nil : .date
        case .time:
            if allBlank(line) { return nil }
            guard allDigits(line), length == 6 else { return .time }
            let h = Int(line[start] &- 48) * 10 + Int(line[start + 1] &- 48)
            let m = Int(line[start + 2] &- 48) * 10 + Int(line[start + 3] &- 48)
            let s = Int(line[start + 4] &- 48) * 10 + Int(line[start + 5] &- 48)
            return h < 24 && m < 60 && s < 60 ? nil : .time
        }
    }

    @inline(__always)
    func two(_ line: UnsafeBufferPointer<UInt8>, _ at: Int) -> Int {
        Int(line[at] &- 48) * 10 + Int(line[at + 1] &- 48)
    }

    /// For a date field already known to hold digits: whether it is all zeros or a real date.
    @inline(__always)
    func digitsAreDateOrZero(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        guard case .date(let order) = format else { return true }
        let s = start
        let d: Int, m: Int, y: Int
        switch order {
        case .dayMonthYear4:
            guard length == 8 else { return false }
            d = two(line, s); m = two(line, s + 2); y = two(line, s + 4) * 100 + two(line, s + 6)
        case .dayMonthYear2:
            guard length == 6 else { return false }
            d = two(line, s); m = two(line, s + 2); y = 2000 + two(line, s + 4)
        case .year4MonthDay:
            guard length == 8 else { return false }
            y = two(line, s) * 100 + two(line, s + 2); m = two(line, s + 4); d = two(line, s + 6)
        }
        if d == 0 && m == 0 && (y == 0 || y == 2000) { return allZero(line) }
        guard m >= 1, m <= 12, d >= 1, y >= 1 else { return false }
        return d <= CivilDate.daysIn(month: m, year: y)
    }

    /// The date in a field of digits, or nil when it does not exist.
    func date(_ order: FieldFormat.DateOrder, _ line: UnsafeBufferPointer<UInt8>) -> CivilDate? {
        guard allDigits(line) else { return nil }
        let s = start
        switch order {
        case .dayMonthYear4:
            guard length == 8 else { return nil }
            return CivilDate(year: two(line, s + 4) * 100 + two(line, s + 6), month: two(line, s + 2), day: two(line, s))
        case .dayMonthYear2:
            guard length == 6 else { return nil }
            let y = two(line, s + 4)
            return CivilDate(year: y < 70 ? 2000 + y : 1900 + y, month: two(line, s + 2), day: two(line, s))
        case .year4MonthDay:
            guard length == 8 else { return nil }
            return CivilDate(year: two(line, s) * 100 + two(line, s + 2), month: two(line, s + 4), day: two(line, s + 6))
        }
    }

    /// Appends the field's JSON value; returns false (appending nothing) when the value is absent.
    @inline(__always)
    func appendJSON(
        _ line: UnsafeBufferPointer<UInt8>, to out: inout ByteBuffer, enumTable: [EnumEntry]?,
        reasons: ReasonTexts?
    ) -> Bool {
        switch format {
        case .reasons, .enumeration:
            return appendCoded(line, to: &out, enumTable: enumTable, reasons: reasons)
        default:
            return appendPlain(line, to: &out)
        }
    }

    /// Appends a value that needs no table (everything but reasons and enums).
    @inline(__always)
    func appendPlain(_ line: UnsafeBufferPointer<UInt8>, to out: inout ByteBuffer) -> Bool {
        let end = start + length
        switch format {
        case .text:
            let r = trimmed(line)
            if r.isEmpty { return false }
            JSONBytes.appendText(UnsafeBufferPointer(rebasing: line[r]), to: &out)
        case .digits:
            if allZero(line) { return false }
            let r = trimmed(line)
            if r.isEmpty { return false }
            JSONBytes.appendText(UnsafeBufferPointer(rebasing: line[r]), to: &out)
        case .units, .int:
            if allBlank(line) { return false }
            var lo = start + Words.leading(line.baseAddress! + start, length - 1, equal: 48)
            while lo < end - 1, line[lo] == 48 || FieldSpec.isBlank(line[lo]) { lo += 1 }
            out.appendBytes(UnsafeBufferPointer(rebasing: line[lo..<end]))
        case .date(let order):
            guard let d = date(order, line) else { return false }
            out.reserve(12)
            d.writeQuoted(to: out.base + out.count)
            out.count += 12
        case .time:
            if allBlank(line) { return false }
            out.append(34)
            out.append(line[start]); out.append(line[start + 1]); out.append(58)
            out.append(line[start + 2]); out.append(line[start + 3]); out.append(58)
            out.append(line[start + 4]); out.append(line[start + 5])
            out.append(34)
        case .document:
            if allZero(line) { return false }
            let r = trimmed(line)
            if r.isEmpty { return false }
            // Keep the document's own width: 11 for a CPF, 14 for a CNPJ, dropping the field's extra zeros.
            var keep = r.count
            if typeOffset >= 0 {
                switch line[typeOffset] {
                case UInt8(ascii: "1"): keep = 11
                case UInt8(ascii: "2"): keep = 14
                default: break
                }
            }
            var first = max(r.lowerBound, r.upperBound - keep)
            for i in r.lowerBound..<first where line[i] != 48 { first = r.lowerBound; break }
            JSONBytes.appendText(UnsafeBufferPointer(rebasing: line[first..<r.upperBound]), to: &out)
        case .reasons, .enumeration:
            return false
        }
        return true
    }

    /// Appends a value read through a table: reason codes with their texts, or an enum's name.
    /// A reasons field's codes of `width` bytes as a JSON array (each its text from `reasons`, or
    /// `{"code":…}`), false when it holds none: a blank or all-zero code is no code, and the
    /// blank rest of a field (most hold a code or two) is passed over at once.
    @inline(__always)
    static func appendReasons(
        _ field: UnsafePointer<UInt8>, length end: Int, width: Int, to out: inout ByteBuffer, reasons: ReasonTexts?
    ) -> Bool {
        var any = false
        var i = 0
        while i + width <= end {
            if Words.all(field + i, end &- i, equal: 0x20) { break }
            let code = UnsafeBufferPointer(start: field + i, count: width)
            i += width
            if isNoCode(code) { continue }
            out.append(any ? UInt8(ascii: ",") : UInt8(ascii: "["))
            any = true
            if reasons?.append(code, to: &out) != true {
                out.append(contentsOf: "{\"code\":")
                JSONBytes.appendText(code, to: &out)
                out.append(UInt8(ascii: "}"))
            }
        }
        if any { out.append(UInt8(ascii: "]")) }
        return any
    }

    func appendCoded(
        _ line: UnsafeBufferPointer<UInt8>, to out: inout ByteBuffer, enumTable: [EnumEntry]?, reasons: ReasonTexts?
    ) -> Bool {
        let end = start + length
        switch format {
        case .reasons(let width):
            return Self.appendReasons(line.baseAddress! + start, length: end - start, width: width, to: &out, reasons: reasons)
        case .enumeration:
            let r = trimmed(line)
            if r.isEmpty { return false }
            for entry in enumTable ?? [] where entry.raw.count == length {
                var equal = true
                for k in 0..<length where line[start + k] != entry.raw[k] { equal = false; break }
                if equal {
                    out.append(entry.json)
                    return true
                }
            }
            if unfilledZeros(line) { return false }
            JSONBytes.appendText(UnsafeBufferPointer(rebasing: line[r]), to: &out)
        default:
            return appendPlain(line, to: &out)
        }
        return true
    }
}

extension CompiledField {
    /// The field's bytes in quotes for a message, a control character shown by its code
    /// (`"10<U+0001>42026"`), so that a diagnostic is one line of printable text.
    func quoted(_ line: UnsafeBufferPointer<UInt8>) -> String {
        "\"" + Diagnostic.showingControls(TextBytes.decode(line[start..<min(line.count, start + length)])) + "\""
    }

    /// Checks the field's bytes against its picture and format. Blank fields are absent, not wrong.
    public func problem(in line: UnsafeBufferPointer<UInt8>) -> FieldProblem? {
        guard let kind = spec.problem(in: line) else { return nil }
        return FieldProblem(kind: kind.name, message: message(for: kind, line))
    }

    /// The message for a problem of this field.
    public func message(for kind: FieldSpec.ProblemKind, _ line: UnsafeBufferPointer<UInt8>) -> String {
        switch kind {
        case .numeric: return "expected digits (\(picture.text)) in \(name), found \(quoted(line))"
        case .document: return "expected a CPF/CNPJ (digits or A-Z) in \(name), found \(quoted(line))"
        case .time: return "invalid time \(quoted(line)) in \(name) (HHMMSS)"
        case .date:
            var pattern = "DDMMAAAA"
            if case .date(let order) = format {
                pattern = order == .dayMonthYear4 ? "DDMMAAAA" : order == .dayMonthYear2 ? "DDMMAA" : "AAAAMMDD"
            }
            return "invalid date \(quoted(line)) in \(name) (\(pattern))"
        }
    }

    /// The field's value as text (for code lookups and messages); nil when absent.
    public func text(in line: UnsafeBufferPointer<UInt8>) -> String? {
        let r = spec.trimmed(line)
        return r.isEmpty ? nil : TextBytes.decode(line[r])
    }

    /// The field's value as an integer (numeric pictures; units for `V`); nil when blank or not digits.
    public func integer(in line: UnsafeBufferPointer<UInt8>) -> Int? {
        spec.integer(in: line)
    }

    /// The field's value as a date; nil when blank, zero or invalid.
    public func date(in line: UnsafeBufferPointer<UInt8>) -> CivilDate? {
        guard case .date(let order) = format else { return nil }
        return spec.date(order, line)
    }

    /// Appends the field's JSON value; returns false (appending nothing) when the value is absent.
    public func appendJSON(_ line: UnsafeBufferPointer<UInt8>, to out: inout [UInt8], reasons: ReasonTexts? = nil) -> Bool {
        var buffer = ByteBuffer(capacity: 256)
        defer { buffer.deallocate() }
        let present = spec.appendJSON(line, to: &buffer, enumTable: enumMap, reasons: reasons)
        out.append(contentsOf: buffer.bytes)
        return present
    }
}

extension FieldSpec {
    /// Whether the field is all blanks (or NULs).
    @inline(__always)
    public func isBlank(in line: UnsafeBufferPointer<UInt8>) -> Bool { allBlank(line) }

    /// The value as text, blanks trimmed; nil when blank.
    public func text(in line: UnsafeBufferPointer<UInt8>) -> String? {
        let r = trimmed(line)
        return r.isEmpty ? nil : TextBytes.decode(line[r])
    }

    /// The value as an integer; nil when blank or not digits.
    @inline(__always)
    public func integer(in line: UnsafeBufferPointer<UInt8>) -> Int? {
        // Only a field of digits has a value: one pass, no second look for blanks.
        Words.integer(line.baseAddress! + start, length, readable: line.count - start)
    }
}
