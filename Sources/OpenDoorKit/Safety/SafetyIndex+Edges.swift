extension SafetyIndex {
    /// The trie's edges while it is built: (node, symbol) → child in one open-addressing table, and per node the
    /// symbols it has children for.
    ///
    /// A row of 36 children per node made a table of about 2 MB, grown by copying and walked one cache miss per
    /// letter; the edges of the same trie fit in a table an eighth of that size. Once every word is in, the edges
    /// are laid out in one pass into ``Node``s and their child list: node by node, children in symbol order, as a
    /// walk of the rows in node order laid them out.
    struct EdgeTable {
        /// Per slot `(node << 6 | symbol) + 1` in the upper 32 bits and the child in the lower, or 0 when empty.
        private var slots = [UInt64](repeating: 0, count: 1 << 14)
        /// `slots.count - 1`.
        private var mask = (1 << 14) - 1
        private var count = 0
        /// Per node, bit `symbol` is set when it has a child for that symbol.
        private var symbolsAt: [UInt64] = [0]

        /// Where the probe for `key` starts.
        @inline(__always)
        private func home(_ key: UInt64) -> Int {
            Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
        }

        /// The child of `node` for `symbol` (0–35), or -1.
        @inline(__always)
        func child(of node: Int32, _ symbol: Int) -> Int32 {
            guard symbolsAt[Int(node)] & (1 << UInt64(symbol)) != 0 else { return -1 }
            let key = UInt64(UInt32(node) << 6 | UInt32(symbol)) + 1
            var slot = home(key)
            while true {
                let entry = slots[slot]
                if entry >> 32 == key { return Int32(truncatingIfNeeded: entry & 0xFFFF_FFFF) }
                precondition(entry != 0, "an edge its node's symbols name is in the table")
                slot = (slot + 1) & mask
            }
        }

        /// The child of `node` for `symbol`, or -1 after adding `new` as that child (a node the caller creates).
        @inline(__always)
        mutating func child(of node: Int32, _ symbol: Int, orAdd new: Int32) -> Int32 {
            let known = child(of: node, symbol)
            if known >= 0 { return known }
            if (count + 1) * 2 > slots.count { grow() }
            symbolsAt[Int(node)] |= 1 << UInt64(symbol)
            symbolsAt.append(0)
            precondition(Int(new) == symbolsAt.count - 1, "nodes are numbered as they are created")
            let key = UInt64(UInt32(node) << 6 | UInt32(symbol)) + 1
            var slot = home(key)
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = key << 32 | UInt64(UInt32(bitPattern: new))
            count += 1
            return -1
        }

        private mutating func grow() {
            let old = slots
            slots = [UInt64](repeating: 0, count: old.count * 2)
            mask = slots.count - 1
            for entry in old where entry != 0 {
                var slot = home(entry >> 32)
                while slots[slot] != 0 { slot = (slot + 1) & mask }
                slots[slot] = entry
            }
        }

        /// The built trie: per node its symbols and where its children start, and the children, node after node in
        /// symbol order. `prefixAt` is each node's prefix id.
        func laidOut(prefixAt: [Int32]) -> (nodes: [Node], childList: [Int32]) {
            var nodes: [Node] = []
            nodes.reserveCapacity(symbolsAt.count)
            var first: Int32 = 0
            for (node, symbols) in symbolsAt.enumerated() {
                nodes.append(Node(symbols: symbols, firstChild: first, prefix: prefixAt[node]))
                first += Int32(symbols.nonzeroBitCount)
            }
            var childList = [Int32](repeating: -1, count: count)
            for entry in slots where entry != 0 {
                let key = (entry >> 32) - 1
                let parent = Int(key >> 6)
                let below = symbolsAt[parent] & ((1 << (key & 63)) - 1)
                childList[Int(nodes[parent].firstChild) + below.nonzeroBitCount] = Int32(
                    truncatingIfNeeded: entry & 0xFFFF_FFFF)
            }
            return (nodes, childList)
        }
    }
}

/// A map from addresses (the storage of the parser's shared arrays) to what was compiled from them, with open
/// addressing and a multiplicative hash: `Dictionary` hashes each address with SipHash, a tenth of compiling the
/// rules' choices.
struct AddressTable<Value> {
    private var keys: [UInt]
    private var values: [Value?]
    private var count = 0

    /// An empty table with room for `capacity` entries.
    init(capacity: Int = 1 << 9) {
        var size = 16
        while size < capacity * 2 { size *= 2 }
        keys = [UInt](repeating: 0, count: size)
        values = Array(repeating: nil, count: size)
    }

    @inline(__always)
    private func home(_ key: UInt) -> Int {
        Int(truncatingIfNeeded: (UInt64(key) &* 0x9E37_79B9_7F4A_7C15) >> 32) & (keys.count - 1)
    }

    subscript(address: UnsafeRawPointer) -> Value? {
        get {
            let key = UInt(bitPattern: address)
            var slot = home(key)
            while keys[slot] != 0 {
                if keys[slot] == key { return values[slot] }
                slot = (slot + 1) & (keys.count - 1)
            }
            return nil
        }
        set {
            guard let newValue else { preconditionFailure("entries are never removed") }
            let key = UInt(bitPattern: address)
            var slot = home(key)
            while keys[slot] != 0 && keys[slot] != key { slot = (slot + 1) & (keys.count - 1) }
            if keys[slot] == 0 {
                if (count + 1) * 2 > keys.count {
                    grow()
                    self[address] = newValue
                    return
                }
                keys[slot] = key
                count += 1
            }
            values[slot] = newValue
        }
    }

    private mutating func grow() {
        let oldKeys = keys
        let oldValues = values
        keys = [UInt](repeating: 0, count: oldKeys.count * 2)
        values = Array(repeating: nil, count: oldKeys.count * 2)
        for (slot, key) in oldKeys.enumerated() where key != 0 {
            var new = home(key)
            while keys[new] != 0 { new = (new + 1) & (keys.count - 1) }
            keys[new] = key
            values[new] = oldValues[slot]
        }
    }
}
