/// The fator de vencimento (barcode positions 6–9; FEBRABAN, restated in BRD400 p.34, SIC400
/// §10.7.5 and BBBOL Anexo IV): days since 1997-10-07, so that 2000-07-03 is 1000 and
/// 2025-02-21 is 9999. FEBRABAN's rule (Comunicados FB-082/FB-122, quoted in SIC400 p.54): after
/// 9999 the factor starts again at 1000 the next day (2025-02-22 = 1000), and every 9,000 days
/// after that (2049-10-13 = 9999, 2049-10-14 = 1000, …). Factor 0000 means "no due date".
///
/// A factor names one date per 9,000-day era; the date meant is the one inside the window that
/// FEBRABAN (CENEGESC, as summarised in brcobranca's `calculo_data.rb`) gives around the day the
/// boleto is read: "3.000 fatores anteriores e 5.500 fatores futuros". Its worked example — on
/// 2014-03-13 (factor 6001) the limits are 2005-12-24 (factor 3000) and 2029-04-03 (factor 2501)
/// — puts the first limit 3,001 days back and the second 5,500 days ahead, both accepted; Troca
/// follows the example (facts file §G.3 flags these edges as unverified against FEBRABAN's own
/// text). The window is 8,502 days, shorter than an era, so at most one date fits.
public enum DueDateFactor {
    /// 1997-10-07, the day before factor 1 of the first era.
    public static let base = BoletoDate(year: 1997, month: 10, day: 7)!
    /// 2000-07-03, factor 1000 of the first era: the first date a factor of four digits can say
    /// in the cycle FEBRABAN defines (earlier factors never cycle).
    public static let firstDate = BoletoDate(year: 2000, month: 7, day: 3)!
    /// Days in one cycle of factors 1000…9999.
    public static let era = 9000
    /// How far before the reading date a due date may lie (the worked example's 3,001 days).
    public static let daysBefore = 3001
    /// How far after the reading date a due date may lie.
    public static let daysAfter = 5500

    /// The factor of a due date (1000…9999), or nil before 2000-07-03.
    public static func factor(for date: BoletoDate) -> Int? {
        let n = date.days - firstDate.days
        guard n >= 0 else { return nil }
        return 1000 + n % era
    }

    /// The dates a factor may stand for, inside the window around `asOf`; nil for factors
    /// outside 1000…9999 or when no date of any era falls inside the window.
    public static func date(for factor: Int, asOf: BoletoDate) -> BoletoDate? {
        guard (1000...9999).contains(factor) else { return nil }
        let w = window(asOf: asOf)
        // The first candidate date of the factor at or after the window's start.
        let first = firstDate.days + (factor - 1000)
        var k = (w.lowerBound.days - first) / era
        if first + k * era < w.lowerBound.days { k += 1 }
        if k < 0 { k = 0 }
        let candidate = first + k * era
        return candidate <= w.upperBound.days ? BoletoDate(days: candidate) : nil
    }

    /// The dates a boleto read on `asOf` may be due: `asOf − 3001` … `asOf + 5500`.
    /// (Dates are years 1…9999, YYYY-MM-DD: a window reaching past either end stops there.)
    public static func window(asOf: BoletoDate) -> ClosedRange<BoletoDate> {
        let first = BoletoDate(year: 1, month: 1, day: 1)!.days
        let last = BoletoDate(year: 9999, month: 12, day: 31)!.days
        return BoletoDate(days: max(asOf.days - daysBefore, first))...BoletoDate(days: min(asOf.days + daysAfter, last))
    }
}
