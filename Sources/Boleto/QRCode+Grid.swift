extension QRCode {
    /// The module matrix being built: which modules are dark, and which belong to function
    /// patterns (finders, separators, timing, alignment, format and version areas), which the
    /// data and the mask leave alone.
    struct Grid: Hashable {
        let size: Int
        var dark: [Bool]
        var function: [Bool]

        /// The function patterns of a version; the format areas reserved (drawn with the mask),
        /// the version information drawn.
        init(version: Int) {
            size = 17 + 4 * version
            dark = Array(repeating: false, count: size * size)
            function = dark
            // Timing patterns first: the finders and alignment patterns overwrite their ends.
            for i in 0..<size {
                set(6, i, i % 2 == 0)
                set(i, 6, i % 2 == 0)
            }
            for (r, c) in [(3, 3), (3, size - 4), (size - 4, 3)] { finder(r, c) }
            let centres = QRCode.alignmentCentres[version - 1]
            // Every pair of centres except the three under the finders.
            let last = centres.last
            for r in centres {
                for c in centres where !(r == 6 && (c == 6 || c == last) || c == 6 && r == last) { alignment(r, c) }
            }
            drawFormat(0)
            if version >= 7 {
                let bits = QRCode.versionInformation(version)
                // Bit i at row i / 3, column size − 11 + i % 3 (beside the top-right finder) and
                // transposed (above the bottom-left one).
                for i in 0..<18 {
                    let on = bits >> i & 1 == 1
                    set(i / 3, size - 11 + i % 3, on)
                    set(size - 11 + i % 3, i / 3, on)
                }
            }
        }

        mutating func set(_ row: Int, _ column: Int, _ on: Bool) {
            dark[row * size + column] = on
            function[row * size + column] = true
        }

        /// A 7 × 7 finder centred at `r`, `c`, with its light separator around it (cut at the edges).
        mutating func finder(_ r: Int, _ c: Int) {
            for dr in -4...4 {
                for dc in -4...4 {
                    let row = r + dr, column = c + dc
                    guard (0..<size).contains(row), (0..<size).contains(column) else { continue }
                    let ring = max(abs(dr), abs(dc))
                    set(row, column, ring != 2 && ring != 4)
                }
            }
        }

        /// A 5 × 5 alignment pattern centred at `r`, `c`.
        mutating func alignment(_ r: Int, _ c: Int) {
            for dr in -2...2 {
                for dc in -2...2 { set(r + dr, c + dc, max(abs(dr), abs(dc)) != 1) }
            }
        }

        /// The 15 format bits in both copies (bit 14 first), and the dark module beside the
        /// bottom-left finder.
        mutating func drawFormat(_ bits: Int) {
            func bit(_ i: Int) -> Bool { bits >> i & 1 == 1 }
            // Around the top-left finder: bits 0…7 down column 8 (skipping the timing row),
            // bits 8…14 leftwards along row 8 (skipping the timing column).
            for i in 0...5 { set(i, 8, bit(i)) }
            set(7, 8, bit(6))
            set(8, 8, bit(7))
            set(8, 7, bit(8))
            for i in 9..<15 { set(8, 14 - i, bit(i)) }
            // Bits 0…7 along row 8 from the right edge, bits 8…14 up column 8 from the bottom.
            for i in 0..<8 { set(8, size - 1 - i, bit(i)) }
            for i in 8..<15 { set(size - 15 + i, 8, bit(i)) }
            set(size - 8, 8, true)
        }

        /// The codewords' bits, most significant first, in the two-column zigzag from the bottom
        /// right, skipping function modules and the vertical timing column; remainder bits light.
        mutating func place(_ codewords: [UInt8]) {
            var i = 0
            let bitCount = codewords.count * 8
            var right = size - 1
            while right >= 1 {
                if right == 6 { right = 5 }
                let upward = (right + 1) & 2 == 0
                for step in 0..<size {
                    let row = upward ? size - 1 - step : step
                    for column in [right, right - 1] where !function[row * size + column] {
                        if i < bitCount {
                            dark[row * size + column] = codewords[i >> 3] >> (7 - i & 7) & 1 == 1
                        }
                        i += 1
                    }
                }
                right -= 2
            }
        }

        /// Inverts the data modules where mask `m`'s condition (Table 10) holds.
        mutating func apply(mask m: Int) {
            // The condition is chosen once, outside the loops (each case a loop of its own).
            switch m {
            case 0: flip { r, c in (r + c) % 2 == 0 }
            case 1: flip { r, _ in r % 2 == 0 }
            case 2: flip { _, c in c % 3 == 0 }
            case 3: flip { r, c in (r + c) % 3 == 0 }
            case 4: flip { r, c in (r / 2 + c / 3) % 2 == 0 }
            case 5: flip { r, c in (r * c) % 2 + (r * c) % 3 == 0 }
            case 6: flip { r, c in ((r * c) % 2 + (r * c) % 3) % 2 == 0 }
            default: flip { r, c in ((r + c) % 2 + (r * c) % 3) % 2 == 0 }
            }
        }

        /// Inverts the data modules where `condition(row, column)` holds.
        @inline(__always)
        mutating func flip(_ condition: (Int, Int) -> Bool) {
            let size = self.size
            let function = self.function
            dark.withUnsafeMutableBufferPointer { d in
                function.withUnsafeBufferPointer { f in
                    for row in 0..<size {
                        for column in 0..<size where !f[row * size + column] && condition(row, column) {
                            d[row * size + column].toggle()
                        }
                    }
                }
            }
        }

        /// The penalty score of §7.8.3: runs of five or more of a colour in a row or column
        /// (3 + the length beyond 5), 2 × 2 blocks of a colour (3 each), the finder-like
        /// 1:1:3:1:1 pattern with four light modules on a side (40 each, the space beyond the
        /// symbol counting as light), and the dark share's distance from 50 % (10 per 5 %).
        func penalty() -> Int { QRCode.penalty(dark, size: size) }
    }

    /// The penalty score of a matrix of `size` × `size` modules (`Grid.penalty()`), in one pass
    /// per row and column: each line is copied out once; its runs are counted as it goes, and
    /// the finder-like pattern is found by sliding an 11-module window over it, light beyond
    /// its ends (four light modules then 1:1:3:1:1, or 1:1:3:1:1 then four light). Eight of these
    /// per symbol made up most of the time of a PDF letter with a Pix QR code.
    static func penalty(_ dark: [Bool], size: Int) -> Int {
        if size <= 60 { return wordPenalty(dark, size: size) }
        return dark.withUnsafeBufferPointer { d in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: size) { line in
                var score = 0
                for a in 0..<size {
                    for b in 0..<size { line[b] = d[a * size + b] ? 1 : 0 }
                    score += linePenalty(UnsafeBufferPointer(line))
                    for b in 0..<size { line[b] = d[b * size + a] ? 1 : 0 }
                    score += linePenalty(UnsafeBufferPointer(line))
                }
                for r in 0..<size - 1 {
                    for c in 0..<size - 1 {
                        let v = d[r * size + c]
                        if d[r * size + c + 1] == v, d[(r + 1) * size + c] == v, d[(r + 1) * size + c + 1] == v { score += 3 }
                    }
                }
                let total = size * size
                var darkCount = 0
                for k in 0..<total where d[k] { darkCount += 1 }
                return score + abs(darkCount * 100 - total * 50) / total / 5 * 10
            }
        }
    }

    /// `penalty` for symbols of up to 60 modules a side (versions 1–10, every Pix payload):
    /// each row and column is one 64-bit word (bit c = module c), and the four rules are word
    /// operations. Rule 1: bit c of `five` is set when modules c…c+4 are alike, so a run of
    /// n ≥ 5 sets n − 4 bits in one group, and scores (n − 4) + 2. Rule 2: rows r and r + 1
    /// alike at c and c + 1. Rule 3: the line shifted up by the 4 light modules before it, then
    /// each 11-module window compared with both patterns at once (light beyond the end: shifts
    /// bring in zeros). Rule 4: bit counts.
    static func wordPenalty(_ dark: [Bool], size n: Int) -> Int {
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 2 * n) { lines in
            lines.initialize(repeating: 0)
            dark.withUnsafeBufferPointer { d in
                for r in 0..<n {
                    for c in 0..<n where d[r * n + c] {
                        lines[r] |= 1 << UInt64(c)
                        lines[n + c] |= 1 << UInt64(r)
                    }
                }
            }
            let pairs: UInt64 = (1 << UInt64(n - 1)) - 1  // bits 0 … n − 2
            let starts: UInt64 = (1 << UInt64(n - 2)) - 1  // windows starting at 0 … n − 3
            var score = 0
            var darkCount = 0
            for k in 0..<(2 * n) {
                let line = lines[k]
                if k < n { darkCount += line.nonzeroBitCount }
                let equal = ~(line ^ (line >> 1)) & pairs
                let five = equal & (equal >> 1) & (equal >> 2) & (equal >> 3)
                score += five.nonzeroBitCount + 2 * (five & ~(five << 1)).nonzeroBitCount
                let padded = line << 4
                @inline(__always) func at(_ i: UInt64) -> UInt64 { padded >> i }
                // The core 1:1:3:1:1 at window offset 4 (light before) or 0 (light after).
                let lightThenFinder = ~at(0) & ~at(1) & ~at(2) & ~at(3) & at(4) & ~at(5) & at(6) & at(7) & at(8) & ~at(9) & at(10)
                let finderThenLight = at(0) & ~at(1) & at(2) & at(3) & at(4) & ~at(5) & at(6) & ~at(7) & ~at(8) & ~at(9) & ~at(10)
                score += 40 * ((lightThenFinder & starts).nonzeroBitCount + (finderThenLight & starts).nonzeroBitCount)
                if k + 1 < n {
                    let next = lines[k + 1]
                    let alike = ~(line ^ next) & equal & ~(next ^ (next >> 1)) & pairs
                    score += 3 * alike.nonzeroBitCount
                }
            }
            let total = n * n
            return score + abs(darkCount * 100 - total * 50) / total / 5 * 10
        }
    }

    /// Rules 1 and 3 of one row or column (modules 0 light, 1 dark).
    @inline(__always)
    static func linePenalty(_ line: UnsafeBufferPointer<UInt8>) -> Int {
        // The 11 modules of a window, the first in the highest bit.
        let lightThenFinder: UInt16 = 0b0000_1011101
        let finderThenLight: UInt16 = 0b1011101_0000
        let size = line.count
        var score = 0
        var run = 1
        var window = UInt16(line[0])
        for b in 1..<(size + 4) {
            let module = b < size ? line[b] : 0
            window = (window << 1 | UInt16(module)) & 0x7FF
            if window == lightThenFinder || window == finderThenLight { score += 40 }
            guard b < size else { continue }
            if module == line[b - 1] {
                run += 1
            } else {
                if run >= 5 { score += run - 2 }
                run = 1
            }
        }
        if run >= 5 { score += run - 2 }
        return score
    }
}
