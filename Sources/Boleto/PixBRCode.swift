import Foundation

/// A Pix BR Code (EMV merchant-presented QR payload, BCB "Manual do BR Code" and "Manual de
/// Padrões para Iniciação do Pix"; facts file §D.1): ID–length–value fields,
///
/// | ID | content |
/// |---|---|
/// | 00 | payload format `01` |
/// | 01 | point of initiation, optional: `11` reusable (static), `12` single use (dynamic) |
/// | 26 | merchant account: 00 `br.gov.bcb.pix`, 01 chave (static), 02 description, 25 location URL without scheme (dynamic) |
/// | 52 | MCC `0000` · 53 currency `986` · 54 amount, optional, dot decimal · 58 `BR` |
/// | 59 | receiver's name (≤ 25) · 60 city (≤ 15) · 61 CEP, optional |
/// | 62 | additional data: 05 txid (`***` when none, always for dynamic) |
/// | 63 | CRC-16/CCITT-FALSE over everything before its value, `6304` included, 4 uppercase hex |
///
/// Lengths count bytes; names and cities are folded to ASCII (accents dropped) when built.
public struct PixBRCode: Sendable, Hashable {
    /// Chave Pix (static code).
    public var key: String?
    /// Location URL without its scheme (dynamic code).
    public var location: String?
    /// Free description (ID 26/02).
    public var description: String?
    /// Amount in centavos (ID 54), nil when the payer types it.
    public var amountCents: Int?
    /// Transaction id (ID 62/05); `***` means none.
    public var txid: String?
    /// Receiver's name (ID 59).
    public var merchantName: String
    /// Receiver's city (ID 60).
    public var merchantCity: String
    /// CEP (ID 61).
    public var postalCode: String?
    /// Point of initiation (ID 01), `11` or `12`; a dynamic code gets `12` when nil.
    public var pointOfInitiation: String?

    /// Creates a code's contents.
    public init(
        key: String? = nil, location: String? = nil, description: String? = nil, amountCents: Int? = nil, txid: String? = nil,
        merchantName: String, merchantCity: String, postalCode: String? = nil, pointOfInitiation: String? = nil
    ) {
        self.key = key
        self.location = location
        self.description = description
        self.amountCents = amountCents
        self.txid = txid
        self.merchantName = merchantName
        self.merchantCity = merchantCity
        self.postalCode = postalCode
        self.pointOfInitiation = pointOfInitiation
    }

    /// Whether this is a dynamic code (a location instead of a key).
    public var isDynamic: Bool { location != nil }

