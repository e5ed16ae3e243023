import Records

/// The debt statement (demonstrativo de débito) of a letter: one row per título with its
/// document, due date, days overdue, face value, charges (correction + fine + interest + fees −
/// discount) and updated value, then the totals. 74 characters wide, so it fits an 80-column page
/// with a margin. Built in bytes: it is on every letter.
enum Statement {
    /// Column widths: document, blank, due date, blank, days, then three amounts.
    static let header: [UInt8] = {
        var out: [UInt8] = []
        cell(Array("Documento".utf8), 15, &out)
        out.append(0x20)
        cell(Array("Vencimento".utf8), 10, &out)
        out.append(0x20)
        cell(Array("Dias".utf8), 5, right: true, &out)
        for title in ["Valor", "Encargos", "Atualizado"] { cell(Array(title.utf8), 14, right: true, &out) }
        return out
    }()
    static let rule = [UInt8](repeating: UInt8(ascii: "-"), count: 74)

    /// Appends `s` in `n` characters (cut when longer and left-aligned).
    static func cell(_ s: [UInt8], _ n: Int, right: Bool = false, _ out: inout [UInt8]) {
        let w = Filters.width(s)
        if w >= n {
            if right {
                out += s
            } else {
                var chars = 0
                for b in s {
                    if b & 0xC0 != 0x80 {
                        if chars == n { break }
                        chars += 1
                    }
                    out.append(b)
                }
            }
            return
        }
        if right { out += repeatElement(0x20, count: n - w) }
        out += s
        if !right { out += repeatElement(0x20, count: n - w) }
    }

    static func text(_ job: JSONValue) -> [UInt8] {
        guard case .object(let o) = job, case .array(let titles)? = o["titles"] else { return [] }
        func cents(_ object: JSONObject, _ key: String) -> Int {
            if case .number(let n)? = object[key], let v = n.exactInteger { return Int(v) }
            return 0
        }
        var out: [UInt8] = []
        out.reserveCapacity(80 * (titles.count + 5))
        out += header
        out.append(0x0A)
        out += rule
        var total = (face: 0, charges: 0, updated: 0)
        for case .object(let t) in titles {
            let face = cents(t, "amount_cents")
            let charges = cents(t, "correction_cents") + cents(t, "fine_cents") + cents(t, "interest_cents") + cents(t, "fees_cents") - cents(t, "discount_cents")
            let updated = t["updated_cents"] == nil ? face + charges : cents(t, "updated_cents")
            total.face += face
            total.charges += charges
            total.updated += updated
            out.append(0x0A)
            cell(Array((t.string("document_number") ?? t.string("nosso_numero") ?? "").utf8), 15, &out)
            out.append(0x20)
            cell(t.string("due_date").flatMap(CivilDate.init(iso:)).map(Filters.date) ?? [], 10, &out)
            out.append(0x20)
            cell(Array((t["days_overdue"]?.number?.text ?? "").utf8), 5, right: true, &out)
            for amount in [face, charges, updated] { cell(Filters.money(amount), 14, right: true, &out) }
        }
        out.append(0x0A)
        out += rule
        out.append(0x0A)
        cell(Array("Total".utf8), 32, &out)
        for amount in [total.face, total.charges, total.updated] { cell(Filters.money(amount), 14, right: true, &out) }
        return out
    }
}
