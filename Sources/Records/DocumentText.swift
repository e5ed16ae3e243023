/// How people write a CPF or CNPJ (`529.982.247-25`, `12.abc.345/01de-35`): its characters with
/// `.`, `/` or `-` between them, letters in either case. One rule for every stage that takes a
/// document: `troca import` reads it so, and `cnab write` and `convert --to flat` write it so
/// (the punctuation dropped, letters uppercase). A blank is no punctuation (`529 982 247 25` is
/// refused, as docs/maps.md says and as a CEP `01310 100` is): two numbers pasted into one cell
/// must not pass as one document.
public enum DocumentText {
    /// Whether `b` is punctuation a written document may carry between its characters.
    @inlinable @inline(__always)
    public static func isPunctuation(_ b: UInt8) -> Bool {
        b == 0x2E || b == 0x2F || b == 0x2D
    }

    /// Whether any byte of `bytes` is punctuation.
    @inlinable
    public static func hasPunctuation<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        bytes.contains(where: isPunctuation)
    }

    /// The document's characters: punctuation dropped, ASCII letters uppercase; any other byte
    /// kept as it is, for the caller to refuse.
    @inlinable
    public static func bare<C: Collection>(_ bytes: C) -> [UInt8] where C.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        for b in bytes where !isPunctuation(b) { out.append(b &- 97 < 26 ? b - 32 : b) }
        return out
    }
}
