import Foundation

/// A JSON value as a tree, for records that are built or edited (`cnab simulate` turning a
/// título into events); hot paths read a `JSONTape` instead.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// Parses one JSON text (as `JSONReader` does), or nil when it is malformed.
    public init?(parsing bytes: [UInt8]) {
        var tape = JSONTape()
        guard bytes.withUnsafeBufferPointer({ JSONReader.parse($0, into: &tape) }) else { return nil }
        self = tape.value(at: 0)
    }

    /// The string, if this is one.
    public var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The object, if this is one.
    public var object: JSONObject? {
        if case .object(let o) = self { return o }
        return nil
    }

    /// The number, if this is one.
    public var number: JSONNumber? {
        if case .number(let n) = self { return n }
        return nil
    }

    /// Appends the value as compact JSON (members in order).
    public func write(to out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let n): out.append(contentsOf: n.text.utf8)
        case .string(let s): JSONBytes.appendString(s, to: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (k, e) in elements.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                e.write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let o):
            o.write(to: &out)
        }
    }
}

/// A JSON number, kept as written so that nothing is lost between stages.
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    /// The literal, in JSON syntax.
    public let text: String
    /// The value when the literal is an integer of at most 18 digits (always exact).
    public let exactInteger: Int64?

    /// An integer.
    public init(_ value: Int) {
        text = String(value)
        exactInteger = text.utf8.count - (value < 0 ? 1 : 0) <= 18 ? Int64(value) : nil
    }

    /// A literal already known to be a JSON number.
    public init(literal: String) {
        text = literal
        let digits = literal.utf8.drop { $0 == UInt8(ascii: "-") }
        if digits.count <= 18, !digits.isEmpty, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
            exactInteger = Int64(literal)
        } else {
            exactInteger = nil
        }
    }

    /// The literal.
    public var description: String { text }

    /// What `JSONSerialization` makes of the literal (an `NSNumber` holding an Int64, a UInt64,
    /// a Double, or an `NSDecimalNumber`), or nil when it cannot represent it (`1e400`): the
    /// rules of swift-corelibs-foundation's `NSNumber.fromJSONNumber`, kept so that odd numbers
    /// are judged as they were.
    public static func foundationValue(_ string: String) -> NSNumber? {
        let decIndex = string.firstIndex(of: ".")
        let expIndex = string.firstIndex(of: "e")
        let isInteger = decIndex == nil && expIndex == nil
        let isNegative = string.utf8.first == UInt8(ascii: "-")
        let digitCount = string[string.startIndex..<(expIndex ?? string.endIndex)].count
        if isInteger {
            if isNegative {
                if digitCount <= 19, let intValue = Int64(string) { return NSNumber(value: intValue) }
            } else {
                if digitCount <= 20, let uintValue = UInt64(string) { return NSNumber(value: uintValue) }
            }
        }
        var exp = 0
        if let expIndex {
            if let parsed = Int(string[string.index(after: expIndex)...]) { exp = parsed }
        }
        if digitCount > 17, exp >= -128, exp <= 127, let decimal = Decimal(string: string), decimal.isFinite {
            return NSDecimalNumber(decimal: decimal)
        }
        if let doubleValue = Double(string), doubleValue.isFinite { return NSNumber(value: doubleValue) }
        return nil
    }

    /// The value as `JSONSerialization` would have given it.
    public var foundationValue: NSNumber? {
        if let exactInteger { return NSNumber(value: exactInteger) }
        return Self.foundationValue(text)
    }
}

/// A JSON object: members in order, one per key (setting a key again replaces its value).
public struct JSONObject: Sendable, Hashable {
    /// One member.
    public struct Member: Sendable, Hashable {
        /// The key.
        public var key: String
        /// The value.
        public var value: JSONValue
    }

    /// The members in order.
    public private(set) var members: [Member] = []

    /// An empty object.
    public init() {}

    /// An object from key-value pairs (a repeated key keeps its first place and last value).
    public init(_ pairs: KeyValuePairs<String, JSONValue>) {
        for (k, v) in pairs { self[k] = v }
    }

    /// An object from members in order; a repeated key keeps its first place and its last value
    /// (as `JSONSerialization` keeps the last).
    public init(members: [Member]) {
        if Set(members.map(\.key)).count == members.count {
            self.members = members
        } else {
            for m in members { self[m.key] = m.value }
        }
    }

    /// An object from members whose keys are known to differ.
    init(unique members: [Member]) {
        self.members = members
    }

    /// The value of `key` (`.null` when the key is there with null), or nil when there is no
    /// such key; setting nil removes the key.
    public subscript(key: String) -> JSONValue? {
        get { members.first { $0.key == key }?.value }
        set {
            if let i = members.firstIndex(where: { $0.key == key }) {
                if let newValue { members[i].value = newValue } else { members.remove(at: i) }
            } else if let newValue {
                members.append(Member(key: key, value: newValue))
            }
        }
    }

    /// The string value of `key`, if it is a string.
    public func string(_ key: String) -> String? { self[key]?.string }

    /// Appends the object as compact JSON.
    public func write(to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        for (k, m) in members.enumerated() {
            if k > 0 { out.append(UInt8(ascii: ",")) }
            JSONBytes.appendString(m.key, to: &out)
            out.append(UInt8(ascii: ":"))
            m.value.write(to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// The object as one line of compact JSON.
    public var jsonBytes: [UInt8] {
        var out: [UInt8] = []
        write(to: &out)
        return out
    }
}
