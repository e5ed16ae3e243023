import Records

/// The short way through a row (most rows of most files): one loop over the emit program that
/// reads each cell where the reader left it, checks and copies text, digits and `dd/MM/yyyy`
/// dates in place, and writes without a capacity check per byte (room is made per member).
/// Other types go through `Importer.parse` as in the general path. At the first field the
/// short way does not take (a problem, a required blank, text that needs escapes or is not
/// UTF-8, a `'` first, several columns, a list), it undoes what it wrote and `record` takes
/// the row the general way, which writes the same bytes for every row the short way takes.
extension Importer {
    /// Appends the current row's record (as `record` would) and returns true; false, with
    /// `out` and the key as they were, when the row needs the general path.
    func appendCommonRow(_ reader: CSVReader, line: Int, into out: inout ByteBuffer) -> Bool {
        let mark = out.count
        let cells = reader.current
        let offsets = cells.pointee.offsets
        let input = cells.pointee.input
        let quoted = UnsafePointer(cells.pointee.bytes.base)
        let textClass = CellFastPaths.textClass
        let constants = UnsafePointer(self.constants)
        out.reserve(memberRoom)
        Importer.putWords(constants + prefixJSON.0, prefixJSON.1, &out)
        var depth = 0
        // marks[2d]: where the object at depth d opened; marks[2d+1]: members written in it.
        marks[1] = 1
        var k = 0
        while k < opCount {
            let op = ops + k
            k &+= 1
            let kind = op.pointee.kind
            if kind == 1 {
                out.reserve(memberRoom)
                let open = out.count
                // The key, with the comma before it when a member came before.
                let comma = marks[2 &* depth &+ 1] > 0 ? 1 : 0
                Importer.putWords(constants + (op.pointee.key.0 &- comma), op.pointee.key.1 &+ comma, &out)
                depth &+= 1
                marks[2 &* depth] = open
                marks[2 &* depth &+ 1] = 0
                continue
            }
            if kind != 0 {
                if marks[2 &* depth &+ 1] > 0 {
                    out.reserve(1)
                    Importer.put(0x7D, &out)
                    depth &-= 1
                    marks[2 &* depth &+ 1] &+= 1
                } else {
                    out.count = marks[2 &* depth]
                    depth &-= 1
                }
                continue
            }
            out.reserve(memberRoom)
            let member = out.count
            let comma = marks[2 &* depth &+ 1] > 0 ? 1 : 0
            Importer.putWords(constants + (op.pointee.key.0 &- comma), op.pointee.key.1 &+ comma, &out)
            let value = out.count
            let slot = op.pointee.slot
            if slot >= planCount {
                // A document_type derived from its document, set when the document was read.
                let (offset, count) = slots[slot]
                guard count > 0 else {
                    out.count = member
                    continue
                }
                Importer.putWords(constants + offset, count, &out)
                marks[2 &* depth &+ 1] &+= 1
                continue
            }
            let plan = plans + slot
            let typeSlot = plan.pointee.documentTypeSlot
            if typeSlot >= 0 { slots[typeSlot] = (0, 0) }
            if plan.pointee.constant.1 > 0 {
                Importer.putWords(constants + plan.pointee.constant.0, plan.pointee.constant.1, &out)
                if typeSlot >= 0 { slots[typeSlot] = plan.pointee.defaultType }
            } else {
                let column = plan.pointee.column
                guard column >= 0, plan.pointee.split == 0 else { return giveUp(mark, &out) }
                // The cell (see `CSVReader.Cells.offsets`), without blanks around it.
                let start = offsets[2 &* column], end = offsets[2 &* column &+ 1]
                var p = start >= 0 ? input + start : quoted + ~start
                var n = start >= 0 ? end &- start : start &- end
                // Most cells have no blank or tab at either end: one look at each end.
                if n > 0 && (p[0] <= 0x20 || p[n &- 1] <= 0x20) { (p, n) = Importer.trimmed(p, n) }
                if n == 0 {
                    let d = plan.pointee.defaultValue
                    if d.1 > 0 {
                        Importer.putWords(constants + d.0, d.1, &out)
                        if typeSlot >= 0 { slots[typeSlot] = plan.pointee.defaultType }
                    } else if plan.pointee.required {
                        return giveUp(mark, &out)
                    } else {
                        values[slot] = (0, 0)
                        out.count = member
                        continue
                    }
                } else {
                    let type = plan.pointee.type
                    var done = false
                    if type == Importer.text || type == Importer.digits {
                        if type == Importer.text {
                            // A `'` first may be taken off (`unneutralised`): the general path.
                            guard p[0] != 0x27 else { return giveUp(mark, &out) }
                            var classes: UInt8 = 0
                            for j in 0..<n { classes |= textClass[Int(p[j])] }
                            guard classes & 1 == 0 else { return giveUp(mark, &out) }
                            guard classes == 0 || TextBytes.isValidUTF8(UnsafeBufferPointer(start: p, count: n)) else {
                                return giveUp(mark, &out)
                            }
                        } else {
                            for j in 0..<n where p[j] &- 48 > 9 { return giveUp(mark, &out) }
                        }
                        out.reserve(n &+ 16)
                        Importer.put(0x22, &out)
                        Importer.put(p, n, &out)
                        Importer.put(0x22, &out)
                        done = true
                    } else if type == Importer.date {
                        let format = plan.pointee.dateFormat
                        done =
                            format != .iso && format != .ddMMyy
                            && CellFastPaths.appendDayMonthYear(UnsafeBufferPointer(start: p, count: n), to: &out)
                    } else if type == Importer.amount {
                        let style = plan.pointee.amountStyle
                        if style != .plain, let cents = CellFastPaths.brazilianCents(p, n) {
                            CellFastPaths.appendInt(cents, to: &out)
                            done = true
                        }
                    } else if type == Importer.cep {
                        done = CellFastPaths.appendHyphenatedCEP(p, n, to: &out)
                    } else if type == Importer.document {
                        // As `Importer.parse` reads it, without its dispatch.
                        guard case .success(let kind) = BrazilianDocument.append(UnsafeBufferPointer(start: p, count: n), to: &out)
                        else { return giveUp(mark, &out) }
                        if typeSlot >= 0 { slots[typeSlot] = kind == .cpf ? cpfJSON : cnpjJSON }
                        done = true
                    }
                    if !done {
                        var kind: BrazilianDocument.Kind? = nil
                        guard Importer.parse(UnsafeBufferPointer(start: p, count: n), UnsafePointer(plan), into: &out, kind: &kind) == nil
                        else { return giveUp(mark, &out) }
                        if let kind, typeSlot >= 0 { slots[typeSlot] = kind == .cpf ? cpfJSON : cnpjJSON }
                    }
                }
            }
            values[slot] = (value, out.count &- value)
            if slot == keyField { keepKey(UnsafeBufferPointer(start: out.base + value, count: out.count &- value)) }
            marks[2 &* depth &+ 1] &+= 1
        }
        out.reserve(memberRoom)
        Importer.putWords(constants + sourceJSON.0, sourceJSON.1, &out)
        CellFastPaths.appendInt(line, to: &out)
        out.reserve(2)
        Importer.put(0x7D, &out)
        Importer.put(0x7D, &out)
        return true
    }

