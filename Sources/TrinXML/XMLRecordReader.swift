internal import CLibXML2
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TrinCore

/// Streams the records an `XMLRecordSpec` describes out of one XML file, in document order,
/// through libxml2's SAX2 push parser: never a DOM, never Foundation's `XMLParser`.
///
/// ```swift
/// let reader = try XMLRecordReader(path: file, spec: spec)
/// while let batch = try reader.nextBatch() { for i in 0..<batch.count { ... } }
/// ```
///
/// **Safe by construction:** the network is off (`XML_PARSE_NONET`), entities are never
/// substituted, no DTD is loaded, validated or defaulted, libxml2's size limits stay on (no
/// `XML_PARSE_HUGE`), and a document with a DOCTYPE is refused before its DTD reaches the
/// parser (`PrologGuard`); should one get through, the first DTD event stops the parser.
/// libxml2's messages are captured into `XMLDocumentError`, never printed.
///
/// **All or nothing:** a document-level problem (not well-formed, truncated, DOCTYPE, entity,
/// unexpected root, I/O) may only be found after some records were returned. The reader then
/// throws `XMLDocumentError`, and the caller must discard every record of this file it already
/// took. Only a `nextBatch()` (or `next()`) that returned nil vouches for the whole document.
///
/// Why SAX2 and not `xmlTextReader`: the reader builds a node per event and costs a call per
/// attribute; SAX2 hands over names as dictionary pointers and attribute values as byte
/// ranges, which makes the read about twice as fast (docs/benchmarks.md).
///
/// Memory stays bounded by one chunk of input plus one batch of records. Not thread-safe: use
/// one reader from one thread at a time; batches are `Sendable` and may go anywhere.
public final class XMLRecordReader {
    public let spec: XMLRecordSpec
    /// The file being read.
    public let file: String
    /// Bytes read from the file so far (the parser lags behind by at most one chunk).
    public private(set) var bytesRead = 0

    private let input: FileDescriptor
    private let guardsProlog: Bool
    private var prologGuard = PrologGuard()
    private let state: UnsafeMutablePointer<ParseState>
    private let context: xmlParserCtxtPtr
    private let chunk: UnsafeMutableRawBufferPointer
    private var finished = false
    private var failure: XMLDocumentError?
    // For `next()`.
    private var current: XMLRecordBatch?
    private var currentIndex = 0

    /// Parser options: see the type's documentation for why each is on or off.
    static let options = Int32(XML_PARSE_NONET.rawValue)
    static let chunkSize = 256 * 1024
    /// Records per batch, about: a batch closes at the end of the group that reaches it.
    static let batchTarget = 2048

    /// Opens a file. Throws `.io` if it cannot be opened; everything else surfaces from `nextBatch()`.
    public convenience init(path: String, spec: XMLRecordSpec) throws(XMLDocumentError) {
        try self.init(path: path, spec: spec, guardsProlog: true)
    }

