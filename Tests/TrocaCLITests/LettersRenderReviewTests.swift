import Foundation
import Testing
import TrocaCLI

/// `letters render` defects a review reproduced: a character the PDF's fonts lack printed as
/// `?`, a filter's reject at column 0.
@Suite struct LettersRenderReviewTests {
    typealias Bad = LettersBadInputTests

    /// The PDF rejects a name it cannot print as the LST does, naming the character, at the
    /// name's column; the text format prints it.
    @Test func aCharacterWindows1252LacksRejectsThePDFAndLSTJob() {
        let (line, column) = Bad.replacing("name", #""Maria da Concei"#, with: #""Zoë Łukasz Őrs 李"#, in: Bad.job)
        for (format, code) in [("pdf", "letters.pdf"), ("lst", "letters.lst")] {
            let r = Bad.render(format, line)
            #expect(r.status == .dataError, "\(format): \(r.stderrText)")
            #expect(
                r.stderrText.contains("troca: -:1:\(column): error: [\(code)] ") && r.stderrText.contains(#"cannot print "李" (U+674E)"#),
                "\(format): \(r.stderrText)")
            #expect(r.stderrText.contains("0 letters rendered, 1 rejected"), "\(format): \(r.stderrText)")
        }
        #expect(Bad.render("text", line).status == .ok)
    }

    /// Latin letters Windows-1252 lacks print as their base letters, in every format alike:
    /// the LST's letter record folds them as the PDF and the print lines do (it refused them).
    @Test func aLatinLetterWindows1252LacksPrintsAsItsBaseLetterInEveryFormat() {
        let (line, _) = Bad.replacing("name", #""Maria da Concei"#, with: #""Zoë Łukasz Őrs "#, in: Bad.job)
        for format in Bad.formats {
            let r = Bad.render(format, line)
            #expect(r.status == .ok, "\(format): \(r.stderrText)")
            if format == "lst" {
                #expect(r.stdoutText.contains("Zoe Lukasz Ors cao Araujo"), "the letter record, ASCII")
            }
        }
    }

    /// `{{payer.document | document}}` of a 10-digit value: rejected at the value's column.
    @Test func aFilterThatCannotFormatAValueRejectsAtItsColumn() {
        let (line, column) = Bad.replacing("document", #""52998224725""#, with: #""1234567890""#, in: Bad.job)
        for format in Bad.formats {
            let r = Bad.render(format, line)
            #expect(r.status == .dataError, "\(format): \(r.stderrText)")
            #expect(r.stderrText.contains("troca: -:1:\(column): error: [letters.value] payer.document | document: "), "\(format): \(r.stderrText)")
        }
    }

    /// Review: `letters select … > /dev/full` said only "No space left on device"; the
    /// message names the output that could not be written (exit 74).
    @Test func aFullStandardOutputIsNamed() throws {
        let binary = try #require(BinaryTests.binary, "the troca executable is built beside the tests")
        let dir = try lettersWorkdir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = selectArgs
        process.currentDirectoryURL = URL(fileURLWithPath: dir)
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/full")
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let said = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 74)
        #expect(said.contains("troca: cannot write standard output: No space left on device"), "\(said)")
    }
}
