import Records

/// Shortcuts for the cells most rows have, each giving exactly the bytes of the general path
/// it stands in front of (which still takes every other shape and every error).
enum CellFastPaths {
    /// Byte classes for text cells: 1 needs a JSON escape (control, `"`, `\`, DEL), 2 not
    /// ASCII, 0 copied as is. Filled once when first used and only read afterwards, from any
    /// thread (hence `nonisolated(unsafe)`).
    nonisolated(unsafe) static let textClass: UnsafeMutablePointer<UInt8> = {
        let t = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        for b in 0..<256 { t[b] = b < 0x20 || b == 0x22 || b == 0x5C || b == 0x7F ? 1 : b >= 0x80 ? 2 : 0 }
        return t
    }()

    /// The classes of a cell's bytes or'ed together: one table load per byte (cells are short:
    /// eight bytes at a time by bit tricks costs more for them).
    @inline(__always)
    static func textClasses(_ text: UnsafeBufferPointer<UInt8>) -> UInt8 {
        var classes: UInt8 = 0
        for b in text { classes |= textClass[Int(b)] }
        return classes
    }

    /// `textClasses` of the `n` bytes at `p` (`table`: `textClass`, loaded once by the caller).
    @inline(__always)
    static func textClasses(_ p: UnsafePointer<UInt8>, _ n: Int, _ table: UnsafePointer<UInt8>) -> UInt8 {
        var classes: UInt8 = 0
        for j in 0..<n { classes |= table[Int(p[j])] }
        return classes
    }

