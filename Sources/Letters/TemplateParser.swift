/// Reads a template's text into nodes, checking tags, sections and fields as it goes.
struct TemplateParser {
    typealias Node = Template.Node
    let schema: FieldShape
    /// The shapes in scope, outermost first.
    var scopes: [FieldShape]

    init(schema: FieldShape) {
        self.schema = schema
        scopes = [schema]
    }

    enum Token {
        case text([UInt8])
        case tag([UInt8], column: Int)
    }

    /// An open section: its placeholder, whether inverted, and the nodes gathered so far.
    struct Open {
        var placeholder: Template.Placeholder
        var inverted: Bool
        var nodes: [Node]
    }

    mutating func parse(_ text: [UInt8]) throws(TemplateError) -> [Node] {
        var stack: [Open] = []
        var nodes: [Node] = []
        func add(_ node: Node) {
            if stack.isEmpty { nodes.append(node) } else { stack[stack.count - 1].nodes.append(node) }
        }
        var lines = text.split(separator: 0x0A, omittingEmptySubsequences: false)
        if text.last == 0x0A { lines.removeLast() }
        for (index, rawLine) in lines.enumerated() {
            let lineNumber = index + 1
            var line = Array(rawLine)
            if line.last == 0x0D { line.removeLast() }
            let tokens = try Self.tokens(line, lineNumber)
            // A line holding only a section tag, a comment or {{newpage}} leaves no line behind.
            let tags = tokens.compactMap { t -> [UInt8]? in if case .tag(let c, _) = t { return c } else { return nil } }
            let blankText = tokens.allSatisfy { t in
                if case .text(let b) = t { return b.allSatisfy { $0 == 0x20 || $0 == 0x09 } }
                return true
            }
            let standalone =
                blankText && tags.count == 1
                && (["#", "^", "/", "!"].contains(tags[0].first.map { Character(UnicodeScalar($0)) } ?? " ") || Self.trim(tags[0]) == Array("newpage".utf8))
            for token in tokens {
                switch token {
                case .text(let b):
                    if !standalone { add(.text(b)) }
                case .tag(let content, let column):
                    let body = Self.trim(content)
                    guard let first = body.first else {
                        throw TemplateError(code: "letters.template-syntax", message: "empty tag {{}}", line: lineNumber, column: column)
                    }
                    switch first {
                    case UInt8(ascii: "!"):
                        continue
                    case UInt8(ascii: "#"), UInt8(ascii: "^"):
                        // An inverted section renders in the scope around it (when its value is
                        // empty there is nothing to enter): only `#` opens a scope.
                        let inverted = first == UInt8(ascii: "^")
                        let p = try placeholder(Array(body.dropFirst()), lineNumber, column, section: true, opensScope: !inverted)
                        stack.append(Open(placeholder: p, inverted: inverted, nodes: []))
                    case UInt8(ascii: "/"):
                        let closing = String(decoding: Self.trim(Array(body.dropFirst())), as: UTF8.self)
                        guard let open = stack.popLast() else {
                            throw TemplateError(
                                code: "letters.template-section", message: "{{/\(closing)}} closes no open section", line: lineNumber, column: column)
                        }
                        guard open.placeholder.text == closing else {
                            throw TemplateError(
                                code: "letters.template-section",
                                message: "{{/\(closing)}} closes {{#\(open.placeholder.text)}} opened at \(open.placeholder.line):\(open.placeholder.column); expected {{/\(open.placeholder.text)}}",
                                line: lineNumber, column: column)
                        }
                        if !open.inverted { scopes.removeLast() }
                        add(.section(open.placeholder, inverted: open.inverted, body: open.nodes))
                    default:
                        if body == Array("newpage".utf8) {
                            add(.newPage)
                        } else {
                            add(.value(try placeholder(body, lineNumber, column, section: false)))
                        }
                    }
                }
            }
            if !standalone { add(.newline) }
        }
        if let open = stack.last {
            throw TemplateError(
                code: "letters.template-section", message: "{{#\(open.placeholder.text)}} is never closed: expected {{/\(open.placeholder.text)}}",
                line: open.placeholder.line, column: open.placeholder.column)
        }
        return nodes
    }

    static func trim(_ b: [UInt8]) -> [UInt8] {
        var s = b[...]
        while let f = s.first, f == 0x20 || f == 0x09 { s = s.dropFirst() }
        while let l = s.last, l == 0x20 || l == 0x09 { s = s.dropLast() }
        return Array(s)
    }

    /// The 1-based character column of byte `i` of a UTF-8 line, as an editor shows it (`é {{x}}`:
    /// the brace is character 3, byte 4): the bytes before it that start a character, plus one.
    static func column(_ line: [UInt8], _ i: Int) -> Int {
        line[..<i].reduce(1) { $1 & 0xC0 == 0x80 ? $0 : $0 + 1 }
    }

