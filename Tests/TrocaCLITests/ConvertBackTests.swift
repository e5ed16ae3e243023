import Foundation
import Testing

/// `troca convert --to flat` writes back what `troca convert` reads (a time of day too), and says
/// what it cut: free text longer than its field is cut and counted, as `cnab write` does.
@Suite struct ConvertBackTests {
    static let layout = #"""
        {"kind": "layout", "name": "erp/hora", "version": "1", "doc": "a time of day", "record_length": 30,
         "records": [{"name": "event", "role": "detail", "doc": "x", "select": [{"pos": [1, 1], "values": ["2"]}],
           "fields": [
             {"name": "tipo_registro", "pos": [1, 1], "picture": "9(1)", "default": "2", "to": "_record_type"},
             {"name": "numero_documento", "pos": [2, 8], "picture": "X(7)", "to": "document_number"},
             {"name": "hora", "pos": [9, 14], "picture": "9(6)", "format": "HHmmss", "to": "generated_at"},
             {"name": "nome", "pos": [15, 30], "picture": "X(16)", "to": "payer.name"}]}]}
        """#

    static func directory() throws -> String {
        let dir = try temporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir + "/lay/erp", withIntermediateDirectories: true)
        try layout.write(toFile: dir + "/lay/erp/hora.json", atomically: true, encoding: .utf8)
        return dir
    }

    @Test func aTimeOfDayRoundTrips() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let flat = "2DOC1   123456MARIA DA SILVA  \r\n2DOC2   235959JOAO            \r\n"
        try flat.write(toFile: dir + "/in.txt", atomically: true, encoding: .utf8)
        let read = troca(["convert", "--layouts", "lay", "--layout", "erp/hora", "in.txt", "--output", "in.jsonl"], cwd: dir)
        #expect(read.status == .ok, "\(read.stderrText)")
        #expect(try String(contentsOfFile: dir + "/in.jsonl", encoding: .utf8).contains(#""generated_at":"12:34:56""#))
        let back = troca(["convert", "--layouts", "lay", "--layout", "erp/hora", "--to", "flat", "in.jsonl"], cwd: dir)
        #expect(back.status == .ok, "\(back.stderrText)")
        #expect(back.stdoutText == flat)
    }

    @Test(arguments: ["24:00:00", "12:60:00", "123456", "12-34-56"])
    func aTimeThatIsNoneIsRejectedAtItsColumn(time: String) throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let line = #"{"record":"event","document_number":"D","generated_at":"\#(time)"}"#
        let r = troca(["convert", "--layouts", "lay", "--layout", "erp/hora", "--to", "flat"], stdin: Array((line + "\n").utf8), cwd: dir)
        #expect(r.status == .dataError)
        let column = line.distance(from: line.startIndex, to: line.range(of: "\"\(time)\"")!.lowerBound) + 1
        #expect(r.stderrText.contains("-:1:\(column): error: [convert.field] generated_at: expected a time HH:MM:SS for hora"), "\(r.stderrText)")
    }

    @Test func freeTextCutToItsFieldIsCounted() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let lines = (1...3).map { #"{"record":"event","document_number":"D\#($0)","generated_at":"10:00:00","payer":{"name":"\#($0 == 2 ? "ANA" : "MARIA DA CONCEICAO ARAUJO")"}}"# }
        let r = troca(["convert", "--layouts", "lay", "--layout", "erp/hora", "--to", "flat"], stdin: Array((lines.joined(separator: "\n") + "\n").utf8), cwd: dir)
        #expect(r.status == .ok, "\(r.stderrText)")
        #expect(r.stderrText.contains("-:1: warning: [convert.truncated] payer.name cut to its field in 2 record(s), the first from line 1"), "\(r.stderrText)")
        #expect(r.stdoutText.contains("MARIA DA CONCEIC\r\n"))
    }
}
