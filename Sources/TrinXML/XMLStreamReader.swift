internal import CLibXML2
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A forward-only, streaming view of one XML file through libxml2's `xmlTextReader`:
/// never a DOM, never Foundation's `XMLParser`.
///
/// Safe by construction: the network is off (`XML_PARSE_NONET`), entities are never
/// substituted, no DTD is loaded, validated or defaulted, libxml2's size limits stay on
/// (no `XML_PARSE_HUGE`), and a document with a DOCTYPE is refused before its DTD reaches
/// the parser (see `PrologGuard`). An entity reference node is refused too. libxml2's
/// messages are captured into `XMLDocumentError`, never printed.
///
/// Not thread-safe: use one reader from one task at a time.
public final class XMLStreamReader {
    /// The kinds of node the reader stops at (libxml2's `xmlReaderTypes`).
    public enum NodeKind: Int32, Sendable {
        case none = 0, element = 1, attribute = 2, text = 3, cdata = 4, entityReference = 5
        case entity = 6, processingInstruction = 7, comment = 8, document = 9, documentType = 10
        case documentFragment = 11, notation = 12, whitespace = 13, significantWhitespace = 14
        case endElement = 15, endEntity = 16, xmlDeclaration = 17
    }

    /// Parser options: see the type's documentation for why each is on or off.
    static let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOBLANKS.rawValue | XML_PARSE_COMPACT.rawValue)

    /// The file being read, for error messages.
    public let file: String
    let handle: xmlTextReaderPtr
    private let channel: UnsafeMutablePointer<Channel>
    private var failure: XMLDocumentError?

    /// Opens a file for streaming. Throws `.io` when it cannot be opened.
    public convenience init(path: String) throws(XMLDocumentError) {
        try self.init(path: path, guardsProlog: true)
    }

    /// `guardsProlog: false` exists only so tests can prove libxml2's own defences hold too.
    init(path: String, guardsProlog: Bool) throws(XMLDocumentError) {
        file = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            throw XMLDocumentError(kind: .io, file: path, line: 0, column: 0, message: String(cString: strerror(code)))
        }
        channel = UnsafeMutablePointer<Channel>.allocate(capacity: 1)
        channel.initialize(to: Channel(fd: fd, guardsProlog: guardsProlog))
        let context = UnsafeMutableRawPointer(channel)
        guard let reader = xmlReaderForIO(Self.onRead, Self.onClose, context, path, nil, Self.options) else {
            channel.deinitialize(count: 1)
            channel.deallocate()
            close(fd)
            throw XMLDocumentError(kind: .io, file: path, line: 0, column: 0, message: "libxml2 could not create a reader")
        }
        handle = reader
        xmlTextReaderSetStructuredErrorHandler(reader, Self.onError, context)
    }

    deinit {
        xmlFreeTextReader(handle)
        close(channel.pointee.fd)
        channel.deinitialize(count: 1)
        channel.deallocate()
    }

    /// Bytes read from the file so far (the parser lags behind by at most one buffer).
    public var bytesRead: Int { channel.pointee.bytesRead }

    /// Advances to the next node. Returns false at the end of a complete document;
    /// throws at the first problem, and again on every later call.
    public func read() throws(XMLDocumentError) -> Bool {
        try nextKind() != .none
    }

    /// Advances and returns the new node's kind, `.none` at the end.
    @inline(__always)
    func nextKind() throws(XMLDocumentError) -> NodeKind {
        let status = xmlTextReaderRead(handle)
        if channel.pointee.troubled { throw fail(status: status) }
        if status == 1 {
            let kind = NodeKind(rawValue: xmlTextReaderNodeType(handle)) ?? .none
            switch kind {
            case .documentType:
                throw fail(XMLDocumentError(kind: .doctypeForbidden, file: file, line: currentLine, column: 0,
                                            message: "the document has a DOCTYPE; DTDs and entity declarations are refused"))
            case .entityReference, .entity, .endEntity:
                throw fail(XMLDocumentError(kind: .entityForbidden, file: file, line: currentLine, column: 0,
                                            message: "the document references an entity"))
            default:
                return kind
            }
        }
        if status == 0 { return .none }
        throw fail(status: status)
    }

    /// The current node's kind.
    public var kind: NodeKind { NodeKind(rawValue: xmlTextReaderNodeType(handle)) ?? .none }
    /// Depth of the current node: 0 for the root element.
    public var depth: Int { Int(xmlTextReaderDepth(handle)) }
    /// Whether the current element is written `<x/>` (no end-element node follows).
    public var isEmptyElement: Bool { xmlTextReaderIsEmptyElement(handle) == 1 }
    /// The current node's expanded name.
    public var name: XMLName {
        XMLName(namespaceURI: Self.string(xmlTextReaderConstNamespaceUri(handle)),
                localName: Self.string(xmlTextReaderConstLocalName(handle)) ?? "")
    }
    /// The current text or attribute node's value.
    public var value: String? { Self.string(xmlTextReaderConstValue(handle)) }

    /// Line of the current node's start. Exact below line 65,535 (libxml2 stores lines in
    /// 16 bits); beyond, the parser's current line, which may run a few lines ahead.
    public var currentLine: Int {
        if let node = xmlTextReaderCurrentNode(handle), node.pointee.line < UInt16.max {
            return Int(node.pointee.line)
        }
        return Int(xmlTextReaderGetParserLineNumber(handle))
    }

    /// Interns a string in the reader's dictionary: names the parser reports are
    /// pointer-equal to it, so matching needs no string comparison.
    func intern(_ string: String?) -> UnsafePointer<xmlChar>? {
        guard let string else { return nil }
        return string.withCString { xmlTextReaderConstString(handle, UnsafeRawPointer($0).assumingMemoryBound(to: xmlChar.self)) }
    }

    /// Records and returns the error to throw, keeping the first one.
    func fail(_ error: XMLDocumentError) -> XMLDocumentError {
        if let failure { return failure }
        failure = error
        channel.pointee.troubled = true
        return error
    }

    private func fail(status: Int32) -> XMLDocumentError {
        if let failure { return failure }
        if channel.pointee.prologGuard.isTripped {
            return fail(XMLDocumentError(kind: .doctypeForbidden, file: file, line: channel.pointee.prologGuard.line,
                                         column: channel.pointee.prologGuard.column,
                                         message: "the document has a DOCTYPE; DTDs and entity declarations are refused"))
        }
        if let code = channel.pointee.ioErrno {
            return fail(XMLDocumentError(kind: .io, file: file, line: 0, column: 0, message: String(cString: strerror(code))))
        }
        if let error = channel.pointee.parseError { return fail(error.with(file: file)) }
        return fail(XMLDocumentError(kind: .notWellFormed, file: file, line: Int(xmlTextReaderGetParserLineNumber(handle)),
                                     column: Int(xmlTextReaderGetParserColumnNumber(handle)),
                                     message: "the parser stopped (status \(status))"))
    }

    static func string(_ pointer: UnsafePointer<xmlChar>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }

    // MARK: C callbacks (static: no captured context; the channel travels as the context pointer)

    private static let onRead: xmlInputReadCallback = { context, buffer, length in
        guard let context, let buffer else { return 0 }
        return context.assumingMemoryBound(to: Channel.self).pointee.read(into: buffer, length: Int(length))
    }

    /// The file descriptor is closed by `deinit`, after libxml2 is done with it.
    private static let onClose: xmlInputCloseCallback = { _ in 0 }

    private static let onError: xmlStructuredErrorFunc = { context, error in
        guard let context, let error else { return }
        context.assumingMemoryBound(to: Channel.self).pointee.record(error.pointee)
    }
}

