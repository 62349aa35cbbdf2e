/// Counts the times a buffer that lends its bytes was reused, so that a view of lent bytes
/// can tell, in a debug build, that it outlived them.
///
/// `FieldValues` advances its generation whenever its values are replaced; a
/// `SourceEventView` remembers the generation it was made in and traps (debug builds only:
/// `assert`) when its texts are read after that. Release builds pay nothing but the stored
/// counter: the check is compiled out, and the view holds the lender without reference
/// counting.
public final class LendingGeneration: @unchecked Sendable {
    // @unchecked: owned and advanced by one decoder, on the thread that reads its views.
    public private(set) var value = 0

    public init() {}

    /// The lent bytes are about to be reused: every view made before is now stale.
    @inline(__always)
    public func advance() { value &+= 1 }
}
