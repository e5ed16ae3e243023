import Foundation
import Testing

@testable import Watch

@Suite struct MaskingTests {
    @Test(arguments: [
        // Bare CPF (11) and CNPJ (14): first three and last two kept.
        ("payer 52998224725 refused", "payer 529******25 refused"),
        ("cnpj 11222333000181.", "cnpj 112*********81."),
        // Printed forms keep their punctuation; the first three characters kept are "529" for a
        // CPF but "11." for a CNPJ (the dot is the third), so a printed CNPJ shows two digits.
        ("CPF 529.982.247-25", "CPF 529.***.***-25"),
        ("CNPJ 11.222.333/0001-81", "CNPJ 11.***.***/****-81"),
        // Alphanumeric CNPJ (July 2026), printed and bare.
        ("12.ABC.345/01DE-35 ok", "12.***.***/****-35 ok"),
        ("doc 12ABC34501DE35", "doc 12A*********35"),
        // Not documents: longer or shorter digit runs, digits glued to letters, dates, hashes.
        ("nosso 123456789012 and 1234567890", "nosso 123456789012 and 1234567890"),
        ("x52998224725", "x52998224725"),
        ("2026-11-30T21:00:00.000Z", "2026-11-30T21:00:00.000Z"),
        ("sha 0123456789abcdef01234567", "sha 0123456789abcdef01234567"),
    ])
    func masks(text: String, expected: String) {
        #expect(DocumentMask.mask(text) == expected)
    }
}

/// A file whose modification time is past what nanoseconds in an Int reach (the year 2262: a
/// file touched so, a clock gone wrong) is seen, with its time held, not trapped on: the trap
/// came before the file was claimed, so every restart of the watcher died on it again.
@Suite struct FarFutureFileTests {
    @Test func aFileFromTheYear2300IsSeen() throws {
        let dir = NSTemporaryDirectory() + "troca-mtime-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/RETORNO.ret"
        try Data("x".utf8).write(to: URL(fileURLWithPath: path))
        // 2300-01-01T00:00:00Z.
        var times = [timespec(tv_sec: 10_413_792_000, tv_nsec: 0), timespec(tv_sec: 10_413_792_000, tv_nsec: 0)]
        try #require(utimensat(AT_FDCWD, path, &times, 0) == 0)
        let state = try #require(FileBytes.fileState(path))
        #expect(state.size == 1 && state.mtime == Int.max)
    }
}
