import Foundation
import Testing

@testable import TrocaCLI

/// Every file option a command's help shows (`--rules FILE`, `--map MAP.json`) is one of its
/// `inputOptions`, so that `OutputCheck` refuses an output naming it: a new option cannot be
/// forgotten there. Directories (`--layouts DIR`) and the outputs themselves are not inputs.
@Suite struct InputOptionsTests {
    @Test func fileOptionsInHelpAreDeclaredInputs() throws {
        let pattern = try NSRegularExpression(pattern: #"--([a-z-]+) (?:FILE|[A-Z]+\.(?:json|csv|jsonl))\b"#)
        for command in Commands.all {
            let help = command.help
            let named = pattern.matches(in: help, range: NSRange(help.startIndex..., in: help)).map {
                String(help[Range($0.range(at: 1), in: help)!])
            }
            let writes = Set(OutputCheck.outputOptions).intersection(command.valued)
            guard !writes.isEmpty else { continue }
            for option in Set(named).subtracting(OutputCheck.outputOptions) where command.valued.contains(option) {
                #expect(command.inputOptions.contains(option), "troca \(command.name.joined(separator: " ")): --\(option) is a file it reads")
            }
        }
    }
}