    /// The payload, CRC included.
    public func payload() throws(BoletoError) -> String {
        if (key == nil) == (location == nil) {
            throw BoletoError(BoletoError.Code.pix, "a Pix code needs either a key (static) or a location (dynamic), not \(key == nil ? "neither" : "both")")
        }
        var out: [UInt8] = []
        out.reserveCapacity(160)
        try Self.field("00", "01", into: &out)
        if let p = pointOfInitiation ?? (isDynamic ? "12" : nil) { try Self.field("01", p, into: &out) }
        var account: [UInt8] = []
        try Self.field("00", "br.gov.bcb.pix", into: &account)
        if let key {
            guard !key.isEmpty, key.utf8.count <= 77 else { throw BoletoError(BoletoError.Code.pix, "pix key must have 1…77 characters, found \(key.utf8.count)") }
            try Self.checkPrintable(key, "pix key")
            try Self.field("01", key, into: &account)
        }
        // Optional, so left out when empty, or when it folds to nothing (combining marks alone):
        // EMV fields hold 1…99 bytes.
        if let description, case let folded = Self.ascii(description), !folded.isEmpty { try Self.field("02", folded, into: &account) }
        if var location {
            for scheme in ["https://", "http://"] where location.hasPrefix(scheme) { location.removeFirst(scheme.count) }
            guard !location.isEmpty, location.utf8.count <= 77 else {
                throw BoletoError(BoletoError.Code.pix, "pix location must have 1…77 characters without its scheme, found \(location.utf8.count)")
            }
            try Self.checkPrintable(location, "pix location")
            try Self.field("25", location, into: &account)
        }
        try Self.field("26", account.text, into: &out)
        try Self.field("52", "0000", into: &out)
        try Self.field("53", "986", into: &out)
        if let amountCents {
            guard amountCents > 0, amountCents <= 9_999_999_999_99 else {
                throw BoletoError(BoletoError.Code.pix, "pix amount must be positive and fit 13 characters, found \(amountCents) centavos")
            }
            try Self.field("54", Self.amountText(amountCents), into: &out)
        }
        try Self.field("58", "BR", into: &out)
        let name = Self.ascii(merchantName)
        let city = Self.ascii(merchantCity)
        guard !name.isEmpty, name.utf8.count <= 25 else { throw BoletoError(BoletoError.Code.pix, "pix receiver name must have 1…25 characters, found \(name.utf8.count)") }
        guard !city.isEmpty, city.utf8.count <= 15 else { throw BoletoError(BoletoError.Code.pix, "pix receiver city must have 1…15 characters, found \(city.utf8.count)") }
        guard !Self.isBlank(name) else { throw BoletoError(BoletoError.Code.pix, "pix receiver name must have 1…25 characters, found only blanks") }
        guard !Self.isBlank(city) else { throw BoletoError(BoletoError.Code.pix, "pix receiver city must have 1…15 characters, found only blanks") }
        try Self.field("59", name, into: &out)
        try Self.field("60", city, into: &out)
        if let postalCode, !postalCode.isEmpty { try Self.field("61", postalCode, into: &out) }
        let tx = isDynamic ? "***" : (txid.flatMap { $0.isEmpty ? nil : $0 } ?? "***")
        guard tx == "***" || (tx.utf8.count <= 25 && tx.utf8.allSatisfy { ($0 | 0x20) &- 97 < 26 || $0 &- 48 < 10 }) else {
            throw BoletoError(BoletoError.Code.pix, "pix txid of a static code must be 1…25 letters or digits, found \"\(tx)\"")
        }
        var additional: [UInt8] = []
        try Self.field("05", tx, into: &additional)
        try Self.field("62", additional.text, into: &out)
        out += Array("6304".utf8)
        out += Self.hex(Self.crc16(out))
        return out.text
    }

