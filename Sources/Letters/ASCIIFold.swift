import Records

/// Portuguese (and other Latin-1) letters without their accents, for the LST's ASCII control
/// records: `Conceição` → `Conceicao`. Characters it does not know are left for the layout
/// encoder to fold or refuse.
enum ASCIIFold {
    /// The base letters of Latin-1's 0xC0…0xFF (`_`: none, e.g. Æ, ×, ß).
    static let table: [UInt8] = Array("AAAAAA_CEEEEIIII_NOOOOO_OUUUUY__aaaaaa_ceeeeiiii_nooooo_ouuuuy_y".utf8)

    static func fold(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        append(text.utf8, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `fold` of UTF-8 `text` into `out` (cleared first).
    static func fold<C: Collection>(_ text: C, into out: inout [UInt8]) where C.Element == UInt8 {
        out.removeAll(keepingCapacity: true)
        append(text, to: &out)
    }

    /// `append(_:to:)` of bytes in memory: runs of ASCII (most of a name) appended at once, each
    /// other sequence as `append(_:to:)` takes it (its lead byte says how many bytes it has,
    /// whatever they are).
    static func append(_ text: ArraySlice<UInt8>, to out: inout [UInt8]) {
        text.withUnsafeBufferPointer { append($0, to: &out) }
    }

    /// `append(_:to:)` of bytes in memory (see the `ArraySlice` one).
    static func append<Out: ByteAppending>(_ b: UnsafeBufferPointer<UInt8>, to out: inout Out) {
        let n = b.count
        var i = 0
        while i < n {
            let run = WinAnsi.asciiRun(b, from: i)
            if run > i {
                out.appendBytes(UnsafeBufferPointer(rebasing: b[i..<run]))
                i = run
                if i == n { break }
            }
            let lead = b[i]
            let length = lead & 0xE0 == 0xC0 ? 2 : lead & 0xF0 == 0xE0 ? 3 : lead & 0xF8 == 0xF0 ? 4 : 0
            if length == 0 {
                out.append(lead)
                i += 1
                continue
            }
            // A sequence cut short (not valid UTF-8): its bytes as they were.
            guard i + length <= n else {
                out.appendBytes(UnsafeBufferPointer(rebasing: b[i..<n]))
                break
            }
            var packed: UInt32 = 0
            for k in 0..<length { packed = packed << 8 | UInt32(b[i + k]) }
            flush(packed, length, to: &out)
            i += length
        }
    }

    /// Appends `fold` of valid UTF-8 `text`: U+00C0…U+00FF (C3 80…C3 BF) become their base
    /// letter when they have one, and so do the Latin Extended letters the PDF and the LST's
    /// print lines fold (`WinAnsi.folded`: Ł → L, ő → o, ễ → e), so that a name the PDF prints
    /// the LST's address block holds too; every other byte is copied.
    static func append<C: Collection, Out: ByteAppending>(_ text: C, to out: inout Out) where C.Element == UInt8 {
        // A multibyte sequence being read: its bytes packed (first in the high byte), how many
        // were read, and how many it has.
        var packed: UInt32 = 0
        var have = 0
        var length = 0
        for b in text {
            if length > 0 {
                packed = packed << 8 | UInt32(b)
                have += 1
                if have == length {
                    flush(packed, length, to: &out)
                    length = 0
                }
                continue
            }
            if b < 0x80 {
                out.append(b)
                continue
            }
            length = b & 0xE0 == 0xC0 ? 2 : b & 0xF0 == 0xE0 ? 3 : b & 0xF8 == 0xF0 ? 4 : 0
            if length == 0 {
                out.append(b)
                continue
            }
            packed = UInt32(b)
            have = 1
        }
        // A sequence cut short (not valid UTF-8): its bytes as they were.
        if length > 0 { for k in stride(from: have - 1, through: 0, by: -1) { out.append(UInt8(truncatingIfNeeded: packed >> (8 * UInt32(k)))) } }
    }

    /// Appends one whole UTF-8 sequence (`length` bytes packed in `packed`): its base letter when
    /// it has one, else its bytes.
    static func flush<Out: ByteAppending>(_ packed: UInt32, _ length: Int, to out: inout Out) {
        if length == 2, packed >> 8 == 0xC3 {
            let base = table[Int(packed & 0x3F)]
            if base != UInt8(ascii: "_") {
                out.append(base)
                return
            }
        } else if length == 2 || length == 3 {
            let scalar =
                length == 2
                ? (packed >> 8 & 0x1F) << 6 | packed & 0x3F
                : (packed >> 16 & 0x0F) << 12 | (packed >> 8 & 0x3F) << 6 | packed & 0x3F
            if (0x100...0x24F).contains(scalar) || (0x1E00...0x1EFF).contains(scalar), let base = WinAnsi.folded[scalar] {
                out.append(base)
                return
            }
        }
        for k in stride(from: length - 1, through: 0, by: -1) { out.append(UInt8(truncatingIfNeeded: packed >> (8 * UInt32(k)))) }
    }
}
