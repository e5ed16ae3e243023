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

    /// Lines of a page a barcode takes (13 mm of bars and their quiet space at 6 lines per inch).
    public static let barcodeHeight = 4
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
        case money, date, upper, cpf, cnpj, document, cep, linha, bars
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
    /// straight from the tape: no tree, no array per line.
    public func render(_ tape: JSONTape, into out: inout LetterText) throws(RenderProblem) {
        out.removeAll()
        out.scopes.removeAll(keepingCapacity: true)
        out.scopes.append(0)
        try render(nodes, tape, &out)
        out.finish()
    }

    func render(_ nodes: [Node], _ tape: JSONTape, _ out: inout LetterText) throws(RenderProblem) {
        for node in nodes {
            switch node {
            case .text(let bytes): out.append(bytes)
            case .newline: out.endLine()
            case .newPage: out.newPage()
            case .value(let p):
                if p.up == out.scopes.count - 1, p.path.count == 1, p.path[0] == Self.statementPath[0] {
                    out.value.removeAll(keepingCapacity: true)
                    Statement.append(tape, job: out.scopes[0], to: &out.value)
                    out.appendValue()
                    continue
                }
                guard let v = lookup(p, tape, out.scopes), tape[v].kind != .null else {
                    if p.optional { continue }
                    throw RenderProblem(code: "letters.missing-value", message: "\(p.path.joined(separator: ".")) is missing (\(name):\(p.line):\(p.column))")
                }
                if p.filters.last == .bars {
                    let digits = tape.bytes(v)
                    guard tape[v].kind == .string, digits.count == 44, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
                        throw RenderProblem(code: "letters.value", message: "\(p.text): expected the 44 digits of a boleto barcode (\(name):\(p.line):\(p.column))")
                    }
                    out.barcode(digits)
                    continue
                }
                do { try Filters.apply(p.filters, to: v, of: tape, into: &out.value, scratch: &out.scratch) } catch {
                    throw RenderProblem(code: "letters.value", message: "\(p.text): \(error.message) (\(name):\(p.line):\(p.column))")
                }
                out.appendValue()
            case .section(let p, let inverted, let body):
                // nil, null, false and "" are empty; a list gives its elements; anything else is one item.
                let v = lookup(p, tape, out.scopes)
                var items = 0
                var first = 0
                if let v {
                    let node = tape[v]
                    switch node.kind {
                    case .null, .false: break
                    case .array: (items, first) = (Int(node.count), v + 1)
                    case .string where node.count == 0: break
                    default: (items, first) = (1, v)
                    }
                }
                if inverted {
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

    static let statementPath = ["statement"]

    /// The node a placeholder names, from the scope it starts in, or nil.
    func lookup(_ p: Placeholder, _ tape: JSONTape, _ scopes: [Int]) -> Int? {
        let index = scopes.count - 1 - p.up
        guard index >= 0 else { return nil }
        var v = scopes[index]
        for key in p.path {
            guard let next = tape.member(key, of: v) else { return nil }
            v = next
        }
        return v
    }
}
