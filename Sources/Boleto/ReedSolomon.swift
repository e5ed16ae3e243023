/// Reed–Solomon error correction over GF(256) as QR codes use it (ISO/IEC 18004 §7.5.2): the
/// field's polynomial x⁸ + x⁴ + x³ + x² + 1 (0x11D), generator polynomials ∏ (x − αⁱ) for
/// i = 0 … n − 1 with α = 2, and the error correction codewords of a block as the remainder of
/// its data codewords · xⁿ divided by the generator.
public enum ReedSolomon {
    /// αⁱ for i = 0 … 254 (and again for 255 … 509, so sums of two logarithms need no modulo).
    static let exp: [UInt8] = {
        var t = [UInt8](repeating: 0, count: 510)
        var v = 1
        for i in 0..<255 {
            t[i] = UInt8(v)
            t[i + 255] = UInt8(v)
            v <<= 1
            if v & 0x100 != 0 { v ^= 0x11D }
        }
        return t
    }()

    /// log_α of 1 … 255 (index 0 unused).
    static let log: [Int] = {
        var t = [Int](repeating: 0, count: 256)
        for i in 0..<255 { t[Int(exp[i])] = i }
        return t
    }()

    /// The product of two field elements.
    public static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        a == 0 || b == 0 ? 0 : exp[log[Int(a)] + log[Int(b)]]
    }

    /// The generator polynomial of degree `degree`, its coefficients from the highest power down,
    /// the leading 1 left out (so `degree` of them).
    public static func generator(degree: Int) -> [UInt8] {
        // Start from 1 and multiply by (x − αⁱ) = (x + αⁱ) in turn.
        var g: [UInt8] = [1]
        for i in 0..<degree {
            var next = [UInt8](repeating: 0, count: g.count + 1)
            for (k, c) in g.enumerated() {
                next[k] ^= c
                next[k + 1] ^= multiply(c, exp[i])
            }
            g = next
        }
        return Array(g.dropFirst())
    }

    /// The `count` error correction codewords of `data`.
    public static func remainder(_ data: ArraySlice<UInt8>, count: Int) -> [UInt8] {
        remainder(data, generator: generator(degree: count))
    }

    /// The error correction codewords of `data` for a generator from `generator(degree:)`.
    static func remainder(_ data: ArraySlice<UInt8>, generator g: [UInt8]) -> [UInt8] {
        var r = [UInt8](repeating: 0, count: g.count)
        for d in data {
            let factor = d ^ r[0]
            r.removeFirst()
            r.append(0)
            if factor != 0 {
                for k in g.indices { r[k] ^= multiply(g[k], factor) }
            }
        }
        return r
    }
}
