import Records

/// Turns raw lines into records of exactly `recordLength` bytes, as real bank files need:
/// LF or CRLF, a UTF-8 BOM, an end-of-file byte (0x1A), lines whose trailing blanks were trimmed
/// (padded, with a warning), UTF-8 text where one character took two bytes (transcoded to
/// Latin-1, with a warning), over-long lines whose excess is blank (cut, with a warning).
/// Anything else is an error on that line; a UTF-16 file is one error for the whole file.
public struct LineNormalizer {
    /// What became of a line.
    public enum Outcome: Sendable, Hashable {
        /// `record` holds the line's `recordLength` bytes.
        case record
        /// An empty line, or one holding only an end-of-file byte: counted, not an error.
        case skip
        /// The line cannot be a record.
        case reject(Diagnostic)
        /// The whole file cannot be read (UTF-16); stop.
        case fatal(Diagnostic)
    }

    /// Bytes per record.
    public let recordLength: Int
    /// The input's name for diagnostics.
    public let file: String
    /// The normalised record after `.record`, unless `exact` is set.
    public private(set) var record: [UInt8]
    /// After `.record`: when the raw line already was the record (the common case), its range
    /// in the raw line, and `record` was not touched.
    public private(set) var exact: Range<Int>? = nil
    var counts: [DiagnosticCode: (first: Int, count: Int)] = [:]

    /// Creates a normaliser for records of `recordLength` bytes.
    public init(recordLength: Int, file: String) {
        self.recordLength = recordLength
        self.file = file
        self.record = [UInt8](repeating: 0x20, count: recordLength)
    }

    /// Normalises one raw line (without its LF). Warnings are passed to `warn`, the first of
    /// each kind at once; the rest are counted for `finish()`.
    public mutating func normalize(
        _ raw: UnsafeBufferPointer<UInt8>, line: Int, cut: Bool, warn: (Diagnostic) -> Void
    ) -> Outcome {
        var lo = 0
        var hi = raw.count
        if line == 1 {
            if let d = Self.utf16Diagnostic(raw, file: file) { return .fatal(d) }
            if hi >= 3, raw[0] == 0xEF, raw[1] == 0xBB, raw[2] == 0xBF {
                lo = 3
                note("input.bom", line, "UTF-8 byte order mark ignored", warn)
            }
        }
        while hi > lo, raw[hi - 1] == 0x0D || raw[hi - 1] == 0x1A { hi -= 1 }
        if hi == lo { return .skip }
        var blank = true
        for i in lo..<hi where raw[i] != 0x20 { blank = false; break }
        if blank { return .skip }
        if cut {
            return .reject(
                Diagnostic(
                    .error, "input.line-length",
                    "line is longer than \(raw.count) bytes, expected \(recordLength)", file: file, line: line,
                    column: recordLength + 1, raw: Array(raw[lo..<min(hi, lo + recordLength * 2)])))
        }
        var count = hi - lo
        if count == recordLength {
            exact = lo..<hi
            return .record
        }
        exact = nil
        var transcoded = false
        if count != recordLength {
            var high = false
            for i in lo..<hi where raw[i] >= 0x80 { high = true; break }
            if high, let n = Self.transcodeUTF8(raw[lo..<hi], into: &record, limit: recordLength) {
                count = n
                transcoded = true
                note("input.utf8", line, "UTF-8 text transcoded to Latin-1 so that one character is one byte", warn)
            }
        }
        if !transcoded {
            if count > recordLength {
                for i in (lo + recordLength)..<hi where raw[i] != 0x20 {
                    // A 400 record followed by 44 digits is CNAB 444: a 400 detail with the
                    // NF-e access key after it (Itaú's variant), which no layout reads yet.
                    var variant = ""
                    if recordLength == 400 && count == 444 {
                        var digits = true
                        for k in (lo + 400)..<hi where raw[k] < 0x30 || raw[k] > 0x39 { digits = false; break }
                        if digits { variant = " (the 44 digits after the record look like CNAB 444's NF-e key: CNAB 444 is not supported yet)" }
                    }
                    // A CR with more of the line after it: two records run together where a line
                    // end lost its LF (a file whose lines all end so is refused whole, earlier).
                    if raw[i] == 0x0D, i + 1 < hi {
                        variant = " (a CR with no LF after it: two records run together where a line end lost its LF)"
                    }
                    return .reject(
                        Diagnostic(
                            .error, "input.line-length",
                            "line is \(count) bytes, expected \(recordLength); byte \(i - lo + 1) is not blank\(variant)",
                            file: file, line: line, column: i - lo + 1, raw: Array(raw[lo..<hi])))
                }
                note("input.long-line", line, "line is \(count) bytes, expected \(recordLength); blank excess ignored", warn)
                count = recordLength
            }
            record.withUnsafeMutableBufferPointer { dst in
                _ = UnsafeMutableBufferPointer(rebasing: dst[0..<count]).initialize(from: raw[lo..<(lo + count)])
            }
        }
        if count < recordLength {
            for i in count..<recordLength { record[i] = 0x20 }
            note("input.short-line", line, "line is \(count) bytes, expected \(recordLength); padded with blanks", warn)
        }
        return .record
    }

