/// Two numbers typed together ("my cell is 404-555-0188 or my work 678-555-0177"): only one can be passed on, and the
/// visitor says which, by its place ("the first one") or by what they called it ("the cell") (QA24 S1-7, S2-6).
extension Conversation {
    /// Asks which of `numbers` to try first (the other is kept to try second), or keeps them in the order said when the
    /// message already says the other is a backup ("its 706 555 0134, but if no answer try 706 555 0999"), and says so.
    mutating func twoNumbers(_ numbers: [PhoneNumber], in text: String) -> Reply {
        if answers.contains(text, .backupNumber) {
            phone = numbers[0]
            backupPhone = Self.backup(numbers[1])
            phoneChoices = []
            phoneChoiceLabels = []
            return advance(to: nextStep()).prefixed(backupKept(numbers[1], saying: .phoneFirstKept))
        }
        phoneChoices = numbers
        phoneChoiceLabels = labels(of: numbers, in: text)
        state = .callbackPhone
        var reply = stepReply(.phoneWhich)
        reply.options = numbers.map(\.display)
        return reply
    }

    /// A second number as it is kept: its extension isn't (one column holds it, and a backup is rarely a desk line).
    static func backup(_ number: PhoneNumber) -> PhoneNumber {
        PhoneNumber(e164: number.e164) ?? number
    }

    /// Says which number is tried first and which second.
    func backupKept(_ backup: PhoneNumber, saying key: DialogueKey) -> String {
        filled(key, phone: phone).replacingOccurrences(of: "{request.backup_phone}", with: backup.display)
    }

    /// A second number offered once the first is kept, at a later step of the form ("you can try my moms number too
    /// 706 555 0999"): kept to try second, said so, and the step's question again. Nil when the message doesn't offer
    /// one (a number without words saying it is another one is a change of the number, handled by the step).
    mutating func backupNumberReply(_ text: String) -> Reply? {
        guard let phone, state.isCollectingCallback, state != .callbackPhone, answers.contains(text, .backupNumber)
        else { return nil }
        let numbers = PhoneNumber.all(in: text).filter { $0 != phone }
        guard numbers.count == 1, !isCenterNumber(numbers[0]) else { return nil }
        backupPhone = Self.backup(numbers[0])
        return stepReply(Self.prompt(of: state)).prefixed(backupKept(numbers[0], saying: .backupPhoneKept))
    }

    /// What the visitor called each number, in order ("cell", "work"): the `phone_label` words between the number
    /// before and this one. Empty lists when the numbers can't be told apart in the text.
    func labels(of numbers: [PhoneNumber], in text: String) -> [[String]] {
        var labels: [[String]] = []
        var pending: [String] = []
        var inNumber = false
        var digits = 0
        for word in text.split(whereSeparator: \.isWhitespace) {
            let count = word.filter { $0.isASCII && $0.isNumber }.count
            if count > 0 {
                if !inNumber {
                    inNumber = true
                    digits = 0
                }
                digits += count
                continue
            }
            if inNumber, digits >= 7 {
                labels.append(pending)
                pending = []
            }
            inNumber = false
            pending += TextNormalizer.words(String(word)).filter { answers.contains($0, .phoneLabel) }
        }
        if inNumber, digits >= 7 { labels.append(pending) }
        return labels.count == numbers.count ? labels : Array(repeating: [], count: numbers.count)
    }

    /// The number an answer to "which one?" names by what the visitor called it ("the cell", "work is better"): the
    /// one whose label is said first. Nil when no label is said, or one is said for both.
    func labelledNumber(_ text: String, among choices: [PhoneNumber], labels: [[String]]) -> PhoneNumber? {
        guard labels.count == choices.count else { return nil }
        let words = TextNormalizer.words(text)
        guard words.count <= 8 else { return nil }
        for word in words {
            let owners = labels.indices.filter { labels[$0].contains(word) }
            if owners.count == 1 { return choices[owners[0]] }
        }
        return nil
    }
}
