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
        var out = LineCollector()
        var scopes: [JSONValue] = [job]
        try render(nodes, &scopes, &out)
        out.finish()
        return out.lines
    }

    func render(_ nodes: [Node], _ scopes: inout [JSONValue], _ out: inout LineCollector) throws(RenderProblem) {
        for node in nodes {
            switch node {
            case .text(let bytes): out.append(bytes)
            case .newline: out.endLine()
            case .newPage: out.lines.append(.newPage)
            case .value(let p):
                if p.path == Self.statementPath, p.up == scopes.count - 1 {
                    out.append(Statement.text(scopes[0]))
                    continue
                }
                guard let v = lookup(p, scopes), v != .null else {
                    if p.optional { continue }
                    throw RenderProblem(code: "letters.missing-value", message: "\(p.path.joined(separator: ".")) is missing (\(name):\(p.line):\(p.column))")
                }
                if p.filters.last == .bars {
                    guard let digits = v.string, digits.utf8.count == 44, digits.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
                        throw RenderProblem(code: "letters.value", message: "\(p.text): expected the 44 digits of a boleto barcode (\(name):\(p.line):\(p.column))")
                    }
                    out.barcode(Array(digits.utf8))
                    continue
                }
                do { out.append(try Filters.apply(p.filters, to: v)) } catch {
                    throw RenderProblem(code: "letters.value", message: "\(p.text): \(error.message) (\(name):\(p.line):\(p.column))")
                }
            case .section(let p, let inverted, let body):
                let v = lookup(p, scopes)
                var items: [JSONValue] = []
                switch v {
                case nil, .null?, .bool(false)?: break
                case .array(let elements)?: items = elements
                case .string(let s)? where s.isEmpty: break
                case let other?: items = [other]
                }
                if inverted {
                    if items.isEmpty { try render(body, &scopes, &out) }
                    continue
                }
                for item in items {
                    scopes.append(item)
                    try render(body, &scopes, &out)
                    scopes.removeLast()
                }
            }
        }
    }

    static let statementPath = ["statement"]

    func lookup(_ p: Placeholder, _ scopes: [JSONValue]) -> JSONValue? {
        let index = scopes.count - 1 - p.up
        guard index >= 0 else { return nil }
        var v = scopes[index]
        for key in p.path {
            guard case .object(let o) = v, let next = o[key] else { return nil }
            v = next
        }
        return v
    }
}

/// Collects rendered bytes into lines; a value with line ends (the statement) makes several.
struct LineCollector {
    var lines: [LetterLine] = []
    var current: [UInt8] = []
    var pendingBarcode: [UInt8]? = nil

    mutating func append(_ bytes: [UInt8]) {
        var start = 0
        while let nl = bytes[start...].firstIndex(of: 0x0A) {
            current += bytes[start..<nl]
            endLine()
            start = nl + 1
        }
        current += bytes[start...]
    }

    mutating func barcode(_ digits: [UInt8]) { pendingBarcode = digits }

    mutating func endLine() {
        if let digits = pendingBarcode {
            lines.append(.barcode(digits))
            pendingBarcode = nil
        } else {
            lines.append(.text(current))
        }
        current.removeAll(keepingCapacity: true)
    }

    mutating func finish() {
        if !current.isEmpty || pendingBarcode != nil { endLine() }
    }
}
