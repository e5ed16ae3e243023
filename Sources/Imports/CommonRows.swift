import Records

/// The short way through a row (most rows of most files): one loop over the row's steps (the
/// emit program with each field's plan compiled in, `Step`) that reads each cell where the
/// reader left it, checks and copies text, digits, `dd/MM/yyyy` dates, Brazilian amounts, CEPs,
/// documents and UFs in place, and writes through a local cursor into room made once for the
/// whole record. Other types go through `Importer.parse` as in the general path. At the first
/// field the short way does not take (a problem, a required blank, text that needs escapes or
/// is not UTF-8, a `'` first, several columns, a list), it undoes what it wrote and `record`
/// takes the row the general way, which writes the same bytes for every row the short way takes.
extension Importer {
    /// One step of the short way: an op of the emit program with what it needs of its field's
    /// plan, so that a row reads one small record per member.
    struct Step {
        var action: UInt8
        var required: Bool
        /// Whether the field is the key (`keepKey`).
        var isKey: Bool
        var column: Int
        /// The member's `"name":` in `constants` (a comma just before it), and its count
        /// (for an open, `"name":{`).
        var key: Int
        var keyCount: Int
        var slot: Int
        var typeSlot: Int
        /// The constant (`constant`), or the default written for a blank cell (count 0: none),
        /// as JSON in `constants`, and its document_type JSON.
        var value: (Int, Int)
        var valueType: (Int, Int)
    }

    /// What a step does.
    enum StepAction {
        static let open: UInt8 = 0, close: UInt8 = 1, derived: UInt8 = 2, constant: UInt8 = 3, general: UInt8 = 4
        static let text: UInt8 = 5, digits: UInt8 = 6, date: UInt8 = 7, amount: UInt8 = 8, cep: UInt8 = 9
        static let document: UInt8 = 10, uf: UInt8 = 11, parse: UInt8 = 12
    }

    /// The steps of an emit program (see `Step`).
    static func compileSteps(_ ops: [Op], _ plans: [Plan], keyField: Int) -> [Step] {
        ops.map { op in
            var step = Step(
                action: StepAction.general, required: false, isKey: false, column: -1, key: op.key.0, keyCount: op.key.1,
                slot: op.slot, typeSlot: -1, value: (0, 0), valueType: (0, 0))
            if op.kind == 1 { step.action = StepAction.open; return step }
            if op.kind != 0 { step.action = StepAction.close; return step }
            if op.slot >= plans.count { step.action = StepAction.derived; return step }
            let plan = plans[op.slot]
            step.isKey = op.slot == keyField
            step.typeSlot = plan.documentTypeSlot
            step.required = plan.required
            if plan.constant.1 > 0 {
                step.action = StepAction.constant
                step.value = plan.constant
                step.valueType = plan.defaultType
                return step
            }
            guard plan.column >= 0, plan.split == 0 else { return step }
            step.column = plan.column
            step.value = plan.defaultValue
            step.valueType = plan.defaultType
            switch plan.type {
            case Importer.text: step.action = StepAction.text
            case Importer.digits: step.action = StepAction.digits
            case Importer.date:
                step.action = plan.dateFormat != .iso && plan.dateFormat != .ddMMyy ? StepAction.date : StepAction.parse
            case Importer.amount: step.action = plan.amountStyle != .plain ? StepAction.amount : StepAction.parse
            case Importer.cep: step.action = StepAction.cep
            case Importer.document: step.action = StepAction.document
            case Importer.uf: step.action = StepAction.uf
            default: step.action = StepAction.parse
            }
            return step
        }
    }

