extension TextNormalizer {
    // The Unicode properties the readings ask of every scalar, answered for ASCII without the property tables: each
    // lookup is a binary search in the standard library's tables (`_swift_stdlib_getBinaryProperties`), a twentieth of
    // the crisis check on ordinary messages, which are nearly all ASCII (round 30's `perf record`). For ASCII each
    // answer is the property's own (`ScalarClassesTests` checks every one); any other scalar is looked up as before.

    /// `scalar.properties.isWhitespace`.
    @inline(__always)
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII ? scalar.value == 0x20 || (0x09...0x0D).contains(scalar.value) : scalar.properties.isWhitespace
    }

    /// `scalar.properties.isAlphabetic`.
    @inline(__always)
    static func isAlphabetic(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII ? (0x61...0x7A).contains(scalar.value | 0x20) : scalar.properties.isAlphabetic
    }

    /// `scalar.properties.isLowercase`.
    @inline(__always)
    static func isLowercase(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII ? (0x61...0x7A).contains(scalar.value) : scalar.properties.isLowercase
    }

    /// `scalar.properties.numericType != nil`.
    @inline(__always)
    static func isNumeric(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII ? (0x30...0x39).contains(scalar.value) : scalar.properties.numericType != nil
    }
}
