import Records

/// Windows-1252 ("WinAnsiEncoding" in PDF): what the PDF's standard fonts and the LST's print
/// lines use, one byte per character, so that ç, ã, é print as themselves.
public enum WinAnsi {
    /// Unicode scalars of bytes 0x80…0x9F (the rest of 0xA0…0xFF is Latin-1).
    static let high: [UInt32: UInt8] = {
        var map: [UInt32: UInt8] = [:]
        for b in UInt8(0x80)...UInt8(0x9F) {
            let scalar = TextBytes.cp1252Scalar(b)
            if scalar != UInt32(b) { map[scalar] = b }
        }
        return map
    }()

    /// The bytes of UTF-8 `text`; a character Windows-1252 lacks becomes `?`.
    public static func encode(_ text: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        append(text, to: &out)
        return out
    }

    /// Appends the Windows-1252 bytes of UTF-8 `text`.
    public static func append(_ text: [UInt8], to out: inout [UInt8]) {
        append(text[...], to: &out)
    }

    /// Appends the Windows-1252 bytes of UTF-8 `slice`.
    public static func append(_ slice: ArraySlice<UInt8>, to out: inout [UInt8]) {
        slice.withUnsafeBufferPointer { append($0, to: &out) }
    }

    /// Appends the Windows-1252 bytes of UTF-8 `text`: runs of ASCII (most of a letter) copied
    /// at once, a malformed sequence or a character Windows-1252 lacks as `?`.
    public static func append(_ text: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        var i = 0
        let n = text.count
        while i < n {
            var run = i
            while run < n, text[run] < 0x80 { run += 1 }
            if run > i {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: text[i..<run]))
                i = run
                if i == n { break }
            }
            let b = text[i]
            var scalar: UInt32
            var extra: Int
            if b & 0xE0 == 0xC0 {
                scalar = UInt32(b & 0x1F); extra = 1
            } else if b & 0xF0 == 0xE0 {
                scalar = UInt32(b & 0x0F); extra = 2
            } else if b & 0xF8 == 0xF0 {
                scalar = UInt32(b & 0x07); extra = 3
            } else {
                out.append(UInt8(ascii: "?")); i += 1; continue
            }
            guard i + extra < n else {
                out.append(UInt8(ascii: "?")); break
            }
            var ok = true
            for k in 1...extra {
                let c = text[i + k]
                if c & 0xC0 != 0x80 { ok = false; break }
                scalar = scalar << 6 | UInt32(c & 0x3F)
            }
            i += extra + 1
            guard ok else { out.append(UInt8(ascii: "?")); continue }
            if scalar >= 0xA0 && scalar <= 0xFF {
                out.append(UInt8(scalar))
            } else if let byte = high[scalar] {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "?"))
            }
        }
    }
}
