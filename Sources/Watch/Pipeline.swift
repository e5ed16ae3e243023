import Records

/// A pipeline: a named list of stages (the CLI's commands, with their arguments) run one after
/// the other on one input, each stage's standard output becoming the next one's standard input,
/// the last one's written to `output`.
///
/// ```json
/// {"pipeline": "retorno",
///  "stages": [{"stage": "cnab parse", "args": ["{input}", "--rejects", "{out}/{name}.rejects.jsonl"]},
///             {"stage": "export csv", "args": ["--columns", "nosso_numero,paid_cents"]}],
///  "output": "{out}/{name}-{date}.csv"}
/// ```
public struct Pipeline: Sendable, Hashable {
    /// One stage: a command and its arguments (templates, expanded for each input).
    public struct Stage: Sendable, Hashable {
        /// The command's words, e.g. `["cnab", "parse"]`.
        public var command: [String]
        /// Its arguments, with `{placeholders}`.
        public var arguments: [String]
        /// Where it was declared, e.g. `$.stages[0]`, for messages.
        public var path: String
    }

    /// The pipeline's name (the file name when `"pipeline"` is absent).
    public var name: String
    /// The stages, in order.
    public var stages: [Stage]
    /// Where the last stage's output goes (a template); nil: standard output (`troca run`) or
    /// `{out}/{file}.jsonl` (`troca watch`).
    public var output: String?
    /// The pipeline file's directory (`{pipeline}`).
    public var directory: String
    /// The file it was read from, as given.
    public var file: String

    /// Checks a stage: its command words and arguments (placeholders already replaced by
    /// sample values) → nil when the command exists and accepts the arguments, else the member
    /// at fault (`stage` or `args`) and the reason.
    public typealias StageCheck = (_ command: [String], _ arguments: [String]) -> (member: String, message: String)?

    /// Reads and validates a pipeline file. Every problem is a `ConfigError` naming the JSON
    /// path of the bad entry.
    public static func load(path: String, name: String? = nil, check: StageCheck) throws(ConfigError) -> Pipeline {
        let display = name ?? path
        let json = try loadJSON(path, name: display)
        let base = display.split(separator: "/").last.map(String.init) ?? display
        return try Pipeline(json: json, file: display, directory: directoryOf(path), name: Template.names(ofInput: base).name, check: check)
    }

    /// Validates a pipeline given as JSON (a file's contents, or an entry of a watch config);
    /// `name` is its name when it has no `"pipeline"` key.
    public init(json: JSONValue, file: String, directory: String, path root: String = "$", name defaultName: String, check: StageCheck)
        throws(ConfigError)
    {
        let r = try ConfigReader(file: file, path: root, value: json)
        try r.only(["pipeline", "stages", "output", "description"])
        _ = try r.string("description")
        self.file = file
        self.directory = directory
        name = try r.string("pipeline") ?? defaultName
        guard let list = try r.array("stages") else { throw r.error("stages", "missing; expected an array of stages") }
        guard !list.isEmpty else { throw r.error("stages", "empty; a pipeline needs at least one stage") }
        let samples = [
            "name": "N", "file": "N.x", "input": "/in/N.x", "date": "2026-01-01", "out": "/out", "work": "/work",
            "pipeline": "/p",
        ]
        var stages: [Stage] = []
        for (i, entry) in list.enumerated() {
            let at = "\(root).stages[\(i)]"
            let s = try ConfigReader(file: file, path: at, value: entry)
            try s.only(["stage", "args"])
            let words = try s.requiredString("stage").split(separator: " ").map(String.init)
            var args: [String] = []
            for (k, a) in (try s.array("args") ?? []).enumerated() {
                guard case .string(let text) = a else {
                    throw ConfigError(file: file, path: "\(at).args[\(k)]", message: "expected a string, found \(a.kindName)")
                }
                if let problem = Template.problem(in: text) {
                    throw ConfigError(file: file, path: "\(at).args[\(k)]", message: problem)
                }
                args.append(text)
            }
            if let problem = check(words, args.map { Template.expand($0, samples) }) {
                throw ConfigError(file: file, path: "\(at).\(problem.member)", message: problem.message)
            }
            stages.append(Stage(command: words, arguments: args, path: at))
        }
        self.stages = stages
        output = try r.string("output")
        if let output, let problem = Template.problem(in: output) { throw r.error("output", problem) }
    }
}

/// The directory part of a path (`.` when there is none).
func directoryOf(_ path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return slash == path.startIndex ? "/" : String(path[..<slash])
}
