import Yams

/// A knowledge file's YAML as the loader walks it: text, lists and mappings, each with its line.
///
/// The knowledge reads every value as text (no types, tags, anchors or aliases), so a node is a plain value: no tag
/// object, resolver or constructor per string, as Yams' `Node` has. Reading it straight from libyaml's events (see
/// `YAMLNode.read`) took about half the time of composing and freeing Yams' tree for the knowledge files.
struct YAMLNode: Sendable {
    /// What the node holds.
    enum Content: Sendable {
        /// Text; `block` when written as a `|` or `>` block, whose text starts on the line after the mark.
        case scalar(String, block: Bool)
        case sequence([YAMLNode])
        case mapping([(key: YAMLNode, value: YAMLNode)])
    }

    var content: Content
    /// The 1-based line the node starts on, as Yams' marks count it.
    var line: Int

    /// The text of a scalar; nil for a list or a mapping.
    var string: String? {
        if case .scalar(let text, _) = content { return text }
        return nil
    }

    /// The items of a list.
    var sequence: [YAMLNode]? {
        if case .sequence(let items) = content { return items }
        return nil
    }

    /// The pairs of a mapping, in file order.
    var mapping: [(key: YAMLNode, value: YAMLNode)]? {
        if case .mapping(let pairs) = content { return pairs }
        return nil
    }

    /// Whether the node is a `|` or `>` block scalar.
    var isBlockScalar: Bool {
        if case .scalar(_, let block) = content { return block }
        return false
    }
}

extension YAMLNode {
    /// The same node from Yams' tree, which resolves anchors and aliases.
    init(_ node: Node) {
        // Yams' parser gives every node a mark; 1 is never used.
        let line = node.mark?.line ?? 1
        switch node {
        case .scalar(let scalar):
            self.init(content: .scalar(scalar.string, block: node.isBlockScalar), line: line)
        case .sequence(let sequence):
            self.init(content: .sequence(sequence.map(YAMLNode.init)), line: line)
        case .mapping(let mapping):
            self.init(content: .mapping(mapping.map { (YAMLNode($0.key), YAMLNode($0.value)) }), line: line)
        case .alias(let alias):
            // Not produced by `compose`, which resolves aliases; an empty text reads as "empty" wherever it is used.
            self.init(content: .scalar("", block: false), line: alias.mark?.line ?? line)
        }
    }
}

/// A node's line and its content, for `YAMLReader`: Yams' nodes (conversation scripts) and `YAMLNode` (knowledge).
protocol YAMLTreeNode {
    associatedtype Items: Swift.Sequence<Self>
    associatedtype Pairs: Swift.Sequence<(key: Self, value: Self)>
    /// The 1-based line it starts on.
    var lineNumber: Int? { get }
    /// A mapping key's text.
    var string: String? { get }
    /// A scalar's text.
    var scalarText: String? { get }
    /// Whether it is a `|` or `>` block scalar, whose text starts on the line after its mark.
    var isBlockScalar: Bool { get }
    /// A list's items.
    var items: Items? { get }
    /// A mapping's pairs.
    var pairs: Pairs? { get }
}

extension YAMLNode: YAMLTreeNode {
    var lineNumber: Int? { line }
    var scalarText: String? { string }
    var items: [YAMLNode]? { sequence }
    var pairs: [(key: YAMLNode, value: YAMLNode)]? { mapping }
}

extension Node: YAMLTreeNode {
    var lineNumber: Int? { mark?.line }
    var scalarText: String? { scalar?.string }
    var isBlockScalar: Bool { scalar.map { $0.style == .literal || $0.style == .folded } ?? false }
    var items: Node.Sequence? { sequence }
    var pairs: Node.Mapping? { mapping }
}

extension YAMLNode: Equatable {
    static func == (lhs: YAMLNode, rhs: YAMLNode) -> Bool {
        guard lhs.line == rhs.line else { return false }
        switch (lhs.content, rhs.content) {
        case (.scalar(let left, let leftBlock), .scalar(let right, let rightBlock)):
            return left == right && leftBlock == rightBlock
        case (.sequence(let left), .sequence(let right)):
            return left == right
        case (.mapping(let left), .mapping(let right)):
            return left.count == right.count && zip(left, right).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default:
            return false
        }
    }
}