    static func tokens(_ line: [UInt8], _ lineNumber: Int) throws(TemplateError) -> [Token] {
        var tokens: [Token] = []
        var i = 0
        var textStart = 0
        while i + 1 < line.count {
            if line[i] == UInt8(ascii: "{"), line[i + 1] == UInt8(ascii: "{") {
                if i > textStart { tokens.append(.text(Array(line[textStart..<i]))) }
                var j = i + 2
                while j + 1 < line.count, !(line[j] == UInt8(ascii: "}") && line[j + 1] == UInt8(ascii: "}")) { j += 1 }
                guard j + 1 < line.count else {
                    throw TemplateError(
                        code: "letters.template-syntax", message: "{{ is not closed by }} on this line", line: lineNumber, column: column(line, i))
                }
                tokens.append(.tag(Array(line[(i + 2)..<j]), column: column(line, i)))
                i = j + 2
                textStart = i
            } else {
                i += 1
            }
        }
        if textStart < line.count { tokens.append(.text(Array(line[textStart...]))) }
        return tokens
    }

    /// `path[?] [| filter[:arg]]…`, resolved against the shapes in scope.
    mutating func placeholder(_ body: [UInt8], _ line: Int, _ column: Int, section: Bool, opensScope: Bool = false) throws(TemplateError)
        -> Template.Placeholder
    {
        let text = String(decoding: Self.trim(body), as: UTF8.self)
        let parts = text.split(separator: "|", omittingEmptySubsequences: false).map { String(decoding: Self.trim(Array($0.utf8)), as: UTF8.self) }
        var pathText = parts[0]
        var optional = false
        if pathText.hasSuffix("?") {
            optional = true
            pathText.removeLast()
        }
        let path = pathText.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !pathText.isEmpty, path.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 } }) else {
            throw TemplateError(code: "letters.template-syntax", message: "expected a field name such as payer.name, found \"\(text)\"", line: line, column: column)
        }
        // The innermost scope whose shape has the first name.
        var up = 0
        var shape: FieldShape? = nil
        for s in scopes.reversed() {
            if var found = s[member: path[0]] {
                var ok = true
                for key in path.dropFirst() {
                    guard let next = found[member: key] else { ok = false; break }
                    found = next
                }
                if ok { shape = found }
                break
            }
            up += 1
        }
        guard let shape else {
            throw TemplateError(code: "letters.template-field", message: "unknown field \"\(pathText)\": \(suggestion(path))", line: line, column: column)
        }
        if section {
            guard parts.count == 1 else {
                throw TemplateError(code: "letters.template-syntax", message: "a section tag takes no filters: {{#\(pathText)}}", line: line, column: column)
            }
            if opensScope {
                switch shape {
                case .list(let element): scopes.append(element)
                case .object: scopes.append(shape)
                default: scopes.append(.object([:]))
                }
            }
            return Template.Placeholder(path: path, up: up, optional: optional, filters: [], line: line, column: column, text: pathText)
        }
        var filters: [Template.Filter] = []
        for f in parts.dropFirst() {
            guard let filter = Filters.parse(f) else {
                throw TemplateError(
                    code: "letters.template-filter", message: "unknown filter \"\(f)\"; filters: \(Filters.names.joined(separator: ", "))", line: line,
                    column: column)
            }
            filters.append(filter)
        }
        if case .list = shape {
            throw TemplateError(code: "letters.template-field", message: "\(pathText) is a list: use {{#\(pathText)}}…{{/\(pathText)}}", line: line, column: column)
        }
        if case .object = shape {
            throw TemplateError(code: "letters.template-field", message: "\(pathText) is an object: name one of its fields", line: line, column: column)
        }
        if path == Template.statementPath, up == scopes.count - 1, !filters.isEmpty {
            throw TemplateError(code: "letters.template-filter", message: "statement is a ready-made table: it takes no filters", line: line, column: column)
        }
        if let problem = Filters.check(filters, shape) {
            throw TemplateError(code: "letters.template-filter", message: "\(pathText): \(problem)", line: line, column: column)
        }
        return Template.Placeholder(path: path, up: up, optional: optional, filters: filters, line: line, column: column, text: text)
    }

    /// The fields a misspelt name could have meant: those of the object its prefix names,
    /// else those of the innermost scope.
    func suggestion(_ path: [String]) -> String {
        var shape = scopes.last!
        var at = "here"
        if path.count > 1, var found = scopes.reversed().lazy.compactMap({ $0[member: path[0]] }).first {
            var prefix = [path[0]]
            for key in path.dropFirst().dropLast() {
                guard let next = found[member: key] else { break }
                found = next
                prefix.append(key)
            }
            shape = found
            at = "in " + prefix.joined(separator: ".")
        }
        guard case .object(let members) = shape, !members.isEmpty else { return "this scope has no fields" }
        return "fields \(at): " + members.keys.sorted().joined(separator: ", ")
    }
}
