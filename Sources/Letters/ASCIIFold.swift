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

    /// Appends `fold` of valid UTF-8 `text`: U+00C0…U+00FF (C3 80…C3 BF) become their base
    /// letter when they have one; every other byte is copied.
    static func append<C: Collection>(_ text: C, to out: inout [UInt8]) where C.Element == UInt8 {
        var lead: UInt8 = 0
        for b in text {
            if lead == 0xC3 {
                let base = table[Int(b & 0x3F)]
                if base != UInt8(ascii: "_") { out.append(base) } else { out.append(lead); out.append(b) }
                lead = 0
            } else if b == 0xC3 {
                lead = b
            } else {
                out.append(b)
            }
        }
        if lead != 0 { out.append(lead) }
    }
}
