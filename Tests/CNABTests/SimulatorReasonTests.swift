import FixedWidth
import Foundation
import Testing

@testable import CNAB

/// The reason and code a simulated retorno refuses a título with, per bank: chosen by what the
/// text says (the title's value, not the interest's or a maximum; the entry refused, not a
/// título that does not exist), not by the lowest code that mentions a word.
@Suite struct SimulatorReasonTests {
    static func table(_ name: String) throws -> CodeTable { try #require(try LayoutLibrary().firstCodes(of: [name])) }

    /// The reasons of the code the simulator rejects an entry with.
    static func reasons(_ name: String) throws -> (code: String?, reasons: [String: String]) {
        let table = try table(name)
        let code = CNABSimulator.entryRejected(table.movements.mapValues { ($0.event, $0.text) })
        return (code, code.flatMap { table.movements[$0]?.reasons }.flatMap { table.reasons[$0] } ?? [:])
    }

    @Test(arguments: [
        ("cnab240/febraban/occurrences", "03"), ("cnab400/001/occurrences", "03"), ("cnab400/033/occurrences", "03"),
        ("cnab400/104/occurrences", "99"), ("cnab400/237/occurrences", "03"), ("cnab400/341/occurrences", "03"),
        ("cnab400/748/occurrences", "03"), ("cnab400/004/occurrences", "51"),
    ])
    func entryRejectedCode(table: String, code: String) throws {
        #expect(try Self.reasons(table).code == code)
    }

    @Test func sicoob400HasNoRejectionCode() throws {
        #expect(try Self.reasons("cnab400/756/occurrences").code == nil)
    }

    @Test(arguments: [
        // A zero amount: the title's value, invalid or missing.
        ("cnab240/febraban/occurrences", CNABSimulator.Refusal.amount, "20"), ("cnab400/001/occurrences", .amount, "08"),
        ("cnab400/033/occurrences", .amount, "093"), ("cnab400/237/occurrences", .amount, "20"),
        ("cnab400/341/occurrences", .amount, "67"), ("cnab400/748/occurrences", .amount, "20"),
        ("cnab400/336/occurrences", .amount, "9055"), ("cnab400/136/occurrences", .amount, "20"),
        // Due before issue.
        ("cnab240/febraban/occurrences", .dueBeforeIssue, "17"), ("cnab400/001/occurrences", .dueBeforeIssue, "38"),
        ("cnab400/033/occurrences", .dueBeforeIssue, "100"), ("cnab400/237/occurrences", .dueBeforeIssue, "16"),
        ("cnab400/341/occurrences", .dueBeforeIssue, "66"), ("cnab400/748/occurrences", .dueBeforeIssue, "17"),
        // Due before the retorno's date.
        ("cnab240/febraban/occurrences", .duePast, "16"), ("cnab400/001/occurrences", .duePast, "09"),
        ("cnab400/033/occurrences", .duePast, "016"), ("cnab400/336/occurrences", .duePast, "9075"),
        // No payer document.
        ("cnab240/febraban/occurrences", .payerDocument, "46"), ("cnab400/001/occurrences", .payerDocument, "66"),
        ("cnab400/033/occurrences", .payerDocument, "106"), ("cnab400/341/occurrences", .payerDocument, "37"),
        ("cnab400/748/occurrences", .payerDocument, "46"),
    ])
    func reasonByMeaning(table: String, refusal: CNABSimulator.Refusal, code: String) throws {
        let reasons = try Self.reasons(table).reasons
        #expect(CNABSimulator.reason(refusal, in: reasons) == code, "\(reasons[CNABSimulator.reason(refusal, in: reasons) ?? ""] ?? "none")")
    }

    /// A table with no text that says it gives no reason rather than a wrong one.
    @Test func noReasonRatherThanAWrongOne() {
        #expect(CNABSimulator.reason(.amount, in: ["03": "Valor dos juros por um dia inválido", "07": "Valor do título maior que 10.000.000,00"]) == nil)
    }
}
