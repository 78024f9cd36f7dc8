extension TextNormalizer {
    /// `text` in the order a screen shows it, by the Unicode bidirectional algorithm's explicit embeddings, overrides
    /// and isolates (LRE RLE LRO RLO PDF LRI RLI FSI PDI) and its implicit levels, with the controls themselves left
    /// out; nil when `text` has no explicit control (then the order typed is the order shown, for the crisis check's
    /// purposes). `<RLO>flesym llik` shows as "kill myself", `i want <RLO>eid<PDF>` as "i want die" reversed in place.
    ///
    /// The crisis check reads this beside the text as typed, keeping the strongest finding (QA24 S1-2: the reversed
    /// reading alone hid `<RLO>kill myself`). It is one pass to give each character its level (a stack of embeddings,
    /// at most 125 deep as the algorithm bounds it), one to resolve the neutrals, and one to build the nesting of
    /// levels and read it out, reversing where the algorithm's rule L2 reverses: linear in the text's length
    /// (QA24 S2-1: a run of overrides used to cost quadratic time). Simplified where it can't matter for the words
    /// the check reads: an FSI is taken as an LRI, neutrals take the direction of the strong letters around them on
    /// their level (else their embedding's), and trailing whitespace is not moved.
    static func visualOrder(_ text: String) -> String? {
        guard text.unicodeScalars.contains(where: isExplicitBidiControl) else { return nil }
        var resolver = BidiLevels()
        for scalar in text.unicodeScalars { resolver.append(scalar) }
        return resolver.visualOrder()
    }

    /// LRE RLE PDF LRO RLO (U+202A–U+202E), LRI RLI FSI PDI (U+2066–U+2069).
    static func isExplicitBidiControl(_ scalar: Unicode.Scalar) -> Bool {
        (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
    }
}

/// The levels of a line's characters, built one scalar at a time, and their visual order (``visualOrder()``).
private struct BidiLevels {
    enum Direction { case left, right }
    /// A character's bidirectional type, as far as the reading needs it.
    enum Kind { case strong(Direction), number, neutral }

    /// An entry of the directional status stack (rule X1).
    struct Status {
        var level: Int
        var override: Direction?
        var isolate: Bool
    }

    static let maximumDepth = 125

    private var stack = [Status(level: 0, override: nil, isolate: false)]
    private var overflowIsolates = 0
    private var overflowEmbeddings = 0
    private var validIsolates = 0
    /// The characters kept (controls left out), their embedding levels and kinds.
    private var scalars: [Unicode.Scalar] = []
    private var levels: [Int] = []
    private var kinds: [Kind] = []

    mutating func append(_ scalar: Unicode.Scalar) {
        switch scalar.value {
        case 0x202A, 0x202B, 0x202D, 0x202E:  // LRE RLE LRO RLO (X2–X5)
            let rightToLeft = scalar.value == 0x202B || scalar.value == 0x202E
            let override: Direction? =
                scalar.value == 0x202D ? .left : scalar.value == 0x202E ? .right : nil
            if let level = nextLevel(rightToLeft: rightToLeft), overflowIsolates == 0, overflowEmbeddings == 0 {
                stack.append(Status(level: level, override: override, isolate: false))
            } else if overflowIsolates == 0 {
                overflowEmbeddings += 1
            }
        case 0x2066, 0x2067, 0x2068:  // LRI RLI FSI (X5a–X5c); FSI taken as LRI
            keep(scalar, kind: .neutral)
            if let level = nextLevel(rightToLeft: scalar.value == 0x2067), overflowIsolates == 0,
                overflowEmbeddings == 0
            {
                validIsolates += 1
                stack.append(Status(level: level, override: nil, isolate: true))
            } else {
                overflowIsolates += 1
            }
        case 0x2069:  // PDI (X6a)
            if overflowIsolates > 0 {
                overflowIsolates -= 1
            } else if validIsolates > 0 {
                overflowEmbeddings = 0
                while let last = stack.last, !last.isolate { stack.removeLast() }
                stack.removeLast()
                validIsolates -= 1
            }
            keep(scalar, kind: .neutral)
        case 0x202C:  // PDF (X7)
            if overflowIsolates > 0 {
            } else if overflowEmbeddings > 0 {
                overflowEmbeddings -= 1
            } else if let last = stack.last, !last.isolate, stack.count >= 2 {
                stack.removeLast()
            }
        default:
            keep(scalar, kind: Self.kind(of: scalar))
        }
    }

    /// The least odd (right to left) or even level above the current one, nil past the maximum depth.
    private func nextLevel(rightToLeft: Bool) -> Int? {
        let current = stack[stack.count - 1].level
        let next = rightToLeft ? (current + 1) | 1 : (current + 2) & ~1
        return next <= Self.maximumDepth ? next : nil
    }

    private mutating func keep(_ scalar: Unicode.Scalar, kind: Kind) {
        let status = stack[stack.count - 1]
        scalars.append(scalar)
        levels.append(status.level)
        if let override = status.override, !Self.isControlLike(scalar) {
            kinds.append(.strong(override))
        } else {
            kinds.append(kind)
        }
    }

    /// Isolate initiators and PDI are neutral whatever the override around them.
    private static func isControlLike(_ scalar: Unicode.Scalar) -> Bool {
        (0x2066...0x2069).contains(scalar.value)
    }

    private static func kind(of scalar: Unicode.Scalar) -> Kind {
        switch scalar.value {
        case 0x200E: return .strong(.left)  // LRM
        case 0x200F, 0x061C: return .strong(.right)  // RLM, ALM
        case 0x0590...0x08FF, 0xFB1D...0xFDFF, 0xFE70...0xFEFF, 0x10800...0x10FFF, 0x1E800...0x1EFFF:
            // Hebrew, Arabic, Syriac, Thaana, N'Ko … and their presentation forms; their digits are numbers.
            return TextNormalizer.isNumeric(scalar) ? .number : .strong(.right)
        default:
            if TextNormalizer.isNumeric(scalar), scalar.properties.generalCategory == .decimalNumber {
                return .number
            }
            return TextNormalizer.isAlphabetic(scalar) ? .strong(.left) : .neutral
        }
    }

    /// The kept characters in visual order.
    func visualOrder() -> String {
        let count = scalars.count
        guard count > 0 else { return "" }
        // Neutrals (rules N1, N2, simplified): the direction of the strong characters (numbers count as right to
        // left) on both sides on the same level when they agree, else their embedding's.
        var direction = [Direction](repeating: .left, count: count)
        var previous: Direction?
        var index = 0
        while index < count {
            switch kinds[index] {
            case .strong(let strong):
                direction[index] = strong
                previous = strong
                index += 1
            case .number:
                direction[index] = .right
                previous = .right
                index += 1
            case .neutral:
                var end = index
                while end < count, case .neutral = kinds[end], levels[end] == levels[index] { end += 1 }
                let embedding: Direction = levels[index] & 1 == 1 ? .right : .left
                let before = index > 0 && levels[index - 1] == levels[index] ? previous : nil
                var after: Direction?
                if end < count, levels[end] == levels[index] {
                    switch kinds[end] {
                    case .strong(let strong): after = strong
                    case .number: after = .right
                    case .neutral: after = nil
                    }
                }
                let side = before != nil && before == after ? before! : embedding
                for neutral in index..<end { direction[neutral] = side }
                previous = nil
                index = end
            }
        }
        // Implicit levels (I1, I2).
        var resolved = levels
        var lowest = Int.max
        for index in 0..<count {
            let even = levels[index] & 1 == 0
            switch (kinds[index], direction[index]) {
            case (.number, _): resolved[index] += even ? 2 : 1
            case (_, .right): if even { resolved[index] += 1 }
            case (_, .left): if !even { resolved[index] += 1 }
            }
            lowest = min(lowest, resolved[index])
        }
        let lowestOdd = lowest | 1
        // The nesting of levels (each node holds the characters at its level and the nodes above it), built with a
        // stack: a node per level step, and the steps are bounded by the controls and characters that make them.
        var children: [[Int]] = [[]]  // a child ≥ 0 is a character, < 0 the node -(child + 1)
        var nodeLevels = [lowest]
        var open = [0]
        for index in 0..<count {
            let level = resolved[index]
            while nodeLevels[open[open.count - 1]] > level { open.removeLast() }
            while nodeLevels[open[open.count - 1]] < level {
                let node = children.count
                children.append([])
                nodeLevels.append(nodeLevels[open[open.count - 1]] + 1)
                children[open[open.count - 1]].append(-(node + 1))
                open.append(node)
            }
            children[open[open.count - 1]].append(index)
        }
        // Rule L2: every run at a level from the lowest odd one up is reversed once per such level, so a node's
        // children are read backwards when an odd number of reversals cover it.
        var result = String.UnicodeScalarView()
        func read(_ node: Int, reversed outer: Bool) {
            let reversed = outer != (nodeLevels[node] >= lowestOdd)
            let list = children[node]
            var position = reversed ? list.count - 1 : 0
            while position >= 0 && position < list.count {
                let child = list[position]
                if child >= 0 {
                    if !TextNormalizer.isExplicitBidiControl(scalars[child]) { result.append(scalars[child]) }
                } else {
                    read(-(child + 1), reversed: reversed)
                }
                position += reversed ? -1 : 1
            }
        }
        read(0, reversed: false)
        return String(result)
    }
}
