import Foundation
import Records
import Testing

@testable import Letters

/// The renderer's shortcuts (words of bytes at a time, values found by their schema entry,
/// digits written from the right, one pass over a título's members) against the plain way they
/// replace, on random inputs: wherever a shortcut answers, it answers what the plain way does.
@Suite struct RenderFastPathTests {
    // MARK: money

    /// `R$ 1.234,56` written left to right, digit by digit (the way `appendMoney` was written).
    static func plainMoney(_ cents: Int) -> [UInt8] {
        var out: [UInt8] = []
        let magnitude = cents.magnitude
        if cents < 0 { out.append(UInt8(ascii: "-")) }
        out += "R$ ".utf8
        let reais = magnitude / 100
        var divisor: UInt = 1
        var digits = 1
        while divisor <= reais / 10 {
            divisor *= 10
            digits += 1
        }
        var rest = reais
        while divisor > 0 {
            out.append(UInt8(48 + rest / divisor))
            rest %= divisor
            divisor /= 10
            digits -= 1
            if digits > 0, digits % 3 == 0 { out.append(UInt8(ascii: ".")) }
        }
        let c = Int(magnitude % 100)
        out.append(UInt8(ascii: ","))
        out.append(UInt8(48 + c / 10))
        out.append(UInt8(48 + c % 10))
        return out
    }

    @Test func moneyIsWrittenAsDigitByDigit() {
        var values = [0, 1, 9, 10, 99, 100, 101, 999, 1000, 99_999, 100_000, 123_456_789, Int.max, Int.min, Int.min + 1]
        values += values.map { $0 == Int.min ? $0 : -$0 }
        var rng = SplitMix64(seed: 1)
        for _ in 0..<5000 {
            let digits = Int.random(in: 1...18, using: &rng)
            var v = Int.random(in: 0..<Int(pow(10.0, Double(digits)).rounded()), using: &rng)
            if Bool.random(using: &rng) { v = -v }
            values.append(v)
        }
        for v in values {
            let got = Filters.money(v)
            #expect(got == Self.plainMoney(v), "\(v): \(String(decoding: got, as: UTF8.self))")
        }
        // Appended after what the buffer holds.
        var out = Array("x".utf8)
        Filters.appendMoney(-123_456, to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "x-R$ 1.234,56")
    }

    // MARK: masks

    /// The mask filled the plain way: separators dropped first, then checked and filled.
    static func plainMask(_ bytes: [UInt8], _ pattern: String) -> [UInt8]? {
        let slots = Array(pattern.utf8)
        let needed = slots.filter { $0 == UInt8(ascii: "#") }.count
        let isCharacter = { (b: UInt8) in (b >= 48 && b <= 57) || (b >= 65 && b <= 90) }
        let isSeparator = { (b: UInt8) in b == UInt8(ascii: ".") || b == UInt8(ascii: "-") || (b != UInt8(ascii: "#") && slots.contains(b)) }
        let characters = bytes.filter { !isSeparator($0) }
        guard characters.count == needed, characters.allSatisfy(isCharacter) else { return nil }
        var out: [UInt8] = []
        var k = 0
        for s in slots {
            if s == UInt8(ascii: "#") {
                out.append(characters[k])
                k += 1
            } else {
                out.append(s)
            }
        }
        return out
    }

