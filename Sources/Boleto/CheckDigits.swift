/// The check-digit algorithms of boletos and arrecadação codes. Inputs are ASCII digits.
public enum CheckDigits {
    /// Módulo 10 (BBBOL Anexo V; BRD400 p.29; ARR7 §7): weights 2, 1, 2, 1… from the right, a
    /// product of two digits counts as the sum of its digits, DV = (10 − sum mod 10) mod 10.
    @inlinable
    public static func mod10<C: BidirectionalCollection>(_ digits: C) -> Int where C.Element == UInt8 {
        if let dv = digits.withContiguousStorageIfAvailable({ mod10(contiguous: $0) }) { return dv }
        var sum = 0
        var double = true
        for c in digits.reversed() {
            let d = Int(c &- 48)
            if double {
                let p = d * 2
                sum += p > 9 ? p - 9 : p
            } else {
                sum += d
            }
            double.toggle()
        }
        return (10 - sum % 10) % 10
    }

    /// `mod10` over contiguous digits: a plain loop from the last one.
    @inlinable
    static func mod10(contiguous digits: UnsafeBufferPointer<UInt8>) -> Int {
        var sum = 0
        var double = true
        var k = digits.count - 1
        while k >= 0 {
            let d = Int(digits[k] &- 48)
            if double {
                let p = d &* 2
                sum &+= p > 9 ? p &- 9 : p
            } else {
                sum &+= d
            }
            double.toggle()
            k -= 1
        }
        return (10 - sum % 10) % 10
    }

    /// `mod11Remainder` over contiguous digits: a plain loop from the last one.
    @inlinable
    static func mod11Remainder(contiguous digits: UnsafeBufferPointer<UInt8>, maxWeight: Int) -> Int {
        var sum = 0
        var w = 2
        var k = digits.count - 1
        while k >= 0 {
            sum &+= Int(digits[k] &- 48) &* w
            w = w == maxWeight ? 2 : w &+ 1
            k -= 1
        }
        return sum % 11
    }

    /// The weighted sum with weights 2, 3, … `maxWeight`, 2, 3… from the right, modulo 11.
    @inlinable
    public static func mod11Remainder<C: BidirectionalCollection>(_ digits: C, maxWeight: Int = 9) -> Int
    where C.Element == UInt8 {
        if let r = digits.withContiguousStorageIfAvailable({ mod11Remainder(contiguous: $0, maxWeight: maxWeight) }) { return r }
        var sum = 0
        var w = 2
        for c in digits.reversed() {
            sum += Int(c &- 48) * w
            w = w == maxWeight ? 2 : w + 1
        }
        return sum % 11
    }

    /// The general check digit of a bank barcode (position 5; BBBOL Anexo VI, BRD400 p.28,
    /// SANBOL p.6): módulo 11 with weights 2–9 over the other 43 digits, DV = 11 − remainder,
    /// and 0, 10 or 11 become 1 (0 is never a general DV). So remainders 0, 1 and 10 all give
    /// 1: a single changed digit of the factor or amount that moves the remainder among those
    /// three goes unnoticed — a property of the scheme, which the tests document.
    @inlinable
    public static func barcodeGeneral<C: BidirectionalCollection>(_ digits: C) -> Int where C.Element == UInt8 {
        let dv = 11 - mod11Remainder(digits)
        return dv == 0 || dv >= 10 ? 1 : dv
    }

    /// Módulo 11 of arrecadação codes (ARR7 §9): weights 2–9 from the right, remainder 0 or 1 ⇒ 0,
    /// remainder 10 ⇒ 1, else 11 − remainder.
    @inlinable
    public static func arrecadacaoMod11<C: BidirectionalCollection>(_ digits: C) -> Int where C.Element == UInt8 {
        let r = mod11Remainder(digits)
        return r <= 1 ? 0 : 11 - r
    }

    /// Módulo 11 with weights 2–9 where a result above 9 becomes 0 (Caixa SIGCB nosso número
    /// and campo livre DV, CXBOL §4.2.10.1, §5.4).
    @inlinable
    public static func mod11ZeroAbove9<C: BidirectionalCollection>(_ digits: C) -> Int where C.Element == UInt8 {
        let dv = 11 - mod11Remainder(digits)
        return dv > 9 ? 0 : dv
    }

    /// Whether every byte is an ASCII digit.
    @inlinable
    public static func allDigits<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        bytes.withContiguousStorageIfAvailable { $0.allSatisfy { $0 &- 48 <= 9 } } ?? bytes.allSatisfy { $0 &- 48 <= 9 }
    }
}
