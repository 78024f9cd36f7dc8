extension TextNormalizer {
    // The Unicode properties the readings ask of every scalar, answered without a search of the standard library's
    // property tables (`_swift_stdlib_getBinaryProperties`, a binary search per question): ASCII by its values, the
    // scalars below U+2100 (Latin, combining marks, Greek, Cyrillic, Hebrew, Arabic, the general punctuation with its
    // invisible and bidirectional characters) from ``scalarClasses``, each looked up once per process. On ordinary
    // messages the searches were a twentieth of the crisis check, on a line of combining marks a third of its reply
    // (round 30's `perf record`). Every answer is the property's own (`ScalarClassesTests` checks each scalar of the
    // table); any other scalar is looked up as before.

    /// `scalar.properties.isWhitespace`.
    @inline(__always)
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return scalar.value == 0x20 || (0x09...0x0D).contains(scalar.value) }
        return scalar.value < tabledScalars
            ? scalarClasses[Int(scalar.value)] & ScalarClass.whitespace != 0 : scalar.properties.isWhitespace
    }

    /// `scalar.properties.isAlphabetic`.
    @inline(__always)
    static func isAlphabetic(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return (0x61...0x7A).contains(scalar.value | 0x20) }
        return scalar.value < tabledScalars
            ? scalarClasses[Int(scalar.value)] & ScalarClass.alphabetic != 0 : scalar.properties.isAlphabetic
    }

    /// `scalar.properties.isLowercase`.
    @inline(__always)
    static func isLowercase(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return (0x61...0x7A).contains(scalar.value) }
        return scalar.value < tabledScalars
            ? scalarClasses[Int(scalar.value)] & ScalarClass.lowercase != 0 : scalar.properties.isLowercase
    }

    /// `scalar.properties.numericType != nil`.
    @inline(__always)
    static func isNumeric(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return (0x30...0x39).contains(scalar.value) }
        return scalar.value < tabledScalars
            ? scalarClasses[Int(scalar.value)] & ScalarClass.numeric != 0 : scalar.properties.numericType != nil
    }

    /// `scalar.properties.isDefaultIgnorableCodePoint || scalar.properties.generalCategory == .format`.
    @inline(__always)
    static func isIgnorableOrFormat(_ scalar: Unicode.Scalar) -> Bool {
        guard scalar.value < tabledScalars else {
            return scalar.properties.isDefaultIgnorableCodePoint || scalar.properties.generalCategory == .format
        }
        return scalarClasses[Int(scalar.value)] & ScalarClass.ignorableOrFormat != 0
    }

    /// `scalar.properties.changesWhenNFKCCaseFolded`.
    @inline(__always)
    static func changesWhenNFKCCaseFolded(_ scalar: Unicode.Scalar) -> Bool {
        guard scalar.value < tabledScalars else { return scalar.properties.changesWhenNFKCCaseFolded }
        return scalarClasses[Int(scalar.value)] & ScalarClass.changesWhenNFKCCaseFolded != 0
    }

    /// The scalars ``scalarClasses`` holds: U+0000 up to this.
    static let tabledScalars: UInt32 = 0x2100

    /// The bits of ``scalarClasses``.
    enum ScalarClass {
        static let whitespace: UInt8 = 1
        static let alphabetic: UInt8 = 2
        static let lowercase: UInt8 = 4
        static let numeric: UInt8 = 8
        static let ignorableOrFormat: UInt8 = 16
        static let changesWhenNFKCCaseFolded: UInt8 = 32
    }

    /// Per scalar below ``tabledScalars``, its ``ScalarClass`` bits, from its Unicode properties: worked out the first
    /// time a reading asks (about 0.5 ms, once per process; the surrogates, no scalars, have none).
    static let scalarClasses: [UInt8] = (0..<tabledScalars).map { value in
        guard let scalar = Unicode.Scalar(value) else { return 0 }
        let properties = scalar.properties
        var bits: UInt8 = 0
        if properties.isWhitespace { bits |= ScalarClass.whitespace }
        if properties.isAlphabetic { bits |= ScalarClass.alphabetic }
        if properties.isLowercase { bits |= ScalarClass.lowercase }
        if properties.numericType != nil { bits |= ScalarClass.numeric }
        if properties.isDefaultIgnorableCodePoint || properties.generalCategory == .format {
            bits |= ScalarClass.ignorableOrFormat
        }
        if properties.changesWhenNFKCCaseFolded { bits |= ScalarClass.changesWhenNFKCCaseFolded }
        return bits
    }
}
