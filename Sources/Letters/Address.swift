import Records

/// A recipient's address as Correios want it on an envelope (Endereçamento de Correspondências:
/// name; logradouro, número or `s/n`, complemento; bairro; CEP city/UF), checked before a letter
/// is rendered.
public struct PostalAddress: Sendable, Hashable {
    public var name: String
    public var street: String
    public var number: String?
    public var complement: String?
    public var district: String
    public var city: String
    public var state: String
    /// 8 digits.
    public var cep: String

    /// The 27 units of the federation.
    public static let states: Set<String> = [
        "AC", "AL", "AP", "AM", "BA", "CE", "DF", "ES", "GO", "MA", "MT", "MS", "MG", "PA", "PB", "PR", "PE", "PI", "RJ", "RN", "RS",
        "RO", "RR", "SC", "SP", "SE", "TO",
    ]

    /// Reads and checks `payer` of a letter job: name, street, district, city, a known UF and an
    /// 8-digit CEP are required; every problem is listed.
    public static func check(_ payer: JSONValue?) -> Result<PostalAddress, AddressProblem> {
        guard case .object(let p)? = payer else { return .failure(AddressProblem(reasons: ["payer is missing"])) }
        guard case .object(let a)? = p["address"] else { return .failure(AddressProblem(reasons: ["payer.address is missing"], path: "payer")) }
        var reasons: [String] = []
        var path: String? = nil
        /// A reason, at `at` when it is the first.
        func problem(_ reason: String, at: String?) {
            reasons.append(reason)
            if reasons.count == 1 { path = at }
        }
        func required(_ object: JSONObject, _ key: String, _ label: String) -> String {
            let v = (object.string(key) ?? "").trimmingBlanks
            // Said at the member when it is there (blank, or not text), else at its object.
            if v.isEmpty { problem("\(label) is missing", at: object[key] != nil ? label : label.lastIndex(of: ".").map { String(label[..<$0]) }) }
            return v
        }
        let name = required(p, "name", "payer.name")
        let street = required(a, "street", "payer.address.street")
        let district = required(a, "district", "payer.address.district")
        let city = required(a, "city", "payer.address.city")
        let state = required(a, "state", "payer.address.state").uppercased()
        if !state.isEmpty, !states.contains(state) { problem("payer.address.state \"\(state)\" is not a Brazilian UF", at: "payer.address.state") }
        let cepText = required(a, "cep", "payer.address.cep")
        let cep = String(cepText.filter { $0 != "-" && $0 != "." })
        if !cepText.isEmpty, !(cep.utf8.count == 8 && cep.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }) {
            problem("payer.address.cep \"\(cepText)\" is not 8 digits", at: "payer.address.cep")
        } else if cep == "00000000" {
            problem("payer.address.cep 00000000 is no CEP", at: "payer.address.cep")
        }
        guard reasons.isEmpty else { return .failure(AddressProblem(reasons: reasons, path: path)) }
        let number = a.string("number")?.trimmingBlanks
        let complement = a.string("complement")?.trimmingBlanks
        return .success(
            PostalAddress(
                name: name, street: street, number: number?.isEmpty == false ? number : nil,
                complement: complement?.isEmpty == false ? complement : nil, district: district, city: city, state: state, cep: cep))
    }

    /// Logradouro, número (`s/n` without one) and complemento, as one line.
    public var streetLine: String {
        var line = street + ", " + (number ?? "s/n")
        if let complement { line += " " + complement }
        return line
    }

    /// The CEPNet check digit: the one that makes the sum of the CEP's 8 digits and itself a
    /// multiple of 10 (CEP 12345678: sum 36 → 4).
    public static func cepnetDigit(_ cep: String) -> Int { cepnetDigit(cep.utf8) }

    /// The CEPNet check digit of the CEP's 8 ASCII digits.
    public static func cepnetDigit<C: Collection>(_ cep: C) -> Int where C.Element == UInt8 {
        let sum = cep.reduce(0) { $0 + Int($1) - 48 }
        return (10 - sum % 10) % 10
    }
}

/// Why an address cannot take a letter: every reason found.
public struct AddressProblem: Error, Sendable, Hashable {
    public var reasons: [String]
    /// The reasons as one sentence.
    public var message: String { "address not mailable: " + reasons.joined(separator: "; ") }
    /// Where in the job (a dotted path) the first reason is: the value, or for a member that is
    /// missing the object that lacks it; nil for the job itself.
    public var path: String?

    /// A problem with its reasons, the first at `path`.
    public init(reasons: [String], path: String? = nil) {
        self.reasons = reasons
        self.path = path
    }
}

/// A recipient's address read from a job's tape as the LST letter record needs it: the common
/// case of `PostalAddress.check` (every part a plain string, ASCII where Unicode rules could
/// matter) done on bytes, and the parts already folded to ASCII (`ASCIIFold`). Anything else
/// is left to `PostalAddress.check`, which gives the same address or the reasons it is not
/// mailable. Its buffers are reused letter after letter.
public struct AddressBytes: Sendable {
    /// The folded parts of the record.
    public internal(set) var name = LetterBytes(capacity: 64)
    public internal(set) var streetLine = LetterBytes(capacity: 64)
    public internal(set) var district = LetterBytes(capacity: 64)
    public internal(set) var city = LetterBytes(capacity: 64)
    /// The UF, uppercased.
    public internal(set) var state = LetterBytes(capacity: 16)
    /// 8 digits.
    public internal(set) var cep = LetterBytes(capacity: 16)

