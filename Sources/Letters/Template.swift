import Boleto
import Records

/// Why a template cannot be loaded, at its line and column (1-based; the column counts bytes).
public struct TemplateError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable code: `letters.template-field`, `letters.template-section`,
    /// `letters.template-filter`, `letters.template-syntax`.
    public var code: String
    /// What was expected and what was found.
    public var message: String
    /// 1-based line of the template.
    public var line: Int
    /// 1-based byte column of the tag.
    public var column: Int

    /// `[code] message`.
    public var description: String { "[\(code)] \(message)" }
}

/// Why one job cannot be rendered with a template: a value it needs is missing or of the wrong
/// kind. The job is rejected; the others are rendered.
public struct RenderProblem: Error, Sendable, Hashable {
    /// `letters.missing-value` or `letters.value`.
    public var code: String
    /// What was expected and what was found, with the template's position.
    public var message: String
    /// The job's value it is about, when it is one the job has: its node in the job's tape (its
    /// column in the line is `JSONReader.column(ofNode:in:)`).
    public var node: Int? = nil
}

/// One line of a rendered letter, before it is laid out on pages.
public enum LetterLine: Sendable, Hashable {
    /// Text, UTF-8, without a line end.
    case text([UInt8])
    /// `{{newpage}}`: the next line starts a page.
    case newPage
    /// A boleto's Interleaved 2 of 5 bars (`{{boleto.barcode | bars}}`): the 44 digits. Takes
    /// `LetterLine.barcodeHeight` lines of a page; the text renderers print the digits.
    case barcode([UInt8])

    /// A Pix QR code (`{{boleto.pix | qr}}`): the BR Code payload. Takes at least
    /// `LetterLine.qrCodeHeight` lines of a page; the text renderers print the payload, cut
    /// into lines of the page width.
    case qrCode([UInt8])

    /// Lines of a page a barcode takes (13 mm of bars and their quiet space at 6 lines per inch).
    public static let barcodeHeight = 4
    /// Lines of a page a QR code takes: 10 lines of 11 pt, 38.8 mm, the symbol and its quiet zone.
    public static let qrCodeHeight = 10
}

/// A letter template: plain text with `{{placeholders}}`, `{{#sections}}…{{/sections}}` over
/// lists and optional objects, `{{^inverted}}…{{/inverted}}` sections, filters after `|`, and
/// `{{! comments }}`. Loaded once, checked against the `letter` record's fields, then rendered
/// for each job.
public struct Template: Sendable {
    /// The name the template was loaded under (its file name).
    public let name: String
    let nodes: [Node]

    /// A filter applied to a placeholder's value.
    enum Filter: Sendable, Hashable {
        case money, date, upper, cpf, cnpj, document, cep, linha, bars, qr
        case pad(Int)
    }

    struct Placeholder: Sendable, Hashable {
        var path: [String]
        /// How many scopes up from the innermost the path starts (resolved at load).
        var up: Int
        var optional: Bool
        var filters: [Filter]
        var line: Int
        var column: Int
        var text: String
    }

    indirect enum Node: Sendable, Hashable {
        case text([UInt8])
        case newline
        case newPage
        case value(Placeholder)
        case section(Placeholder, inverted: Bool, body: [Node])
    }

    /// Loads `text` and checks every placeholder against `schema`: an unknown field, filter or
    /// an unbalanced section fails here, with the line and column of its tag.
    public init(name: String, text: [UInt8], schema: FieldShape = LetterSchema.job) throws(TemplateError) {
        self.name = name
        var parser = TemplateParser(schema: schema)
        nodes = try parser.parse(text)
        check = JobCheck(schema: schema)
        program = Program(nodes, check: check)
    }

    /// The job's values checked against the schema before a job is rendered.
    let check: JobCheck

    /// The nodes as a flat list of plain operations, for rendering: visiting an enum of nodes
    /// with array and string payloads retains and releases them at every step, job after job.
    var program: Program

