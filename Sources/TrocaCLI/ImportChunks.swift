import Foundation
import Imports
import Records

/// `troca import` on several threads: the reading thread cuts the CSV into chunks of whole
/// records (`CSVReader.readRecords`, about 512 KiB each, a quoted line break kept inside its
/// record), each chunk is parsed and converted on whichever thread is free (each with its own
/// reader and importer), and the reading thread takes the chunks back in order: it alone checks
/// the keys, writes, reports and counts, so the output, the diagnostics, `--max-rejects` and the
/// exit status are those of one thread, whatever the timing.
enum ImportChunks {
    /// What a thread converts with.
    struct Worker {
        let reader: CSVReader
        let importer: Importer
    }

    /// One row's outcome.
    struct Row {
        enum Kind { case blank, written, rejected }
        var kind: Kind
        var line: Int
        /// Written: the record in `output`.
        var start = 0
        var count = 0
        /// Written: the key's JSON in `keys` (count 0: no key), and its hash.
        var keyStart = 0
        var keyCount = 0
        var keyHash: UInt64 = 0
        /// Written: the row's raw bytes in `input` (for a duplicate key's diagnostic).
        var rawStart = 0
        var rawCount = 0
        /// Rejected: its diagnostics end here in `diagnostics`.
        var diagnosticsEnd = 0
    }

    final class Chunk: PoolJob, @unchecked Sendable {
        var input: ByteBuffer
        /// The line the chunk's first record starts on.
        var firstLine = 0
        var output: ByteBuffer
        var keys: ByteBuffer
        var rows: [Row] = []
        /// The hashes of the written rows' keys, in order (for `KeyRegister.warm`).
        var hashes: [UInt64] = []
        var diagnostics: [Diagnostic] = []
        /// The error that ended the chunk's reading (and the import's).
        var fatal: CSVError?

        init(capacity: Int) {
            input = ByteBuffer(capacity: capacity)
            output = ByteBuffer(capacity: capacity * 4)
            keys = ByteBuffer(capacity: capacity / 4)
            super.init()
        }

        deinit {
            input.deallocate()
            output.deallocate()
            keys.deallocate()
        }

        func reset() {
            input.removeAll()
            output.removeAll()
            keys.removeAll()
            rows.removeAll(keepingCapacity: true)
            hashes.removeAll(keepingCapacity: true)
            diagnostics.removeAll(keepingCapacity: true)
            fatal = nil
            requeue()
        }

        /// Reads the chunk's rows and converts them with `worker`. The buffers and lists are
        /// worked on as locals and put back at the end: a class's stored properties are checked
        /// for exclusive access on every use, locals are not.
        func convert(_ worker: inout Worker) {
            let reader = worker.reader
            let importer = worker.importer
            var output = self.output, keys = self.keys, rows = self.rows, hashes = self.hashes, diagnostics = self.diagnostics
            (self.rows, self.hashes, self.diagnostics) = ([], [], [])
            defer { (self.output, self.keys, self.rows, self.hashes, self.diagnostics) = (output, keys, rows, hashes, diagnostics) }
            let input = UnsafePointer(self.input.base)
            reader.reset(records: self.input.bytes, firstLine: firstLine)
            do {
                while try reader.next() {
                    if reader.isBlankLine {
                        rows.append(Row(kind: .blank, line: reader.line))
                        continue
                    }
                    let start = output.count
                    if importer.record(reader, into: &output, report: { diagnostics.append($0) }) {
                        let keyStart = keys.count
                        let key = importer.key
                        keys.appendBytes(key)
                        let hash = KeyRegister.hash(key)
                        if key.count > 0 { hashes.append(hash) }
                        rows.append(
                            Row(
                                kind: .written, line: reader.line, start: start, count: output.count - start, keyStart: keyStart,
                                keyCount: key.count, keyHash: hash, rawStart: reader.raw.baseAddress.map { input.distance(to: $0) } ?? 0,
                                rawCount: reader.raw.count))
                    } else {
                        rows.append(Row(kind: .rejected, line: reader.line, diagnosticsEnd: diagnostics.count))
                    }
                }
            } catch let e as CSVError {
                fatal = e
            } catch {
                preconditionFailure("a reader of records in memory throws only CSVError: \(error)")
            }
        }
    }
}