    /// Empty buffers.
    public init() {}

    /// The CEP as a number (for the CEP order).
    public var cepValue: Int { cep.withUnsafeBufferPointer { Digits.value($0) } ?? 0 }

    /// Reads and checks the job's `payer`, its members found before (`JobNodes(tape)`); false
    /// when the address is not one this fast path decides (missing or odd parts, a bad UF or
    /// CEP): `PostalAddress.check` then.
    public mutating func read(_ tape: JSONTape, _ nodes: JobNodes) -> Bool {
        guard nodes.payer != nil, let address = nodes.address, tape[address].kind == .object else { return false }
        // The parts as spans of the tape's text (no slice of its array, retained, per part).
        return tape.text.withUnsafeBufferPointer { text in read(tape, text, nodes) }
    }

    mutating func read(_ tape: JSONTape, _ text: UnsafeBufferPointer<UInt8>, _ nodes: JobNodes) -> Bool {
        typealias Part = Slice<UnsafeBufferPointer<UInt8>>
        func bytes(_ v: Int) -> Part {
            let node = tape[v]
            return text[Int(node.offset)..<(Int(node.offset) + Int(node.count))]
        }
        func part(_ node: Int?) -> Part? {
            guard let v = node, tape[v].kind == .string else { return nil }
            return Self.trimmed(bytes(v))
        }
        guard let name = part(nodes.payerName), !name.isEmpty, let street = part(nodes.street), !street.isEmpty,
            let district = part(nodes.district), !district.isEmpty, let city = part(nodes.city), !city.isEmpty,
            let state = part(nodes.state), state.count == 2, let cep = part(nodes.cep)
        else { return false }
        // Optional parts: a string, trimmed, or none when empty (a part the trimming leaves to `String`: the slow path).
        var number: Part? = nil
        var complement: Part? = nil
        if let v = nodes.number, tape[v].kind == .string {
            guard let t = Self.trimmed(bytes(v)) else { return false }
            number = t.isEmpty ? nil : t
        }
        if let v = nodes.complement, tape[v].kind == .string {
            guard let t = Self.trimmed(bytes(v)) else { return false }
            complement = t.isEmpty ? nil : t
        }
        self.state.removeAll()
        for b in state {
            guard b < 0x80 else { return false }
            self.state.append(b >= 0x61 && b <= 0x7A ? b - 0x20 : b)
        }
        // (`PostalAddress.states` by their two bytes: no `String` to hash.)
        guard self.state.count == 2, Self.stateCodes.contains(UInt16(self.state[0]) << 8 | UInt16(self.state[1])) else { return false }
        self.cep.removeAll()
        for b in cep where b != UInt8(ascii: "-") && b != UInt8(ascii: ".") {
            guard b >= 48, b <= 57 else { return false }
            self.cep.append(b)
        }
        guard self.cep.count == 8, self.cep.withUnsafeBufferPointer({ $0.contains(where: { $0 != 48 }) }) else { return false }
        self.name.removeAll()
        ASCIIFold.append(UnsafeBufferPointer(rebasing: name), to: &self.name)
        self.district.removeAll()
        ASCIIFold.append(UnsafeBufferPointer(rebasing: district), to: &self.district)
        self.city.removeAll()
        ASCIIFold.append(UnsafeBufferPointer(rebasing: city), to: &self.city)
        // Logradouro, número (`s/n` without one) and complemento, as `PostalAddress.streetLine`.
        streetLine.removeAll()
        ASCIIFold.append(UnsafeBufferPointer(rebasing: street), to: &streetLine)
        streetLine.append(UInt8(ascii: ","))
        streetLine.append(0x20)
        if let number {
            ASCIIFold.append(UnsafeBufferPointer(rebasing: number), to: &streetLine)
        } else {
            streetLine.append(UInt8(ascii: "s"))
            streetLine.append(UInt8(ascii: "/"))
            streetLine.append(UInt8(ascii: "n"))
        }
        if let complement {
            streetLine.append(0x20)
            ASCIIFold.append(UnsafeBufferPointer(rebasing: complement), to: &streetLine)
        }
        return true
    }

    /// `PostalAddress.states`, each as its two bytes (first in the high byte).
    static let stateCodes: [UInt16] = PostalAddress.states.sorted().map { s in
        let b = Array(s.utf8)
        return UInt16(b[0]) << 8 | UInt16(b[1])
    }

    /// `String.trimmingBlanks` on bytes (blanks and tabs at both ends), or nil when a trimmed
    /// blank touches a non-ASCII character, which a combining mark could join into one
    /// `Character` that is no blank: `String` decides those.
    static func trimmed<C: BidirectionalCollection>(_ b: C) -> C? where C.Element == UInt8, C.Index == Int, C.SubSequence == C {
        var lo = b.startIndex
        var hi = b.endIndex
        while lo < hi, b[lo] == 0x20 || b[lo] == 0x09 { lo += 1 }
        if lo > b.startIndex, lo < hi, b[lo] >= 0x80 { return nil }
        while hi > lo, b[hi - 1] == 0x20 || b[hi - 1] == 0x09 { hi -= 1 }
        if hi < b.endIndex, hi > lo, b[hi - 1] >= 0x80 { return nil }
        return b[lo..<hi]
    }
}
