/// An open-addressing table from a feature's 64-bit hash to its index in the weights.
///
/// A dictionary of strings would hash every n-gram's text; this hashes its bytes once, as they are read,
/// and probes a flat array: about 150 probes for an ordinary message, most of them for no feature of the model. So the
/// table is small enough to stay in a core's cache between messages: a slot is 4 bytes, the feature's index and a
/// fingerprint of its hash, and the full hashes are in an array of their own, read only when a fingerprint matches
/// (round 29: 16-byte slots made a 256 KB table, and each probe a miss; 4-byte slots make 64 KB for 6,900 features).
/// A slot's fingerprint is checked against the key's full hash, so the table answers exactly what a table of whole
/// keys answers. Half full at most; the slot is the top bits of the key times a Fibonacci constant (FNV's low bits
/// alone left runs of neighbours), the fingerprint its low bits.
struct FeatureTable: Sendable, Hashable {
    /// Each slot: 0 when empty, else the key's fingerprint in the bits above `indexMask` and its index + 1 in those
    /// of `indexMask`.
    private let slots: [UInt32]
    /// The keys by their index, to confirm a fingerprint's match.
    private let keys: [UInt64]
    private let shift: UInt64
    private let indexMask: UInt32

    init(keys: [UInt64]) {
        var bits: UInt64 = 4
        while (1 << bits) < keys.count * 2 { bits += 1 }
        let capacity = 1 << Int(bits)
        let shift = 64 - bits
        var indexBits: UInt32 = 1
        while (UInt64(1) << UInt64(indexBits)) <= UInt64(keys.count) { indexBits += 1 }
        precondition(indexBits <= 24, "a feature table holds fewer than 16 million keys")
        let indexMask = UInt32((UInt64(1) << UInt64(indexBits)) - 1)
        var slots = [UInt32](repeating: 0, count: capacity)
        for (index, key) in keys.enumerated() {
            let mixed = Self.mixed(key)
            let entry = (UInt32(truncatingIfNeeded: mixed) & ~indexMask) | UInt32(index + 1)
            var slot = Int(truncatingIfNeeded: mixed >> shift)
            var duplicate = false
            while slots[slot] != 0 {
                if keys[Int(slots[slot] & indexMask) - 1] == key {  // a 64-bit collision: keep the first
                    duplicate = true
                    break
                }
                slot = (slot + 1) & (capacity - 1)
            }
            if !duplicate { slots[slot] = entry }
        }
        self.slots = slots
        self.keys = keys
        self.shift = shift
        self.indexMask = indexMask
    }

    @inline(__always)
    private static func mixed(_ key: UInt64) -> UInt64 {
        key &* 0x9E37_79B9_7F4A_7C15
    }

    /// The weight index of the feature with this hash, or -1.
    @inline(__always)
    func index(of key: UInt64) -> Int32 {
        slots.withUnsafeBufferPointer { slots in
            let mixed = Self.mixed(key)
            let fingerprint = UInt32(truncatingIfNeeded: mixed) & ~indexMask
            let mask = slots.count - 1
            var slot = Int(truncatingIfNeeded: mixed >> shift)
            while true {
                let entry = slots[slot]
                if entry == 0 { return -1 }
                if entry & ~indexMask == fingerprint {
                    let index = Int(entry & indexMask) - 1
                    if keys[index] == key { return Int32(index) }
                }
                slot = (slot + 1) & mask
            }
        }
    }
}