    /// This template finding every value member by member, as if `JobCheck` noted no node (the
    /// general way, for tests to hold the noted nodes to).
    func lookingUpEveryMember() -> Template {
        var t = self
        for k in t.program.info.indices { t.program.info[k].entry = -1 }
        return t
    }

    struct Program: Sendable {
        enum Kind: UInt8, Sendable { case text, newline, newPage, value, section, invertedSection }
        /// One operation. `text`: its bytes are `texts[start..<end]`; `value`, sections: the
        /// placeholder's index (`start`); sections: the index of the operation after the body
        /// (`end`), the body being the operations in between.
        struct Op: Sendable {
            var kind: Kind
            var start: Int32
            var end: Int32
        }
        var ops: [Op] = []
        var texts: [UInt8] = []
        var placeholders: [Placeholder] = []
        /// Each placeholder's path keys as UTF-8, in `keys`: `keySpans[placeholder]` is a range
        /// of `spans`, each a key's range of `keys`.
        var keys: [UInt8] = []
        var spans: [Range<Int>] = []
        var keySpans: [Range<Int>] = []
        /// Which placeholders are `{{statement}}`.
        var isStatement: [Bool] = []
        /// What rendering a placeholder needs to know of it, without copying it (its path,
        /// filters and text are arrays and strings: copying one retains them).
        var info: [Info] = []
        /// Each placeholder's filters, in `filters`: `filterSpans[placeholder]` is a range of it.
        var filters: [Filter] = []
        var filterSpans: [Range<Int>] = []

        /// A placeholder's scope, whether it may be missing, and what its last filter draws.
        struct Info: Sendable {
            var up: Int
            var optional: Bool
            var isStatement: Bool
            /// No filter: the value as it is.
            var plain: Bool
            var bars: Bool
            var qr: Bool
            /// `entry(_:)`: where `JobCheck` notes the value's node, or -1 (looked up then).
            var entry: Int
        }

        /// While adding: the schema entry of each scope rendering will have pushed (the job's
        /// is entry 0), -1 for one no entry stands for (a list's item).
        var scopeEntries: [Int] = [0]
        let check: JobCheck

        init(_ nodes: [Node], check: JobCheck) {
            self.check = check
            add(nodes)
        }

        /// The schema entry of placeholder `p`'s value when it is the same for every job (its
        /// path starts at the job or at an object section's object and crosses no list: the
        /// node `JobCheck` notes for it), else -1.
        func entry(_ p: Placeholder) -> Int {
            let at = scopeEntries.count - 1 - p.up
            guard at >= 0, scopeEntries[at] >= 0 else { return -1 }
            var e = scopeEntries[at]
            for key in p.path {
                guard let next = check.member(of: e, key) else { return -1 }
                e = next
            }
            return e
        }

        mutating func add(_ nodes: [Node]) {
            for node in nodes {
                switch node {
                case .text(let bytes):
                    ops.append(Op(kind: .text, start: Int32(texts.count), end: Int32(texts.count + bytes.count)))
                    texts += bytes
                case .newline: ops.append(Op(kind: .newline, start: 0, end: 0))
                case .newPage: ops.append(Op(kind: .newPage, start: 0, end: 0))
                case .value(let p): ops.append(Op(kind: .value, start: Int32(add(p)), end: 0))
                case .section(let p, let inverted, let body):
                    let at = ops.count
                    let index = add(p)
                    ops.append(Op(kind: inverted ? .invertedSection : .section, start: Int32(index), end: 0))
                    // As rendering does: a section pushes a scope (its object, its value, or
                    // each item of its list), an inverted one none.
                    if !inverted {
                        let e = info[index].entry
                        scopeEntries.append(e >= 0 && !check.isList(e) ? e : -1)
                    }
                    add(body)
                    if !inverted { scopeEntries.removeLast() }
                    ops[at].end = Int32(ops.count)
                }
            }
        }

