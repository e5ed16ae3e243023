import Foundation
import Records

/// The debt statement (demonstrativo de débito) of a letter: one row per título with its
/// document, due date, days overdue, face value, charges (correction + fine + interest + fees −
/// discount) and updated value, then the totals. 74 characters wide, so it fits an 80-column page
/// with a margin. Built in bytes: it is on every letter.
enum Statement {
    /// Column widths: document, blank, due date, blank, days, then three amounts.
    static let header: [UInt8] = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Row.capacity) { buffer in
        var row = Row(buffer.baseAddress!)
        func cell(_ title: StaticString, _ n: Int, right: Bool = false) {
            row.cell(UnsafeBufferPointer(start: title.utf8Start, count: title.utf8CodeUnitCount), n, right: right)
        }
        cell("Documento", 15)
        row.byte(0x20)
        cell("Vencimento", 10)
        row.byte(0x20)
        cell("Dias", 5, right: true)
        for title: StaticString in ["Valor", "Encargos", "Atualizado"] { cell(title, 14, right: true) }
        var out = LetterBytes()
        row.append(to: &out)
        return out.array
    }
    static let rule = [UInt8](repeating: UInt8(ascii: "-"), count: 74)

    /// Why a statement cannot be printed.
    enum Failure: Error {
        /// The amounts add up past Int's range (a job `letters select` did not make: it keeps
        /// its sums in range), which no letter should print.
        case overflow
        /// Título `title` of the list (its node `node`) has no `amount_cents` (or is not an
        /// object): a row without its face value would print R$ 0,00, and totals that do not add up.
        case noAmount(title: Int, node: Int)
    }

    /// The statement's first lines: the column titles and a rule.
    static let head: [UInt8] = header + [0x0A] + rule
    static let totalLabel = Array("Total".utf8)

    /// Appends the statement of the job at node `job` of `tape` (nothing when it has no list of
    /// `titles`), read from the tape, or says why it cannot. The amounts are integers: the job's
    /// values were checked (`JobCheck`) before; a charge absent (or null) is 0, an absent
    /// (or null) `updated_cents` is the face value plus the charges. Each row is written through
    /// a pointer into a buffer on the stack, then appended at once.
    static func append(_ tape: JSONTape, job: Int, to out: inout LetterBytes) -> Failure? {
        guard let list = tape.member("titles", of: job), tape[list].kind == .array else { return nil }
        // (No nested function updates a variable here: captured, it would be checked for
        // exclusive access at run time on every update.)
        var overflow = false
        out.append(contentsOf: head)
        let failure: Failure? = tape.nodes.withUnsafeBufferPointer { nodes in
            tape.text.withUnsafeBufferPointer { text in
                withUnsafeTemporaryAllocation(of: Int.self, capacity: Field.names.count) { found in
                    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Row.capacity) { buffer in
                        /// The integer of field `f`, nil when absent or null (any other kind was refused before).
                        func amount(_ f: Field) -> Int? {
                            let v = found[f.rawValue]
                            if v >= 0, nodes[v].kind == .integer { return Int(nodes[v].value) }
                            return nil
                        }
                        func cents(_ f: Field) -> Int { amount(f) ?? 0 }
                        func string(_ f: Field) -> UnsafeBufferPointer<UInt8>? {
                            let v = found[f.rawValue]
                            guard v >= 0, nodes[v].kind == .string else { return nil }
                            return UnsafeBufferPointer(rebasing: text[Int(nodes[v].offset)..<(Int(nodes[v].offset) + Int(nodes[v].count))])
                        }
                        var total = (face: 0, charges: 0, updated: 0)
                        var o = false
                        defer { overflow = o }
                        var t = list + 1
                        for k in 0..<Int(nodes[list].count) {
                            defer { t = tape.next(after: t) }
                            guard nodes[t].kind == .object else { return .noAmount(title: k, node: t) }
                            Field.find(in: tape, object: t, into: found)
                            guard let face = amount(.amount) else { return .noAmount(title: k, node: t) }
                            // Each is a tape integer, of at most 18 digits: negating one is safe, adding them is not.
                            let charges = add(
                                add(add(cents(.correction), cents(.fine), &o), add(cents(.interest), cents(.fees), &o), &o), -cents(.discount), &o)
                            let updated = amount(.updated) ?? add(face, charges, &o)
                            total.face = add(total.face, face, &o)
                            total.charges = add(total.charges, charges, &o)
                            total.updated = add(total.updated, updated, &o)
                            var row = Row(buffer.baseAddress!)
                            row.byte(0x0A)
                            row.cell(string(.documentNumber) ?? string(.nossoNumero) ?? UnsafeBufferPointer(start: nil, count: 0), 15)
                            row.byte(0x20)
                            if let due = string(.dueDate), let d = Filters.civilDate(due) { row.date(d) } else { row.blanks(10) }
                            row.byte(0x20)
                            let days = found[Field.daysOverdue.rawValue]
                            if days >= 0, nodes[days].kind == .integer {
                                row.integer(nodes[days].value, 5)
                            } else if days >= 0, nodes[days].kind == .number {
                                row.cell(UnsafeBufferPointer(rebasing: text[Int(nodes[days].offset)..<(Int(nodes[days].offset) + Int(nodes[days].count))]), 5, right: true)
                            } else {
                                row.blanks(5)
                            }
                            row.money(face)
                            row.money(charges)
                            row.money(updated)
                            row.append(to: &out)
                        }
                        var row = Row(buffer.baseAddress!)
                        row.byte(0x0A)
                        rule.withUnsafeBufferPointer { row.bytes($0) }
                        row.byte(0x0A)
                        totalLabel.withUnsafeBufferPointer { row.cell($0, 32) }
                        row.money(total.face)
                        row.money(total.charges)
                        row.money(total.updated)
                        row.append(to: &out)
                        return nil
                    }
                }
            }
        }
        if let failure { return failure }
        return overflow ? .overflow : nil
    }

    /// `a + b`, noting in `overflow` when it overflows (the statement is then refused whole).
    @inline(__always)
    static func add(_ a: Int, _ b: Int, _ overflow: inout Bool) -> Int {
        let (s, o) = a.addingReportingOverflow(b)
        if o { overflow = true }
        return s
    }

    /// A line of the statement being written through a pointer, into room for the longest: a
    /// document of 15 four-byte characters, a date, a count and three amounts of 29 bytes (or a
    /// rule and the totals' line), plus 40 bytes of scratch for an amount written right to left.
    struct Row {
        static let capacity = 320
        let start: UnsafeMutablePointer<UInt8>
        var end: UnsafeMutablePointer<UInt8>

        init(_ start: UnsafeMutablePointer<UInt8>) {
            self.start = start
            end = start
        }

        mutating func byte(_ b: UInt8) {
            end.pointee = b
            end += 1
        }

        mutating func blanks(_ n: Int) {
            ShortBytes.fill(end, n, with: 0x20)
            end += n
        }

        mutating func bytes(_ s: UnsafeBufferPointer<UInt8>) {
            guard let base = s.baseAddress else { return }
            ShortBytes.copy(base, to: end, s.count)
            end += s.count
        }

        /// Appends `s` in `n` characters: padded with blanks after it (or before it, `right`),
        /// cut after `n` characters when longer and left-aligned.
        mutating func cell(_ s: UnsafeBufferPointer<UInt8>, _ n: Int, right: Bool = false) {
            var w = 0
            for b in s where b & 0xC0 != 0x80 { w += 1 }
            if w >= n {
                guard !right, w > n else { return bytes(s) }
                // Cut after n characters.
                var chars = 0
                var cut = 0
                while cut < s.count {
                    if s[cut] & 0xC0 != 0x80 {
                        if chars == n { break }
                        chars += 1
                    }
                    cut += 1
                }
                return bytes(UnsafeBufferPointer(rebasing: s[0..<cut]))
            }
            if right { blanks(n - w) }
            bytes(s)
            if !right { blanks(n - w) }
        }

        /// `dd/MM/yyyy`.
        mutating func date(_ d: CivilDate) {
            Filters.writeDate(d, to: end)
            end += 10
        }

        /// A whole number right-aligned in `n` characters (all its digits when longer).
        mutating func integer(_ value: Int64, _ n: Int) {
            let scratch = start + Row.capacity
            let count = Filters.writeInteger(value, endingAt: scratch)
            cell(UnsafeBufferPointer(start: scratch - count, count: count), n, right: true)
        }

        /// An amount right-aligned in its 14-character column.
        mutating func money(_ cents: Int) {
            let scratch = start + Row.capacity
            let n = Filters.writeMoney(cents, endingAt: scratch)
            cell(UnsafeBufferPointer(start: scratch - n, count: n), 14, right: true)
        }

        func append(to out: inout LetterBytes) {
            out.append(start, end - start)
        }
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
        static func find(in tape: JSONTape, object: Int, into found: UnsafeMutableBufferPointer<Int>) {
            found.update(repeating: -1)
            tape.text.withUnsafeBufferPointer { text in
                var i = object + 1
                for _ in 0..<Int(tape[object].count) {
                    let key = tape[i]
                    let count = Int(key.count)
                    for f in 0..<names.count where names[f].count == count {
                        if names[f].withUnsafeBufferPointer({ equalBytes($0.baseAddress!, text.baseAddress! + Int(key.offset), count) }) {
                            found[f] = i + 1
                            break
                        }
                    }
                    i = tape.next(after: i + 1)
                }
            }
        }
    }

}