    /// Undoes a row the short way did not finish.
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

    /// Appends `n` bytes of `constants` (n > 0) where room was made for them and 8 more, a
    /// whole word at a time: the constants have 8 bytes after them, and the bytes written past
    /// `n` are overwritten by what comes next.
    @inline(__always)
    static func putWords(_ src: UnsafePointer<UInt8>, _ n: Int, _ out: inout ByteBuffer) {
        let dst = UnsafeMutableRawPointer(out.base + out.count)
        let from = UnsafeRawPointer(src)
        var i = 0
        repeat {
            dst.storeBytes(of: from.loadUnaligned(fromByteOffset: i, as: UInt64.self), toByteOffset: i, as: UInt64.self)
            i &+= 8
        } while i < n
        out.count &+= n
    }

    /// Appends a byte where room was made.
    @inline(__always)
    static func put(_ byte: UInt8, _ out: inout ByteBuffer) {
        out.base[out.count] = byte
        out.count &+= 1
    }

    /// Appends `n` bytes where room was made for them and 8 more: whole words (the last one
    /// overlapping the one before), bytes below 8, `memcpy` beyond 64.
    @inline(__always)
    static func put(_ src: UnsafePointer<UInt8>, _ n: Int, _ out: inout ByteBuffer) {
        let dst = out.base + out.count
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
        } else {
            var i = 0
            while i < n {
                dst[i] = src[i]
                i &+= 1
            }
        }
        out.count &+= n
    }
}
