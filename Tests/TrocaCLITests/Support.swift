import FixedWidth
import Foundation
import TrocaCLI

/// The repository root, found from this file's path.
let repoRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

/// The shared corpus beside the checkout.
let corpusRoot = (repoRoot as NSString).appendingPathComponent("../shared/corpus")

/// What one in-process run of `troca` produced.
struct RunResult {
    var status: ExitStatus
    var stdout: [UInt8]
    var stderr: [UInt8]
    var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    var stderrText: String { String(decoding: stderr, as: UTF8.self) }
    /// stdout split into JSON objects.
    var records: [[String: Any]] {
        stdoutText.split(separator: "\n").map {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] ?? ["unparsable": String($0)]
        }
    }
}

final class Capture: @unchecked Sendable {
    var bytes: [UInt8] = []
}

/// Runs `troca ARGS` in-process with `stdin` bytes, in directory `cwd`.
func troca(_ args: [String], stdin: [UInt8] = [], cwd: String = repoRoot, env: [String: String] = [:]) -> RunResult {
    let out = Capture()
    let err = Capture()
    let io = IO(
        stdin: { MemorySource(stdin) },
        stdout: { out.bytes.append(contentsOf: $0) },
        stderr: { err.bytes.append(contentsOf: $0) },
        environment: env, currentDirectory: cwd)
    let status = Tool.main(arguments: args, io: io)
    return RunResult(status: status, stdout: out.bytes, stderr: err.bytes)
}

/// Splits a `cmd` line into words: blanks separate, single or double quotes group.
func shellWords(_ line: String) -> [String] {
    var words: [String] = []
    var current = ""
    var quote: Character? = nil
    var inWord = false
    for c in line {
        if let q = quote {
            if c == q { quote = nil } else { current.append(c) }
        } else if c == "'" || c == "\"" {
            quote = c
            inWord = true
        } else if c == " " || c == "\t" || c == "\n" {
            if inWord { words.append(current); current = ""; inWord = false }
        } else {
            current.append(c)
            inWord = true
        }
    }
    if inWord { words.append(current) }
    return words
}
