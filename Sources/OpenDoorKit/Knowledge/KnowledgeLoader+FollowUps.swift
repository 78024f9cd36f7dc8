extension KnowledgeLoader {
    /// dialogue.yaml's `safety_follow_ups`: each entry's situations (`after`), phrases (`asks`) and reply. A reply
    /// must give 911 or 988, as every safety reply does; an unknown situation is an error at its line.
    mutating func safetyFollowUps(_ node: YAMLNode?, center: CenterFacts, reader: inout YAMLReader) -> [SafetyFollowUp] {
        guard let node else { return [] }
        guard let sequence = node.sequence else {
            reader.error(node, "`safety_follow_ups` must be a list (lines starting with `- `).")
            return []
        }
        var followUps: [SafetyFollowUp] = []
        for item in sequence {
            guard let fields = reader.mapping(item, allowedKeys: ["after", "asks", "reply", "settles"], what: "a safety follow-up")
            else { continue }
            var kinds: [SafetySituationKind] = []
            for entry in reader.textList(fields["after"], key: "after", in: item, required: true) {
                guard let kind = SafetySituationKind(entry.text) else {
                    let known = SafetySituationKind.spellings.joined(separator: ", ")
                    reader.error(line: entry.line, "`\(entry.text)` is not a crisis situation. Use one of: \(known).")
                    continue
                }
                kinds.append(kind)
            }
            let asks = reader.textList(fields["asks"], key: "asks", in: item, required: true)
                .map { TextNormalizer.normalize($0.text) }
                .filter { !$0.isEmpty }
            guard let text = reader.text(fields["reply"], key: "reply", in: item, required: true) else { continue }
            checkUnknownPlaceholders(text, node: fields["reply"], reader: &reader) { $0.hasPrefix("center.") }
            if !text.contains("911") && !text.contains("988") {
                reader.error(fields["reply"], "A safety follow-up's reply must give 911 or 988 (the numbers come again).")
            }
            let reply = renderChecked(text, node: fields["reply"], center: center, reader: &reader)
            var settles = false
            if let node = fields["settles"] {
                switch reader.text(node, key: "settles", in: item, required: false) {
                case "true": settles = true
                case "false": settles = false
                default: reader.error(node, "`settles` must be true or false.")
                }
            }
            guard !kinds.isEmpty, !asks.isEmpty else { continue }
            followUps.append(SafetyFollowUp(after: kinds, asks: asks, reply: reply, settles: settles))
        }
        return followUps
    }
}
