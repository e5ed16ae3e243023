import Foundation
import Records

/// `JSONTape.member` for a key given as bytes, scanning the object's keys through pointers: a
/// letter's template looks up some forty members per job, each a scan of the object's keys.
enum TapeMember {
    /// The value node of the last member named `key` of the object at `index` (the last one
    /// wins, as with `JSONTape.member`), or nil (also when `index` is no object).
    static func find(_ key: UnsafeBufferPointer<UInt8>, of index: Int, in tape: JSONTape) -> Int? {
        tape.nodes.withUnsafeBufferPointer { nodes in
            tape.text.withUnsafeBufferPointer { text in
                let object = nodes[index]
                guard object.kind == .object else { return nil }
                let wanted = key.count
                var found: Int? = nil
                var i = index + 1
                // Nodes `index + 1…` are key, value, key, value… of the object (a container value
                // says where it ends), all below the tape's count; a key's bytes lie in `text`.
                for _ in 0..<object.count {
                    let k = nodes[i]
                    if Int(k.count) == wanted, memcmp(text.baseAddress! + Int(k.offset), key.baseAddress!, wanted) == 0 { found = i + 1 }
                    let v = nodes[i + 1]
                    i = v.kind == .array || v.kind == .object ? Int(v.value) : i + 2
                }
                return found
            }
        }
    }
}
