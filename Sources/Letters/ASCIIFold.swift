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
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if v < 0x80 {
                out.append(UInt8(v))
            } else if v >= 0xC0, v <= 0xFF, table[Int(v - 0xC0)] != UInt8(ascii: "_") {
                out.append(table[Int(v - 0xC0)])
            } else {
                out += Array(String(scalar).utf8)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
