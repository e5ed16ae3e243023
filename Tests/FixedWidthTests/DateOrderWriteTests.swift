import Foundation
import Records
import Testing

@testable import FixedWidth

/// `DateOrder.write` (digits through a pointer, for hot paths, and `digits` through it) writes
/// each part zero-padded in the order's places, as formatting the numbers as text does.
@Suite struct DateOrderWriteTests {
    @Test(arguments: [FieldFormat.DateOrder.dayMonthYear4, .dayMonthYear2, .year4MonthDay])
    func writeIsDigits(_ order: FieldFormat.DateOrder) {
        var rng = SplitMix64(seed: 17)
        var dates = [CivilDate(year: 1, month: 1, day: 1), CivilDate(year: 999, month: 12, day: 31), CivilDate(year: 2000, month: 2, day: 29)].compactMap { $0 }
        #expect(dates.count == 3)
        for _ in 0..<2000 { dates.append(CivilDate(daysSinceEpoch: Int.random(in: -700_000...2_900_000, using: &rng))) }
        for d in dates {
            var b = [UInt8](repeating: 0xFF, count: 10)
            b.withUnsafeMutableBufferPointer { order.write(d, to: $0.baseAddress! + 1) }
            let dd = String(format: "%02d", d.day), mm = String(format: "%02d", d.month)
            let yyyy = String(format: "%04d", d.year % 10000), yy = String(format: "%02d", d.year % 100)
            let text: String
            switch order {
            case .dayMonthYear4: text = dd + mm + yyyy
            case .dayMonthYear2: text = dd + mm + yy
            case .year4MonthDay: text = yyyy + mm + dd
            }
            #expect(Array(b[1..<(1 + order.count)]) == Array(text.utf8), "\(d)")
            #expect(order.digits(d) == Array(text.utf8), "\(d)")
            // Nothing written outside its digits.
            #expect(b[0] == 0xFF && b[(1 + order.count)...].allSatisfy { $0 == 0xFF })
        }
    }
}
