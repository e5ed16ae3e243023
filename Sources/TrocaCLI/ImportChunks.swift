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
        /// Whether each written row's field values are kept (`Chunk.values`), for an import
        /// that works on fields rather than whole records (agreements).
        var keepsValues = false
    }

    /// One row's outcome.
    struct Row {
        enum Kind { case blank, written, rejected }
        var kind: Kind
        var line: Int
        /// Written: the record in `output`.
        var start = 0
        var count = 0
        /// The key's JSON in `keys` (count 0: no key), and its hash; a rejected row has one
        /// when its key's cell could be read.
        var keyStart = 0
        var keyCount = 0
        var keyHash: UInt64 = 0
        /// The row's raw bytes in `input` (for a duplicate key's diagnostic).
        var rawStart = 0
        var rawCount = 0
        /// Written, when the worker keeps values: where its fields' (offset, count) pairs start in `values`.
        var valuesStart = 0
        /// Rejected: its diagnostics end here in `diagnostics`.
        var diagnosticsEnd = 0
    }

    final class Chunk: PoolJob, @unchecked Sendable {
        var input: ByteBuffer
        /// The line the chunk's first record starts on.
        var firstLine = 0
        /// The records the reading thread could not vouch for as plain lines
        /// (`CSVReader.unplainRecords`), when `plainKnown`: the others are cut the lean way.
        var unplain: [Int] = []
        var plainKnown = false
        var output: ByteBuffer
        var keys: ByteBuffer
        var rows: [Row] = []
        /// The hashes of the written rows' keys, in order (for `KeyRegister.warm`).
        var hashes: [UInt64] = []
        /// Written rows' field values as (offset in `output`, count) pairs, `fieldCount` per row.
        var values: [Int] = []
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
            values.removeAll(keepingCapacity: true)
            diagnostics.removeAll(keepingCapacity: true)
            fatal = nil
            unplain.removeAll(keepingCapacity: true)
            plainKnown = false
            requeue()
        }

        /// Reads the chunk's rows and converts them with `worker`. The buffers and lists are
        /// worked on as locals and put back at the end: a class's stored properties are checked
        /// for exclusive access on every use, locals are not.
        func convert(_ worker: inout Worker) {
            let reader = worker.reader
            let importer = worker.importer
            var output = self.output, keys = self.keys, rows = self.rows, hashes = self.hashes, diagnostics = self.diagnostics
            var values = self.values
            (self.rows, self.hashes, self.diagnostics, self.values) = ([], [], [], [])
            defer {
                (self.output, self.keys, self.rows, self.hashes) = (output, keys, rows, hashes)
                (self.diagnostics, self.values) = (diagnostics, values)
            }
            let input = UnsafePointer(self.input.base)
            // The list of records not known to be plain, kept while the reader reads.
            unplain.withUnsafeBufferPointer { unplain in
                reader.reset(records: self.input.bytes, firstLine: firstLine, unplain: plainKnown ? unplain : nil)
                read(reader, importer, input, &output, &keys, &rows, &hashes, &diagnostics, &values, worker.keepsValues)
            }
        }

        /// Reads the records `reader` was reset to and converts them (see `convert`).
        @inline(__always)
        func read(
            _ reader: CSVReader, _ importer: Importer, _ input: UnsafePointer<UInt8>, _ output: inout ByteBuffer, _ keys: inout ByteBuffer,
            _ rows: inout [Row], _ hashes: inout [UInt64], _ diagnostics: inout [Diagnostic], _ values: inout [Int], _ keepsValues: Bool
        ) {
            do {
                while try reader.next() {
                    if reader.isBlankLine {
                        rows.append(Row(kind: .blank, line: reader.line))
                        continue
                    }
                    let start = output.count
                    let taken = importer.record(reader, into: &output, report: { diagnostics.append($0) })
                    let keyStart = keys.count
                    let key = importer.key
                    keys.appendBytes(key)
                    var row = Row(
                        kind: taken ? .written : .rejected, line: reader.line, keyStart: keyStart, keyCount: key.count,
                        keyHash: KeyRegister.hash(key), rawStart: reader.raw.baseAddress.map { input.distance(to: $0) } ?? 0,
                        rawCount: reader.raw.count)
                    if taken {
                        (row.start, row.count) = (start, output.count - start)
                        if key.count > 0 { hashes.append(row.keyHash) }
                        if keepsValues {
                            row.valuesStart = values.count
                            for i in 0..<importer.fieldCount {
                                let v = importer.value(ofField: i)
                                values.append(v.offset)
                                values.append(v.count)
                            }
                        }
                    } else {
                        row.diagnosticsEnd = diagnostics.count
                    }
                    rows.append(row)
                }
            } catch let e as CSVError {
                fatal = e
            } catch {
                preconditionFailure("a reader of records in memory throws only CSVError: \(error)")
            }
        }
    }
}
