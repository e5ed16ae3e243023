import Records

/// A bank's rule for naming a remessa (`writing.file_name` of its layout), expanded once the file
/// is written, so that it can use the header as written.
///
/// Placeholders: `{dd}` `{mm}` `{yy}` `{yyyy}` (the generation date); `{m}` (the month in one
/// character: 1–9, O, N, D — Sicredi); `{seq:N}` (the file sequence, N digits); `{header:FIELD}`
/// (the file header's field FIELD as written, blanks trimmed — Sicredi's código do beneficiário);
/// `{n:N}` (a counter of N digits) or `{n:A,B,…}` (the first of these choices) — the first value
/// that names no existing file.
public struct FileNamePattern: Sendable {
    /// The pattern text.
    public let text: String

    /// The default when a layout names no rule.
    public static let fallback = FileNamePattern("remessa-{yyyy}{mm}{dd}-{n:2}.rem")

    /// Wraps a pattern (see `problems` for checking one).
    public init(_ text: String) { self.text = text }

    enum Part {
        case literal(String)
        case day, month, monthLetter, year2, year4
        case sequence(width: Int)
        case header(String)
        case counter(width: Int)
        case choices([String])
    }

    /// The pattern's parts, or the first problem found.
    func parts() -> Result<[Part], PatternError> {
        var parts: [Part] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            if open > rest.startIndex { parts.append(.literal(String(rest[..<open]))) }
            guard let close = rest[open...].firstIndex(of: "}") else {
                return .failure(PatternError(description: "unclosed { in \"\(text)\""))
            }
            let key = String(rest[rest.index(after: open)..<close])
            let (name, argument) =
                key.firstIndex(of: ":").map { (String(key[..<$0]), String(key[key.index(after: $0)...])) } ?? (key, "")
            switch (name, argument) {
            case ("dd", ""): parts.append(.day)
            case ("mm", ""): parts.append(.month)
            case ("m", ""): parts.append(.monthLetter)
            case ("yy", ""): parts.append(.year2)
            case ("yyyy", ""): parts.append(.year4)
            case ("seq", _) where (Int(argument) ?? 0) > 0: parts.append(.sequence(width: Int(argument)!))
            case ("header", _) where !argument.isEmpty: parts.append(.header(argument))
            case ("n", _) where (Int(argument) ?? 0) > 0: parts.append(.counter(width: Int(argument)!))
            case ("n", _) where argument.contains(","):
                let choices = argument.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                guard !choices.contains(where: \.isEmpty) else {
                    return .failure(PatternError(description: "an empty choice in {\(key)} of \"\(text)\""))
                }
                parts.append(.choices(choices))
            default:
                return .failure(PatternError(description: "unknown placeholder {\(key)} in \"\(text)\""))
            }
            rest = rest[rest.index(after: close)...]
        }
        if !rest.isEmpty { parts.append(.literal(String(rest))) }
        if parts.filter({ if case .counter = $0 { return true } else if case .choices = $0 { return true } else { return false } }).count > 1 {
            return .failure(PatternError(description: "more than one counter in \"\(text)\""))
        }
        return .success(parts)
    }

    /// A pattern that cannot be expanded.
    public struct PatternError: Error, Sendable, CustomStringConvertible {
        /// What is wrong.
        public let description: String
    }

    /// What is wrong with the pattern, for `layout lint`; nil when nothing is.
    public var problem: String? {
        if case .failure(let e) = parts() { return e.description }
        return nil
    }

    /// The header fields the pattern uses.
    public var headerFields: [String] {
        guard case .success(let parts) = parts() else { return [] }
        return parts.compactMap { if case .header(let name) = $0 { return name } else { return nil } }
    }

    /// Every name the pattern gives, in the order a counter tries them (one name when it has no
    /// counter). `header` answers `{header:FIELD}`.
    public func names(date: CivilDate, sequence: Int?, header: (String) -> String?) throws(PatternError) -> [String] {
        let parts: [Part]
        switch self.parts() {
        case .success(let p): parts = p
        case .failure(let e): throw e
        }
        func padded(_ v: Int, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        var variants: [String] = [""]
        for part in parts {
            switch part {
            case .literal(let s): variants = variants.map { $0 + s }
            case .day: variants = variants.map { $0 + padded(date.day, 2) }
            case .month: variants = variants.map { $0 + padded(date.month, 2) }
            case .monthLetter:
                let letter = date.month < 10 ? String(date.month) : ["O", "N", "D"][date.month - 10]
                variants = variants.map { $0 + letter }
            case .year2: variants = variants.map { $0 + padded(date.year % 100, 2) }
            case .year4: variants = variants.map { $0 + padded(date.year, 4) }
            case .sequence(let width): variants = variants.map { $0 + padded(sequence ?? 1, width) }
            case .header(let field):
                guard let value = header(field), !value.isEmpty else {
                    throw PatternError(description: "the file header has no value in \(field) for the file name \"\(text)\"")
                }
                variants = variants.map { $0 + value }
            case .counter(let width):
                // Up to 9,999 names: a wider counter is cut there, so no power of ten can overflow.
                let top = (0..<min(width, 4)).reduce(1) { v, _ in v * 10 } - 1
                variants = variants.flatMap { base in (1...max(top, 1)).map { base + padded($0, width) } }
            case .choices(let choices):
                variants = variants.flatMap { base in choices.map { base + $0 } }
            }
        }
        return variants
    }
}
