import Foundation
import Testing
import TrinTestSupport

/// The Debian package, installed into a scratch root by dpkg itself (maintainer scripts
/// included): files, owners and modes, the system user, kept configuration, hardened units.
@Suite(.serialized) struct PackageTests {
    static var canRun: Bool {
        getuid() == 0 && ["/usr/bin/dpkg-deb", "/usr/bin/dpkg", "/usr/sbin/useradd"].allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }
    }

    func sh(_ script: String) throws -> TrinBinary.Result {
        try TrinBinary.run(["-c", script], executable: "/bin/bash")
    }

    @Test(.enabled(if: canRun, "needs root, dpkg and useradd (CI runs as root on Debian)"))
    func packageInstallsIntoAScratchRoot() throws {
        let dir = TrinBinary.temporaryDirectory("trin-deb")
        let repo = TrinBinary.repositoryRoot
        let built = try sh("BIN='\(TrinBinary.path)' OUT='\(dir)' DEB_COMPRESS=gzip '\(repo)/scripts/deb.sh'")
        try #require(built.status == 0, "\(built.output)")
        let deb = built.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(deb.hasSuffix(".deb") && FileManager.default.fileExists(atPath: deb))

        // A scratch root with an empty dpkg database and the host's account files.
        let root = dir + "/root"
        let install = """
            set -e
            mkdir -p '\(root)/etc' '\(root)/var/lib/dpkg/info' '\(root)/var/lib/dpkg/updates'
            touch '\(root)/var/lib/dpkg/status'
            cp /etc/passwd /etc/group /etc/shadow /etc/gshadow /etc/login.defs '\(root)/etc/'
            dpkg --root='\(root)' --force-script-chrootless --force-not-root --force-depends --force-confold --log=/dev/null -i '\(deb)'
            """
        let hostUsers = try String(contentsOfFile: "/etc/passwd", encoding: .utf8)
        let installed = try sh(install)
        try #require(installed.status == 0, "\(installed.output)")
        #expect(try String(contentsOfFile: "/etc/passwd", encoding: .utf8) == hostUsers, "the host's users are untouched")

        let fm = FileManager.default
        func mode(_ path: String) throws -> Int { (try fm.attributesOfItem(atPath: root + path)[.posixPermissions] as? Int ?? 0) & 0o7777 }
        func owner(_ path: String) throws -> (Int, Int) {
            let a = try fm.attributesOfItem(atPath: root + path)
            return ((a[.ownerAccountID] as? NSNumber)?.intValue ?? -1, (a[.groupOwnerAccountID] as? NSNumber)?.intValue ?? -1)
        }
        // The system user, in the scratch root.
        let passwd = try String(contentsOfFile: root + "/etc/passwd", encoding: .utf8)
        let entry = try #require(passwd.split(separator: "\n").first { $0.hasPrefix("trin:") }, "no trin user")
        let fields = entry.split(separator: ":", omittingEmptySubsequences: false)
        let uid = Int(fields[2])!, gid = Int(fields[3])!
        #expect(fields[5] == "/var/lib/trin" && fields[6] == "/usr/sbin/nologin")
        // Files and modes.
        #expect(try mode("/usr/bin/trin") == 0o755)
        for m in ["forloeb", "haendelser", "virksomheder"] { #expect(try mode("/usr/share/trin/mappings/\(m).yaml") == 0o644) }
        #expect(try mode("/usr/share/trin/schemas/progression.schema.json") == 0o644)
        #expect(try mode("/etc/logrotate.d/trin") == 0o644)
        // Folders: state and log the service's own; configuration root's, readable by the service's group.
        for path in ["/var/lib/trin", "/var/log/trin"] {
            #expect(try mode(path) == 0o750 && owner(path) == (uid, gid), "\(path)")
        }
        #expect(try mode("/etc/trin") == 0o750 && owner("/etc/trin") == (0, gid))
        #expect(try mode("/etc/trin/trin.yaml") == 0o640 && owner("/etc/trin/trin.yaml") == (0, gid))
        // Paths agree: the units run /usr/bin/trin with /etc/trin/trin.yaml, whose mappings are installed.
        let unit = try String(contentsOfFile: root + "/lib/systemd/system/trin-run.service", encoding: .utf8)
        #expect(unit.contains("ExecStart=/usr/bin/trin run --due --wait") && unit.contains("TRIN_CONFIG=/etc/trin/trin.yaml"))
        let config = try String(contentsOfFile: root + "/etc/trin/trin.yaml", encoding: .utf8)
        for line in config.split(separator: "\n") where line.trimmingCharacters(in: .whitespaces).hasPrefix("mapping: /") {
            let path = line.split(separator: ":", maxSplits: 1)[1].trimmingCharacters(in: .whitespaces)
            #expect(fm.fileExists(atPath: root + path), "\(path) is named by trin.yaml but not installed")
        }
        #expect(config.contains("/var/lib/trin/trin.sqlite") && config.contains("/var/log/trin/"))

        // An upgrade keeps an edited configuration (a conffile).
        try (config + "\n# edited by the operator\n").write(toFile: root + "/etc/trin/trin.yaml", atomically: false, encoding: .utf8)
        let again = try sh(install.replacingOccurrences(of: "cp /etc/passwd", with: "true || cp /etc/passwd"))
        #expect(again.status == 0, "\(again.output)")
        #expect(try String(contentsOfFile: root + "/etc/trin/trin.yaml", encoding: .utf8).contains("# edited by the operator"))

        // The installed units, hardened: systemd's own exposure score, 0 (best) to 10.
        if fm.isExecutableFile(atPath: "/usr/bin/systemd-analyze") {
            for name in ["trin-run.service", "trin-daemon.service"] {
                let r = try sh("systemd-analyze security --offline=yes --root='\(root)' '\(root)/lib/systemd/system/\(name)' 2>&1 | grep 'Overall exposure'")
                let score = r.stdout.split(separator: ":").last.flatMap { Double($0.split(separator: " ").first ?? "") }
                #expect(score.map { $0 <= 2.5 } == true, "\(name): \(r.output)")
            }
        }

        // Debian policy, as lintian reads it: no error and no warning beyond the two overridden
        // on purpose (packaging/deb/lintian-overrides). The test packages the debug build, which
        // links the Swift runtime dynamically (a RUNPATH); `make deb` links it in, and has none.
        #expect(try mode("/usr/share/doc/trin/copyright") == 0o644 && mode("/usr/share/man/man1/trin.1.gz") == 0o644)
        if fm.isExecutableFile(atPath: "/usr/bin/lintian") {
            let lint = try sh("lintian --tag-display-limit 0 --suppress-tags custom-library-search-path '\(deb)' 2>&1 | grep -v 'running with root'")
            #expect(!lint.stdout.contains("E: ") && !lint.stdout.contains("W: "), "\(lint.output)")
        }
    }

    /// The manual page is made from the command line's help (`make man`); every command and
    /// option a user can see must be in the committed one.
    @Test func theManualPageNamesEveryCommandAndOption() throws {
        let page = try String(contentsOfFile: TrinBinary.repositoryRoot + "/packaging/trin.1", encoding: .utf8)
        let dump = try TrinBinary.run(["--experimental-dump-help"])
        let tool = try #require(try JSONSerialization.jsonObject(with: Data(dump.stdout.utf8)) as? [String: Any])
        var missing: [String] = []
        func walk(_ command: [String: Any], path: String) {
            let name = command["commandName"] as? String ?? ""
            if !path.isEmpty, name != "help", !page.contains("Em \(name)") { missing.append("command \(path) \(name)") }
            for argument in command["arguments"] as? [[String: Any]] ?? [] where argument["shouldDisplay"] as? Bool ?? true {
                for n in argument["names"] as? [[String: Any]] ?? [] where n["kind"] as? String == "long" {
                    let option = n["name"] as? String ?? ""
                    if !page.contains("Fl -\(option)") { missing.append("option --\(option) of \(path) \(name)") }
                }
            }
            for sub in command["subcommands"] as? [[String: Any]] ?? [] { walk(sub, path: path + " " + name) }
        }
        walk(try #require(tool["command"] as? [String: Any]), path: "")
        #expect(missing.isEmpty, "packaging/trin.1 is out of date (run make man): \(missing)")
    }
}
