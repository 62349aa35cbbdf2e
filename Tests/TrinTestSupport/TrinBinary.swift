public import Foundation

/// Runs the real `trin` executable (built beside the test bundle) the way cron does,
/// and captures what it printed.
public enum TrinBinary {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        public var output: String { stdout + stderr }
    }

    /// The built executable: the test runner lives in the same build folder.
    public static var path: String {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
        // swift-corelibs-xctest runs `…/debug/trinPackageTests.xctest`; go up until `trin` is beside us.
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("trin").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir.deleteLastPathComponent()
        }
        return "trin"
    }

    /// Runs `trin` (or another program) with arguments, waiting for it to end.
    @discardableResult
    public static func run(_ arguments: [String], environment: [String: String] = [:], currentDirectory: String? = nil,
                           executable: String = path) throws -> Result {
        let process = try start(arguments, environment: environment, currentDirectory: currentDirectory, executable: executable)
        let out = process.standardOutput as! Pipe, err = process.standardError as! Pipe
        // Read both pipes while the process runs, so a large output cannot block it.
        nonisolated(unsafe) var errData = Data()
        let reader = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !reader.isFinished { usleep(1000) }
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Starts `trin` (or another program) without waiting (for kill and lock tests).
    public static func start(_ arguments: [String], environment: [String: String] = [:], currentDirectory: String? = nil,
                             executable: String = path) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        // The caller's shell may set trin's own variables (a store, a key, a log level) or
        // PostgreSQL's: a test sees only those it passes, so nothing outside redirects it.
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("TRIN_") && !$0.key.hasPrefix("PG") }
        for (k, v) in environment { env[k] = v }
        process.environment = env
        if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
        process.standardOutput = Pipe()
        process.standardError = Pipe()
        try process.run()
        return process
    }

    /// A fresh temporary folder.
    public static func temporaryDirectory(_ label: String = "trin") -> String {
        let dir = NSTemporaryDirectory() + "\(label)-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// The repository root (for shipped mappings).
    public static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()
}