    /// The one error for a UTF-16 file (a byte order mark FF FE / FE FF, or NUL bytes in the
    /// first line), or nil when the first line is single-byte text.
    public static func utf16Diagnostic(_ raw: UnsafeBufferPointer<UInt8>, file: String) -> Diagnostic? {
        let hasBOM = raw.count >= 2 && ((raw[0] == 0xFF && raw[1] == 0xFE) || (raw[0] == 0xFE && raw[1] == 0xFF))
        // Without a BOM, UTF-16 text shows as a NUL in every other byte.
        let n = min(raw.count, 64) / 2
        var evenNUL = 0
        var oddNUL = 0
        for i in 0..<n {
            if raw[2 * i] == 0 { evenNUL += 1 }
            if raw[2 * i + 1] == 0 { oddNUL += 1 }
        }
        let alternating = n >= 4 && max(evenNUL, oddNUL) * 10 >= n * 9 && min(evenNUL, oddNUL) * 10 <= n
        guard hasBOM || alternating else { return nil }
        return Diagnostic(
            .error, "input.utf16",
            "file is UTF-16 encoded; bank files are single-byte text (convert it, e.g. iconv -f UTF-16 -t LATIN1)",
            file: file, line: 1, column: 1)
    }

    mutating func note(_ code: DiagnosticCode, _ line: Int, _ message: String, _ warn: (Diagnostic) -> Void) {
        if let seen = counts[code] {
            counts[code] = (seen.first, seen.count + 1)
        } else {
            counts[code] = (line, 1)
            warn(Diagnostic(.warning, code, message, file: file, line: line))
        }
    }

    /// Calls `body` with the record of the line last normalised to `.record`: a view of `raw`
    /// when the line already was the record, else the normalised copy.
    public func withRecord<R>(
        _ raw: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) throws -> R
    ) rethrows -> R {
        if let exact { return try body(UnsafeBufferPointer(rebasing: raw[exact])) }
        return try record.withUnsafeBufferPointer { try body($0) }
    }

    /// Warnings summarising repeated findings ("… and 37 more lines").
    public func finish() -> [Diagnostic] {
        counts.sorted { $0.key.rawValue < $1.key.rawValue }.compactMap { code, seen in
            seen.count > 1
                ? Diagnostic(.note, code, "\(seen.count - 1) more line(s) like line \(seen.first)", file: file)
                : nil
        }
    }

    /// Decodes valid UTF-8 with multibyte characters into single bytes (Latin-1; `?` for characters
    /// beyond it). Returns the decoded length, or nil when the bytes are not UTF-8 or too long.
    static func transcodeUTF8(_ bytes: UnsafeBufferPointer<UInt8>.SubSequence, into out: inout [UInt8], limit: Int) -> Int? {
        guard TextBytes.isValidUTF8(bytes) else { return nil }
        var n = 0
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let b = bytes[i]
            var scalar: UInt32
            var width: Int
            if b < 0x80 {
                scalar = UInt32(b); width = 1
            } else if b < 0xE0 {
                scalar = UInt32(b & 0x1F); width = 2
            } else if b < 0xF0 {
                scalar = UInt32(b & 0x0F); width = 3
            } else {
                scalar = UInt32(b & 0x07); width = 4
            }
            for k in 1..<width { scalar = scalar << 6 | UInt32(bytes[i + k] & 0x3F) }
            i += width
            if n >= limit { return nil }
            out[n] = scalar <= 0xFF ? UInt8(scalar) : UInt8(ascii: "?")
            n += 1
        }
        return n
    }
}