    /// Reads and validates a payload: its structure, its CRC, and the fields a Pix code must have.
    public static func decode(_ payload: String) throws(BoletoError) -> PixBRCode {
        let b = Array(payload.utf8)
        let fields = try tlv(b[...], offset: 0)
        guard let crcField = fields.last, crcField.id == "63" else {
            throw BoletoError(BoletoError.Code.pix, "a Pix payload ends with its CRC field 63, which is missing", column: b.count)
        }
        guard crcField.value.count == 4 else {
            throw BoletoError(BoletoError.Code.pix, "the CRC field 63 must have 4 hex digits, found \(crcField.value.count)", column: crcField.offset + 1)
        }
        let expected = hex(crc16(Array(b[0..<(crcField.offset + 4)])))
        let found = Array(crcField.value)
        guard found.map({ $0 >= 97 ? $0 - 32 : $0 }) == expected else {
            throw BoletoError(
                BoletoError.Code.checkDigit, "CRC (field 63) is \(found.text), should be \(expected.text)", column: crcField.offset + 5)
        }
        func value(_ id: String) -> String? { fields.first { $0.id == id }.map { Array($0.value).text } }
        guard value("00") == "01" else { throw BoletoError(BoletoError.Code.pix, "field 00 (payload format) must be 01", column: 1) }
        guard let account = fields.first(where: { $0.id == "26" }) else {
            throw BoletoError(BoletoError.Code.pix, "field 26 (Pix merchant account) is missing")
        }
        let sub = try tlv(account.value, offset: account.offset + 4)
        func subValue(_ id: String) -> String? { sub.first { $0.id == id }.map { Array($0.value).text } }
        guard subValue("00")?.lowercased() == "br.gov.bcb.pix" else {
            throw BoletoError(BoletoError.Code.pix, "field 26/00 must be br.gov.bcb.pix", column: account.offset + 5)
        }
        guard subValue("01") != nil || subValue("25") != nil else {
            throw BoletoError(BoletoError.Code.pix, "field 26 has neither a key (01) nor a location (25)", column: account.offset + 1)
        }
        // A key or location is printable ASCII without blanks: a control character (a CR left
        // from a CSV line) or a blank in it is no Pix key, said at its byte.
        for (id, what) in [("01", "key (field 26/01)"), ("25", "location (field 26/25)")] {
            guard let f = sub.first(where: { $0.id == id }), let bad = f.value.firstIndex(where: { !Self.isPrintable($0) }) else { continue }
            let column = f.offset + 4 + (bad - f.value.startIndex) + 1
            throw BoletoError(
                BoletoError.Code.pix,
                "the Pix \(what) has \(Self.describe(byte: f.value[bad])) at byte \(bad - f.value.startIndex + 1): a key or location is printable ASCII, without blanks",
                column: column)
        }
        // The fields every Pix BR Code carries with fixed values (Manual de Padrões para
        // Iniciação do Pix): without them a payload may be another scheme's EMV code, in another
        // currency, whose amount must not be read as reais.
        func field(_ id: String) -> TLV? { fields.first { $0.id == id } }
        guard let category = field("52") else {
            throw BoletoError(BoletoError.Code.pix, "field 52 (merchant category code) is missing; a Pix payload carries it (0000 when none)")
        }
        guard category.value.count == 4, category.value.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            throw BoletoError(
                BoletoError.Code.pix, "field 52 (merchant category code) must be 4 digits, found \"\(Array(category.value).text)\"",
                column: category.offset + 5)
        }
        /// A field whose value is fixed: `expected`, else the payload is refused, saying `why`.
        func fixed(_ id: String, _ what: String, _ expected: String, _ why: String) throws(BoletoError) {
            guard let f = field(id) else {
                throw BoletoError(BoletoError.Code.pix, "field \(id) (\(what)) is missing; \(why)")
            }
            guard Array(f.value).text == expected else {
                throw BoletoError(
                    BoletoError.Code.pix, "field \(id) (\(what)) is \"\(Array(f.value).text)\": \(why)", column: f.offset + 5)
            }
        }
        try fixed("53", "currency", "986", "a Pix payload is in reais, 986")
        try fixed("58", "country", "BR", "a Pix payload's country is BR")
        guard let name = value("59"), let city = value("60") else {
            throw BoletoError(BoletoError.Code.pix, "fields 59 (name) and 60 (city) are required")
        }
        var amount: Int? = nil
        if let a = value("54") {
            guard let cents = amountCents(a) else {
                throw BoletoError(BoletoError.Code.pix, "field 54 (amount) must be a decimal number with at most 2 decimals, found \"\(a)\"")
            }
            amount = cents
        }
        guard let additional = field("62") else {
            throw BoletoError(BoletoError.Code.pix, "field 62 (additional data, with the txid 62/05) is missing; a Pix payload carries it (*** when there is no txid)")
        }
        guard let txid = try tlv(additional.value, offset: additional.offset + 4).first(where: { $0.id == "05" }).map({ Array($0.value).text }) else {
            throw BoletoError(
                BoletoError.Code.pix, "field 62 has no txid (62/05); a Pix payload carries one (*** when there is none)", column: additional.offset + 1)
        }
        return PixBRCode(
            key: subValue("01"), location: subValue("25"), description: subValue("02"), amountCents: amount, txid: txid,
            merchantName: name, merchantCity: city, postalCode: value("61"), pointOfInitiation: value("01"))
    }

    /// Throws when `text`, a Pix key or location named `name` in the message, has a character
    /// the BR Code cannot carry there: a control character (a CR or LF left from a CSV line), a
    /// blank, or anything outside ASCII (keys — CPF, CNPJ, phone, e-mail, random — and location
    /// URLs are printable ASCII, and the field's length counts bytes). Nothing is trimmed.
    public static func checkPrintable(_ text: String, _ name: String) throws(BoletoError) {
        guard let (k, scalar) = text.unicodeScalars.enumerated().first(where: { !($0.element.isASCII && isPrintable(UInt8($0.element.value))) }) else {
            return
        }
        let what = scalar.isASCII ? describe(byte: UInt8(scalar.value)) : "a character outside ASCII (U+\(hex4(scalar.value)))"
        throw BoletoError(
            BoletoError.Code.pix, "\(name) \(text.debugDescription) has \(what) at character \(k + 1): a Pix key or location is printable ASCII, without blanks")
    }

    /// A byte a key or location may hold: printable ASCII, not a blank.
    static func isPrintable(_ b: UInt8) -> Bool { b > 0x20 && b < 0x7F }

    /// What a byte that `isPrintable` refuses is, for a message.
    static func describe(byte b: UInt8) -> String {
        switch b {
        case 0x20: return "a blank"
        case 0x80...: return "a byte outside ASCII (0x\(String(hex4(UInt32(b)).suffix(2))))"
        default: return "a control character (U+\(hex4(UInt32(b))))"
        }
    }

    /// Four uppercase hex digits.
    static func hex4(_ v: UInt32) -> String {
        let h = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - h.count)) + h
    }

    /// Whether a folded name or city is only blanks.
    static func isBlank(_ folded: String) -> Bool { folded.utf8.allSatisfy { $0 == 0x20 } }

    /// CRC-16/CCITT-FALSE: polynomial 0x1021, initial 0xFFFF, no reflection, no final XOR.
    public static func crc16<C: Collection>(_ bytes: C) -> UInt16 where C.Element == UInt8 {
        crcTable.withUnsafeBufferPointer { table in
            var crc: UInt16 = 0xFFFF
            for b in bytes { crc = (crc << 8) ^ table[Int(UInt8(truncatingIfNeeded: crc >> 8) ^ b)] }
            return crc
        }
    }

    /// CRC-16/CCITT-FALSE (polynomial 0x1021) of each byte alone, for a byte at a time.
    static let crcTable: [UInt16] = (0..<256).map { (byte: Int) -> UInt16 in
        var crc = UInt16(byte) << 8
        for _ in 0..<8 { crc = crc & 0x8000 != 0 ? (crc << 1) ^ 0x1021 : crc << 1 }
        return crc
    }

    /// One ID–length–value field and where it starts (0-based) in the payload.
    struct TLV {
        var id: String
        var value: ArraySlice<UInt8>
        var offset: Int
    }

    static func tlv(_ b: ArraySlice<UInt8>, offset: Int) throws(BoletoError) -> [TLV] {
        var out: [TLV] = []
        var i = b.startIndex
        while i < b.endIndex {
            let column = offset + (i - b.startIndex) + 1
            guard i + 4 <= b.endIndex, CheckDigits.allDigits(b[i..<i + 4]) else {
                throw BoletoError(BoletoError.Code.pix, "expected a field: 2-digit id and 2-digit length", column: column)
            }
            let n = digitValue(b[(i + 2)..<(i + 4)])
            guard i + 4 + n <= b.endIndex else {
                throw BoletoError(BoletoError.Code.pix, "field \(Array(b[i..<i + 2]).text) says \(n) bytes, only \(b.endIndex - i - 4) follow", column: column)
            }
            out.append(TLV(id: Array(b[i..<i + 2]).text, value: b[(i + 4)..<(i + 4 + n)], offset: offset + (i - b.startIndex)))
            i += 4 + n
        }
        return out
    }

    static func field(_ id: String, _ value: String, into out: inout [UInt8]) throws(BoletoError) {
        let v = Array(value.utf8)
        guard v.count <= 99 else { throw BoletoError(BoletoError.Code.pix, "field \(id) has \(v.count) bytes, at most 99 fit") }
        out += Array(id.utf8)
        out.append(UInt8(48 + v.count / 10))
        out.append(UInt8(48 + v.count % 10))
        out += v
    }

    static func hex(_ crc: UInt16) -> [UInt8] {
        let digits = Array("0123456789ABCDEF".utf8)
        return [12, 8, 4, 0].map { digits[Int((crc >> UInt16($0)) & 0xF)] }
    }

    /// `12345` ⇒ `123.45`.
    static func amountText(_ cents: Int) -> String {
        let c = cents % 100
        return "\(cents / 100).\(c < 10 ? "0" : "")\(c)"
    }

    /// `123.45`, `123.4`, `123` ⇒ centavos.
    static func amountCents(_ text: String) -> Int? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first, !whole.isEmpty, whole.utf8.count <= 13, CheckDigits.allDigits(whole.utf8) else { return nil }
        var cents = Int(whole)! * 100
        if parts.count == 2 {
            let frac = parts[1]
            guard (1...2).contains(frac.utf8.count), CheckDigits.allDigits(frac.utf8) else { return nil }
            cents += Int(frac)! * (frac.utf8.count == 1 ? 10 : 1)
        }
        return cents
    }

    /// Text folded to printable ASCII: Latin letters lose their accents (beyond Latin-1 too: İ → I,
    /// Ł → L, see `latinBase`), anything else becomes a space.
    /// What the name (59) and city (60) fields hold. The text is composed first (NFC), so an accent
    /// typed as a combining mark (NFD "E\u{301}") folds as the precomposed letter does ("É" → "E"),
    /// and a combining mark no precomposed letter takes (U+0300…U+036F) is dropped: both forms of a
    /// text give the same bytes. Otherwise one byte per Unicode scalar (a flag, one Character of
    /// two scalars, is two blanks).
    public static func ascii(_ text: String) -> String {
        var out = ""
        let composed = text.utf8.allSatisfy { $0 < 0x80 } ? text : text.precomposedStringWithCanonicalMapping
        for scalar in composed.unicodeScalars {
            if scalar.value >= 0x20 && scalar.value < 0x7F {
                out.unicodeScalars.append(scalar)
            } else if let f = fold[scalar.value] {
                out += f
            } else if (0x300...0x36F).contains(scalar.value) {
                continue
            } else if let base = latinBase(scalar) {
                out += base
            } else {
                out += " "
            }
        }
        return out
    }

    /// The plain spelling of a Latin letter beyond Latin-1: its canonical decomposition's base
    /// when that is an ASCII letter (İ Ş Ă Ř Ǎ Ḿ → I S A R A M), else the usual spelling of a
    /// letter with a stroke or a ligature (Ł → L, Đ → D, Œ → OE); nil for anything else.
    static func latinBase(_ scalar: Unicode.Scalar) -> String? {
        if let first = String(scalar).decomposedStringWithCanonicalMapping.unicodeScalars.first, first.isASCII,
            first.properties.isAlphabetic
        {
            return String(first)
        }
        return strokes[scalar.value]
    }

    static let strokes: [UInt32: String] = [
        0x141: "L", 0x142: "l", 0x110: "D", 0x111: "d", 0xD8: "O", 0xF8: "o", 0x126: "H", 0x127: "h", 0x166: "T", 0x167: "t",
        0xDF: "ss", 0xC6: "AE", 0xE6: "ae", 0x152: "OE", 0x153: "oe", 0xDE: "TH", 0xFE: "th", 0xD0: "D", 0xF0: "d",
        0x131: "i",
    ]

    static let fold: [UInt32: String] = {
        var m: [UInt32: String] = [:]
        let groups: [(String, String)] = [
            ("ÀÁÂÃÄÅ", "A"), ("àáâãäå", "a"), ("ÈÉÊË", "E"), ("èéêë", "e"), ("ÌÍÎÏ", "I"), ("ìíîï", "i"),
            ("ÒÓÔÕÖ", "O"), ("òóôõö", "o"), ("ÙÚÛÜ", "U"), ("ùúûü", "u"), ("Ç", "C"), ("ç", "c"), ("Ñ", "N"), ("ñ", "n"),
        ]
        for (letters, base) in groups { for s in letters.unicodeScalars { m[s.value] = base } }
        return m
    }()
}

extension PixBRCode {
    /// The payload a boleto híbrido carries, as `troca boleto make` and `troca letters select`
    /// build it: a static code with `key`, or a dynamic one with `location` (which wins), for the
    /// boleto's amount (none when it is 0: the payer types it), with `txid`.
    public static func boletoPayload(
        key: String?, location: String?, txid: String?, name: String, city: String, amountCents: Int
    ) throws(BoletoError) -> String {
        let code = PixBRCode(
            key: location == nil ? key : nil, location: location, amountCents: amountCents > 0 ? amountCents : nil, txid: txid,
            merchantName: name, merchantCity: city)
        return try code.payload()
    }
}
