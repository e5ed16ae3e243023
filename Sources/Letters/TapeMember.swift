import Foundation
import Records

/// `JSONTape.member` for a key given as bytes, scanning the object's keys through pointers: a
/// letter's template looks up some forty members per job, each a scan of the object's keys.
enum TapeMember {
    /// The value node of the last member named `key` of the object at `index` (the last one
    /// wins, as with `JSONTape.member`), or nil (also when `index` is no object).
    static func find(_ key: UnsafeBufferPointer<UInt8>, of index: Int, in tape: JSONTape) -> Int? {
        // (`text` holds every key's bytes, so a non-empty key's first byte is readable.)
        tape.nodes.withUnsafeBufferPointer { nodes in
            tape.text.withUnsafeBufferPointer { text in
                let object = nodes[index]
                guard object.kind == .object else { return nil }
                let wanted = key.count
                guard wanted > 0 else { return tape.member("", of: index) }
                let first = key[0]
                var found: Int? = nil
                var i = index + 1
                // Nodes `index + 1…` are key, value, key, value… of the object (a container value
                // says where it ends), all below the tape's count; a key's bytes lie in `text`.
                for _ in 0..<object.count {
                    let k = nodes[i]
                    if Int(k.count) == wanted, text[Int(k.offset)] == first, memcmp(text.baseAddress! + Int(k.offset), key.baseAddress!, wanted) == 0 {
                        found = i + 1
                    }
                    let v = nodes[i + 1]
                    i = v.kind == .array || v.kind == .object ? Int(v.value) : i + 2
                }
                return found
            }
        }
    }
}

extension TapeMember {
    /// `find` for a key given as an array of bytes.
    static func find(_ key: [UInt8], of index: Int, in tape: JSONTape) -> Int? {
        key.withUnsafeBufferPointer { find($0, of: index, in: tape) }
    }
}
