/// `{placeholder}` templating of pipeline arguments and output paths.
///
/// Placeholders: `{name}` the input's file name without its last extension (`RET0123.ret` →
/// `RET0123`), `{file}` the input's file name, `{input}` the input's path, `{date}` the run's
/// date `YYYY-MM-DD`, `{out}` the output directory, `{work}` a scratch directory private to the
/// run, `{pipeline}` the pipeline file's directory (for maps and layouts kept beside it). Any
/// other `{…}` is a configuration error found at load.
public enum Template {
    /// The placeholders a template may use.
    public static let placeholders = ["name", "file", "input", "date", "out", "work", "pipeline"]

    /// The first unknown or unclosed placeholder in `text`, as a message, or nil.
    public static func problem(in text: String) -> String? {
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            guard let close = rest[open...].firstIndex(of: "}") else {
                return "unclosed \"{\" in \"\(text)\""
            }
            let name = String(rest[rest.index(after: open)..<close])
            if !placeholders.contains(name) {
                return "unknown placeholder {\(name)} in \"\(text)\"; known: "
                    + placeholders.map { "{\($0)}" }.joined(separator: ", ")
            }
            rest = rest[rest.index(after: close)...]
        }
        return nil
    }

    /// `text` with each placeholder replaced by its value (checked at load by `problem(in:)`).
    public static func expand(_ text: String, _ values: [String: String]) -> String {
        var out = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            out += rest[..<open]
            let name = String(rest[rest.index(after: open)..<close])
            out += values[name] ?? "{\(name)}"
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    /// The values of `{name}` and `{file}` for an input path.
    public static func names(ofInput path: String) -> (name: String, file: String) {
        let file = path.split(separator: "/").last.map(String.init) ?? path
        if let dot = file.lastIndex(of: "."), dot != file.startIndex {
            return (String(file[..<dot]), file)
        }
        return (file, file)
    }
}
