public import Foundation

/// Programs some tests need beyond the build (promtool, xmllint, lintian, …). A plain
/// `swift test` skips a test whose tool is missing; under `make test`, which installs them
/// all (`make test-deps`), a missing one fails the suite instead (`TestToolsTests`), so a
/// green CI run never hides a skipped test.
public enum TestTools {
    /// Set by `scripts/test.sh`: every tool and the PostgreSQL cluster must be there.
    public static let required = ProcessInfo.processInfo.environment["TRIN_TEST_REQUIRE_TOOLS"] == "1"

    /// The program's path on PATH (then the usual system folders), or nil.
    public static func path(of name: String) -> String? {
        let searched = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
            + ["/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin"]
        return searched.map { $0 + "/" + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
