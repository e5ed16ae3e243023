import Records

#if canImport(Glibc)
    import Glibc
#endif

/// A watched folder's configuration.
///
/// ```json
/// {"folder": "banco",
///  "settle_seconds": 5, "poll_seconds": 2,
///  "rules": [{"pattern": "*.ret", "pipeline": "retorno.json"},
///            {"pattern": "*.csv", "pipeline": "titulos.json", "accept_rejects": true}]}
/// ```
/// `folder` holds `inbox/`, `work/`, `out/`, `done/`, `failed/`, `duplicates/`, the journal
/// `journal.jsonl` and the lock `.troca-watch.lock`; relative paths are resolved against the
/// configuration file's directory.
public struct WatchConfig: Sendable {
    /// One rule: files whose name matches `pattern` (shell glob, as fnmatch) run `pipeline`.
    public struct Rule: Sendable {
        /// The glob, e.g. `*.ret` or `CB??????.RET`.
        public var pattern: String
        /// The pipeline it runs.
        public var pipeline: Pipeline
        /// Whether a run that rejected records (exit 65) counts as done (outputs kept, rejects
        /// among them) rather than failed.
        public var acceptRejects: Bool
        /// Where it was declared, e.g. `$.rules[1]`.
        public var path: String

        /// Whether `name` matches the pattern.
        public func matches(_ name: String) -> Bool { fnmatch(pattern, name, 0) == 0 }
    }

    /// The folder's root (absolute or relative to the current directory).
    public var folder: String
    /// How long a file's size and mtime must stay the same before it is taken.
    public var settleSeconds: Double
    /// How often the inbox is listed.
    public var pollSeconds: Double
    /// The rules, tried in order; the first match wins.
    public var rules: [Rule]
    /// The log file (JSONL), or nil for standard error.
    public var log: String?

    /// The folder's parts.
    public var inbox: String { folder + "/inbox" }
    /// Claimed files being processed.
    public var work: String { folder + "/work" }
    /// Outputs.
    public var out: String { folder + "/out" }
    /// Processed inputs, by date.
    public var done: String { folder + "/done" }
    /// Inputs that failed, each with `NAME.error.json`.
    public var failed: String { folder + "/failed" }
    /// Inputs whose content was already processed.
    public var duplicates: String { folder + "/duplicates" }
    /// The journal.
    public var journal: String { folder + "/journal.jsonl" }
    /// The lock.
    public var lock: String { folder + "/.troca-watch.lock" }

    /// The rule for a file name.
    public func rule(for name: String) -> Rule? { rules.first { $0.matches(name) } }

    /// Reads and validates a watch configuration; pipelines named by rules are loaded (and
    /// validated) too, relative to the configuration's directory.
    public static func load(path: String, name: String? = nil, check: Pipeline.StageCheck) throws(ConfigError) -> WatchConfig {
        let display = name ?? path
        let base = directoryOf(path)
        func resolve(_ p: String) -> String { p.hasPrefix("/") ? p : base + "/" + p }
        let r = try ConfigReader(file: display, path: "$", value: try loadJSON(path, name: display))
        try r.only(["folder", "settle_seconds", "poll_seconds", "rules", "log", "description"])
        _ = try r.string("description")
        let folder = resolve(try r.requiredString("folder"))
        let settle = try r.seconds("settle_seconds") ?? 5
        let poll = try r.seconds("poll_seconds") ?? 2
        guard poll > 0 else { throw r.error("poll_seconds", "expected more than 0 seconds, found 0") }
        let log = try r.string("log").map(resolve)
        guard let list = try r.array("rules"), !list.isEmpty else {
            throw r.error("rules", "missing or empty; expected at least one {\"pattern\", \"pipeline\"} rule")
        }
        var rules: [Rule] = []
        for (i, entry) in list.enumerated() {
            let at = "$.rules[\(i)]"
            let e = try ConfigReader(file: display, path: at, value: entry)
            try e.only(["pattern", "pipeline", "accept_rejects"])
            let pattern = try e.requiredString("pattern")
            if let problem = patternProblem(pattern) { throw e.error("pattern", problem) }
            let pipeline: Pipeline
            switch e.object["pipeline"] {
            case .string(let file)?:
                do {
                    pipeline = try Pipeline.load(path: resolve(file), name: file, check: check)
                } catch {
                    throw ConfigError(file: display, path: "\(at).pipeline", message: error.description)
                }
            case let v?:
                pipeline = try Pipeline(json: v, file: display, directory: base, path: "\(at).pipeline", name: "rules[\(i)]", check: check)
            case nil:
                throw e.error("pipeline", "missing; expected a pipeline file name or an inline pipeline object")
            }
            if let earlier = rules.first(where: { $0.pattern == pattern }) {
                throw e.error("pattern", "\"\(pattern)\" repeats \(earlier.path).pattern; this rule could never match a file")
            }
            if let earlier = rules.first(where: { $0.pattern == "*" }) {
                throw e.error("pattern", "\(earlier.path).pattern \"*\" takes every file first; this rule could never match a file")
            }
            rules.append(Rule(pattern: pattern, pipeline: pipeline, acceptRejects: try e.bool("accept_rejects") ?? false, path: at))
        }
        return WatchConfig(folder: folder, settleSeconds: settle, pollSeconds: poll, rules: rules, log: log)
    }

    /// Why a pattern can never match a file the watcher takes, or nil.
    static func patternProblem(_ pattern: String) -> String? {
        if pattern.contains("/") { return "a pattern matches file names in inbox/, without \"/\"; found \"\(pattern)\"" }
        if pattern.hasPrefix(".") { return "\"\(pattern)\" matches only hidden files, which the watcher never takes" }
        if pattern.hasSuffix(".ok") { return "\"\(pattern)\" matches only .ok markers, which the watcher never takes as inputs" }
        return nil
    }
}
