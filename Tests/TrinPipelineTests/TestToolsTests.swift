import Foundation
import Testing
import TrinTestSupport

/// Under `make test`, everything a test would otherwise skip without must be there: the tools
/// `make test-deps` installs and the PostgreSQL cluster `scripts/test.sh` starts. A green run
/// then means every test ran.
@Suite struct TestToolsTests {
    @Test(.enabled(if: TestTools.required, "only under make test (TRIN_TEST_REQUIRE_TOOLS=1)"))
    func everythingMakeTestInstallsIsThere() throws {
        for tool in ["promtool", "xmllint", "lintian", "script", "python3"] {
            #expect(TestTools.path(of: tool) != nil, "\(tool) is missing: the tests that need it were skipped")
        }
        #expect(postgresTestServer != nil, "TRIN_TEST_POSTGRES_URL is not set: the PostgreSQL tests were skipped")
        let frictionless = try TrinBinary.run(["-c", "import frictionless"], executable: try #require(TestTools.path(of: "python3")))
        #expect(frictionless.status == 0, "python3 cannot import frictionless: \(frictionless.output)")
    }
}
