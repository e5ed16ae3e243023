import Foundation
import Testing

@testable import Boleto

@Suite struct QRCodeTests {
    /// ISO/IEC 18004 Annex C, Table C.1: the 15 format bits after the XOR with 0x5412, by level
    /// then mask 0 … 7.
    static let formatTable: [(QRCode.ErrorCorrection, [Int])] = [
        (.low, [0x77C4, 0x72F3, 0x7DAA, 0x789D, 0x662F, 0x6318, 0x6C41, 0x6976]),
        (.medium, [0x5412, 0x5125, 0x5E7C, 0x5B4B, 0x45F9, 0x40CE, 0x4F97, 0x4AA0]),
        (.quartile, [0x355F, 0x3068, 0x3F31, 0x3A06, 0x24B4, 0x2183, 0x2EDA, 0x2BED]),
        (.high, [0x1689, 0x13BE, 0x1CE7, 0x19D0, 0x0762, 0x0255, 0x0D0C, 0x083B]),
    ]

    @Test(arguments: formatTable)
    func formatInformation(level: QRCode.ErrorCorrection, expected: [Int]) {
        #expect((0...7).map { QRCode.formatInformation(level, mask: $0) } == expected)
    }

    /// Annex D, Table D.1: the 18 version bits.
    @Test(arguments: [(7, 0x07C94), (8, 0x085BC), (21, 0x15683), (32, 0x209D5), (40, 0x28C69)])
    func versionInformation(version: Int, expected: Int) {
        #expect(QRCode.versionInformation(version) == expected)
    }