        mutating func add(_ p: Placeholder) -> Int {
            let first = spans.count
            for key in p.path {
                spans.append(keys.count..<(keys.count + key.utf8.count))
                keys += key.utf8
            }
            keySpans.append(first..<spans.count)
            isStatement.append(p.path == Template.statementPath)
            info.append(
                Info(
                    up: p.up, optional: p.optional, isStatement: p.path == Template.statementPath, plain: p.filters.isEmpty,
                    bars: p.filters.last == .bars, qr: p.filters.last == .qr, entry: entry(p)))
            filterSpans.append(filters.count..<(filters.count + p.filters.count))
            filters += p.filters
            placeholders.append(p)
            return placeholders.count - 1
        }
    }

    /// Renders one job (a `letter` record) into lines.
    public func render(_ job: JSONValue) throws(RenderProblem) -> [LetterLine] {
        var tape = JSONTape()
        tape.append(job)
        var out = LetterText()
        try render(tape, into: &out)
        return out.letterLines
    }

    /// Renders the job at the root of `tape` into `out` (cleared first), reading the values
    /// straight from the tape: no tree, no array per line. A job whose values are not of the
    /// kinds the schema declares (`JobCheck`) is refused first, whatever the template prints.
    public func render(_ tape: JSONTape, into out: inout LetterText) throws(RenderProblem) {
        // The nodes of the job's values, noted by the check as it meets them.
        if out.found.count != check.entryCount { out.found = [Int](repeating: -1, count: check.entryCount) }
        if out.predicted.count != check.predictionCount { out.predicted = [Int32](repeating: -1, count: check.predictionCount) }
        let problem = out.found.withUnsafeMutableBufferPointer { found in
            out.predicted.withUnsafeMutableBufferPointer { predicted in
                found.update(repeating: -1)
                return check.problem(in: tape, found: found.baseAddress!, predicted: predicted.baseAddress!)
            }
        }
        if let p = problem { throw RenderProblem(code: p.code, message: p.message, node: p.node) }
        out.removeAll()
        out.scopes.removeAll(keepingCapacity: true)
        out.scopes.append(0)
        try render(0..<program.ops.count, tape, &out)
        out.finish()
    }

    /// Renders the operations `range` of the program.
    func render(_ range: Range<Int>, _ tape: JSONTape, _ out: inout LetterText) throws(RenderProblem) {
        var i = range.lowerBound
        while i < range.upperBound {
            let op = program.ops[i]
            i += 1
            switch op.kind {
            case .text:
                program.texts.withUnsafeBufferPointer { out.appendLineText(UnsafeBufferPointer(rebasing: $0[Int(op.start)..<Int(op.end)])) }
            case .newline: out.endLine()
            case .newPage: out.newPage()
            case .value:
                try value(Int(op.start), tape, &out)
            case .section, .invertedSection:
                // nil, null, false and "" are empty; a list gives its elements; anything else is one item.
                let body = i..<Int(op.end)
                i = Int(op.end)
                var items = 0
                var first = 0
                if let v = lookup(Int(op.start), tape, &out) {
                    let node = tape[v]
                    switch node.kind {
                    case .null, .false: break
                    case .array: (items, first) = (Int(node.count), v + 1)
                    case .string where node.count == 0: break
                    default: (items, first) = (1, v)
                    }
                }
                if op.kind == .invertedSection {
                    if items == 0 { try render(body, tape, &out) }
                    continue
                }
                var item = first
                for _ in 0..<items {
                    out.scopes.append(item)
                    try render(body, tape, &out)
                    out.scopes.removeLast()
                    item = tape.next(after: item)
                }
            }
        }
    }