    @Test(arguments: ["###.###.###-##", "##.###.###/####-##", "#####-###", "#####.##### #####.###### #####.###### # ##############"] as [StaticString])
    func maskIsFilledAsThePlainWay(_ pattern: StaticString) {
        let text = String(decoding: UnsafeBufferPointer(start: pattern.utf8Start, count: pattern.utf8CodeUnitCount), as: UTF8.self)
        let needed = text.utf8.filter { $0 == UInt8(ascii: "#") }.count
        let alphabet = Array("0123456789ABZ.-/ a".utf8)
        var rng = SplitMix64(seed: UInt64(needed))
        for n in 0..<3000 {
            var value: [UInt8]
            switch n % 4 {
            case 0: value = (0..<needed).map { _ in UInt8(48 + Int.random(in: 0...9, using: &rng)) }
            case 1: value = Array(text.utf8).map { $0 == UInt8(ascii: "#") ? UInt8(48 + Int.random(in: 0...9, using: &rng)) : $0 }
            case 2: value = (0..<(needed + Int.random(in: -2...2, using: &rng))).map { _ in alphabet[Int.random(in: 0..<12, using: &rng)] }
            default: value = (0..<Int.random(in: 0...(needed + 4), using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            }
            var out = LetterBytes()
            out.append(contentsOf: Array("old".utf8))
            let got: [UInt8]?
            do {
                try value.withUnsafeBufferPointer { (b) throws(FilterProblem) in try Filters.mask(b, pattern, "a value", into: &out) }
                got = out.array
            } catch {
                got = nil
            }
            #expect(got == Self.plainMask(value, text), "\(String(decoding: value, as: UTF8.self))")
        }
    }

    // MARK: Windows-1252 and control characters, a word at a time

    /// Random UTF-8 (ASCII runs, Latin letters, CJK, emoji, C1 controls) with stray bytes.
    static func randomText(_ rng: inout SplitMix64) -> [UInt8] {
        let pieces = ["a", "plain ascii words ", "0123456789", "ç", "ã", "É", "ü", "ł", "李", "🙂", "\u{85}", "\u{9F}", "\u{7F}", "\t", "\n", "º", "€", "‰"]
        var out: [UInt8] = []
        for _ in 0..<Int.random(in: 0...40, using: &rng) {
            if Int.random(in: 0..<20, using: &rng) == 0 {
                out.append(UInt8.random(in: 0x80...0xFF, using: &rng))
            } else {
                out += pieces[Int.random(in: 0..<pieces.count, using: &rng)].utf8
            }
        }
        return out
    }

    @Test func windows1252ByWordsIsByBytes() {
        var rng = SplitMix64(seed: 7)
        for _ in 0..<5000 {
            let text = Self.randomText(&rng)
            text.withUnsafeBufferPointer { b in
                // `firstUnprintable`, byte by byte.
                var i = 0
                var plain: Unicode.Scalar? = nil
                while i < b.count {
                    if b[i] < 0x80 {
                        i += 1
                        continue
                    }
                    let (decoded, next) = WinAnsi.scalar(in: b, at: i)
                    guard let value = decoded else {
                        plain = "\u{FFFD}"
                        break
                    }
                    i = next
                    if WinAnsi.byte(value) != nil { continue }
                    plain = Unicode.Scalar(value) ?? "\u{FFFD}"
                    break
                }
                #expect(WinAnsi.firstUnprintable(b) == plain, "\(text)")
                // `write`, byte by byte.
                var expected: [UInt8] = []
                i = 0
                while i < b.count {
                    if b[i] < 0x80 {
                        expected.append(b[i])
                        i += 1
                        continue
                    }
                    let (decoded, next) = WinAnsi.scalar(in: b, at: i)
                    i = next
                    expected.append(decoded.flatMap(WinAnsi.byte) ?? UInt8(ascii: "?"))
                }
                #expect(WinAnsi.encode(text) == expected, "\(text)")
            }
        }
    }

    /// `JobCheck.controlCharacter` the plain way: byte by byte.
    static func controlCharacterByBytes(_ b: UnsafeBufferPointer<UInt8>) -> (UInt32, Int)? {
        var characters = 0
        for i in 0..<b.count {
            if b[i] & 0xC0 != 0x80 { characters += 1 }
            let c = b[i]
            if c < 0x20 || c == 0x7F || (c == 0xC2 && i + 1 < b.count && b[i + 1] >= 0x80 && b[i + 1] <= 0x9F) {
                return (UInt32(c == 0xC2 ? b[i + 1] : c), characters)
            }
        }
        return nil
    }

    @Test func controlCharactersByWordsAreByBytes() {
        var rng = SplitMix64(seed: 11)
        for _ in 0..<5000 {
            let text = Self.randomText(&rng)
            text.withUnsafeBufferPointer { b in
                let plain = Self.controlCharacterByBytes(b)
                let got = JobCheck.controlCharacter(b)
                #expect(got?.0 == plain?.0 && got?.1 == plain?.1, "\(text)")
            }
        }
    }

    /// Texts of every length up to 40 bytes, clean (ASCII, ç, º) but for one control character
    /// (C0, DEL, C1) at each position, or none: the whole-text pass (words, the last one
    /// overlapping, a short text padded) must miss none and flag no clean text.
    @Test func controlCharactersAtEveryPositionOfShortTexts() {
        var rng = SplitMix64(seed: 12)
        let clean: [[UInt8]] = [[0x61], [0x20], Array("ç".utf8), Array("º".utf8), Array("~".utf8)]
        let controls: [[UInt8]] = [[0x00], [0x09], [0x1F], [0x7F], [0xC2, 0x80], [0xC2, 0x9F]]
        for length in 0...40 {
            for at in -1..<length {
                // Clean characters, the control put in at the first character boundary at or after `at`.
                var text: [UInt8] = []
                var placed = at < 0
                while text.count < length {
                    if !placed, text.count >= at {
                        text += controls[rng.below(controls.count)]
                        placed = true
                    } else {
                        text += clean[rng.below(clean.count)]
                    }
                }
                text.withUnsafeBufferPointer { b in
                    let plain = Self.controlCharacterByBytes(b)
                    let got = JobCheck.controlCharacter(b)
                    #expect(got?.0 == plain?.0 && got?.1 == plain?.1, "\(text)")
                }
            }
        }
    }

    @Test func asciiFoldInRunsIsByteByByte() {
        var rng = SplitMix64(seed: 13)
        for _ in 0..<5000 {
            var text = Self.randomText(&rng)
            // Now and then a sequence cut short at the end.
            if Bool.random(using: &rng) { text += [[0xC3], [0xE2, 0x82], [0xF0, 0x9F, 0x99]].randomElement(using: &rng)! }
            var runs: [UInt8] = Array("x".utf8)
            var bytes: [UInt8] = Array("x".utf8)
            ASCIIFold.append(text[...], to: &runs)
            ASCIIFold.append(text, to: &bytes)
            #expect(runs == bytes, "\(text)")
        }
    }

    @Test func keysComparedByWordsAreComparedByBytes() {
        var rng = SplitMix64(seed: 17)
        for _ in 0..<20000 {
            let n = Int.random(in: 0...24, using: &rng)
            let a = (0..<n).map { _ in UInt8.random(in: 97...100, using: &rng) } + Array(repeating: UInt8.random(in: 0...255, using: &rng), count: 8)
            var b = a
            if n > 0, Bool.random(using: &rng) { b[Int.random(in: 0..<n, using: &rng)] = UInt8.random(in: 97...100, using: &rng) }
            // What lies past the key does not count.
            b[n] = b[n] &+ 1
            let same = a.withUnsafeBufferPointer { x in b.withUnsafeBufferPointer { y in JobCheck.same(x.baseAddress!, y.baseAddress!, n) } }
            #expect(same == (a[..<n] == b[..<n]), "\(a) \(b) \(n)")
        }
    }

    // MARK: values found by their schema entry

    /// A job with every field, and random changes to it: members dropped, set to null, given
    /// another kind (an object where text is, text where an object is), unknown members added,
    /// lists of 0 to 3 títulos.
    static func randomJob(_ rng: inout SplitMix64) -> JSONValue {
        let title = #"{"document_number":"NF-1","nosso_numero":"0001","bank":"237","due_date":"2026-09-07","amount_cents":450299,"days_overdue":77,"correction_cents":3883,"fine_cents":9084,"interest_cents":11657,"fees_cents":47492,"discount_cents":0,"updated_cents":522415}"#
        let titles = Array(repeating: title, count: Int.random(in: 0...3, using: &rng)).joined(separator: ",")
        let base = #"""
            {"record":"letter","sequence":1,"step":"aviso-final","template":"t.txt","inserts":"AR","as_of":"2026-11-23","days_overdue":77,
             "payer":{"name":"Sebastião Araújo","document":"14177763152","document_type":"cpf","address":{"street":"Rua Tiradentes","number":"2489","complement":"casa 2","district":"Centro","city":"Belo Horizonte","state":"MG","cep":"30799308"}},
             "sender":{"name":"Cobrança Exemplo Ltda","document":"11222333000181","address":{"street":"Avenida Paulista","number":"1000","complement":"conj 12","district":"Bela Vista","city":"São Paulo","state":"SP","cep":"01310100"}},
             "titles":[\#(titles)],"total_cents":450299,"updated_total_cents":522415,
             "boleto":{"bank":"237","nosso_numero":"000070000019","due_date":"2026-11-28","amount_cents":522415,"barcode":"23791164400005224151234090000700000100123450","linha_digitavel":"23791234059000070000601001234507116440000522415",
               "pix":{"key":"k@x.br","name":"Cobrança","city":"São Paulo","txid":"C1","emv":"000201"}}}
            """#
        var job = JSONValue(parsing: Array(base.utf8))!
        for _ in 0..<Int.random(in: 0...4, using: &rng) { job = mutate(job, &rng, depth: 0) }
        return job
    }

    static func mutate(_ value: JSONValue, _ rng: inout SplitMix64, depth: Int) -> JSONValue {
        guard case .object(let o) = value else { return value }
        var members = o.members.map { ($0.key, $0.value) }
        guard !members.isEmpty else { return value }
        func object() -> JSONValue {
            var o = JSONObject()
            for (k, v) in members { o[k] = v }
            return .object(o)
        }
        let k = Int.random(in: 0..<members.count, using: &rng)
        if case .object = members[k].1, Int.random(in: 0..<3, using: &rng) > 0 {
            members[k].1 = mutate(members[k].1, &rng, depth: depth + 1)
            return object()
        }
        switch Int.random(in: 0..<5, using: &rng) {
        case 0: members.remove(at: k)
        case 1: members[k].1 = .null
        case 2: members[k].1 = .object(JSONObject(["name": .string("obj")]))
        case 3: members[k].1 = .string("text")
        default: members.insert(("extra\(depth)", .string("x")), at: Int.random(in: 0...members.count, using: &rng))
        }
        return object()
    }

    /// Sections over objects, a list and an optional object; paths from the job inside them;
    /// an inverted section; filters.
    static let templateText = """
        {{sender.name | upper}} {{sender.address.street}}, {{sender.address.number?}} {{sender.address.complement?}}
        {{payer.name}} ({{payer.document | document}}) {{payer.address.cep | cep}} {{payer.address.city}}/{{payer.address.state}}
        {{as_of | date}} nº {{sequence}} {{days_overdue}} {{step?}} {{inserts?}}
        {{statement}}
        {{#titles}}{{document_number}} {{due_date | date}} {{amount_cents | money}} {{payer.name}} {{sequence}}
        {{/titles}}
        {{#boleto}}{{due_date | date}} {{amount_cents | money}} {{linha_digitavel | linha}} {{nosso_numero}} {{sender.name}}
        {{barcode | bars}}
        {{#pix}}{{emv}} {{name}} {{city}} {{boleto.bank}} {{payer.address.district}}{{/pix}}
        {{/boleto}}
        {{^boleto}}sem boleto {{payer.name}}{{/boleto}}
        {{#sender}}{{name}} {{address.city}} {{payer.name}}{{/sender}}
        {{#payer.address}}{{street}} {{district}}{{/payer.address}}
        {{total_cents | money}} {{updated_total_cents | money}}
        """

    @Test func valuesFoundByEntryAreThoseFoundMemberByMember() throws {
        let noted = try template(Self.templateText)
        let general = noted.lookingUpEveryMember()
        #expect(noted.program.info.contains { $0.entry >= 0 })
        #expect(general.program.info.allSatisfy { $0.entry < 0 })
        var rng = SplitMix64(seed: 3)
        var rendered = 0
        for _ in 0..<3000 {
            let j = Self.randomJob(&rng)
            let a = Result { () throws(RenderProblem) in try noted.render(j) }
            let b = Result { () throws(RenderProblem) in try general.render(j) }
            #expect(a == b, "\(j)")
            if case .success = a { rendered += 1 }
        }
        // Enough of them rendered for the comparison to mean something.
        #expect(rendered > 300, "\(rendered)")
        // And a real job read from its line, as the renderer does.
        for _ in 0..<500 {
            var line: [UInt8] = []
            Self.randomJob(&rng).write(to: &line)
            var tape = JSONTape()
            guard line.withUnsafeBufferPointer({ JSONReader.parseRecord($0, into: &tape) }) else { continue }
            var x = LetterText()
            var y = LetterText()
            let a = Result { () throws(RenderProblem) in try noted.render(tape, into: &x) }.map { true }
            let b = Result { () throws(RenderProblem) in try general.render(tape, into: &y) }.map { true }
            #expect(a == b)
            #expect(x.letterLines == y.letterLines)
        }
    }

    // MARK: a título's members in one pass

    @Test func titleMembersInOnePassAreTheMembers() {
        var rng = SplitMix64(seed: 5)
        let keys = Statement.Field.names.map { String(decoding: $0, as: UTF8.self) } + ["amount", "due_dat", "x", "days_overdue_", ""]
        for _ in 0..<3000 {
            var object = JSONObject()
            for _ in 0..<Int.random(in: 0...14, using: &rng) {
                object[keys.randomElement(using: &rng)!] = .number(JSONNumber(Int.random(in: 0...9, using: &rng)))
            }
            var tape = JSONTape()
            tape.append(.object(object))
            var found = [Int](repeating: 7, count: Statement.Field.names.count)
            found.withUnsafeMutableBufferPointer { Statement.Field.find(in: tape, object: 0, into: $0) }
            for f in Statement.Field.allCases {
                let member = tape.member(String(decoding: Statement.Field.names[f.rawValue], as: UTF8.self), of: 0)
                #expect(found[f.rawValue] == (member ?? -1), "\(object.members.map(\.key)) \(f)")
            }
        }
    }

    // MARK: short lines

    /// A line of no more bytes than the width is laid out as one piece without `wrap`: what
    /// `wrap` gives it.
    @Test func aShortLineIsWhatWrapGivesIt() {
        var rng = SplitMix64(seed: 9)
        for _ in 0..<3000 {
            let width = Int.random(in: 20...40, using: &rng)
            var line = Self.randomText(&rng).filter { $0 != 0x0A }
            line += Array(repeating: 0x20, count: Int.random(in: 0...3, using: &rng))
            if line.count > width { line = Array(line.prefix(width)) }
            var pieces: [Range<Int>] = []
            line.withUnsafeBufferPointer { Pager.wrap($0, 0, line.count, width, into: &pieces) }
            var end = line.count
            while end > 0, line[end - 1] == 0x20 { end -= 1 }
            #expect(pieces == [0..<end], "\(line)")
            // And the page laid out with it is the same line.
            let laid = Pager.layout([.text(line)], PageFormat(width: width, lines: 20))
            #expect(laid.pages[0][0] == .text(Array(line[0..<end])))
        }
    }
}
