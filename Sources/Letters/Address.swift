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
        guard case .object(let a)? = p["address"] else { return .failure(AddressProblem(reasons: ["payer.address is missing"])) }
        var reasons: [String] = []
        func required(_ object: JSONObject, _ key: String, _ label: String) -> String {
            let v = (object.string(key) ?? "").trimmingBlanks
            if v.isEmpty { reasons.append("\(label) is missing") }
            return v
        }
        let name = required(p, "name", "payer.name")
        let street = required(a, "street", "payer.address.street")
        let district = required(a, "district", "payer.address.district")
        let city = required(a, "city", "payer.address.city")
        let state = required(a, "state", "payer.address.state").uppercased()
        if !state.isEmpty, !states.contains(state) { reasons.append("payer.address.state \"\(state)\" is not a Brazilian UF") }
        let cepText = required(a, "cep", "payer.address.cep")
        let cep = String(cepText.filter { $0 != "-" && $0 != "." })
        if !cepText.isEmpty, !(cep.utf8.count == 8 && cep.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }) {
            reasons.append("payer.address.cep \"\(cepText)\" is not 8 digits")
        } else if cep == "00000000" {
            reasons.append("payer.address.cep 00000000 is no CEP")
        }
        guard reasons.isEmpty else { return .failure(AddressProblem(reasons: reasons)) }
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
    public static func cepnetDigit(_ cep: String) -> Int {
        let sum = cep.utf8.reduce(0) { $0 + Int($1) - 48 }
        return (10 - sum % 10) % 10
    }
}

/// Why an address cannot take a letter: every reason found.
public struct AddressProblem: Error, Sendable, Hashable {
    public var reasons: [String]
    /// The reasons as one sentence.
    public var message: String { "address not mailable: " + reasons.joined(separator: "; ") }
}

extension String {
    var trimmingBlanks: String {
        var s = Substring(self)
        while s.first == " " || s.first == "\t" { s = s.dropFirst() }
        while s.last == " " || s.last == "\t" { s = s.dropLast() }
        return String(s)
    }
}
