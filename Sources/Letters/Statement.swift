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
    static func cell<C: Collection>(_ s: C, _ n: Int, right: Bool = false, _ out: inout [UInt8]) where C.Element == UInt8 {
        var w = 0
        for b in s where b & 0xC0 != 0x80 { w += 1 }
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

    /// Why a statement cannot be printed.
    enum Failure: Error {
        /// The amounts add up past Int's range (a job `letters select` did not make: it keeps
        /// its sums in range), which no letter should print.
        case overflow
        /// Título `title` of the list (its node `node`) has no `amount_cents` (or is not an
        /// object): a row without its face value would print R$ 0,00, and totals that do not add up.
        case noAmount(title: Int, node: Int)
    }

    /// Appends the statement of the job at node `job` of `tape` (nothing when it has no list of
    /// `titles`), read from the tape, or says why it cannot. The amounts are integers: the job's
    /// values were checked (`JobCheck`) before; a charge absent (or null) is 0, an absent
    /// (or null) `updated_cents` is the face value plus the charges.
    static func append(_ tape: JSONTape, job: Int, to out: inout [UInt8]) -> Failure? {
        guard let list = tape.member("titles", of: job), tape[list].kind == .array else { return nil }
        var overflow = false
        /// `a + b`, noting an overflow (the statement is then refused whole).
        func add(_ a: Int, _ b: Int) -> Int {
            let (s, o) = a.addingReportingOverflow(b)
            overflow = overflow || o
            return s
        }
        /// The integer at `key`, nil when absent or null (any other kind was refused before).
        func amount(_ title: Int, _ key: String) -> Int? {
            if let v = tape.member(key, of: title), tape[v].kind == .integer { return Int(tape[v].value) }
            return nil
        }
        func cents(_ title: Int, _ key: String) -> Int { amount(title, key) ?? 0 }
        func string(_ title: Int, _ key: String) -> ArraySlice<UInt8>? {
            if let v = tape.member(key, of: title), tape[v].kind == .string { return tape.bytes(v) }
            return nil
        }
        var scratch: [UInt8] = []
        scratch.reserveCapacity(24)
        out += header
        out.append(0x0A)
        out += rule
        var total = (face: 0, charges: 0, updated: 0)
        var t = list + 1
        for k in 0..<Int(tape[list].count) {
            defer { t = tape.next(after: t) }
            guard tape[t].kind == .object, let face = amount(t, "amount_cents") else { return .noAmount(title: k, node: t) }
            // Each is a tape integer, of at most 18 digits: negating one is safe, adding them is not.
            let charges = add(
                add(add(cents(t, "correction_cents"), cents(t, "fine_cents")), add(cents(t, "interest_cents"), cents(t, "fees_cents"))),
                -cents(t, "discount_cents"))
            let updated = amount(t, "updated_cents") ?? add(face, charges)
            total.face = add(total.face, face)
            total.charges = add(total.charges, charges)
            total.updated = add(total.updated, updated)
            out.append(0x0A)
            cell(string(t, "document_number") ?? string(t, "nosso_numero") ?? [], 15, &out)
            out.append(0x20)
            scratch.removeAll(keepingCapacity: true)
            if let due = string(t, "due_date"), let d = Filters.civilDate(due) { Filters.appendDate(d, to: &scratch) }
            cell(scratch, 10, &out)
            out.append(0x20)
            scratch.removeAll(keepingCapacity: true)
            if let days = tape.member("days_overdue", of: t) {
                switch tape[days].kind {
                case .integer: Filters.appendInteger(tape[days].value, to: &scratch)
                case .number: scratch += tape.bytes(days)
                default: break
                }
            }
            cell(scratch, 5, right: true, &out)
            for amount in [face, charges, updated] { money(amount, &scratch, &out) }
        }
        out.append(0x0A)
        out += rule
        out.append(0x0A)
        cell("Total".utf8, 32, &out)
        for amount in [total.face, total.charges, total.updated] { money(amount, &scratch, &out) }
        return overflow ? .overflow : nil
    }

    /// Appends an amount right-aligned in its 14-character column.
    static func money(_ cents: Int, _ scratch: inout [UInt8], _ out: inout [UInt8]) {
        scratch.removeAll(keepingCapacity: true)
        Filters.appendMoney(cents, to: &scratch)
        cell(scratch, 14, right: true, &out)
    }
}
