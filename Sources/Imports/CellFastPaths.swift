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

    /// The classes of a cell's bytes or'ed together: one table load per byte.
    @inline(__always)
    static func textClasses(_ text: UnsafeBufferPointer<UInt8>) -> UInt8 {
        var classes: UInt8 = 0
        for b in text { classes |= textClass[Int(b)] }
        return classes
    }

    /// A `dd/MM/yyyy` date (the common spelling) as its JSON string `"yyyy-MM-dd"`, the digits
    /// moved rather than computed; false (nothing appended) for any other shape or a day that
    /// does not exist, which `CellParsers.date` then reads or refuses.
    @inline(__always)
    static func appendDayMonthYear(_ text: UnsafeBufferPointer<UInt8>, to out: inout ByteBuffer) -> Bool {
        guard text.count == 10, text[2] == UInt8(ascii: "/"), text[5] == UInt8(ascii: "/") else { return false }
        let p = text.baseAddress!
        @inline(__always) func digit(_ i: Int) -> Int { Int(p[i] &- 48) }
        for i in 0..<10 where i != 2 && i != 5 && p[i] &- 48 > 9 { return false }
        let day = digit(0) * 10 + digit(1), month = digit(3) * 10 + digit(4)
        let year = digit(6) * 1000 + digit(7) * 100 + digit(8) * 10 + digit(9)
        guard CivilDate(year: year, month: month, day: day) != nil else { return false }
        out.reserve(12)
        let o = out.base + out.count
        o[0] = 0x22
        o[1] = p[6]; o[2] = p[7]; o[3] = p[8]; o[4] = p[9]
        o[5] = 0x2D
        o[6] = p[3]; o[7] = p[4]
        o[8] = 0x2D
        o[9] = p[0]; o[10] = p[1]
        o[11] = 0x22
        out.count += 12
        return true
    }

    /// An integer's decimal digits (as `JSONBytes.appendInt` writes them), written from the
    /// right straight into the buffer.
    @inline(__always)
    static func appendInt(_ value: Int, to out: inout ByteBuffer) {
        guard value > 0 else {
            JSONBytes.appendInt(value, to: &out)
            return
        }
        var digits = 1
        var power = 10
        while digits < 19 && value >= power {
            digits += 1
            power &*= 10
        }
        out.reserve(digits)
        var v = value
        let o = out.base + out.count
        var i = digits
        while i > 0 {
            i -= 1
            o[i] = UInt8(truncatingIfNeeded: 48 + v % 10)
            v /= 10
        }
        out.count += digits
    }
}