    /// Renders placeholder `index`'s value, or says why the job cannot have it.
    func value(_ index: Int, _ tape: JSONTape, _ out: inout LetterText) throws(RenderProblem) {
        let info = program.info[index]
        if info.isStatement, info.up == out.scopes.count - 1 {
            out.value.removeAll()
            if let failure = Statement.append(tape, job: out.scopes[0], to: &out.value) {
                let p = program.placeholders[index]
                switch failure {
                case .overflow:
                    throw RenderProblem(
                        code: "letters.value", message: "\(p.text): the títulos' amounts add up past what a statement can sum (\(name):\(p.line):\(p.column))")
                case .noAmount(let title, let node):
                    throw RenderProblem(
                        code: "letters.missing-value",
                        message: "titles[\(title)] has no amount_cents: the statement needs each título's face value (\(name):\(p.line):\(p.column))",
                        node: node)
                }
            }
            out.appendValue()
            return
        }
        guard let v = lookup(index, tape, &out), tape[v].kind != .null else {
            if info.optional { return }
            let p = program.placeholders[index]
            throw RenderProblem(code: "letters.missing-value", message: "\(p.path.joined(separator: ".")) is missing (\(name):\(p.line):\(p.column))")
        }
        let node = tape[v]
        if info.plain, node.kind == .string {
            // The common case: a string as it is. It holds no line feed: every placeholder names
            // a field of the schema, whose strings `JobCheck` refused with a control character.
            tape.text.withUnsafeBufferPointer {
                out.appendLineText(UnsafeBufferPointer(rebasing: $0[Int(node.offset)..<(Int(node.offset) + Int(node.count))]))
            }
            return
        }
        if info.bars {
            let digits = tape.bytes(v)
            guard tape[v].kind == .string, digits.count == 44, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
                let p = program.placeholders[index]
                throw RenderProblem(
                    code: "letters.value", message: "\(p.text): expected the 44 digits of a boleto barcode (\(name):\(p.line):\(p.column))", node: v)
            }
            out.symbol(digits, .barcode)
            return
        }
        if info.qr {
            let payload = tape.bytes(v)
            let capacity = QRCode.byteCapacity(version: 40, level: .medium)
            guard tape[v].kind == .string, !payload.isEmpty, payload.count <= capacity else {
                let p = program.placeholders[index]
                throw RenderProblem(
                    code: "letters.value", message: "\(p.text): expected a Pix payload of 1…\(capacity) bytes for its QR code (\(name):\(p.line):\(p.column))",
                    node: v)
            }
            out.symbol(payload, .qrCode)
            return
        }
        do {
            try program.filters.withUnsafeBufferPointer { (filters) throws(FilterProblem) in
                try Filters.apply(
                    UnsafeBufferPointer(rebasing: filters[program.filterSpans[index]]), to: v, of: tape, into: &out.value, scratch: &out.scratch)
            }
        } catch {
            // At the value's column, as the job's other bad values are.
            let p = program.placeholders[index]
            throw RenderProblem(code: "letters.value", message: "\(p.text): \(error.message) (\(name):\(p.line):\(p.column))", node: v)
        }
        out.appendValue()
    }

    /// The node placeholder `index` names, from the scope it starts in, or nil.
    func lookup(_ index: Int, _ tape: JSONTape, _ out: inout LetterText) -> Int? {
        let entry = program.info[index].entry
        if entry >= 0 {
            let node = out.found[entry]
            return node >= 0 ? node : nil
        }
        return lookup(index, tape, out.scopes)
    }

    /// The node placeholder `index` names, from the scope it starts in, or nil: its path's
    /// members looked up one by one.
    func lookup(_ index: Int, _ tape: JSONTape, _ scopes: [Int]) -> Int? {
        let at = scopes.count - 1 - program.info[index].up
        guard at >= 0 else { return nil }
        var v = scopes[at]
        let found = program.keys.withUnsafeBufferPointer { keys in
            program.spans.withUnsafeBufferPointer { spans in
                for k in program.keySpans[index] {
                    guard let next = tape.member(UnsafeBufferPointer(rebasing: keys[spans[k]]), of: v) else { return false }
                    v = next
                }
                return true
            }
        }
        return found ? v : nil
    }

    static let statementPath = ["statement"]

}
