public import Foundation

/// A throwaway certificate authority and a server certificate for 127.0.0.1 and
/// localhost, made with the `openssl` command line at test time (never committed).
public struct TestCertificates: Sendable {
    /// The CA certificate (PEM) a client must trust to accept the server.
    public let caCertificate: URL
    public let serverCertificate: URL
    public let serverKey: URL

    /// One set per test process, made on first use.
    public static func shared() throws -> TestCertificates { try sharedResult.get() }

    private static let sharedResult: Result<TestCertificates, TestHTTPServerError> = makeShared()

    private static func makeShared() -> Result<TestCertificates, TestHTTPServerError> {
        do {
            return .success(try make(in: TestHTTPServer.makeTemporaryDirectory(prefix: "trin-ca")))
        } catch let error as TestHTTPServerError {
            return .failure(error)
        } catch {
            return .failure(TestHTTPServerError("cannot make test certificates: \(error)"))
        }
    }

    /// Makes a new CA and a server certificate signed by it in `directory`.
    public static func make(in directory: URL) throws -> TestCertificates {
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try openssl(["req", "-x509"] + ec + ["-keyout", path("ca.key"), "-out", path("ca.pem"), "-days", "2",
                     "-subj", "/CN=trin test CA", "-addext", "basicConstraints=critical,CA:TRUE",
                     "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        try openssl(["req"] + ec + ["-keyout", path("server.key"), "-out", path("server.csr"),
                     "-subj", "/CN=127.0.0.1"])
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
            .write(toFile: path("server.ext"), atomically: true, encoding: .utf8)
        try openssl(["x509", "-req", "-in", path("server.csr"), "-CA", path("ca.pem"), "-CAkey", path("ca.key"),
                     "-CAcreateserial", "-out", path("server.pem"), "-days", "2", "-extfile", path("server.ext")])
        return TestCertificates(caCertificate: directory.appendingPathComponent("ca.pem"),
                                serverCertificate: directory.appendingPathComponent("server.pem"),
                                serverKey: directory.appendingPathComponent("server.key"))
    }

    private static func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestHTTPServerError("openssl \(arguments.first ?? "") failed: \(String(decoding: message, as: UTF8.self))")
        }
    }
}
