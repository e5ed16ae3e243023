import FixedWidth
import Foundation
import Reconcile
import Records
import Testing

@testable import TrocaCLI

/// `ReconcilePayments` reading a mapped file in parts, from both ends on two threads, gives
/// what one thread reading every line in order gives: the same payments (with their lines),
/// order, diagnostics in the same order, and counts, whatever the parts' size.
@Suite struct ReconcilePaymentsTests {
    /// Lines of every kind: payments with and without their own source, CRLF, blank and
    /// white-space lines, lines that are not JSON, a record kind that is not a string, refused
    /// payments, records that are not payments, a payer document that is not valid.
    static func lines(count: Int) -> [String] {
        var lines: [String] = []
        for n in 0..<count {
            let day = String(format: "2026-%02d-%02d", 1 + n % 9, 1 + n % 28)
            switch n % 17 {
            case 1: lines.append("")
            case 2: lines.append(" \t ")
            case 3: lines.append("{\"record\":")
            case 4: lines.append(#"{"record":7}"#)
            case 5: lines.append(#"{"record":"payment","paid_cents":100,"payment_date":"\#(day)"}"#)  // no key
            case 6: lines.append(#"{"record":"payment","nosso_numero":"\#(n)","paid_cents":-3,"payment_date":"\#(day)"}"#)
            case 7: lines.append(#"{"record":"title","nosso_numero":"1"}"#)
            case 8: lines.append(#"{"record":"payment","payer":{"document":"12345678900"},"paid_cents":\#(n),"payment_date":"\#(day)"}"#)
            case 9: lines.append(#"{"record":"event","event":"paid","nosso_numero":"000\#(n)","paid_cents":\#(n + 1),"occurrence_date":"\#(day)","source":{"file":"RET\#(n % 3).ret","line":\#(n)}}"# + "\r")
            case 10: lines.append(lines[lines.count - 1])  // the same payment again
            case 11: lines.append(#"{"record":"event","event":"registered","nosso_numero":"\#(n)"}"#)
            default: lines.append(#"{"record":"payment","document_number":"D\#(n % 50)","paid_cents":\#(500 + n % 7),"payment_date":"\#(day)","reference":"R\#(n)"}"#)
            }
        }
        return lines
    }

    /// What a reading gave, to compare.
    struct Reading: Equatable {
        var payments: [Payment]
        var order: [Int]
        var held: [Diagnostic]
        var read, rejected, skipped: Int
    }

    static func reading(_ paths: [String], stdin: [UInt8] = [], partBytes: Int, threads: Int) throws -> Reading {
        var sources: [(String, ByteSource)] = []
        for p in paths { sources.append((p, p == "-" ? MemorySource(stdin) : try FileSource(path: p))) }
        let r = ReconcilePayments(sources, partBytes: partBytes)
        r.run(threads: threads) {}
        return Reading(payments: r.payments, order: r.order, held: r.held, read: r.read, rejected: r.rejected, skipped: r.skipped)
    }

    static func write(_ text: String, _ dir: String, _ name: String) throws -> String {
        let path = dir + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test(arguments: [1, 37, 256, 1_000, 4_096])
    func partsReadFromBothEndsGiveWhatOneThreadReads(partBytes: Int) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let lines = Self.lines(count: 700)
        // A line longer than many parts, a file without a last LF, one ending in CRLF.
        var long = lines
        long.insert(#"{"record":"payment","nosso_numero":"L","paid_cents":1,"payment_date":"2026-01-01","note":""# + String(repeating: "x", count: 9_000) + #""}"#, at: 300)
        let a = try Self.write(long.joined(separator: "\n") + "\n", dir, "a.jsonl")
        let b = try Self.write(lines[100...].joined(separator: "\n"), dir, "b.jsonl")
        let c = try Self.write(lines[..<200].joined(separator: "\r\n") + "\r\n", dir, "c.jsonl")
        let stdin = Array((lines[..<50].joined(separator: "\n") + "\n").utf8)
        for paths in [[a, "-", b, c], [a], [b, c]] {
            let one = try Self.reading(paths, stdin: stdin, partBytes: Int.max, threads: 1)
            #expect(one.read == one.payments.count + one.rejected + one.skipped)
            #expect(one.rejected > 0 && one.skipped > 0 && !one.held.isEmpty)
            #expect(one.payments.contains { $0.sourceFile == paths.last! && $0.sourceLine > 100 })
            for _ in 0..<3 {
                let two = try Self.reading(paths, stdin: stdin, partBytes: partBytes, threads: 2)
                #expect(two == one, "\(paths.count) sources")
            }
            #expect(try Self.reading(paths, stdin: stdin, partBytes: partBytes, threads: 1) == one)
        }
    }

    /// A line longer than `LineReader.maxJSONLLineLength` is cut and refused as `LineReader`
    /// cuts it, in a part as in a stream.
    @Test func aLineOverTheLimitIsCutAsAStreamCutsIt() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var lines = Self.lines(count: 60)
        lines.insert("{\"record\":\"payment\",\"note\":\"" + String(repeating: "y", count: LineReader.maxJSONLLineLength + 10) + "\"}", at: 30)
        let a = try Self.write(lines.joined(separator: "\n"), dir, "a.jsonl")
        let one = try Self.reading([a], partBytes: Int.max, threads: 1)
        #expect(one.held.contains { $0.line == 31 && $0.code.rawValue == "reconcile.json" })
        #expect(try Self.reading([a], partBytes: 1_000, threads: 2) == one)
    }
}
