/// Whether the answer an intent gives addresses what a long message asks, judged on the asking part alone.
///
/// A long message is usually a story, then the request: "i left group in march, relapsed, want to come back.
/// can your counselors write a letter to my lawyer". The story shares many words with an answer (coming back,
/// relapse), and the whole message can match that answer confidently; but the request asks about a lawyer, which
/// that answer doesn't speak to. The check reads the request's words that say what it is about (its content
/// tokens: words the knowledge has never seen, and words few of its examples have) and asks how much of them the
/// answering intent's own examples use. A request that says nothing of its own ("can i come back?", "is that ok")
/// leaves the story to decide; a request whose words the intent doesn't know gets the honest fallback.
public struct Answerability: Sendable, Hashable {
    /// The asking part that was read: a question or request of the message, without the story.
    public var request: String
    /// The request's content tokens (stems and synonym groups), in order.
    public var asked: [String]
    /// The ones the answering intent's examples use.
    public var answered: [String]
    /// The answered share of the request's content, each token weighted by its IDF (a word the knowledge has never
    /// seen weighs as much as its rarest): 1 when the request has no content of its own.
    public var share: Double
    /// Whether the answer addresses the request: it says nothing of its own, its answered share reaches
    /// ``MatcherConfiguration/requestShare``, or (with ``MatcherConfiguration/requestNeedsUnknownWord``) it holds no
    /// word the knowledge has never seen: a request in the knowledge's own words is more often a paraphrase of the
    /// answer than another topic (leave-one-out on the intents' long examples).
    public var addressed: Bool
}

extension Matcher {
    /// Judges whether `intent`'s answer addresses `request`, read as `analysis`.
    func answerability(of request: String, analysis: Analysis, intent: IntentID) -> Answerability {
        let position = intentIDs.firstIndex(of: intent)
        let rarest = index.rarestIDF
        let floor = Float(configuration.contentIDF)
        var asked: [String] = []
        var answered: [String] = []
        var total: Float = 0
        var covered: Float = 0
        var unknown = false
        for token in analysis.tokens where !asked.contains(token) {
            let weight: Float
            var known = false
            if let id = index.unigrams[token] {
                weight = index.idf[Int(id)]
                guard weight >= floor else { continue }
                known = position.map { index.intentHasTerm($0, id) } ?? false
            } else {
                // A word the knowledge has never seen ("lawyer", a town, a name) says most what the request is about.
                weight = rarest
                unknown = true
            }
            asked.append(token)
            total += weight
            if known {
                answered.append(token)
                covered += weight
            }
        }
        let share = total > 0 ? Double(covered / total) : 1
        return Answerability(
            request: request, asked: asked, answered: answered, share: share,
            addressed: asked.isEmpty || share >= configuration.requestShare
                || (configuration.requestNeedsUnknownWord && !unknown))
    }
}
