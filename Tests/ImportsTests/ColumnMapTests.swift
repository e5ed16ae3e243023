import Imports
import Testing

/// A column map that is not JSON says where it stops being JSON, not Foundation's "The data is
/// not in the correct format".
@Suite struct ColumnMapTests {
    @Test func aMapThatIsNotJSONSaysWhere() {
        #expect {
            _ = try ColumnMap(json: Array("{\"record\": \"title\",\n \"fields\": [x]}".utf8), kind: .title)
        } throws: { error in
            (error as? MapError)?.message == #"the column map is not valid JSON at "x" (line 2, column 13)"#
        }
    }
}
