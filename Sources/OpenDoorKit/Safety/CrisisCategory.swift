/// The kinds of crisis the safety layer recognizes; each has its own reply in `Knowledge/safety.yaml`.
///
/// The set is closed on purpose: every category needs a reply written for it, so a new one
/// is a code change as well as a data change, and a misspelled id in the file is an error.
public enum CrisisCategory: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// Thoughts of suicide, said directly or indirectly, or a plan or means.
    case suicide
    /// An overdose happening now, the visitor's own or someone else's.
    case overdose
    /// Cutting, burning or otherwise hurting oneself.
    case selfHarm = "self_harm"
    /// A withdrawal emergency: seizures, hallucinations, delirium tremens.
    case withdrawal
    /// Danger or abuse at home or from another person.
    case danger

    /// The id as written in the knowledge files, e.g. `self_harm`.
    public var description: String { rawValue }
}
