import TrinMapping

/// An XML export read through its mapping (libxml2 streaming reader).
final class XMLFileDecoder: FileDecoder {
    init(path: String, mapping: Mapping, layout: XMLLayout) throws(ImportError) {
        throw .document(file: path, message: "XML import is not available yet")
    }
    var bytesRead: Int { 0 }
    func decode(_ body: (DecodedItem, () -> String) throws -> Void) throws {}
}