    /// Appends the current row's record (as `record` would) and returns true; false, with
    /// `out` and the key as they were, when the row needs the general path.
    func appendCommonRow(_ reader: CSVReader, line: Int, into out: inout ByteBuffer) -> Bool {
        let mark = out.count
        let cells = reader.current
        let offsets = cells.pointee.offsets
        let input = cells.pointee.input
        let quoted = UnsafePointer(cells.pointee.bytes.base)
        let constants = UnsafePointer(self.constants)
        let slots = self.slots, marks = self.marks, values = self.values
        // Where each value went, noted only when kept.
        let keeps = keepsValues
        let textClass = UnsafePointer(CellFastPaths.textClass), ufCodes = UnsafePointer(CellFastPaths.ufCodes)
        // Room for the whole record, made once (`rowRoom`): each cell is at most the raw
        // record, read by at most `columnUses` fields.
        out.reserve(rowRoom &+ cells.pointee.raw.count &* columnUses)
        var base = out.base
        var count = mark
        Importer.putWords(constants + prefixJSON.0, prefixJSON.1, base + count)
        count &+= prefixJSON.1
        // Members written in the object being written (the record has its `record` member);
        // marks[2d]: where the object at depth d opened, marks[2d+1]: the members of the one around it.
        var members = 1
        var depth = 0
        var s = UnsafePointer(steps)
        let stepsEnd = s + stepCount
        while s < stepsEnd {
            let step = s
            s += 1
            let action = step.pointee.action
            let comma = members > 0 ? 1 : 0
            if action == StepAction.open {
                marks[2 &* depth &+ 1] = members
                depth &+= 1
                marks[2 &* depth] = count
                Importer.putWords(constants + (step.pointee.key &- comma), step.pointee.keyCount &+ comma, base + count)
                count &+= step.pointee.keyCount &+ comma
                members = 0
                continue
            }
            if action == StepAction.close {
                if members > 0 {
                    base[count] = 0x7D
                    count &+= 1
                    depth &-= 1
                    members = marks[2 &* depth &+ 1] &+ 1
                } else {
                    count = marks[2 &* depth]
                    depth &-= 1
                    members = marks[2 &* depth &+ 1]
                }
                continue
            }
            let member = count
            Importer.putWords(constants + (step.pointee.key &- comma), step.pointee.keyCount &+ comma, base + count)
            count &+= step.pointee.keyCount &+ comma
            let value = count
            if action <= StepAction.general {
                if action == StepAction.derived {
                    // A document_type derived from its document, set when the document was read.
                    let (offset, n) = slots[step.pointee.slot]
                    if n > 0 {
                        Importer.putWords(constants + offset, n, base + count)
                        count &+= n
                        members &+= 1
                    } else {
                        count = member
                    }
                    continue
                }
                guard action == StepAction.constant else { return giveUp(mark, &out) }
                let (offset, n) = step.pointee.value
                Importer.putWords(constants + offset, n, base + count)
                count &+= n
                if step.pointee.typeSlot >= 0 { slots[step.pointee.typeSlot] = step.pointee.valueType }
            } else {
                // The cell (see `CSVReader.Cells.offsets`), without blanks around it.
                let column = step.pointee.column
                let start = offsets[2 &* column], end = offsets[2 &* column &+ 1]
                var p = start >= 0 ? input + start : quoted + ~start
                var n = start >= 0 ? end &- start : start &- end
                // Most cells have no blank or tab at either end: one look at each end.
                if n > 0 && (p[0] <= 0x20 || p[n &- 1] <= 0x20) { (p, n) = Importer.trimmed(p, n) }
                let o = base + count
                if n == 0 {
                    let (offset, d) = step.pointee.value
                    let typeSlot = step.pointee.typeSlot
                    if d > 0 {
                        Importer.putWords(constants + offset, d, o)
                        count &+= d
                        if typeSlot >= 0 { slots[typeSlot] = step.pointee.valueType }
                    } else if step.pointee.required {
                        return giveUp(mark, &out)
                    } else {
                        if typeSlot >= 0 { slots[typeSlot] = (0, 0) }
                        if keeps { values[step.pointee.slot] = (0, 0) }
                        count = member
                        continue
                    }
                } else if action == StepAction.text {
                    // A `'` first may be taken off (`unneutralised`): the general path.
                    guard p[0] != 0x27 else { return giveUp(mark, &out) }
                    let classes = CellFastPaths.textClasses(p, n, textClass)
                    if classes == 0 {
                        o[0] = 0x22
                        Importer.copy(p, n, to: o + 1)
                        o[n &+ 1] = 0x22
                        count &+= n &+ 2
                    } else {
                        guard classes & 2 == 0 || TextBytes.isValidUTF8(UnsafeBufferPointer(start: p, count: n)) else {
                            return giveUp(mark, &out)
                        }
                        if classes & 1 == 0 {
                            o[0] = 0x22
                            Importer.copy(p, n, to: o + 1)
                            o[n &+ 1] = 0x22
                            count &+= n &+ 2
                        } else {
                            // Quotes and backslashes escaped (out of the loop: few cells have them).
                            out.count = count
                            guard Importer.appendEscaped(p, n, into: &out) else { return giveUp(mark, &out) }
                            base = out.base
                            count = out.count
                        }
                    }
                } else if action == StepAction.digits {
                    guard CellFastPaths.areDigits(p, n) else { return giveUp(mark, &out) }
                    o[0] = 0x22
                    Importer.copy(p, n, to: o + 1)
                    o[n &+ 1] = 0x22
                    count &+= n &+ 2
                } else {
                    var done = false
                    if action == StepAction.date {
                        done = CellFastPaths.writeDayMonthYear(p, n, to: o)
                        if done { count &+= 12 }
                    } else if action == StepAction.amount {
                        let k = CellFastPaths.writeBrazilianCents(p, n, to: o)
                        count &+= k
                        done = k > 0
                    } else if action == StepAction.cep {
                        done = CellFastPaths.writeHyphenatedCEP(p, n, to: o)
                        if done { count &+= 10 }
                    } else if action == StepAction.uf {
                        done = CellFastPaths.writeUF(p, n, ufCodes, to: o)
                        if done { count &+= 4 }
                    } else if action == StepAction.document {
                        // The spellings nearly every file uses, as `BrazilianDocument.append` reads them first.
                        let typeSlot = step.pointee.typeSlot
                        if typeSlot >= 0 { slots[typeSlot] = (0, 0) }
                        o[0] = 0x22
                        if n == 14, BrazilianDocument.punctuatedCPF(p, into: o + 1), BrazilianDocument.isValidDigitsCPF(o + 1) {
                            o[12] = 0x22
                            count &+= 13
                            if typeSlot >= 0 { slots[typeSlot] = cpfJSON }
                            done = true
                        } else if n == 18, BrazilianDocument.punctuatedCNPJ(p, into: o + 1), BrazilianDocument.isValidDigitsCNPJ(o + 1)
                        {
                            o[15] = 0x22
                            count &+= 16
                            if typeSlot >= 0 { slots[typeSlot] = cnpjJSON }
                            done = true
                        }
                    }
                    if !done {
                        // As `Importer.parse` reads it (out of the loop: few cells get here).
                        out.count = count
                        guard appendParsed(p, n, step, into: &out) else { return giveUp(mark, &out) }
                        base = out.base
                        count = out.count
                    }
                }
            }
            if keeps { values[step.pointee.slot] = (value, count &- value) }
            if step.pointee.isKey { keepKeyOutOfLine(base + value, count &- value) }
            members &+= 1
        }
        Importer.putWords(constants + sourceJSON.0, sourceJSON.1, base + count)
        count &+= sourceJSON.1
        count &+= CellFastPaths.writeInt(line, to: base + count)
        base[count] = 0x7D
        base[count &+ 1] = 0x7D
        out.count = count &+ 2
        return true
    }