    /// Whether the `n` bytes at `p` are all ASCII digits (`DocumentText.areDigits` a word at a
    /// time from 4 bytes on, two loads overlapping).
    @inline(__always)
    static func areDigits(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        let raw = UnsafeRawPointer(p)
        let nibbles: UInt64 = 0xF0F0_F0F0_F0F0_F0F0, threes: UInt64 = 0x3030_3030_3030_3030
        @inline(__always) func digits(_ w: UInt64) -> Bool { w & nibbles == threes && (w &+ 0x0606_0606_0606_0606) & nibbles == threes }
        if n >= 8 {
            var i = 0
            while i &+ 8 <= n {
                guard digits(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) else { return false }
                i &+= 8
            }
            return i == n || digits(raw.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self))
        }
        if n >= 4 {
            return digits(UInt64(raw.loadUnaligned(as: UInt32.self)) | UInt64(raw.loadUnaligned(fromByteOffset: n &- 4, as: UInt32.self)) << 32)
        }
        for j in 0..<n where p[j] &- 48 > 9 { return false }
        return true
    }

    /// A `dd/MM/yyyy` date (the common spelling) as its JSON string `"yyyy-MM-dd"`, the digits
    /// moved rather than computed; false (nothing appended) for any other shape or a day that
    /// does not exist, which `CellParsers.date` then reads or refuses.
    @inline(__always)
    static func appendDayMonthYear(_ text: UnsafeBufferPointer<UInt8>, to out: inout ByteBuffer) -> Bool {
        guard let p = text.baseAddress else { return false }
        out.reserve(12)
        guard writeDayMonthYear(p, text.count, to: out.base + out.count) else { return false }
        out.count += 12
        return true
    }

    /// `appendDayMonthYear` into memory with room for 12 bytes: true when the 12 were stored.
    @inline(__always)
    static func writeDayMonthYear(_ p: UnsafePointer<UInt8>, _ n: Int, to o: UnsafeMutablePointer<UInt8>) -> Bool {
        guard n == 10 else { return false }
        // `dd/MM/yy` as one word (slashes at bytes 2 and 5), then the last two digits.
        let w = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self)
        let slashes: UInt64 = 0x0000_2F00_002F_0000, slashBytes: UInt64 = 0x0000_FF00_00FF_0000
        let digitBytes = ~slashBytes
        let nibbles = 0xF0F0_F0F0_F0F0_F0F0 & digitBytes, threes = 0x3030_3030_3030_3030 & digitBytes
        guard w & slashBytes == slashes, w & nibbles == threes, (w &+ (0x0606_0606_0606_0606 & digitBytes)) & nibbles == threes,
            p[8] &- 48 <= 9, p[9] &- 48 <= 9
        else { return false }
        @inline(__always) func digit(_ i: Int) -> Int { Int(p[i] &- 48) }
        let day = digit(0) * 10 + digit(1), month = digit(3) * 10 + digit(4)
        let year = digit(6) * 1000 + digit(7) * 100 + digit(8) * 10 + digit(9)
        // `CivilDate(year:month:day:)`'s rule, without making the date (4 digits: year <= 9999).
        guard year >= 1, month >= 1, month <= 12, day >= 1, day <= CivilDate.daysIn(month: month, year: year) else { return false }
        // `"yyyy-MM-` and `dd"` composed from the cell's words and stored as two.
        let yy = UInt64(UnsafeRawPointer(p + 8).loadUnaligned(as: UInt16.self))
        let first = 0x22 | (w >> 48) << 8 | yy << 24 | 0x2D << 40 | ((w >> 24) & 0xFFFF) << 48
        let last = UInt32(0x2D) | UInt32(truncatingIfNeeded: w & 0xFFFF) << 8 | 0x22 << 24
        UnsafeMutableRawPointer(o).storeBytes(of: first, as: UInt64.self)
        UnsafeMutableRawPointer(o + 8).storeBytes(of: last, as: UInt32.self)
        return true
    }

    /// An amount written the Brazilian way with two decimals and no sign, blank or `R$`
    /// (`1.234,56`, `0,50`, `1234,56`), its centavos written as `appendInt` writes them into
    /// memory with room for 20 bytes: the cell's digits themselves, without the separators and
    /// the zeros before the first other digit (`"0"` for none). Returns the bytes stored; 0 for
    /// any other shape (bytes may then have been stored, not part of the output), which
    /// `CellParsers.amount` then reads or refuses (its `auto` and `br` styles give these cells
    /// the same value).
    @inline(__always)
    static func writeBrazilianCents(_ p: UnsafePointer<UInt8>, _ n: Int, to o: UnsafeMutablePointer<UInt8>) -> Int {
        guard n >= 4, n <= 20, p[n &- 3] == UInt8(ascii: ","), p[n &- 2] &- 48 < 10, p[n &- 1] &- 48 < 10 else { return 0 }
        var written = 0
        var run = 0
        var dots = 0
        var firstRun = 0
        var i = 0
        let whole = n &- 3
        while i < whole {
            let c = p[i]
            if c &- 48 < 10 {
                // Stored in any case, kept once a digit other than 0 was.
                o[written] = c
                written &+= written | Int(c ^ 48) != 0 ? 1 : 0
                run &+= 1
            } else if c == UInt8(ascii: ".") {
                // Thousands: the first group of 1 to 3 digits, the others of 3.
                if dots == 0 {
                    guard run >= 1, run <= 3 else { return 0 }
                    firstRun = run
                } else {
                    guard run == 3 else { return 0 }
                }
                dots &+= 1
                run = 0
            } else {
                return 0
            }
            i &+= 1
        }
        guard run >= 1, dots == 0 || run == 3, firstRun <= 3 else { return 0 }
        // At most 15 digits: no overflow, and far from the general path's limit of 17.
        guard whole &- dots <= 15 else { return 0 }
        let tens = p[n &- 2]
        o[written] = tens
        written &+= written | Int(tens ^ 48) != 0 ? 1 : 0
        o[written] = p[n &- 1]
        return written &+ 1
    }

    /// A CEP written `01310-100` as its JSON string `"01310100"` into memory with room for 10
    /// bytes: true when the 10 were stored; false for any other shape, which `CellParsers.cep`
    /// then reads or refuses.
    /// (The first 8 bytes checked as one word, `-` at byte 5, the digits moved 4, 1, 2 and 1 at a time.)
    @inline(__always)
    static func writeHyphenatedCEP(_ p: UnsafePointer<UInt8>, _ n: Int, to o: UnsafeMutablePointer<UInt8>) -> Bool {
        guard n == 9,
            BrazilianDocument.digits(BrazilianDocument.load(p), except: 0x0000_FF00_0000_0000, are: 0x0000_2D00_0000_0000),
            p[8] &- 48 <= 9
        else { return false }
        o[0] = 0x22
        BrazilianDocument.move(4, from: p, to: o + 1)
        o[5] = p[4]
        BrazilianDocument.move(2, from: p + 6, to: o + 6)
        o[8] = p[8]
        o[9] = 0x22
        return true
    }

    /// Which two-letter codes are UFs (`CellParsers.ufTable`), by index (first - A) * 26 +
    /// (second - A), behind a pointer. Filled once, then only read, from any thread.
    nonisolated(unsafe) static let ufCodes: UnsafeMutablePointer<Bool> = {
        let t = UnsafeMutablePointer<Bool>.allocate(capacity: 26 * 26)
        for i in 0..<26 * 26 { t[i] = CellParsers.ufTable[i] }
        return t
    }()

    /// A UF in either case as its uppercase JSON string (`"SP"`) into memory with room for 4
    /// bytes (`codes`: `ufCodes`, loaded once by the caller), as `CellParsers.uf` writes it: true when the 4 were stored; false for anything
    /// else, which `CellParsers.uf` then refuses.
    @inline(__always)
    static func writeUF(_ p: UnsafePointer<UInt8>, _ n: Int, _ codes: UnsafePointer<Bool>, to o: UnsafeMutablePointer<UInt8>) -> Bool {
        guard n == 2 else { return false }
        let a = p[0] & 0xDF, b = p[1] & 0xDF
        guard a &- 65 < 26, b &- 65 < 26, (p[0] | 0x20) &- 97 < 26, (p[1] | 0x20) &- 97 < 26, codes[Int(a &- 65) &* 26 &+ Int(b &- 65)]
        else { return false }
        o[0] = 0x22
        o[1] = a
        o[2] = b
        o[3] = 0x22
        return true
    }

    /// A whole number's decimal digits (as `JSONBytes.appendInt` writes them, a `-` first when
    /// negative) into memory with room for 20 bytes; returns how many bytes were stored.
    @inline(__always)
    static func writeInt(_ value: Int, to o: UnsafeMutablePointer<UInt8>) -> Int {
        var o = o
        var sign = 0
        if value < 0 {
            o[0] = UInt8(ascii: "-")
            o += 1
            sign = 1
        }
        let v = value.magnitude
        var digits = 1
        var power: UInt = 10
        while digits < 19 && v >= power {
            digits &+= 1
            power &*= 10
        }
        _ = JSONBytes.writeDigits(v, endingAt: o + digits)
        return sign &+ digits
    }

    /// An integer's decimal digits (as `JSONBytes.appendInt` writes them), counted, then
    /// written from the right two at a time (`JSONBytes.writeDigits`) straight into the buffer.
    @inline(__always)
    static func appendInt(_ value: Int, to out: inout ByteBuffer) {
        guard value > 0 else {
            JSONBytes.appendInt(value, to: &out)
            return
        }
        var digits = 1
        var power = 10
        while digits < 19 && value >= power {
            digits &+= 1
            power &*= 10
        }
        out.reserve(digits)
        _ = JSONBytes.writeDigits(UInt(bitPattern: value), endingAt: out.base + (out.count &+ digits))
        out.count &+= digits
    }
}
