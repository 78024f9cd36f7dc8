import Testing

@testable import OpenDoorKit

/// The learned model's feature table keeps a fingerprint of each key in a 4-byte slot and confirms a match against the
/// whole key: it answers exactly what a dictionary of the keys answers.
@Suite("Feature table")
struct FeatureTableTests {
    @Test("Every key is found at its index, a repeated key at its first, and 200,000 other keys are not found")
    func sameAsDictionary() {
        var values = SplitMix64(seed: 29)
        var keys = (0..<6_900).map { _ in values.next() }
        keys.append(keys[17])  // a repeated key keeps its first index
        let table = FeatureTable(keys: keys)
        var expected: [UInt64: Int32] = [:]
        for (index, key) in keys.enumerated() where expected[key] == nil { expected[key] = Int32(index) }
        for key in keys { #expect(table.index(of: key) == expected[key]) }
        var wrong = 0
        for _ in 0..<200_000 {
            let key = values.next()
            if table.index(of: key) != expected[key] ?? -1 { wrong += 1 }
        }
        #expect(wrong == 0)
    }

    @Test("Keys that differ only in the bits the slot and the fingerprint don't see are told apart")
    func sameFingerprint() {
        // Keys whose products with the table's odd constant agree in their top 4 bits (a 16-slot table's slot) and
        // their low 32 (the fingerprint's) share a home slot and a fingerprint: built from products that differ in
        // one middle bit only.
        let inverse: UInt64 = {
            var x: UInt64 = 1
            for _ in 0..<6 { x = x &* (2 &- 0x9E37_79B9_7F4A_7C15 &* x) }
            return x
        }()
        let mixed: [UInt64] = (0..<8).map { 0x1000_0000_0000_0000 | (UInt64(1) << (33 + UInt64($0))) | 0xABCD }
        let keys = mixed.map { $0 &* inverse }
        #expect(keys.map { $0 &* 0x9E37_79B9_7F4A_7C15 } == mixed)
        let table = FeatureTable(keys: Array(keys.prefix(4)))
        for (index, key) in keys.enumerated() { #expect(table.index(of: key) == (index < 4 ? Int32(index) : -1)) }
        #expect(FeatureTable(keys: []).index(of: keys[0]) == -1)
    }
}