    /// A text cell as a JSON string with its quotes and backslashes escaped, as
    /// `JSONBytes.appendText` escapes them; false (`out` as it was, but for its capacity) when
    /// it has another byte that needs an escape (the general path's).
    @inline(never)
    static func appendEscaped(_ p: UnsafePointer<UInt8>, _ n: Int, into out: inout ByteBuffer) -> Bool {
        out.reserve(2 &* n &+ 16)
        let textClass = CellFastPaths.textClass
        var q = out.base + out.count
        q[0] = 0x22
        q += 1
        for j in 0..<n {
            let b = p[j]
            if b == 0x22 || b == 0x5C {
                q[0] = 0x5C
                q[1] = b
                q += 2
            } else {
                guard textClass[Int(b)] & 1 == 0 else { return false }
                q[0] = b
                q += 1
            }
        }
        q[0] = 0x22
        out.count = out.base.distance(to: q) &+ 1
        return true
    }

    /// A cell read by `Importer.parse` after the step's plan, and the document_type it sets;
    /// false when it is not valid.
    @inline(never)
    func appendParsed(_ p: UnsafePointer<UInt8>, _ n: Int, _ step: UnsafePointer<Step>, into out: inout ByteBuffer) -> Bool {
        var kind: BrazilianDocument.Kind? = nil
        guard Importer.parse(UnsafeBufferPointer(start: p, count: n), UnsafePointer(plans + step.pointee.slot), into: &out, kind: &kind) == nil
        else { return false }
        let typeSlot = step.pointee.typeSlot
        if let kind, typeSlot >= 0 { slots[typeSlot] = kind == .cpf ? cpfJSON : cnpjJSON }
        return true
    }

