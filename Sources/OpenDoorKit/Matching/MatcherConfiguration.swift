/// How sure the matcher must be before it answers, and when it asks instead.
public struct MatcherConfiguration: Sendable, Hashable {
    /// When no intent's examples look this much like the message (similarity), nothing fits: the reply
    /// is the honest fallback.
    public var answerThreshold: Double = 0.22
    /// A long message shares a smaller part of its words with any one example, so its similarity is lower
    /// for the same evidence: from ``longMessageWords``.lowerBound words on, the answer threshold falls
    /// linearly to ``longAnswerThreshold`` at ``longMessageWords``.upperBound words and stays there.
    /// (Chosen by leave-one-out on the knowledge's examples of 20 words or more and the long dev sets: in-domain
    /// long examples sent to the fallback fell from 52 to 31 with no more guesses on the unanswerable ones.)
    public var longAnswerThreshold: Double = 0.16
    /// Where the answer threshold starts falling for long messages, and where it reaches
    /// ``longAnswerThreshold`` (in words, as the analyzer reads them).
    public var longMessageWords: ClosedRange<Int> = 20...30
    /// When the second intent's confidence is within this much of the first, the reply asks which one
    /// was meant.
    public var clarifyMargin: Double = 0.03
    /// Below this confidence the matcher isn't sure enough of any intent to answer: the fallback.
    public var confidenceFloor: Double = 0.27
    /// A message whose only word the knowledge knows is one word, among words it has never seen ("evil text
    /// zerowidth" among control characters and zero-width marks, "flurbo call snazzle"), answers only when the best
    /// intent is at least this sure (confidence): the unknown words may say anything, and a weak word ("text",
    /// "call", shared by several intents) is no evidence of what is asked (QA35 S2-8); a strong one ("relapsed on
    /// kratom") still answers. A known word alone, or with other known words, is judged as before.
    public var loneWordConfidence: Double = 0.5
    /// How much the learned probability counts in the confidence against the similarity.
    public var learnedWeight: Double = 0.6
    /// How the learned weights are trained.
    var training = IntentLogits.Training()
    /// The seed of the learned weights' shuffled training order (to check how much the order moves the answers).
    public var trainingSeed: UInt64 {
        get { training.seed }
        set { training.seed = newValue }
    }
    /// How much the closest single example counts against the intent's overall picture (its centroid).
    public var exampleWeight: Double = 0.6
    /// Within the example part, how much the second-closest example counts against the closest: two
    /// examples agreeing is stronger evidence than one.
    public var secondExampleWeight: Double = 0
    /// How much a pair of neighbouring words weighs against a single word.
    public var bigramWeight: Double = 0.8
    /// How much a word the knowledge has never seen weighs against a typical known word.
    public var unknownWeight: Double = 1.0
    /// In a message that tells a story around a question, how much the story's words count against the
    /// question's (1 = the same).
    public var storyWeight: Double = 0.7
    /// How much a long story weighs altogether against the question (in vector length): each of its
    /// words weighs `storyShare × √(question words / story words)`, at most ``storyWeight``.
    public var storyShare: Double = 1.0
    /// Messages shorter than this many bytes are read whole, not as a story and a question.
    public var storyLength: Int = 40
    /// An intent that ends the conversation answers a message with words of its own only when the message
    /// looks at least this much like its examples (similarity): "ill come back later, bye" ends the chat,
    /// "im done pretending im fine" doesn't.
    public var endingSimilarity: Double = 0.45
    /// A second question of a message is said to be a topic the knowledge doesn't answer (beside the answer
    /// to the first) only when, read alone, it is that topic with at least this confidence.
    public var alsoUnknownConfidence: Double = 0.5
    /// A short message's statement is answered beside the topic its question asks about ("i relapsed hard. are they
    /// gonna drug test me") only when, read alone, it looks at least this much like its answer's examples
    /// (similarity): "im on the road all week" (0.37, "all week") is only why "is there a virtual option" is asked.
    public var storyBesideTopicSimilarity: Double = 0.45
    /// Whether a long message's questions, read without the story, must support its answer: when none does
    /// (each is a topic the knowledge doesn't answer, or something it knows nothing of), the reply is the
    /// fallback, however many words the story shares with an answer.
    public var questionDecides: Bool = true
    /// A question read alone doesn't support the answer when its best intent is a topic the knowledge doesn't
    /// answer, looking at least this much like it (similarity)…
    public var questionSupportSimilarity: Double = 0.22
    /// …or when it has at least ``unknownQuestionTokens`` tokens that say what it is about and no intent looks even
    /// this much like it.
    public var unknownQuestionSimilarity: Double = 0.2
    public var unknownQuestionTokens: Int = 4
    /// A question of at most this many tokens that are not common words says too little of its own to judge
    /// ("is that ok"): the story speaks for it.
    public var vagueQuestionTokens: Int = 1
    /// A question of at most this many such tokens that points back at the story ("is that a bad sign") is vague too.
    public var referringQuestionTokens: Int = 3
    /// Whether a wish to come back told beside a question ("… i want to come back. can my dog come with me") is left
    /// out of the questions that must support the answer: the wish is the story's point, the question the visitor's.
    /// A wish alone ("… i just want to come back") still decides.
    public var wishesStepAside: Bool = true
    /// A question read alone that a topic the knowledge doesn't answer leans to (see ``questionSupportSimilarity``)
    /// outweighs the questions that only point back at the story ("how many sessions a week is it now? is it still
    /// three"): those then don't support the answer.
    public var topicOutweighsVague: Bool = true
    /// A question read alone that an intent other than the whole message's answers supports that answer only with at
    /// least this confidence: a question barely answered by something else ("is there a minimum number of weeks")
    /// is judged like one nothing answers. 0 keeps every answer.
    public var otherAnswerConfidence: Double = 0
    /// Messages of fewer words than this are not checked for a question that supports the answer: a short
    /// message is all question.
    public var questionCheckWords: Int = 15
    /// A token says what a question is about when few examples have it: its IDF is at least this (a word in
    /// every example has 1, in a tenth of them about 3.3).
    public var contentIDF: Double = 3.0
    /// A long message's request (its asking part, read without the story) is addressed by the answering intent
    /// only when the intent's examples use at least this share of the request's content (IDF-weighted), or the
    /// request has no content of its own ("can i come back?"). 0 turns the check off. See ``Answerability``.
    public var requestShare: Double = 0.5
    /// Whether a request is found unaddressed only when it holds a word the knowledge has never seen.
    public var requestNeedsUnknownWord: Bool = true
    /// Whether typos are corrected against the knowledge's vocabulary.
    public var correctsTypos: Bool = true

    /// The defaults, chosen by leave-one-out on the knowledge's own examples (`opendoor eval
    /// --leave-one-out`), trading accuracy against guesses on the topics the knowledge doesn't answer.
    public init() {}
}
