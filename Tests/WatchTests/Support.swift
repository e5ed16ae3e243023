import Foundation

@testable import Watch

/// A fresh temporary directory (removed by the caller).
func temporaryDirectory() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("troca-watch-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

func write(_ text: String, to path: String) throws {
    try FileManager.default.createDirectory(
        atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
}

func read(_ path: String) -> String? {
    (try? Data(contentsOf: URL(fileURLWithPath: path))).map { String(decoding: $0, as: UTF8.self) }
}

/// Files under `dir`, relative, sorted (hidden ones included).
func tree(_ dir: String) -> [String] {
    guard let e = FileManager.default.enumerator(atPath: dir) else { return [] }
    var files: [String] = []
    while let p = e.nextObject() as? String {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: dir + "/" + p, isDirectory: &isDir), !isDir.boolValue { files.append(p) }
    }
    return files.sorted()
}

/// A stage check that knows two commands: `upper` (no options) and `cnab parse` (`--rejects`).
func testCheck(_ words: [String], _ args: [String]) -> (member: String, message: String)? {
    switch words {
    case ["upper"]: return args.isEmpty ? nil : ("args", "upper takes no arguments")
    case ["cnab", "parse"]:
        return args.contains(where: { $0.hasPrefix("--") && $0 != "--rejects" }) ? ("args", "unknown option") : nil
    default: return ("stage", "unknown stage \"\(words.joined(separator: " "))\"")
    }
}

/// A watched folder in a temp directory: `watch.json` with one rule `*.txt` → `upper`, settle 0.
struct Folder {
    let root: String
    var config: WatchConfig

    init(settle: Double = 0, output: String = "{out}/{name}.out", acceptRejects: Bool = false) throws {
        root = try temporaryDirectory()
        try FileManager.default.createDirectory(atPath: root + "/f", withIntermediateDirectories: true)
        try write(
            """
            {"folder": "f", "settle_seconds": \(settle), "poll_seconds": 0.01,
             "rules": [{"pattern": "*.txt", "accept_rejects": \(acceptRejects),
                        "pipeline": {"stages": [{"stage": "upper"}], "output": "\(output)"}}]}
            """, to: root + "/watch.json")
        config = try WatchConfig.load(path: root + "/watch.json", check: testCheck)
    }

    var f: String { root + "/f" }

    func drop(_ name: String, _ text: String) throws { try write(text, to: f + "/inbox/" + name) }

    /// A run closure that uppercases the input into `{out}/{name}.out` (exit 0), or fails with
    /// status 65 when the text holds "bad"; counts its calls.
    final class Runner: @unchecked Sendable {
        var calls: [String] = []
        func run(_ job: WatchJob) -> WatchOutcome {
            calls.append(job.file)
            let text = read(job.input) ?? ""
            if text.contains("broken") {
                // A stage whose input is broken as a whole: 65 with the reason the run stopped.
                return WatchOutcome(status: 65, reason: "stage 1 of 1 (x): its input is broken as a whole", diagnostics: [])
            }
            if text.contains("bad") {
                return WatchOutcome(status: 65, diagnostics: ["troca: \(job.file):1:1: error: [x.bad] bad line, CPF 52998224725"])
            }
            let name = Template.names(ofInput: job.file).name
            let output = Template.expand(job.rule.pipeline.output ?? "{out}/{name}.out", ["out": job.out, "name": name, "date": job.date])
            try? write(text.uppercased(), to: output)
            return WatchOutcome(status: 0)
        }
    }

    func watcher(
        _ runner: Runner, log: LogCapture = LogCapture(), stop: @escaping () -> Bool = { false }, clock: TestClock? = nil
    ) throws -> Watcher {
        if let clock {
            return try Watcher(
                config: config, run: runner.run, log: log.append, shouldStop: stop, today: { "2026-11-30" }, now: { clock.seconds })
        }
        return try Watcher(config: config, run: runner.run, log: log.append, shouldStop: stop, today: { "2026-11-30" })
    }
}

/// A settle clock a test moves by hand (a run that "takes" minutes advances it).
final class TestClock: @unchecked Sendable {
    var seconds: Double = 1000
    func advance(_ by: Double) { seconds += by }
}

final class LogCapture: @unchecked Sendable {
    var lines: [String] = []
    func append(_ bytes: [UInt8]) { lines.append(String(decoding: bytes, as: UTF8.self)) }
    var text: String { lines.joined() }
}
