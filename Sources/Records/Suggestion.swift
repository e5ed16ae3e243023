import Foundation

/// "Did you mean …?" for a name that is not known (an option, a layout, a CSV column): the
/// known name closest to it, when one is close enough to be a slip of the keyboard.
///
/// Names are compared without regard to case, accents, or the separators people vary
/// (`_`, `-`, `.`, `/`, blanks): `Nosso Número`, `nosso_numero` and `NOSSO-NUMERO` are one
/// name. Then by edit distance, a swap of two neighbouring letters counting as one edit
/// (`prase` is one edit from `parse`). Close enough: at most one edit in a name of up to four
/// letters, two up to eight, three beyond.
///
/// Use: `Suggestion.closest(to: "ouput", among: ["output", "rejects"])` → `"output"`.
public enum Suggestion {
    /// The name among `candidates` closest to `name`, or nil when none is close enough or two are
    /// equally close (a guess between two would mislead as often as it helps).
    public static func closest(to name: String, among candidates: some Sequence<String>) -> String? {
        let wanted = folded(name)
        guard !wanted.isEmpty else { return nil }
        let limit = wanted.count <= 4 ? 1 : wanted.count <= 8 ? 2 : 3
        var best: (name: String, distance: Int)?
        var tied = false
        for candidate in candidates where candidate != name {
            let d = distance(wanted, folded(candidate), limit: limit)
            guard d <= limit else { continue }
            if let b = best, d == b.distance {
                tied = tied || b.name != candidate
            } else if best == nil || d < best!.distance {
                best = (candidate, d)
                tied = false
            }
        }
        return tied ? nil : best?.name
    }

    /// " (did you mean X?)" for a message, X as `show` writes it; empty when there is nothing to
    /// suggest.
    public static func hint(for name: String, among candidates: some Sequence<String>, show: (String) -> String = { $0 }) -> String {
        closest(to: name, among: candidates).map { " (did you mean \(show($0))?)" } ?? ""
    }

    /// The name as compared: letters and digits only, without case or accents.
    static func folded(_ s: String) -> [Unicode.Scalar] {
        s.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).unicodeScalars.filter {
            $0.properties.isAlphabetic || $0.properties.numericType != nil
        }
    }

    /// Edit distance (insertions, deletions, substitutions, and swaps of neighbours), or
    /// `limit + 1` as soon as it must exceed `limit`.
    static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar], limit: Int) -> Int {
        if abs(a.count - b.count) > limit { return limit + 1 }
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        // Three rows of the table: two back (for swaps), the previous and the current.
        var before = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            var rowMin = current[0]
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var d = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d = min(d, before[j - 2] + 1) }
                current[j] = d
                rowMin = min(rowMin, d)
            }
            if rowMin > limit { return limit + 1 }
            (before, previous, current) = (previous, current, before)
        }
        return previous[b.count]
    }
}
