import Records
import Testing

@testable import Letters

/// `JobCheck.mayHoldControl`, the one look at a job's whole text that spares checking each of
/// its strings: true exactly when a byte below 0x20, a 0x7F or a 0xC2 is there.
@Suite struct JobCheckCleanTests {
    @Test func mayHoldControlIsTheByteTest() {
        var rng = SplitMix64(seed: 23)
        let alphabet: [UInt8] = [0x41, 0x20, 0x7E, 0xC3, 0xA7, 0x30] + [0x00, 0x1F, 0x7F, 0xC2, 0x85, 0x09]
        var flagged = 0
        for _ in 0..<5000 {
            let n = Int.random(in: 1...40, using: &rng)
            // Mostly plain bytes; now and then one that may be (or start) a control character.
            let bytes = (0..<n).map { _ in
                Int.random(in: 0..<30, using: &rng) == 0 ? alphabet[Int.random(in: 6..<12, using: &rng)] : alphabet[Int.random(in: 0..<6, using: &rng)]
            }
            let expected = bytes.contains { $0 < 0x20 || $0 == 0x7F || $0 == 0xC2 }
            if expected { flagged += 1 }
            bytes.withUnsafeBufferPointer { b in
                #expect(JobCheck.mayHoldControl(b) == expected, "\(bytes)")
                // Clean text has no control character in any of its spans.
                if !expected {
                    for lo in 0..<n { #expect(JobCheck.controlCharacter(UnsafeBufferPointer(rebasing: b[lo..<n])) == nil) }
                }
            }
        }
        #expect(flagged > 500 && flagged < 4500, "both kinds of text are tried: \(flagged)")
    }

    /// A job's members as JSON text, in the order `letters select` writes some of them, with
    /// values good and bad.
    static let members: [(String, [String])] = [
        ("record", [#""letter""#]), ("sequence", ["7", "-1", #""x""#]), ("template", [#""t.txt""#]),
        ("as_of", [#""2026-11-23""#, #""2026-13-01""#]), ("days_overdue", ["30", "1e3"]),
        ("payer", [#"{"name":"Ana","document":"1","address":{"street":"R","cep":"01001000","city":"SP"}}"#,
                   #"{"address":{"cep":"0100\u0007","street":"R"},"name":"B"}"#, #"{"name":"Ana\tB"}"#]),
        ("titles", [#"[{"amount_cents":1,"due_date":"2026-01-01"},{"due_date":"2026-02-30","amount_cents":2}]"#, "[]", #"[{"amount_cents":"1"}]"#]),
        ("total_cents", ["100", "-5"]), ("boleto", [#"{"bank":"237","amount_cents":3,"pix":{"emv":"000201"}}"#, "null"]),
        ("unknown_key", [#""whatever""#, "{}"]), ("sender", [#"{"name":"Cobrança"}"#]),
    ]

    /// With members predicted from the jobs before (keys mostly in one order, now and then
    /// shuffled, dropped or unknown), the check finds what it finds without: the same problem
    /// and the same nodes noted.
    @Test func predictedMembersFindWhatLookupsFind() throws {
        var rng = SplitMix64(seed: 37)
        let check = JobCheck()
        var predicted = [Int32](repeating: -1, count: check.predictionCount)
        var order = Array(Self.members.indices)
        var tape = JSONTape()
        var hits = (problems: 0, clean: 0)
        for _ in 0..<3000 {
            if Int.random(in: 0..<8, using: &rng) == 0 { order.shuffle(using: &rng) }
            var parts: [String] = []
            for k in order where Int.random(in: 0..<10, using: &rng) > 0 {
                let (key, values) = Self.members[k]
                // Mostly the first (good) value.
                let value = Int.random(in: 0..<40, using: &rng) == 0 ? values[Int.random(in: 0..<values.count, using: &rng)] : values[0]
                parts.append("\"\(key)\":\(value)")
            }
            let json = Array(("{" + parts.joined(separator: ",") + "}").utf8)
            let parsed = json.withUnsafeBufferPointer { JSONReader.parseRecord($0, into: &tape) }
            try #require(parsed, "\(String(decoding: json, as: UTF8.self))")
            var foundPlain = [Int](repeating: -1, count: check.entryCount)
            var foundPredicted = foundPlain
            let plain = foundPlain.withUnsafeMutableBufferPointer { check.problem(in: tape, found: $0.baseAddress!) }
            let withPrediction = foundPredicted.withUnsafeMutableBufferPointer { found in
                predicted.withUnsafeMutableBufferPointer { check.problem(in: tape, found: found.baseAddress!, predicted: $0.baseAddress!) }
            }
            #expect(plain == withPrediction, "\(String(decoding: json, as: UTF8.self))")
            #expect(foundPlain == foundPredicted, "\(String(decoding: json, as: UTF8.self))")
            if plain == nil { hits.clean += 1 } else { hits.problems += 1 }
        }
        #expect(hits.clean > 200 && hits.problems > 200, "jobs with and without a problem: \(hits)")
    }
}

