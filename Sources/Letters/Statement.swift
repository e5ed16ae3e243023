import Foundation
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
        if right { out.appendBlanks(n - w) }
        out += s
        if !right { out.appendBlanks(n - w) }
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
        // A título's members the statement reads (`Field`), found in one pass over its keys.
        var found = [Int](repeating: -1, count: Field.names.count)
        /// The integer of field `f`, nil when absent or null (any other kind was refused before).
        func amount(_ f: Field) -> Int? {
            let v = found[f.rawValue]
            if v >= 0, tape[v].kind == .integer { return Int(tape[v].value) }
            return nil
        }
        func cents(_ f: Field) -> Int { amount(f) ?? 0 }
        func string(_ f: Field) -> ArraySlice<UInt8>? {
            let v = found[f.rawValue]
            if v >= 0, tape[v].kind == .string { return tape.bytes(v) }
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
            guard tape[t].kind == .object else { return .noAmount(title: k, node: t) }
            Field.find(in: tape, object: t, into: &found)
            guard let face = amount(.amount) else { return .noAmount(title: k, node: t) }
            // Each is a tape integer, of at most 18 digits: negating one is safe, adding them is not.
            let charges = add(add(add(cents(.correction), cents(.fine)), add(cents(.interest), cents(.fees))), -cents(.discount))
            let updated = amount(.updated) ?? add(face, charges)
            total.face = add(total.face, face)
            total.charges = add(total.charges, charges)
            total.updated = add(total.updated, updated)
            out.append(0x0A)
            cell(string(.documentNumber) ?? string(.nossoNumero) ?? [], 15, &out)
            out.append(0x20)
            scratch.removeAll(keepingCapacity: true)
            if let due = string(.dueDate), let d = Filters.civilDate(due) { Filters.appendDate(d, to: &scratch) }
            cell(scratch, 10, &out)
            out.append(0x20)
            scratch.removeAll(keepingCapacity: true)
            let days = found[Field.daysOverdue.rawValue]
            if days >= 0 {
                switch tape[days].kind {
                case .integer: Filters.appendInteger(tape[days].value, to: &scratch)
                case .number: scratch += tape.bytes(days)
                default: break
                }
            }
            cell(scratch, 5, right: true, &out)
            money(face, &scratch, &out)
            money(charges, &scratch, &out)
            money(updated, &scratch, &out)
        }
        out.append(0x0A)
        out += rule
        out.append(0x0A)
        cell("Total".utf8, 32, &out)
        money(total.face, &scratch, &out)
        money(total.charges, &scratch, &out)
        money(total.updated, &scratch, &out)
        return overflow ? .overflow : nil
    }

    /// The members of a título the statement reads.
    enum Field: Int, CaseIterable {
        case amount, correction, fine, interest, fees, discount, updated, documentNumber, nossoNumero, dueDate, daysOverdue

        static let names: [[UInt8]] = [
            "amount_cents", "correction_cents", "fine_cents", "interest_cents", "fees_cents", "discount_cents", "updated_cents",
            "document_number", "nosso_numero", "due_date", "days_overdue",
        ].map { Array($0.utf8) }

        /// Notes in `found` (by field, -1 when absent) the value node of each field among the
        /// members of the object at `object`: the last of a name, as `JSONTape.member` gives it.
        static func find(in tape: JSONTape, object: Int, into found: inout [Int]) {
            for k in found.indices { found[k] = -1 }
            tape.text.withUnsafeBufferPointer { text in
                var i = object + 1
                for _ in 0..<Int(tape[object].count) {
                    let key = tape[i]
                    let count = Int(key.count)
                    for f in 0..<names.count where names[f].count == count {
                        if names[f].withUnsafeBufferPointer({ memcmp($0.baseAddress!, text.baseAddress! + Int(key.offset), count) == 0 }) {
                            found[f] = i + 1
                            break
                        }
                    }
                    i = tape.next(after: i + 1)
                }
            }
        }
    }

    /// Appends an amount right-aligned in its 14-character column.
    static func money(_ cents: Int, _ scratch: inout [UInt8], _ out: inout [UInt8]) {
        scratch.removeAll(keepingCapacity: true)
        Filters.appendMoney(cents, to: &scratch)
        cell(scratch, 14, right: true, &out)
    }
}