    /// `guardsProlog: false` exists only so tests can prove libxml2's own defences hold too.
    init(path: String, spec: XMLRecordSpec, guardsProlog: Bool) throws(XMLDocumentError) {
        Self.initializeLibrary
        self.spec = spec
        file = path
        self.guardsProlog = guardsProlog
        do { input = try FileDescriptor(opening: path, O_RDONLY) } catch {
            throw XMLDocumentError(kind: .io, file: path, line: 0, column: 0, message: String(cString: strerror(error.errno)))
        }
        var handler = xmlSAXHandler()
        handler.initialized = XML_SAX2_MAGIC
        handler.startElementNs = Self.onStartElement
        handler.endElementNs = Self.onEndElement
        handler.characters = Self.onCharacters
        handler.cdataBlock = Self.onCharacters
        handler.ignorableWhitespace = Self.onCharacters
        handler.internalSubset = Self.onDoctype
        handler.externalSubset = Self.onDoctype
        handler.entityDecl = Self.onEntityDeclaration
        handler.reference = Self.onReference
        handler.serror = Self.onError
        state = UnsafeMutablePointer<ParseState>.allocate(capacity: 1)
        guard let context = xmlCreatePushParserCtxt(&handler, UnsafeMutableRawPointer(state), nil, 0, path) else {
            state.deallocate()
            throw XMLDocumentError(kind: .io, file: path, line: 0, column: 0, message: "libxml2 could not create a parser")
        }
        self.context = context
        xmlCtxtUseOptions(context, Self.options)
        // Text is wanted only inside a mapped element: until one opens, libxml2 is given no
        // text callback and skips the white space between elements without calling out.
        Self.wantText(false, context)
        let dictionary = context.pointee.dict
        let scanner = RecordScanner(spec: spec, batchTarget: Self.batchTarget) { name in
            guard let name else { return nil }
            return xmlDictLookup(dictionary, name, -1)
        }
        state.initialize(to: ParseState(scanner: scanner, context: context))
        chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.chunkSize, alignment: 16)
    }

    deinit {
        xmlFreeParserCtxt(context)
        state.deinitialize(count: 1)
        state.deallocate()
        chunk.deallocate()
    }

    /// The next records in document order, or nil once the whole document was read and found
    /// good. Throws at the first document-level problem (see the type's note on all or nothing),
    /// and again on every later call.
    public func nextBatch() throws(XMLDocumentError) -> XMLRecordBatch? {
        while true {
            if let failure { throw failure }
            if !state.pointee.scanner.ready.isEmpty { return state.pointee.scanner.ready.removeFirst() }
            if finished { return nil }
            try feed()
        }
    }

    /// The next record, with its values as strings: a convenience over `nextBatch()`.
    public func next() throws(XMLDocumentError) -> XMLRecord? {
        while current == nil || currentIndex == current!.count {
            guard let batch = try nextBatch() else { return nil }
            current = batch
            currentIndex = 0
        }
        defer { currentIndex += 1 }
        return current!.record(currentIndex)
    }

    /// Reads one chunk and parses it; at the end of the file, finishes the document.
    private func feed() throws(XMLDocumentError) {
        let count: Int
        do { count = try input.read(into: chunk) } catch { throw fail(.io, line: 0, column: 0, message: String(cString: strerror(error.errno))) }
        bytesRead += count
        var admitted = count
        if guardsProlog, count > 0 {
            admitted = prologGuard.admit(UnsafeRawBufferPointer(start: chunk.baseAddress, count: count))
        }
        let status: Int32
        if count == 0 {
            status = xmlParseChunk(context, nil, 0, 1)
        } else {
            status = xmlParseChunk(context, chunk.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(admitted), 0)
        }
        if prologGuard.isTripped {
            throw fail(.doctypeForbidden, line: prologGuard.line, column: prologGuard.column,
                       message: "the document has a DOCTYPE; DTDs and entity declarations are refused")
        }
        if let problem = state.pointee.problem { throw fail(problem.with(file: file)) }
        if status != 0 || context.pointee.wellFormed == 0 {
            throw fail(.notWellFormed, line: Int(xmlSAX2GetLineNumber(context)), column: Int(xmlSAX2GetColumnNumber(context)),
                       message: "the parser stopped (code \(status))")
        }
        if count == 0 {
            finished = true
            if !state.pointee.scanner.sawRoot {
                throw fail(.notWellFormed, line: 0, column: 0, message: "the document has no root element")
            }
            state.pointee.scanner.finish()
        }
    }

    private func fail(_ kind: XMLDocumentError.Kind, line: Int, column: Int, message: String) -> XMLDocumentError {
        fail(XMLDocumentError(kind: kind, file: file, line: line, column: column, message: message))
    }

    /// Records and returns the error to throw, keeping the first one.
    private func fail(_ error: XMLDocumentError) -> XMLDocumentError {
        if let failure { return failure }
        failure = error
        return error
    }

    /// libxml2 wants `xmlInitParser` once, before any thread parses.
    private static let initializeLibrary: Void = xmlInitParser()

    // MARK: C callbacks (static: no captured context; the state travels as the user-data pointer)

    private static let onStartElement: startElementNsSAX2Func = { user, local, _, uri, _, _, attributeCount, _, attributes in
        guard let state = user?.assumingMemoryBound(to: ParseState.self), state.pointee.problem == nil else { return }
        let line = Int(state.pointee.context.pointee.input.pointee.line)
        let rootMatches = state.pointee.scanner.startElement(local: local, uri: uri, attributeCount: Int(attributeCount),
                                                             attributes: attributes, line: line)
        if state.pointee.scanner.recordOpened { state.pointee.scanner.recordLine = line - linesInStartTag(state.pointee.context) }
        if state.pointee.scanner.isCapturing { wantText(true, state.pointee.context) }
        if let level = state.pointee.scanner.foreignStep {
            let expected = state.pointee.scanner.steps[level]
            let found = XMLName(namespaceURI: uri.map { String(cString: $0) }, localName: local.map { String(cString: $0) } ?? "")
            state.pointee.stop(XMLDocumentError(
                kind: .unexpectedNamespace(expected: expected, found: found), file: "", line: line - linesInStartTag(state.pointee.context), column: 0,
                message: "expected \(describe(expected)), found \(describe(found)): the document uses another namespace"))
            return
        }
        if state.pointee.scanner.tooDeep {
            state.pointee.stop(XMLDocumentError(
                kind: .tooDeep, file: "", line: line, column: 0,
                message: "elements are nested more than \(RecordScanner.maximumDepth) levels deep (an export nests a handful)"))
            return
        }
        // A record's attributes go into its batch as the element opens.
        if state.pointee.scanner.groupTooLarge {
            stopGroupTooLarge(state)
            return
        }
        if !rootMatches {
            let found = XMLName(namespaceURI: uri.map { String(cString: $0) }, localName: local.map { String(cString: $0) } ?? "")
            let expected = state.pointee.scanner.root
            state.pointee.stop(XMLDocumentError(
                kind: .unexpectedRoot(expected: expected, found: found), file: "", line: line, column: 0,
                message: "expected root element \(describe(expected)), found \(describe(found))"))
        }
    }

    private static let onEndElement: endElementNsSAX2Func = { user, _, _, _ in
        guard let state = user?.assumingMemoryBound(to: ParseState.self), state.pointee.problem == nil else { return }
        state.pointee.scanner.endElement()
        if !state.pointee.scanner.isCapturing { wantText(false, state.pointee.context) }
        if state.pointee.scanner.groupTooLarge { stopGroupTooLarge(state) }
    }

    private static func stopGroupTooLarge(_ state: UnsafeMutablePointer<ParseState>) {
        state.pointee.stop(XMLDocumentError(
            kind: .groupTooLarge, file: "", line: state.pointee.line, column: 0,
            message: "one record group holds more than \(RecordScanner.maximumGroupBytes >> 20) MiB of values"))
    }

    private static let onCharacters: charactersSAXFunc = { user, text, length in
        guard let state = user?.assumingMemoryBound(to: ParseState.self), state.pointee.scanner.isCapturing,
              let text, length > 0 else { return }
        state.pointee.scanner.characters(UnsafeBufferPointer(start: text, count: Int(length)))
        if state.pointee.scanner.valueTooLong {
            state.pointee.stop(XMLDocumentError(
                kind: .valueTooLong, file: "", line: state.pointee.line, column: 0,
                message: "a mapped element's text is longer than \(RecordScanner.maximumValueBytes >> 20) MiB"))
        }
    }

    private static let onDoctype: internalSubsetSAXFunc = { user, _, _, _ in
        guard let state = user?.assumingMemoryBound(to: ParseState.self) else { return }
        state.pointee.stop(XMLDocumentError(kind: .doctypeForbidden, file: "", line: state.pointee.line, column: 0,
                                            message: "the document has a DOCTYPE; DTDs and entity declarations are refused"))
    }

    private static let onEntityDeclaration: entityDeclSAXFunc = { user, _, _, _, _, _ in
        guard let state = user?.assumingMemoryBound(to: ParseState.self) else { return }
        state.pointee.stop(XMLDocumentError(kind: .entityForbidden, file: "", line: state.pointee.line, column: 0,
                                            message: "the document declares an entity"))
    }

    private static let onReference: referenceSAXFunc = { user, _ in
        guard let state = user?.assumingMemoryBound(to: ParseState.self) else { return }
        state.pointee.stop(XMLDocumentError(kind: .entityForbidden, file: "", line: state.pointee.line, column: 0,
                                            message: "the document references an entity"))
    }

    private static let onError: xmlStructuredErrorFunc = { user, error in
        guard let state = user?.assumingMemoryBound(to: ParseState.self), let error,
              error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue, state.pointee.problem == nil else { return }
        var message = error.pointee.message.map { String(cString: $0) } ?? "unknown libxml2 error"
        while message.last?.isWhitespace == true { message.removeLast() }
        state.pointee.problem = XMLDocumentError(kind: .notWellFormed, file: "", line: Int(error.pointee.line),
                                                 column: Int(error.pointee.int2), message: message)
    }

    /// Sets or clears libxml2's text callbacks (character data, ignorable white space). Both
    /// stay equal, so libxml2 never asks whether white space is ignorable either.
    static func wantText(_ wanted: Bool, _ context: xmlParserCtxtPtr) {
        guard let sax = context.pointee.sax else { return }
        let callback: charactersSAXFunc? = wanted ? onCharacters : nil
        sax.pointee.characters = callback
        sax.pointee.ignorableWhitespace = callback
    }

    /// How many line breaks the start tag just parsed holds: libxml2 calls `startElementNs`
    /// with its input at the tag's end, and a record is reported at the line its tag starts
    /// on. The tag is still in the input buffer (a push parser parses a start tag only once
    /// it has all of it), and no `<` occurs inside one. 0 when the tag's start is not found.
    static func linesInStartTag(_ context: xmlParserCtxtPtr) -> Int {
        guard let input = context.pointee.input, let base = input.pointee.base, let cur = input.pointee.cur, cur > base else { return 0 }
        guard let open = trin_last_open_bracket(base, cur) else { return 0 }
        var p = UnsafeRawPointer(open), lines = 0
        let end = UnsafeRawPointer(cur)
        while let n = memchr(p, 0x0A, end - p) {
            lines += 1
            p = UnsafeRawPointer(n) + 1
        }
        return lines
    }

    static func describe(_ name: XMLName) -> String {
        if let uri = name.namespaceURI { return "'\(name.localName)' in namespace '\(uri)'" }
        return "'\(name.localName)' in no namespace"
    }
}

/// What libxml2's callbacks reach through their user-data pointer.
struct ParseState {
    var scanner: RecordScanner
    let context: xmlParserCtxtPtr
    /// The first problem a callback found (libxml2's own errors included).
    var problem: XMLDocumentError?

    init(scanner: RecordScanner, context: xmlParserCtxtPtr) {
        self.scanner = scanner
        self.context = context
    }

    var line: Int { Int(context.pointee.input.pointee.line) }

    /// Keeps the first problem and stops the parser: nothing after it is read.
    mutating func stop(_ error: XMLDocumentError) {
        if problem == nil { problem = error }
        xmlStopParser(context)
    }
}

extension XMLDocumentError {
    func with(file: String) -> XMLDocumentError {
        XMLDocumentError(kind: kind, file: file, line: line, column: column, message: message)
    }
}
