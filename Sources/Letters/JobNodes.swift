import Records

#if canImport(Glibc)
    import Glibc
#endif

/// The members of a `letter` job that rendering reads outside its template (which template,
/// the recipient's address, the LST letter record's values, the header's sender), found in one
/// pass over the keys of each object they are in, rather than one scan of the job's keys per
/// member asked for. Each is the node `JSONTape.member(_:of:)` gives: the value of the last
/// key of that name (the only one: a job giving a key twice is refused when parsed), nil when
/// there is none, or when the object it would be in is not one.
public struct JobNodes: Sendable {
    public var record: Int? = nil
    public var sequence: Int? = nil
    public var step: Int? = nil
    public var template: Int? = nil
    public var inserts: Int? = nil
    public var payer: Int? = nil
    public var sender: Int? = nil
    public var boleto: Int? = nil
    /// `payer.name`, `payer.address`.
    public var payerName: Int? = nil
    public var address: Int? = nil
    /// `payer.address.*`.
    public var street: Int? = nil
    public var number: Int? = nil
    public var complement: Int? = nil
    public var district: Int? = nil
    public var city: Int? = nil
    public var state: Int? = nil
    public var cep: Int? = nil
    /// `boleto.amount_cents`.
    public var boletoAmount: Int? = nil

    /// Nothing found.
    public init() {}

    /// The members of the job at node 0 of `tape`.
    public init(_ tape: JSONTape) {
        guard tape.count > 0 else { return }
        tape.nodes.withUnsafeBufferPointer { nodes in
            tape.text.withUnsafeBufferPointer { text in
                /// Calls `body` with each key's bytes and its value's node, for the object at `object`.
                func members(_ object: Int?, _ body: (UnsafeBufferPointer<UInt8>, Int) -> Void) {
                    guard let object, nodes[object].kind == .object else { return }
                    var i = object + 1
                    for _ in 0..<Int(nodes[object].count) {
                        let key = nodes[i]
                        body(UnsafeBufferPointer(rebasing: text[Int(key.offset)..<(Int(key.offset) + Int(key.count))]), i + 1)
                        let v = nodes[i + 1]
                        i = v.kind == .array || v.kind == .object ? Int(v.value) : i + 2
                    }
                }
                members(0) { key, v in
                    switch key.count {
                    case 6:
                        if Self.is(key, "record") { record = v } else if Self.is(key, "sender") { sender = v } else if Self.is(key, "boleto") { boleto = v }
                    case 8: if Self.is(key, "sequence") { sequence = v } else if Self.is(key, "template") { template = v }
                    case 4: if Self.is(key, "step") { step = v }
                    case 7: if Self.is(key, "inserts") { inserts = v }
                    case 5: if Self.is(key, "payer") { payer = v }
                    default: break
                    }
                }
                members(payer) { key, v in
                    if key.count == 4, Self.is(key, "name") { payerName = v } else if key.count == 7, Self.is(key, "address") { address = v }
                }
                members(address) { key, v in
                    switch key.count {
                    case 6: if Self.is(key, "street") { street = v } else if Self.is(key, "number") { number = v }
                    case 10: if Self.is(key, "complement") { complement = v }
                    case 8: if Self.is(key, "district") { district = v }
                    case 4: if Self.is(key, "city") { city = v }
                    case 5: if Self.is(key, "state") { state = v }
                    case 3: if Self.is(key, "cep") { cep = v }
                    default: break
                    }
                }
                members(boleto) { key, v in
                    if key.count == 12, Self.is(key, "amount_cents") { boletoAmount = v }
                }
            }
        }
    }

    /// Whether `key` is `name` (of the same length: the callers switch on it).
    @inline(__always)
    static func `is`(_ key: UnsafeBufferPointer<UInt8>, _ name: StaticString) -> Bool {
        memcmp(key.baseAddress!, name.utf8Start, name.utf8CodeUnitCount) == 0
    }

    /// Whether the job's `record` is the string `letter` (`JSONTape.recordKind == "letter"`).
    public func isLetter(_ tape: JSONTape) -> Bool {
        guard let record, tape[record].kind == .string, tape[record].count == 6 else { return false }
        let at = Int(tape[record].offset)
        return tape.text.withUnsafeBufferPointer { Self.is(UnsafeBufferPointer(rebasing: $0[at..<(at + 6)]), "letter") }
    }
}
