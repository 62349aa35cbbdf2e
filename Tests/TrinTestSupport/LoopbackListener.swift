import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A TCP listener on 127.0.0.1 (a free port) that counts the connections it accepts,
/// so a test can prove that code under test did, or did not, reach for the network.
/// Each accepted connection is read briefly, answered with an empty HTTP 404 and closed.
public final class LoopbackListener: @unchecked Sendable {
    /// The port to put into URLs: `http://127.0.0.1:\(port)/`.
    public let port: UInt16
    private let socketFD: Int32
    private let lock = NSLock()
    private var contacts = 0
    private var stopped = false
    private let done = DispatchSemaphore(value: 0)

    /// Binds and starts accepting on a background thread.
    public init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            let code = errno
            close(fd)
            throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        socketFD = fd
        port = UInt16(bigEndian: address.sin_port)
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    deinit { stop() }

    /// How many connections were accepted so far.
    public var contactCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return contacts
    }

    /// Stops accepting and waits for the background thread to end. Idempotent.
    public func stop() {
        lock.lock()
        let wasStopped = stopped
        stopped = true
        lock.unlock()
        guard !wasStopped else { return }
        shutdown(socketFD, Int32(SHUT_RDWR))
        close(socketFD)
        done.wait()
    }

    private func acceptLoop() {
        defer { done.signal() }
        while true {
            let client = accept(socketFD, nil, nil)
            lock.lock()
            let isStopped = stopped
            if client >= 0 && !isStopped { contacts += 1 }
            lock.unlock()
            if client < 0 {
                if isStopped || (errno != EINTR && errno != ECONNABORTED) { return }
                continue
            }
            var buffer = [UInt8](repeating: 0, count: 4096)
            _ = recv(client, &buffer, buffer.count, 0)
            let reply = "HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n"
            _ = reply.withCString { send(client, $0, strlen($0), 0) }
            close(client)
            if isStopped { return }
        }
    }
}