    /// The HELLO WORLD example of 1-M (thonky.com's tutorial), and the first block of its 5-Q
    /// example: data codewords and the error correction codewords published with them.
    @Test func reedSolomonRemainders() {
        let hello: [UInt8] = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17]
        #expect(ReedSolomon.remainder(hello[...], count: 10) == [196, 35, 39, 119, 235, 215, 231, 226, 93, 23])
        let block: [UInt8] = [67, 85, 70, 134, 87, 38, 85, 194, 119, 50, 6, 18, 6, 103, 38]
        #expect(
            ReedSolomon.remainder(block[...], count: 18)
                == [213, 199, 11, 45, 115, 247, 241, 223, 229, 248, 154, 117, 154, 111, 86, 161, 111, 39])
        // The generator of degree 2 is x² + 3x + 2 (α⁰ + α¹ = 3, α⁰ · α¹ = 2).
        #expect(ReedSolomon.generator(degree: 2) == [3, 2])
    }

    /// Table 7's byte-mode capacities, and the version chosen on each side of a boundary.
    @Test(arguments: [
        (1, [17, 14, 11, 7]), (2, [32, 26, 20, 14]), (7, [154, 122, 86, 64]), (10, [271, 213, 151, 119]),
        (40, [2953, 2331, 1663, 1273]),
    ])
    func capacities(version: Int, bytes: [Int]) throws {
        for (level, n) in zip(QRCode.ErrorCorrection.allCases, bytes) {
            #expect(QRCode.byteCapacity(version: version, level: level) == n, "\(version) \(level)")
            #expect(try QRCode(bytes: Array(repeating: 0x41, count: n), errorCorrection: level).version == version)
            if version < 40 {
                #expect(try QRCode(bytes: Array(repeating: 0x41, count: n + 1), errorCorrection: level).version == version + 1)
            } else {
                #expect(throws: BoletoError.self) { try QRCode(bytes: Array(repeating: 0x41, count: n + 1), errorCorrection: level) }
            }
        }
    }

    /// The codeword count of each version is the count of modules left for data by the function
    /// patterns actually drawn, less its remainder bits (0, 7, 0, 3, 4, 3, 0 by version range).
    @Test func codewordsFitTheDrawnMatrix() {
        for v in 1...40 {
            let grid = QRCode.Grid(version: v)
            let free = grid.function.filter { !$0 }.count
            let remainder = [1: 0, 2: 7, 7: 0, 14: 3, 21: 4, 28: 3, 35: 0].filter { $0.key <= v }.max { $0.key < $1.key }!.value
            #expect(free == QRCode.totalCodewords(version: v) * 8 + remainder, "version \(v)")
        }
    }

    /// Annex E's alignment centres: v / 7 + 2 of them from 6 to size − 7, evenly spaced (an
    /// even step) after the first.
    @Test func alignmentCentresAreRegular() {
        for v in 2...40 {
            let c = QRCode.alignmentCentres[v - 1]
            #expect(c.count == v / 7 + 2 && c.first == 6 && c.last == 17 + 4 * v - 7, "version \(v)")
            let steps = Set(zip(c.dropFirst(), c.dropFirst(2)).map { $1 - $0 })
            #expect(steps.count <= 1 && steps.allSatisfy { $0 % 2 == 0 }, "version \(v)")
        }
    }

    @Test func finderPatternsAndTiming() throws {
        let q = try QRCode(text: "Troca")
        #expect(q.version == 1 && q.size == 21)
        // The 7 × 7 finder at the top left: dark border, light ring, dark 3 × 3 centre; light separator.
        let rows = (0..<8).map { r in String((0..<8).map { q[r, $0] ? "#" : "." }) }
        #expect(rows == ["#######.", "#.....#.", "#.###.#.", "#.###.#.", "#.###.#.", "#.....#.", "#######.", "........"])
        #expect((8..<13).map { q[6, $0] } == [true, false, true, false, true])
        #expect(q[q.size - 8, 8], "the dark module")
    }

    /// The mask chosen is the one with the lowest penalty, and a given mask is used.
    @Test func lowestPenaltyMask() throws {
        let bytes = Array("00020126580014br.gov.bcb.pix".utf8)
        let chosen = try QRCode(bytes: bytes)
        let scores = try (0...7).map { m in
            let q = try QRCode(bytes: bytes, mask: m)
            #expect(q.mask == m)
            return QRCode.penalty(q.modules, size: q.size)
        }
        #expect(scores[chosen.mask] == scores.min())
        #expect(throws: BoletoError.self) { try QRCode(bytes: bytes, mask: 8) }
    }

    /// The penalty rules of §7.8.3 written out plainly, module by module: the reference the
    /// fast `QRCode.penalty` must agree with.
    static func plainPenalty(_ dark: [Bool], size: Int) -> Int {
        var score = 0
        for horizontal in [true, false] {
            for a in 0..<size {
                func at(_ b: Int) -> Bool {
                    guard (0..<size).contains(b) else { return false }
                    return horizontal ? dark[a * size + b] : dark[b * size + a]
                }
                var run = 1
                for b in 1...size {
                    if b < size, at(b) == at(b - 1) {
                        run += 1
                    } else {
                        if run >= 5 { score += run - 2 }
                        run = 1
                    }
                }
                for b in -4..<size where at(b + 4) && !at(b + 5) && at(b + 6) && at(b + 7) && at(b + 8) && !at(b + 9) && at(b + 10) {
                    if (b..<b + 4).allSatisfy({ !at($0) }) { score += 40 }
                    if (b + 11..<b + 15).allSatisfy({ !at($0) }) { score += 40 }
                }
            }
        }
        for r in 0..<size - 1 {
            for c in 0..<size - 1 {
                let v = dark[r * size + c]
                if dark[r * size + c + 1] == v, dark[(r + 1) * size + c] == v, dark[(r + 1) * size + c + 1] == v { score += 3 }
            }
        }
        let darkCount = dark.filter { $0 }.count
        return score + abs(darkCount * 100 - size * size * 50) / (size * size) / 5 * 10
    }

    /// The fast penalty equals the plain one on every mask of real symbols and on random
    /// matrices (dense, sparse, and with finder-like patterns planted at the edges).
    @Test func penaltyAgreesWithThePlainRules() throws {
        for m in 0...7 {
            let q = try QRCode(bytes: Array(PixTests.manualStatic.utf8), mask: m)
            #expect(QRCode.penalty(q.modules, size: q.size) == Self.plainPenalty(q.modules, size: q.size))
        }
        var rng = SystemRandomNumberGenerator()
        // Up to 60 modules a side the penalty works on words, beyond on bytes: both are checked.
        for size in [11, 21, 25, 57, 60, 61, 77] {
            for density in [2, 5, 8] {
                var dark = (0..<size * size).map { _ in Int.random(in: 0..<10, using: &rng) < density }
                // 1:1:3:1:1 at the start of a row and at the end of a column.
                for (k, v) in [true, false, true, true, true, false, true].enumerated() {
                    dark[k] = v
                    dark[(size - 7 + k) * size + 3] = v
                }
                #expect(QRCode.penalty(dark, size: size) == Self.plainPenalty(dark, size: size), "size \(size), density \(density)")
            }
        }
    }

    /// Real Pix payloads, lengths across versions 1 … 25 (three of them 7 or more), each level,
    /// and non-ASCII UTF-8: zbarimg (zbar-tools; .ci/run installs it) reads each symbol back to
    /// the same bytes.
    static let decodeCases: [(String, QRCode.ErrorCorrection)] = [
        (PixTests.manualStatic, .medium),
        ("00020126410014br.gov.bcb.pix0119rayane@alvoz.com.br5204000053039865802BR5901N6001C62070503***63043A81", .medium),
        (
            "00020101021226940014br.gov.bcb.pix2572qrpix.bradesco.com.br/qr/v2/62d42bf-848854-ba0e-f877d54475663e2b52f5-4b552040000530398654041.005802BR5925SIRICOMERCIOESERVICOSLTDA6008SAOPAULO62190515F8F0E7A863120216304"
                + "8119", .medium
        ),
        ("A", .medium),
        ("ABCDEFGHIJKLMN", .medium),
        ("ABCDEFGHIJKLMNO", .medium),
        ("Troca 0123456789", .low),
        ("Conceição de São João — R$ 1.234,56 ✓", .medium),
        ("Cobrança Exemplo Ltda, Av. Paulista 1000, São Paulo", .quartile),
        ("h" + String(repeating: "0123456789", count: 12), .high),
        (String(repeating: "Pix copia e cola ", count: 20), .medium),
        (String(repeating: "0123456789abcdef", count: 60), .low),
    ]

    @Test func zbarReadsTheSymbolsBack() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("troca-qr-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var versions: Set<Int> = []
        for (k, (text, level)) in Self.decodeCases.enumerated() {
            let q = try QRCode(text: text, errorCorrection: level)
            versions.insert(q.version)
            let path = dir + "/qr\(k).pgm"
            try Data(Self.pgm(q, scale: 3)).write(to: URL(fileURLWithPath: path))
            let r = try Self.zbarimg(path)
            #expect(r.status == 0, "zbarimg failed on case \(k) (install zbar-tools)")
            #expect(r.output == Array(text.utf8), "case \(k), version \(q.version): read \(String(decoding: r.output, as: UTF8.self))")
        }
        #expect(
            versions.contains(1) && versions.contains(2) && versions.contains { $0 >= 7 } && versions.contains { $0 >= 20 },
            "\(versions.sorted())")
    }

    /// A binary PGM of the symbol with its 4-module quiet zone, `scale` pixels a module.
    static func pgm(_ q: QRCode, scale: Int) -> [UInt8] {
        let side = (q.size + 8) * scale
        var out = Array("P5\n\(side) \(side)\n255\n".utf8)
        for y in 0..<side {
            for x in 0..<side {
                let r = y / scale - 4, c = x / scale - 4
                let dark = (0..<q.size).contains(r) && (0..<q.size).contains(c) && q[r, c]
                out.append(dark ? 0 : 255)
            }
        }
        return out
    }

    /// zbarimg's status and the bytes of the one symbol it read (its final newline dropped).
    static func zbarimg(_ path: String) throws -> (status: Int32, output: [UInt8]) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", path]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        try p.run()
        var data = [UInt8](pipe.fileHandleForReading.readDataToEndOfFile())
        p.waitUntilExit()
        if data.last == 0x0A { data.removeLast() }
        return (p.terminationStatus, data)
    }
}