    /// `keepKey`, called once a row (out of the loop).
    @inline(never)
    func keepKeyOutOfLine(_ p: UnsafePointer<UInt8>, _ n: Int) { keepKey(UnsafeBufferPointer(start: p, count: n)) }

    /// Undoes a row the short way did not finish.
    @inline(never)
    func giveUp(_ mark: Int, _ out: inout ByteBuffer) -> Bool {
        out.count = mark
        state.pointee.key = (0, 0)
        return false
    }

    /// The cell without blanks and tabs around it (out of the row's loop: few cells have them).
    @inline(never)
    static func trimmed(_ p: UnsafePointer<UInt8>, _ n: Int) -> (UnsafePointer<UInt8>, Int) {
        let cell = trim(UnsafeBufferPointer(start: p, count: n))
        return (cell.baseAddress ?? p, cell.count)
    }

    /// Stores `n` bytes of `constants` (n > 0) at `dst`, where there is room for them and 32
    /// more, whole words at a time: four words at once up to 32 bytes (most keys), a loop
    /// beyond. The constants have 32 bytes after them, and the bytes written past `n` are
    /// overwritten by what comes next.
    @inline(__always)
    static func putWords(_ src: UnsafePointer<UInt8>, _ n: Int, _ dst: UnsafeMutablePointer<UInt8>) {
        let to = UnsafeMutableRawPointer(dst)
        let from = UnsafeRawPointer(src)
        if n <= 32 {
            let (a, b) = (from.loadUnaligned(as: UInt64.self), from.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
            let (c, d) = (from.loadUnaligned(fromByteOffset: 16, as: UInt64.self), from.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
            to.storeBytes(of: a, as: UInt64.self)
            to.storeBytes(of: b, toByteOffset: 8, as: UInt64.self)
            to.storeBytes(of: c, toByteOffset: 16, as: UInt64.self)
            to.storeBytes(of: d, toByteOffset: 24, as: UInt64.self)
            return
        }
        var i = 0
        repeat {
            to.storeBytes(of: from.loadUnaligned(fromByteOffset: i, as: UInt64.self), toByteOffset: i, as: UInt64.self)
            i &+= 8
        } while i < n
    }

    /// Copies `n` bytes to `dst`, where there is room for them and 8 more: whole words (the
    /// last one overlapping the one before), bytes below 8, `memcpy` beyond 64.
    @inline(__always)
    static func copy(_ src: UnsafePointer<UInt8>, _ n: Int, to dst: UnsafeMutablePointer<UInt8>) {
        if n >= 8 {
            if n > 64 {
                dst.update(from: src, count: n)
            } else {
                var i = 0
                while i &+ 8 <= n {
                    let word = UnsafeRawPointer(src + i).loadUnaligned(as: UInt64.self)
                    UnsafeMutableRawPointer(dst + i).storeBytes(of: word, as: UInt64.self)
                    i &+= 8
                }
                if i < n {
                    let last = n &- 8
                    let word = UnsafeRawPointer(src + last).loadUnaligned(as: UInt64.self)
                    UnsafeMutableRawPointer(dst + last).storeBytes(of: word, as: UInt64.self)
                }
            }
        } else if n >= 4 {
            // Two 4-byte words, overlapping.
            let a = UnsafeRawPointer(src).loadUnaligned(as: UInt32.self)
            let b = UnsafeRawPointer(src + (n &- 4)).loadUnaligned(as: UInt32.self)
            UnsafeMutableRawPointer(dst).storeBytes(of: a, as: UInt32.self)
            UnsafeMutableRawPointer(dst + (n &- 4)).storeBytes(of: b, as: UInt32.self)
        } else {
            var i = 0
            while i < n {
                dst[i] = src[i]
                i &+= 1
            }
        }
    }
}
