import Records
import Testing

@testable import Letters

/// `JobNodes` finds in one pass what `JSONTape.member` finds member by member: the same node
/// for every member rendering reads, on jobs with odd shapes (members missing, of other kinds,
/// in any order, a payer or address that is not an object, keys that share a length).
@Suite struct JobNodesTests {
    static let jobs: [String] =
        LSTFastPathTests.jobs + [
            #"{"record":"letter"}"#,
            #"{"record":7,"payer":"Ana","boleto":[1,2],"sender":null}"#,
            #"{"payer":{"address":"Rua A","name":3},"boleto":{"amount_cents":"12","bank":"237"}}"#,
            #"{"boleto":{"bank":"237","amount_cents":100},"template":"t.txt","step":"s","inserts":"","sequence":1,"sender":{"name":"S"},"record":"letter"}"#,
            #"{"payer":{"name":"A","address":{"cep":"01001000","state":"SP","city":"X","district":"D","complement":"c","number":"1","street":"S","stret":"x","cepx":1}}}"#,
            #"{"recorx":"letter","templatx":"t","payex":{},"sendex":{},"boletx":{}}"#,
            #"{"record":"letters","payer":{"name":"A","adress":{"street":"S"}}}"#,
            #"[1,2,3]"#,
        ]

    @Test func findsWhatMemberFinds() throws {
        for job in Self.jobs {
            var tape = JSONTape()
            #expect(Array(job.utf8).withUnsafeBufferPointer { JSONReader.parse($0, into: &tape) }, "\(job)")
            let n = JobNodes(tape)
            func member(_ key: String, _ of: Int?) -> Int? { of.flatMap { tape.member(key, of: $0) } }
            let root: Int? = tape[0].kind == .object ? 0 : nil
            #expect(n.record == member("record", root), "\(job)")
            #expect(n.sequence == member("sequence", root), "\(job)")
            #expect(n.step == member("step", root), "\(job)")
            #expect(n.template == member("template", root), "\(job)")
            #expect(n.inserts == member("inserts", root), "\(job)")
            #expect(n.payer == member("payer", root), "\(job)")
            #expect(n.sender == member("sender", root), "\(job)")
            #expect(n.boleto == member("boleto", root), "\(job)")
            #expect(n.payerName == member("name", n.payer), "\(job)")
            #expect(n.address == member("address", n.payer), "\(job)")
            for (found, key) in [
                (n.street, "street"), (n.number, "number"), (n.complement, "complement"), (n.district, "district"), (n.city, "city"),
                (n.state, "state"), (n.cep, "cep"),
            ] {
                #expect(found == member(key, n.address), "\(key): \(job)")
            }
            #expect(n.boletoAmount == member("amount_cents", n.boleto), "\(job)")
            let record = member("record", root)
            #expect(n.isLetter(tape) == (record.map { tape[$0].kind == .string && tape.string($0) == "letter" } ?? false), "\(job)")
        }
    }
}