private func systemRead(_ fd: Int32, _ buffer: UnsafeMutablePointer<CChar>, _ length: Int) -> Int {
    read(fd, buffer, length)
}

/// State shared with libxml2's callbacks. It lives behind a pointer the reader owns, so the
/// callbacks and the per-node check touch it without retain/release or exclusivity checks.
struct Channel {
    let fd: Int32
    let guardsProlog: Bool
    var prologGuard = PrologGuard()
    var bytesRead = 0
    var ioErrno: Int32?
    var parseError: XMLDocumentError?
    /// Set when anything went wrong (including a failure the reader raised itself), so the
    /// hot path tests one flag.
    var troubled = false

    init(fd: Int32, guardsProlog: Bool) {
        self.fd = fd
        self.guardsProlog = guardsProlog
    }

    /// Reads from the file. On a refusal or an I/O error it reports end of file rather
    /// than -1: libxml2 prints I/O errors to stderr, and the reader reports ours instead.
    mutating func read(into buffer: UnsafeMutablePointer<CChar>, length: Int) -> Int32 {
        if troubled { return 0 }
        var count: Int
        repeat { count = systemRead(fd, buffer, length) } while count < 0 && errno == EINTR
        if count < 0 {
            ioErrno = errno
            troubled = true
            return 0
        }
        bytesRead += count
        if guardsProlog {
            let admitted = prologGuard.admit(UnsafeRawBufferPointer(start: buffer, count: count))
            if prologGuard.isTripped { troubled = true }
            return Int32(admitted)
        }
        return Int32(count)
    }

    mutating func record(_ error: xmlError) {
        guard error.level.rawValue >= XML_ERR_ERROR.rawValue, parseError == nil else { return }
        var message = error.message.map { String(cString: $0) } ?? "unknown libxml2 error"
        while message.last?.isWhitespace == true { message.removeLast() }
        parseError = XMLDocumentError(kind: .notWellFormed, file: "", line: Int(error.line), column: Int(error.int2), message: message)
        troubled = true
    }
}

extension XMLDocumentError {
    func with(file: String) -> XMLDocumentError {
        XMLDocumentError(kind: kind, file: file, line: line, column: column, message: message)
    }
}
