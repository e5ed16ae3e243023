import Records

/// The debt statement (demonstrativo de débito) of a letter: one row per título with its due
/// date, days overdue, face value, charges (fine + interest + correction) and updated value, then
/// the totals. 74 characters wide, so it fits an 80-column page with a margin.
enum Statement {
    static func text(_ job: JSONValue) -> String {
        guard case .object(let o) = job, case .array(let titles)? = o["titles"] else { return "" }
        func cents(_ object: JSONObject, _ key: String) -> Int {
            if case .number(let n)? = object[key], let v = n.exactInteger { return Int(v) }
            return 0
        }
        func money(_ c: Int) -> String { String(decoding: Filters.money(c), as: UTF8.self) }
        func cell(_ s: String, _ n: Int, right: Bool = false) -> String {
            let w = s.count
            if w >= n { return right ? s : String(s.prefix(n)) }
            let fill = String(repeating: " ", count: n - w)
            return right ? fill + s : s + fill
        }
        let header =
            cell("Documento", 15) + " " + cell("Vencimento", 10) + " " + cell("Dias", 5, right: true) + cell("Valor", 14, right: true)
            + cell("Encargos", 14, right: true) + cell("Atualizado", 14, right: true)
        var lines = [header, String(repeating: "-", count: header.count)]
        var total = (face: 0, charges: 0, updated: 0)
        for case .object(let t) in titles {
            let face = cents(t, "amount_cents")
            let charges = cents(t, "correction_cents") + cents(t, "fine_cents") + cents(t, "interest_cents") + cents(t, "fees_cents") - cents(t, "discount_cents")
            let updated = t["updated_cents"] == nil ? face + charges : cents(t, "updated_cents")
            total.face += face
            total.charges += charges
            total.updated += updated
            let due = t.string("due_date").flatMap(CivilDate.init(iso:)).map { String(decoding: Filters.date($0), as: UTF8.self) } ?? ""
            let days = t["days_overdue"].flatMap { $0.number?.text } ?? ""
            lines.append(
                cell(t.string("document_number") ?? t.string("nosso_numero") ?? "", 15) + " " + cell(due, 10) + " " + cell(days, 5, right: true)
                    + cell(money(face), 14, right: true) + cell(money(charges), 14, right: true) + cell(money(updated), 14, right: true))
        }
        lines.append(String(repeating: "-", count: header.count))
        lines.append(
            cell("Total", 32) + cell(money(total.face), 14, right: true) + cell(money(total.charges), 14, right: true)
                + cell(money(total.updated), 14, right: true))
        return lines.joined(separator: "\n")
    }
}
