import Logging
import Testing
@testable import TrinService

/// How the JSON-lines log types its fields, which a shipper's parsing relies on.
@Suite struct LogTypingTests {
    @Test("counts and limits are numbers; text from outside stays text whatever it looks like")
    func fieldsKeepTheirType() {
        #expect(JSONLinesLogHandler.json("42", key: "rows_read") as? Int == 42)
        #expect(JSONLinesLogHandler.json(.stringConvertible(0.25), key: "limit") as? Double == 0.25)
        #expect(JSONLinesLogHandler.json("true", key: "dry_run") as? Bool == true)
        // Not a number as Swift writes one: kept as written.
        #expect(JSONLinesLogHandler.json("07", key: "rows") as? String == "07")
        // A source named 2024, and an unknown code 07 inside the file line's list.
        #expect(JSONLinesLogHandler.json("2024", key: "source") as? String == "2024")
        #expect(JSONLinesLogHandler.json("2024", key: "sources") as? String == "2024", "run_started's source names")
        #expect(JSONLinesLogHandler.json(.stringConvertible(3), key: "sources") as? Int == 3, "run_finished's count")
        let codes = JSONLinesLogHandler.json(.array([.dictionary(["field": "aktivitet", "value": "7", "rows": .stringConvertible(3)])]),
                                             key: "unknown_codes")
        let first = (codes as? [[String: Any]])?.first
        #expect(first?["value"] as? String == "7")
        #expect(first?["rows"] as? Int == 3)
    }
}
