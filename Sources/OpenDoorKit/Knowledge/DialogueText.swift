/// The keys of OpenDoor's own messages in `dialogue.yaml`; each must be written there.
public enum DialogueKey: String, Sendable, Hashable, CaseIterable {
    case welcome
    // Round 14's dialogue mending (QA13 D4, QA14 B and D).
    /// The welcome while callback requests can't be saved: no offer of a call, the center's number instead.
    case welcomeNoCallback = "welcome_no_callback"
    /// Instead of `fallback_contact` while callback requests can't be saved.
    case fallbackContactNoCallback = "fallback_contact_no_callback"
    /// Instead of `fallback` for a feeling or a hard thing shared ("ugh", "my friend from group died").
    case fallbackFeeling = "fallback_feeling"
    /// Instead of `fallback` for good news shared ("we talked about it in group and it was helpful").
    case fallbackGlad = "fallback_glad"
    /// Before the center's copy when the visitor writes about someone else who left ("my son stopped going"): the
    /// copy speaks to the person who left.
    case forSomeoneElse = "for_someone_else"
    /// Instead of the fallback or the list of what the assistant can do, when the visitor asks how to help someone
    /// else ("how do i help her", "can i sign him up"): what that person and the visitor can do.
    case helpingSomeoneElse = "helping_someone_else"
    /// A bare "yes", "no" or "lol" in the open conversation, with nothing to answer.
    case openNudge = "open_nudge"
    /// A message in Spanish: only English here, and the center's number.
    case englishOnly = "english_only"
    /// A cancel that says something hard about the visitor ("nevermind i dont deserve help").
    case cancelledWorthy = "cancelled_worthy"
    /// Before the phone question when the name was skipped or refused.
    case nameSkipped = "name_skipped"
    /// The second unreadable phone number: an example again, and the way out.
    case phoneInvalidAgain = "phone_invalid_again"
    /// A detail changed at a later step ("actually make it evening" at the voicemail step): before the step again.
    case detailChanged = "detail_changed"
    case fallback
    case fallbackContact = "fallback_contact"
    case clarify
    case callbackOffer = "callback_offer"
    case callbackUnavailable = "callback_unavailable"
    case callbackConsent = "callback_consent"
    case callbackDeclined = "callback_declined"
    case askName = "ask_name"
    case askPhone = "ask_phone"
    case phoneInvalid = "phone_invalid"
    /// "911" alone typed at the phone step (round 28, QA35 S2-4): not a number to call back, and 911 if help is needed now.
    case phoneEmergencyNumber = "phone_emergency_number"
    case phoneGiveUp = "phone_give_up"
    case askTime = "ask_time"
    case timeInvalid = "time_invalid"
    /// A second answer at the time step that says no time: "any time" or skipping it offered (QA28 S1).
    case timeInvalidAgain = "time_invalid_again"
    /// The option that skips the time step ("Skip").
    case skipOption = "skip_option"
    /// A call asked for in Spanish: a person will call, no promise of a Spanish speaker, the number's question (QA28).
    case spanishCall = "spanish_call"
    /// A call asked for in Spanish with the number in it: the number kept, before the next step.
    case spanishCallNumberKept = "spanish_call_number_kept"
    /// The form's steps after a call asked for in Spanish, in Spanish before the English (round 29, QA35 S2-1): the
    /// number again, the time, the voicemail, the summary, and the reference once it is sent.
    case spanishAskPhone = "spanish_ask_phone"
    case spanishAskTime = "spanish_ask_time"
    case spanishAskVoicemail = "spanish_ask_voicemail"
    case spanishSummary = "spanish_summary"
    case spanishSaved = "spanish_saved"
    /// After an answer to an English question written with a Spanish sentence: only English here, in Spanish.
    case englishOnlyNote = "english_only_note"
    case askVoicemail = "ask_voicemail"
    case voicemailInvalid = "voicemail_invalid"
    case summary
    case confirmInvalid = "confirm_invalid"
    case saved
    case saveFailed = "save_failed"
    /// When a save failed and nothing was kept: the request is kept in the conversation, at the summary, for
    /// ``retryOption`` once the store is back.
    case saveFailedKept = "save_failed_kept"
    /// The option after ``saveFailedKept``: the same request saved again, the form not asked again.
    case retryOption = "retry_option"
    /// When a save was sent but whether it was stored can't be known (the database held it up): never "nothing was kept".
    case saveUnconfirmed = "save_unconfirmed"
    /// The option after ``saveUnconfirmed``: the same request sent again, under the same key (never stored twice).
    case resendOption = "resend_option"
    /// A cancel after ``saveUnconfirmed``: nothing more is sent, and the first try may still have reached the center.
    case cancelledUnconfirmed = "cancelled_unconfirmed"
    case cancelled
    case resume
    /// A call asked for again inside the form ("can someone call me", "i just want someone to call me"): the form is
    /// that call, said so before the step's question (QA37 S2-5).
    case callUnderWay = "call_under_way"
    case crisisCheckIn = "crisis_check_in"
    case checkInAnswered = "check_in_answered"
    /// A "no" to the danger check-in: thanks, with 911 and the domestic violence hotline still in view.
    case checkInAnsweredDanger = "check_in_answered_danger"
    /// After the honest medication answer, when the message tells of too much or a dose taken twice: Poison Control.
    case medicationPoisonControl = "medication_poison_control"
    case empty
    case goodbye
    case noName = "no_name"
    case voicemailYes = "voicemail_yes"
    /// The summary's voicemail line for a message that doesn't name the center (a no, when the question was yes/no).
    case voicemailNo = "voicemail_no"
    /// The summary's voicemail line for no voicemail at all.
    case voicemailNone = "voicemail_none"
    case pickOption = "pick_option"
    case choicesOr = "choices_or"
    case helloAgain = "hello_again"
    case thanksAfterCallback = "thanks_after_callback"
    // What the socket server says around the conversation.
    /// To a visitor who arrives when the chat is full, before the connection closes.
    case chatFull = "chat_full"
    /// The last line of a crisis reply on a connection turned away (the chat full), instead of "I'm still here" and
    /// the offer of a call: the chat closes right after, so the numbers only.
    case chatFullCrisis = "chat_full_crisis"
    /// Before closing a chat the visitor left idle.
    case idleClose = "idle_close"
    /// Before the server's goodbye when a crisis reply or a safety question was the last thing said: the numbers.
    case closeSafety = "close_safety"
    /// Before closing a chat whose line took too long to arrive whole.
    case lineTimeoutClose = "line_timeout_close"
    /// To everyone connected when the server shuts down.
    case shutdownClose = "shutdown_close"
    /// A line over the length limit; `{limit}` is the limit in bytes.
    case lineTooLong = "line_too_long"
    /// A line that is not UTF-8 text.
    case unreadableLine = "unreadable_line"
    /// A line over the connection's rate limit.
    case tooFast = "too_fast"
    // The safety check-in's answer, and the callback request around it.
    /// Before the check-in question again, when the answer was neither yes nor no.
    case checkInAgain = "check_in_again"
    /// When the second answer to a check-in is still neither: no more asking, 988 once more.
    case checkInRelease = "check_in_release"
    /// After a crisis reply in the middle of a callback request: what was typed is kept.
    case crisisRequestKept = "crisis_request_kept"
    /// After a crisis reply, to a reply that is neither a yes nor a no ("idk"): are you safe right now?
    case afterCrisisUnsure = "after_crisis_unsure"
    /// "Are you safe right now?" once more, after a form answer given instead (the answer is kept).
    case safeAskAgain = "safe_ask_again"
    /// After a crisis reply, after the answer to a question asked instead of a word about safety: are you safe?
    case afterCrisisQuestion = "after_crisis_question"
    /// A bare "yes" right after a crisis reply (yes I want to, or yes call me?): are you safe right now?
    case afterCrisisYes = "after_crisis_yes"
    /// The offer of a call after `after_crisis_yes`, when the crisis reply offered one.
    case afterCrisisCallOffer = "after_crisis_call_offer"
    /// The last line of a crisis reply, when a call may be offered.
    case crisisCloseOffer = "crisis_close_offer"
    /// The last line of a crisis reply once a request was sent (its reference): no second offer.
    case crisisCloseSent = "crisis_close_sent"
    /// The last line of a crisis reply when no call is offered (the visitor said not to call).
    case crisisClose = "crisis_close"
    /// A walk-back after the reply about the visitor's own overdose ("im fine"): what was taken can still hurt.
    case overdoseWalkBack = "overdose_walk_back"
    /// A bare "yes" right after a crisis reply in the middle of a callback request: are you safe, before the form.
    case crisisRequestResume = "crisis_request_resume"
    /// Before the consent question, when a call is asked for right after a crisis reply: a call is not immediate.
    case crisisCallNotImmediate = "crisis_call_not_immediate"
    /// "idk" to a safety question: a gentle word with 988, and whether the visitor is safe right now.
    case checkInNotSure = "check_in_not_sure"
    /// A clear "im safe" right after a crisis reply: taken as safe.
    case safeHeard = "safe_heard"
    /// After a crisis reply or a check-in to a message in Spanish: the numbers in Spanish.
    case crisisSpanish = "crisis_spanish"
    /// After a crisis reply or a check-in, once the visitor said they served: the Veterans Crisis Line (988, press 1).
    case crisisVeteran = "crisis_veteran"
    /// After the visitor's own crisis reply or check-in that names a gun: putting distance between them and it.
    case crisisGunDistance = "crisis_gun_distance"
    /// For a visitor worried about someone else's suicidal words (988 helps them too, 911, stay with them).
    case crisisOtherPerson = "crisis_other_person"
    /// The question after it, about the person at risk.
    case otherSafeShe = "other_safe_she"
    case otherSafeHe = "other_safe_he"
    case otherSafeThey = "other_safe_they"
    /// A no (or not sure) to whether the other person is safe.
    case otherPersonUnsafe = "other_person_unsafe"
    /// A second request for a call once one was sent in this conversation: it is already in (its reference), and
    /// a change goes through the center's number. No second form.
    case callbackAlreadySent = "callback_already_sent"
    /// "dont call anyone" after a crisis reply or a check-in in the middle of a request: the request is dropped.
    case callDropped = "call_dropped"
    /// Hostility in the middle of a request ("this is stupid"): a calm word before the step's question again.
    case hostileMidForm = "hostile_mid_form"
    /// Instead of `fallback_contact` once a request was sent (no second offer).
    case fallbackContactSent = "fallback_contact_sent"
    /// At the name step, for an answer that isn't a name ("hello", "idk").
    case nameUnclear = "name_unclear"
    /// A bare "ok" in the open conversation.
    case okAgain = "ok_again"
    /// Instead of a long answer already given in the conversation, word for word (QA20 V12).
    case sameAnswer = "same_answer"
    /// Instead of an "I don't know" already given in the conversation, word for word (QA20 V47); then the short one.
    case fallbackAgain = "fallback_again"
    case fallbackAgainShort = "fallback_again_short"
    /// Instead of the calm word for frustration already given in the conversation, word for word (QA36 S3-8).
    case frustratedAgain = "frustrated_again"
    /// Before the "I don't know" of a second question joined to an answered one, naming it (QA36 S2-6).
    case alsoAskedNamed = "also_asked_named"
    /// After the answer to a visitor who says they are drunk or high right now (QA20 V42).
    case intoxicatedNote = "intoxicated_note"
    /// "u there?" in the open conversation.
    case stillHere = "still_here"
    // The callback form (QA16 B): pauses, corrections, undo and goodbyes.
    /// "no wait" or "hold on" at the summary: nothing is sent, nothing is discarded.
    case confirmWait = "confirm_wait"
    /// A bare "no" at the summary: nothing is sent; change something, or cancel.
    case confirmNo = "confirm_no"
    /// A thank-you in the middle of a request, before the step's question again.
    case thanksMidForm = "thanks_mid_form"
    /// A goodbye in the middle of a request: nothing was sent.
    case goodbyeMidForm = "goodbye_mid_form"
    /// Right after a cancel, "wait no, send it": what was discarded is back.
    case restored
    /// Before the consent question when the visitor asked for a person: the center's number first.
    case humanNumber = "human_number"
    // The callback form and the talk after a crisis reply (QA17).
    /// "no voicemail" typed before the voicemail question (at the name step, with the request): kept, and said so.
    case noVoicemailKept = "no_voicemail_kept"
    /// A voicemail that doesn't name the center, asked for before the voicemail question: kept, and said so.
    case discreetKept = "discreet_kept"
    /// A detail for a later step typed early ("after 5" at the phone step): kept, before the step again.
    case detailKept = "detail_kept"
    /// Before the consent question when a call is asked for after a danger reply: not right away, 911 now.
    case dangerCallNote = "danger_call_note"
    /// A bare "yes" right after a danger reply: whether the visitor is in danger, not the suicide wording.
    case afterCrisisYesDanger = "after_crisis_yes_danger"
    /// A call asked for someone else ("can someone call her instead of me"): the call is for the visitor.
    case callForSomeoneElse = "call_for_someone_else"
    /// Someone else's name given at the consent question ("his name is Tony"): the call is for the visitor, asked again.
    case otherNameAtConsent = "other_name_at_consent"
    /// A text asked for instead of a call: only a call can be asked for.
    case textNotCall = "text_not_call"
    /// "yes send it" after the number couldn't be read and the request was set aside: nothing was sent.
    case nothingSent = "nothing_sent"
    // Round 16 (QA18): the dialogue after a crisis reply, and the callback form.
    /// "im ok now" after the visitor's own withdrawal emergency: still a doctor today, no question asked.
    case withdrawalWalkBack = "withdrawal_walk_back"
    /// "i called 988" after a crisis reply or a safety question: heard once, then back to where the visitor was.
    case reachedHelp = "reached_help"
    /// The same after the visitor's own overdose.
    case reachedHelpOverdose = "reached_help_overdose"
    /// "im not going to do anything, i just feel that way": an answer, heard.
    case noIntentHeard = "no_intent_heard"
    /// The same crisis told again with a detail no follow-up answers: one short line per category.
    case crisisAgainSuicide = "crisis_again_suicide"
    case crisisAgainOverdose = "crisis_again_overdose"
    case crisisAgainOverdoseOther = "crisis_again_overdose_other"
    case crisisAgainSelfHarm = "crisis_again_self_harm"
    case crisisAgainWithdrawal = "crisis_again_withdrawal"
    case crisisAgainDanger = "crisis_again_danger"
    /// Taking back a request already sent: how, with its reference.
    case callbackWithdraw = "callback_withdraw"
    /// How a call can stay discreet, and the offer of one.
    case discreetCall = "discreet_call"
    /// The same, briefly, right after it ("my roommates dont know").
    case discreetCallAgain = "discreet_call_again"
    /// "how soon will they call": the time the visitor chooses, nothing promised.
    case callTiming = "call_timing"
    /// A number typed with too few digits.
    case phoneShort = "phone_short"
    /// A name typed at a later step, after the number was typed at the name step.
    case nameKept = "name_kept"
    /// "Are you safe right now?" asked a second time, shorter.
    case safeQuestionAgain = "safe_question_again"
    // Round 17 (QA19): what was kept or changed said back; a request changed after it was sent; no call offered
    // while requests can't be saved.
    /// A time and a name typed before their steps: kept, and both said back.
    case detailKeptWithName = "detail_kept_with_name"
    /// A new number typed at the time or voicemail step: changed, and said back.
    case phoneChanged = "phone_changed"
    /// A call asked for after a number was given on a crisis line: the number, kept.
    case numberKept = "number_kept"
    /// The last line of a crisis reply when the message gave a number: kept, and a call offered with it.
    case crisisCloseOfferNumber = "crisis_close_offer_number"
    /// A change asked for after the request was sent, with a time: it can't be changed here; how, with the time.
    case sentChangeTime = "sent_change_time"
    /// The same for any other change ("wrong number").
    case sentChange = "sent_change"
    /// `helping_someone_else` while requests can't be saved: no offer of a call.
    case helpingSomeoneElseNoCallback = "helping_someone_else_no_callback"
    /// The question about suicide asked a second time, without its opening.
    case checkInQuestionAgain = "check_in_question_again"
    // Round 17 (QA19).
    /// "i build bridges for a living" after a crisis reply to a word of work or an idiom: sorry, misread.
    case misreadHeard = "misread_heard"
    /// Someone else's overdose told as a death already ("found him last night, hes gone"): sorry, 988, not naloxone.
    case overdoseLoss = "overdose_loss"
    /// The visitor's own anger at someone ("i could kill him"): whether anyone is in danger, no hotline for victims.
    case angerCheckIn = "anger_check_in"
    /// After a loss told, help that carried the visitor through it ("group really helped me through it"): glad they had it.
    case fallbackGladAfterLoss = "fallback_glad_after_loss"
    /// The check-in when someone else told the visitor to die ("my ex told me to kys"): that it hurts, and the question.
    case insultCheckIn = "insult_check_in"
    /// Someone else's suicidal words with a weapon at hand ("hes got his dads gun and hes done"): 911 first.
    case crisisOtherPersonWeapon = "crisis_other_person_weapon"
    /// After a question answered on the line of someone else's overdose ("should i let her sleep it off"): the other
    /// numbers, instead of the category's whole reply again.
    case crisisNumbersAfterAnswer = "crisis_numbers_after_answer"
    // Round 18 (QA20): the callback form.
    /// An answer to the consent question that is neither yes nor no nor a question ("mornign", "Bri").
    case consentInvalid = "consent_invalid"
    /// The consent question when the number is known already: it doesn't say it will ask for one.
    case callbackConsentNumber = "callback_consent_number"
    /// The same when the number and the time are known already.
    case callbackConsentReady = "callback_consent_ready"
    /// A name said plainly at a later step ("skip that, just call me P"): changed, and said back.
    case nameChanged = "name_changed"
    /// A yes at the voicemail step that said nothing of the voicemail ("looks right, go ahead"): the private choice.
    case voicemailPrivateDefault = "voicemail_private_default"
    /// A note asked for at the summary ("tell them i need a spanish speaker"): it can't go with the request.
    case noteNotPassed = "note_not_passed"
    /// A cancel said with a crisis mid-form: once the safety question is answered, instead of "Back to your callback
    /// request:", whether the visitor still wants the call.
    case cancelHeldAsk = "cancel_held_ask"
    // Round 18 (QA20, s18-crisis).
    /// After the visitor's own overdose reply, anything but a walk-back ("just send it", "ok"): 911 first, then
    /// whether they are safe.
    case overdoseTakenAgain = "overdose_taken_again"
    /// The same when the overdose was told with someone else in it: 911 first, never "you told me you took something"
    /// (QA24 S1-5).
    case overdoseMaybeTakenAgain = "overdose_maybe_taken_again"
    /// The last line of an overdose or withdrawal reply once a request was sent: 911 now; the center still calls.
    case crisisCloseSentEmergency = "crisis_close_sent_emergency"
    /// Danger to a child or another person told by a worried visitor ("my ex is drunk and has my kid in the car").
    case crisisDangerOther = "crisis_danger_other"
    /// Someone else hurt or held now, told by a witness ("her husband is choking her", "they wont let her leave"):
    /// 911 for that person, never the words addressed to a victim.
    case crisisDangerSomeoneElse = "crisis_danger_someone_else"
    /// The visitor says they will hurt someone ("im going to stab my stepdad tonight").
    case crisisDangerByVisitor = "crisis_danger_by_visitor"
    /// The visitor is drunk or high and about to drive ("im really drunk and about to drive home"): not to drive, a ride
    /// or someone to call, 911 if anyone is in danger (QA26).
    case crisisImpairedSelf = "crisis_impaired_self"
    /// Thoughts or fears of harming one's own baby or child ("i keep thinking about hurting my baby") (QA25 S2-1).
    case crisisHarmThoughtsChild = "crisis_harm_thoughts_child"
    /// An urge to use right now ("talk me out of using right now"): 988 and SAMHSA before the offer of a call (QA25 S1-4).
    case useUrge = "use_urge"
    /// After the visitor's own withdrawal reply, anything but a walk-back: 911 or the ER first (QA25 S2-3).
    case withdrawalAgain = "withdrawal_again"
    /// Before the answer to a question asked inside a crisis message about someone else ("can he come back?").
    case answerToQuestion = "answer_to_question"
    /// Before the offer of a call when the visitor asks to talk to someone now ("talk me out of it"): who answers now.
    case talkNow = "talk_now"
    /// The overdose reply for the visitor's own overdose ("i took 20 of my pills"): no lines for someone else's.
    case crisisOverdoseSelf = "crisis_overdose_self"
    // Session 19 (QA21): the callback form and crisis words said in the middle of it.
    /// A clock time with no am or pm and nothing to tell the half of the day ("8:30"): which half.
    case timeHalfUnclear = "time_half_unclear"
    /// A text asked for in the middle of the form ("but text first pls"): only a call, and "cancel" is fine.
    case textNotCallForm = "text_not_call_form"
    /// A question answered at the consent step: the offer of a call kept, asked again.
    case consentAgain = "consent_again"
    /// Two phone numbers in one answer: which one to try first.
    case phoneWhich = "phone_which"
    /// A past attempt told with a question ("i tried to kill myself last year, can i come back"): after the answer.
    case pastAttemptNote = "past_attempt_note"
    /// A loss told with words of wanting to be with the one who died: before the check-in question.
    case lossCheckIn = "loss_check_in"
    /// Before the answer to a message that tells of a death ("my husband died in august… is it too late?"): a word
    /// of sorrow first (QA21 W19).
    case griefNote = "grief_note"
    /// Instead of the fallback when the visitor says they feel alone or uncared for ("i just feel like nobody cares"):
    /// a hurt heard, not a complaint about the chat (QA21 W9).
    case lonelyHeard = "lonely_heard"
    /// Before the summary after a crisis reply in the chat: the request is marked for staff, no words go with it.
    case summaryCrisisMarked = "summary_crisis_marked"
    // Round 20 (QA22): the callback form.
    /// A reason for privacy said with the time ("my husband doesnt know"): heard, before the voicemail question.
    case privacyNoted = "privacy_noted"
    /// A call asked for right now: the center's call comes later; who answers now.
    case callNotImmediate = "call_not_immediate"
    // Session 22 (QA24).
    /// Not giving a number is fine: the center's number, and how to go on or stop (S2-7).
    case phoneRefused = "phone_refused"
    /// The number said to try first, and the other one to try second (S1-7).
    case phoneFirstKept = "phone_first_kept"
    /// A second number offered at a later step of the form, kept to try second.
    case backupPhoneKept = "backup_phone_kept"
    /// The number in the summary when there is a second one to try.
    case summaryBackupPhone = "summary_backup_phone"
    /// The offer of a call when the time was given with the request: only the number is still asked for (S2-5).
    case callbackConsentTime = "callback_consent_time"
    /// An email asked for instead of a call: only a call can be asked for.
    case emailNotCall = "email_not_call"
    /// The center's own number typed as the visitor's: it is the center's; the visitor's is asked for.
    case centerNumberGiven = "center_number_given"
    /// The center's own number, or a helpline's, typed in the open chat ("call me at 470-284-1834"): theirs, never kept
    /// as the visitor's; before the consent question (QA31 S2-4).
    case ownNumberOpen = "own_number_open"
    /// A helpline's number that OpenDoor's own words give (SAMHSA's, in every crisis reply) typed as the visitor's
    /// (QA25 S3-8): it is the helpline's; the visitor's is asked for.
    case helplineNumberGiven = "helpline_number_given"
    /// A yes to a voicemail typed before the voicemail question ("voicemail ok"): kept.
    case voicemailOKKept = "voicemail_ok_kept"
    // Round 20 (QA22).
    /// Someone else's overdose death told as long past ("my brother died after he left your program"): sorry, a person
    /// to talk to, 988 for grief; never the live-overdose reply.
    case overdoseLossPast = "overdose_loss_past"
    /// "im not going to do anything stupid", said with no safety question asked: heard kindly, with 988.
    case noIntentUnprompted = "no_intent_unprompted"
    /// A fear of using again soon ("i relapsed last night and im scared ill do it again tonight"): relapse support
    /// for tonight, then the question about suicide.
    case relapseFearCheckIn = "relapse_fear_check_in"
    // Session 21 (QA23, s21-qa23safety).
    /// After the crisis reply, when a "no" to the question about suicide came before the worrying message: what changed.
    case crisisAfterNo = "crisis_after_no"
    /// Someone close survived an overdose a short while ago: care, 911 and naloxone if it happens again, 988 for families.
    case overdoseSurvivedOther = "overdose_survived_other"
    /// After the crisis reply to a line with means or a plan that also asked a question: it will be answered when asked
    /// again.
    case crisisQuestionLater = "crisis_question_later"
    /// After a "no", a sign read only by the learned model or with everyday words: the question once more, differently.
    case checkInAfterNo = "check_in_after_no"
    // Session 21 (QA23): the callback form.
    /// "what happens now" mid-form: what happens once the request is sent (never a time kept).
    case formWhatNext = "form_what_next"
    /// "its for my son actually" at the name step: the call is the visitor's; the name asked again.
    case nameForSomeoneElse = "name_for_someone_else"
    /// "ill handle it on my own tonight" mid-form: no answer to the step; whether the call is still wanted.
    case formOnMyOwn = "form_on_my_own"
    /// "text, dont call" mid-form or with the request: only a call can be asked for; whether a call is still okay.
    case textNotCallAsk = "text_not_call_ask"
    /// The last line of a crisis reply mid-form once a number was given: the request isn't sent; "send it" sends it.
    case crisisSendOffer = "crisis_send_offer"
    /// The same after an overdose or a withdrawal emergency.
    case crisisSendOfferEmergency = "crisis_send_offer_emergency"
    /// The reply once "send it" sent the request offered after a crisis reply: the reference, and 988 now.
    case crisisOfferSent = "crisis_offer_sent"
    /// The same after an overdose or a withdrawal emergency: 911 now.
    case crisisOfferSentEmergency = "crisis_offer_sent_emergency"
    /// A name typed at the consent question: kept, before the next step's question.
    case consentNameKept = "consent_name_kept"
    // Round 21 (QA23): follow-ups and what the chat can and can't do.
    /// A short follow-up that points back with no topic of its own ("what about the other one"): what they mean.
    case followUpUnclear = "follow_up_unclear"
    /// Between a short form and its words, from the center's own copy ("IOP", "intensive outpatient program").
    case standsFor = "stands_for"
    /// "can my mom call for me": anyone can call the center; what it can discuss without the visitor is for a person
    /// there; a call for the visitor offered.
    case callOnBehalf = "call_on_behalf"
    /// "can yall send my PO proof": nothing can be sent from the chat; what the center shares is for a person there.
    case sendNothing = "send_nothing"
    // Session 23 (QA25, dialogue).
    /// After the center's answer without its bare "Yes.", when the message speaks of a situation the center never
    /// spoke of ("kicked out", "part time"): a person can say how it works then (S2-13).
    case unspokenCondition = "unspoken_condition"
    /// A cancel that says the visitor will call the center themselves ("forget it ill just call them myself"): the
    /// center's number with it (S3-9).
    case cancelledCallMyself = "cancelled_call_myself"
    /// A name told with nothing else before any request ("im Tasha", "Maria"): a hello back, no topic guessed (S3-3).
    case nameHeard = "name_heard"
    /// "should i call on his behalf or must he call himself": anyone can call; what they can discuss is for a person
    /// there (S2-15).
    case callOnBehalfOther = "call_on_behalf_other"
    /// Someone else signed up without their say ("can i sign my 16 year old up without her ok"): not known here, and a
    /// person at the center can tell (QA28).
    case otherWithoutSay = "other_without_say"
    // Session 24 (QA26).
    /// A request to drop or show the assistant's instructions ("ignore previous instructions…"): what it is and what
    /// it can do, plainly.
    case instructionsAsked = "instructions_asked"
    /// A question about one person on the staff ("is dr patel still working there"): a question for the center.
    case staffPerson = "staff_person"
    // Session 24 (QA27).
    /// "what is 988": what the crisis replies already say of it, nothing more.
    case what988 = "what_988"
    /// "whats your address", "how far are you from athens": no address or distances here; the town and the number.
    case addressUnknown = "address_unknown"
    /// "when will they call" with no request sent: a call comes at the time chosen in a request; nothing promised.
    case callTimingOpen = "call_timing_open"
}

/// Kinds of short answer understood during a callback request.
public enum AnswerWord: String, Sendable, Hashable, CaseIterable {
    case yes
    case no
    case skip
    case cancel
    /// Yes, but only a message that doesn't name the center ("as long as it doesn't say the name").
    case discreet
    /// No voicemail at all ("no voicemail", "dont leave a message", "text is fine"): stronger than
    /// ``discreet`` and ``yes`` in the same answer.
    case noVoicemail = "no_voicemail"
    /// A hello on its own.
    case hello
    /// A thank-you on its own.
    case thanks
    /// Neither yes nor no ("sometimes", "kind of"); after a safety check-in it counts as the worrying answer.
    case unsure
    /// A yes to a safety check-in, said any way ("ye", "all the time", "its crossed my mind").
    case checkYes = "check_yes"
    /// A yes to "are you having thoughts…" said only as when or how often ("tonight", "all the time", "let me think
    /// about it"): to "are you safe right now?" it is no answer at all, never a yes (QA24 S1-3).
    case checkWhen = "check_when"
    /// A no to a safety check-in ("nah", "hell no", "not at all").
    case checkNo = "check_no"
    /// "I'm okay" said any way ("im fine", "just tired"): reassuring whichever check-in was asked.
    case reassure
    /// Anything alarming in an answer to a check-in ("the pills", "already took"): never a plain no.
    case alarm
    /// Words that say nothing on their own ("ugh", "honestly", "btw"), set aside around an answer.
    case filler
    /// Words that are never a name ("hello", "idk", "goodbye", "weekends").
    case notName = "not_name"
    /// Days and spans of days, for a best time ("weekends", "tuesday", "mon").
    case days
    /// "As soon as possible", for a best time ("right now", "asap").
    case soon
    /// Asking to change a detail at the summary ("change", "wrong", "instead").
    case change
    /// Someone else ("my bf", "my sister", "he"), for a check-in about another person.
    case otherPerson = "other_person"
    /// A hint that something was taken ("took something", "smoked"), for a check-in about an overdose.
    case useHint = "use_hint"
    /// Not wanting a call ("dont call anyone", "no dont call me"): after a crisis reply or a check-in in the middle of
    /// a request, the request is dropped, never saved nor sent.
    case callOff = "call_off"
    /// Hostility ("this is stupid", "you people are useless"): in the middle of a request, a calm word and the
    /// step's question again, never a name or an unreadable number.
    case hostile
    /// An accusation that the center or the assistant doesn't care ("YOU PEOPLE DONT CARE", "you guys never cared
    /// about me"): with no question, the calm fallback, never an article passage (QA33 S2-15).
    case accusation
    /// How the body feels ("dead tired", "cant sleep", "shaky") and words that tie it to stopping ("since i quit",
    /// "withdrawal", "is that normal"): with both, a medical question the knowledge doesn't answer; the honest word
    /// about detox and withdrawal, never an article passage (QA33 S2-16).
    case bodySymptom = "body_symptom"
    case sinceStopping = "since_stopping"
    /// Harm-reduction supplies ("fentanyl test strips", "narcan"): whether the center gives them out is not in the
    /// knowledge; never the article's "IOP isn't a test" (QA33 S2-17).
    case harmReduction = "harm_reduction"
    /// The program's groups and sessions: at the time step, a question with one of these ("are there evening
    /// groups?") is about the program, not a time offered ("evenings work?").
    case programWords = "program_words"
    /// After a crisis reply: something already taken or done ("already took them"): the overdose reply, 911 first.
    case taken
    /// "im safe" said plainly after a crisis reply: taken as the answer to "are you safe right now?".
    case safeNow = "safe_now"
    /// "idk" to a safety question: a gentle re-ask, never the crisis reply by itself.
    case dontKnow = "dont_know"
    /// At the summary, "send" or "yes send it": a yes, whatever else the line says ("no wait yes send it").
    case send
    /// After a save whose outcome couldn't be learned: "try again", "resend", "send it again" send the same request.
    case resend
    /// Words for someone else as "she" or "he" ("herself", "my daughter"), to ask about them.
    case sheWords = "she_words"
    case heWords = "he_words"
    /// The visitor speaking of their own state or intent ("im", "ill", "myself"): never only someone else at risk.
    case selfWords = "self_words"
    /// "Ok" on its own in the open conversation.
    case ack
    /// Emoji that say "ok" on their own ("👍", "👌🏽"), kept as typed: the words of a message leave them out.
    case ackMarks = "ack_marks"
    /// Drunk or high right now ("sooo drunk rn", "kinda high lol").
    case intoxicatedNow = "intoxicated_now"
    /// Drinking or using while coming back ("and keep drinking a little"): no bare yes or no, and a person named.
    case continuedUse = "continued_use"
    /// "Are you there?" on its own.
    case presence
    /// The words for each detail, to change it at the summary ("the time", "my number").
    case nameField = "name_field"
    case phoneField = "phone_field"
    case timeField = "time_field"
    case voicemailField = "voicemail_field"
    /// Going on without a name ("no name", "anonymous"), at the consent step as at the name step.
    case anonymous
    /// A goodbye ("bye", "gotta go", "ok thanks bye").
    case bye
    /// A pause ("no wait", "hold on"): at the summary, nothing is sent nor discarded.
    case wait
    /// Right after a cancel, taking it back ("wait no, send it", "actually yes i do").
    case undo
    /// Asking for a person ("a human", "operator"): the center's number comes with the offer of a call.
    case human
    /// A decline after the offer of a call ("im good for now", "maybe later", "ill call next week").
    case decline
    /// How someone is related to the person the call is about ("his mom"): never the name itself.
    case relation
    /// Spanish words: a message mostly made of them gets `english_only`; a crisis message with two of them gets the
    /// numbers in Spanish too (`crisis_spanish`).
    case spanish
    /// A call asked for in Spanish ("me pueden llamar", "llamenme"): the number's step, with a line in Spanish.
    case spanishCallAsk = "spanish_call_ask"
    /// The visitor's English said to be weak, in English or Spanish ("sorry my english", "no hablo ingles"): the
    /// Spanish line that only English is read here, after the answer to what was asked in English (QA30 S2-16).
    case weakEnglish = "weak_english"
    /// A feeling or a hard thing shared ("ugh", "scared", "died"): a fallback for it acknowledges it first.
    case feeling
    /// Good news shared ("it was helpful", "doing better"): after any hard word, a fallback is glad of it instead.
    case goodNews = "good_news"
    /// Someone close to the visitor ("my son", "my wife"), and that person's leaving told in the third person ("he
    /// stopped going"); with both, and none of `own_leaving`, the center's copy is introduced as for someone else.
    case familyMember = "family_member"
    case theirLeaving = "their_leaving"
    /// The visitor's own leaving ("i stopped going", "can i come back"): the message is about the visitor.
    case ownLeaving = "own_leaving"
    /// Someone else spoken of ("him", "her", "my son"): with a fallback, the visitor may be asking how to help them.
    case someoneElse = "someone_else"
    /// Something hard said about oneself with a cancel ("i dont deserve help"): the cancel says one kind line.
    case selfJudgment = "self_judgment"
    /// A bare reply with nothing to answer in the open conversation ("yes", "no", "lol").
    case shortReply = "short_reply"
    /// The digits as words, zero to nine in that order, to read a number spelled out at the phone step.
    case digitWords = "digit_words"
    /// Ten to nineteen as words, in that order, and twenty to ninety: an extension said in words ("extension twelve",
    /// "ext twenty three") is read as its digits (QA37 S2-4).
    case teenWords = "teen_words"
    case tensWords = "tens_words"
    /// Words that say an extension follows the number ("extension", "ext", "press"): the digits or number
    /// words after one are the extension, never more of the number.
    case extensionWords = "extension_words"
    /// Someone may see the visitor's phone ("he checks my phone"): a call asked for with it leaves no voicemail.
    case phoneWatched = "phone_watched"
    /// A call asked for someone else ("call her instead of me", "her number is"): the call is for the visitor.
    case callForOther = "call_for_other"
    /// Asking whether the assistant is a counselor or a person ("are you a real counselor?"): beside a question the
    /// knowledge can't answer, the assistant's own answer instead of the plain fallback (QA30).
    case asksWhatYouAre = "asks_what_you_are"
    /// A text asked for instead of a call ("text me instead"): only a call can be asked for.
    case textRequest = "text_request"
    /// The visitor reached a crisis line after a crisis reply ("i called 988", "texted the lifeline").
    case reachedHelp = "reached_help"
    /// No plan or intent to act, said plainly ("im not going to do anything, i just feel that way").
    case noIntent = "no_intent"
    /// Taking back a request already sent ("delete my number", "i dont want them to call anymore").
    case withdrawRequest = "withdraw_request"
    /// Asking how a call can stay discreet ("will they say its a rehab", "can you not call me at home").
    case discreetCall = "discreet_call"
    /// Asking to be called, in any words ("have them call", "can someone call").
    case callAsk = "call_ask"
    /// "How soon will they call".
    case callTiming = "call_timing"
    /// A short ok that acknowledges without asking for a call ("ok good", "its fine").
    case weakYes = "weak_yes"
    /// Going back to the callback request after a safety question ("can we finish the callback").
    case resumeForm = "resume_form"
    /// After a leading no at the consent question, the call asked for oneself ("no call me instead"): a yes.
    case ownCall = "own_call"
    // Round 17 (QA19).
    /// The visitor says a crisis reply misread them ("you misread that", "i build bridges for a living").
    case misread
    /// A death told as over ("hes gone", "passed away", "didnt make it"), and a time in the past ("last night"): with
    /// both and no sign of now, someone else's overdose is a loss, not an emergency to act on.
    case lossTold = "loss_told"
    case lossPast = "loss_past"
    /// Signs that an overdose is happening now ("not breathing", "blue"): never a loss told.
    case lossNow = "loss_now"
    /// How a worried visitor tells what they saw or fear ("i think", "i saw", "im worried"): set aside before asking
    /// whether a sentence speaks of the visitor's own state.
    case witnessing
    /// The visitor saying a crisis told of a friend was their own all along ("ok its me", "the friend is me").
    case itsMe = "its_me"
    /// "its me again", "hi its me from yesterday": a visitor coming back, never a crisis told of a friend owned up to.
    case itsMeAgain = "its_me_again"
    /// Saying one served ("im a vet", "did two tours", "i was in the army"): crisis replies add the Veterans Crisis Line.
    case served
    /// A firearm named ("gun", "pistol", "rifle"): the visitor's own crisis reply adds putting distance from it.
    case firearm
    /// The visitor's own anger at someone ("i could kill him", "so mad at"): the plain question about danger.
    case ownAnger = "own_anger"
    /// A weapon named ("gun", "rifle", "knife"): someone else's suicidal words with one get 911 first.
    case weapon
    // Round 18 (QA20): the callback form.
    /// A time gone by in a story ("last night", "yesterday", "ago"): never a time to call.
    case storyPast = "story_past"
    /// A verb in the past ("got", "said", "used"): beside "this morning" or "today", the time is the story's.
    case pastVerb = "past_verb"
    /// A wish said in the past tense ("i was hoping", "was thinking"): its time is still a time to call.
    case timeWish = "time_wish"
    /// Words for the summary ("looks right", "go ahead", "send it"): at the voicemail step, no choice to name the
    /// center.
    case summaryYes = "summary_yes"
    /// Words about what a voicemail says ("leave", "name", "center"): a yes with them is about the voicemail.
    case leaveWords = "leave_words"
    /// A note for the center asked for at the summary ("tell them", "i need a spanish speaker").
    case noteRequest = "note_request"
    /// The visitor says they will hurt someone ("im going to stab", "imma shoot"): the danger reply for that.
    case harmIntent = "harm_intent"
    /// A child named ("my 4 year old", "my kids", "the baby"): with no "me" or "us", the danger is the child's.
    case childAtRisk = "child_at_risk"
    /// A harm aimed at someone else ("choking her", "wont let him leave", "her boyfriend"): with no "me" or "us", the
    /// danger told is that person's.
    case harmToOther = "harm_to_other"
    /// Thoughts or fears of one's own ("keep thinking about", "scared i might"): beside a child named, harm thoughts.
    case harmThoughts = "harm_thoughts"
    /// Drunk or high now ("wasted", "high af", "been drinking"): beside `drivingNow` in a danger message, an impaired
    /// driver (QA26), whose reply is the driver's or the bystander's by `drivingMyself`.
    case impairedNow = "impaired_now"
    /// Driving or about to ("drive", "behind the wheel", "her keys"): beside `impairedNow`, an impaired driver.
    case drivingNow = "driving_now"
    /// The visitor is the one who would drive ("im about to drive", "i have to drive home", "get in my car").
    case drivingMyself = "driving_myself"
    /// An urge to use now, said so that it can mean nothing else ("talk me out of using", "outside my dealers") (QA25 S1-4).
    case useUrge = "use_urge"
    /// Using soon, said so that it may mean something else ("gonna use", "want to drink"): an urge beside `urgeNow`.
    case useSoon = "use_soon"
    /// Now, or a plea beside using soon ("tonight", "rn", "so bad", "stop me").
    case urgeNow = "urge_now"
    /// An urge told as past, asked about, or about something else ("last week", "is that normal", "use the app").
    case urgeNot = "urge_not"
    /// Weariness said beside a "no" to the question about suicide ("just tired of everything"): still a no (QA25 S3-6).
    case wearyNo = "weary_no"
    /// Asking to talk to someone right now ("talk me out of it", "need someone to talk to now"): a call later is no
    /// answer to that on its own.
    case talkNow = "talk_now"
    // Session 19 (QA21): crisis words in context, and the callback form.
    /// A plan told ("i have a plan", "ive got it planned"): with thoughts of suicide said before or beside it, the
    /// full crisis reply, never the check-in again.
    case planTold = "plan_told"
    /// Thoughts of suicide said plainly or vaguely ("been thinking about it", "ending it"): beside a plan, a crisis.
    case ideation
    /// Wanting to be with someone ("be with him", "see her again", "join them"): beside a death told, a check-in.
    case joinLost = "join_lost"
    /// A death told ("he passed", "died", "lost my son"), for ``joinLost``.
    case lossSaid = "loss_said"
    /// Where wanting to be with someone is about a visit, not a death ("custody", "visit").
    case joinNotLoss = "join_not_loss"
    /// A past suicide attempt told ("i tried to kill myself last year"): a gentle 988 line after the answer.
    case pastAttempt = "past_attempt"
    // Round 20 (QA22).
    /// A death told as long past ("years ago", "after he left", "in treatment"): with a loss told, no emergency now.
    case lossLongPast = "loss_long_past"
    /// What takes back a denial after "but" ("i dont want to die but i kinda do"): the check-in.
    case denialTakenBack = "denial_taken_back"
    /// A change of mind after a "no" to the question about suicide ("wait actually", "i lied"): a yes then counts.
    case changedMind = "changed_mind"
    /// A relapse told ("relapsed", "used again"): "do it again" beside it is using again.
    case relapseTold = "relapse_told"
    /// A death of someone close told ("my husband died", "she passed away", "lost my mom"): a word of sorrow before
    /// the answer.
    case griefTold = "grief_told"
    /// How the center's copy opens when it tells the visitor what they thought ("You told yourself…"): left out after
    /// a loss told, where it would tell a grieving person what they thought.
    case presumedThoughts = "presumed_thoughts"
    /// Too much of a medicine, or a dose taken twice or by mistake ("how much tylenol is too much", "took my meds
    /// twice"): the medication answer adds Poison Control.
    case amountTaken = "amount_taken"
    /// Feeling alone or uncared for ("nobody cares", "i feel so alone", "i have no one").
    case lonelyTold = "lonely_told"
    /// A call asked for at once ("call me right now"): a call from the center isn't immediate, and that is said.
    case callNow = "call_now"
    /// An email asked for instead of a call ("can you email me instead").
    case emailRequest = "email_request"
    // Session 21 (QA23, s21-qa23safety).
    /// Acts that prepare for an ending ("wrote a note", "said bye to my kids"): after the question about suicide, a crisis.
    case preparationTold = "preparation_told"
    /// A note or goodbye of everyday life ("a thank you note to my counselor"): never a preparation.
    case preparationNot = "preparation_not"
    /// An overdose told ("overdosed", "od'd"), the visitor's own ("i overdosed"), and signs it was survived ("hes home
    /// now"): someone close who survived an overdose is at higher risk for weeks.
    case overdoseTold = "overdose_told"
    case ownOverdose = "own_overdose"
    case overdoseSince = "overdose_since"
    /// Signs that an overdose is happening now ("not breathing", "cant wake him"): never an overdose survived.
    case overdoseNow = "overdose_now"
    /// Means at hand, a plan or a time told with a crisis ("a rope in the garage", "tonight"): a question beside it waits.
    case crisisMeans = "crisis_means"
    /// A question said as a wish ("i just want to know if i can come back"): beside a crisis, answered after it.
    case wantToKnow = "want_to_know"
    // Session 21 (QA23).
    /// A question about what happens next ("what happens now"): answered mid-form, never a time.
    case whatNext = "what_next"
    /// The call is about someone else ("its for my son actually"): at the name step, never a name.
    case forSomeone = "for_someone"
    /// Handling it alone ("ill sort it out myself tonight", "nobody answers anyway"): no answer to a form step.
    case onMyOwn = "on_my_own"
    /// Not a call ("text dont call", "instead of calling"): with a text asked for, the call is not assumed.
    case noCall = "no_call"
    /// "no i mean …" after a check-in: what follows says what the visitor meant.
    case meant
    // Round 21 (QA23).
    /// What opens a short follow-up to the last answer ("and if", "what about", "how about").
    case followUpLead = "follow_up_lead"
    /// Words that point back without naming anything ("the other one", "that", "it").
    case vagueReference = "vague_reference"
    /// Asking what a word means ("what does … mean", "stand for").
    case meaningAsk = "meaning_ask"
    /// Someone else calling the center for the visitor ("can my mom call for me").
    case callsForMe = "calls_for_me"
    /// Something asked to be sent to someone else ("send my PO proof", "send him something").
    case sendToOthers = "send_to_others"
    // Session 22 (QA24).
    /// Emoji that say yes to the form's questions ("👍", "✅"), kept as typed like ``ackMarks``.
    case yesMarks = "yes_marks"
    /// Not giving a number at the number's step ("id rather not give my number"): no typo, the center's number.
    case refuseNumber = "refuse_number"
    /// A hesitant yes to the voicemail question ("i guess so", "if they have to"): the private choice, said so.
    case hesitantYes = "hesitant_yes"
    /// What a phone number is called ("cell", "work", "home"): "the cell" picks that number of two.
    case phoneLabel = "phone_label"
    /// A second number given as a backup ("if no answer try …"): the first one is the one to call.
    case backupNumber = "backup_number"
    /// A cancel that says the visitor will call the center themselves ("ill just call them myself"): the number is
    /// given with the cancel (QA25 S3-9).
    case callMyself = "call_myself"
    /// A visitor asking whether to call the center for someone else ("should i make the call on his behalf"): anyone
    /// can call (QA25 S2-15).
    case callsForOther = "calls_for_other"
    /// Coming back said as a thought, not a request ("just thinking about going back"): never the callback form
    /// (QA25 S2-11).
    case ambivalent
    // Session 24 (QA26).
    /// A call wished for in other words ("i would appreciate a call", "have a counselor contact me").
    case callWish = "call_wish"
    /// A request to drop or show the assistant's instructions ("ignore previous instructions", "system prompt").
    case instructionsProbe = "instructions_probe"
    /// Signing someone else up or getting them back in ("sign her up again", "make him go"), with
    /// ``withoutTheirSay``: what the center does without that person's say is not in the knowledge (QA28).
    case enrollOther = "enroll_other"
    /// Someone else's use told ("just drinking a lot", "hes using again"), in a message that opens with them.
    case theirUse = "their_use"
    /// Asking to know, not for a call ("just want to know how to rejoin", "wondering if"): a request read as ready to
    /// come back gets the answer instead of the callback form.
    case asksToKnow = "asks_to_know"
    /// Without the other person agreeing ("without her ok", "behind his back", "even if he says no").
    case withoutTheirSay = "without_their_say"
    /// One person on the staff ("my old counselor").
    case staffPerson = "staff_person"
    /// A person on the staff named with a title ("dr patel", "ms johnson").
    case staffTitle = "staff_title"
    /// Whether that person still works there ("still working there").
    case staffStill = "staff_still"
    /// What that person thought, said or did about the visitor ("asked about me", "remember me").
    case staffAboutMe = "staff_about_me"
    // Session 24 (QA27).
    /// What happens to what the visitor gives ("what do u do with my info", "where does my number go").
    case privacyAsk = "privacy_ask"
    /// What 988 is ("whats 988", "who is 988").
    case ask988 = "ask_988"
    /// The street address or a distance asked for ("whats your address", "how far are you from athens").
    case addressAsk = "address_ask"
    // Session 26 (QA31 S1-2).
    /// Stopping a substance, on one's own or at once ("quit opiates cold turkey", "stop drinking on my own").
    case stopSubstance = "stop_substance"
    /// Asking whether something is safe or wise ("is it safe", "ok to", "should i"): beside ``stopSubstance``, a medical
    /// question a person must answer, never the article's "Yes."
    case asksSafe = "asks_safe"
    /// A medicine prescribed ("my suboxone", "my meds", "my antidepressants"): stopping it is the medication reply's.
    case prescribedMed = "prescribed_med"
    /// Closing or putting off said with an "ok" or "sure" after the offer of a call ("ok, thats all i needed", "sure,
    /// ill think about it"): the offer let go, never the consent question (QA31 S2-9).
    case offerLetGo = "offer_let_go"
    /// A deadline for something else ("i need it by friday", "the letter is due monday"): never a time to call (QA31 S2-6).
    case deadline
    /// A time said again as the one that stands ("mornings was right", "keep it mornings", "stick with evenings"):
    /// with a time named, that time, never a "no" to anything (round 29, QA35 S2-2).
    case timeKept = "time_kept"
    /// A time named only as the one said before ("the first one was right", "go back to what i said before"): the
    /// time a change replaced is put back.
    case timeBefore = "time_before"

    /// Whether dialogue.yaml must list this kind (the others may be left out).
    public var isRequired: Bool {
        [.yes, .no, .skip, .cancel, .discreet, .hello, .thanks].contains(self)
    }
}

/// OpenDoor's own messages, with center facts filled in.
public struct DialogueText: Sendable {
    /// The heading replies in OpenDoor's own words name as their source.
    public var heading: String
    /// Intents offered as options with the welcome.
    public var welcomeOptions: [IntentID]
    /// Every message by key.
    public var messages: [DialogueKey: String]
    /// The choices offered at each step of a callback request.
    public var stepOptions: [ConversationState: [String]]
    /// Short answers by kind, normalized ("thats fine").
    public var words: [AnswerWord: [String]]
    /// The answers to questions about a crisis, after its reply, in the file's order.
    public var followUps: [SafetyFollowUp]
    /// Instead of an intent's answer while callback requests can't be saved, for answers that offer a call.
    public var noCallbackAnswers: [IntentID: String]

    /// Creates the messages.
    public init(
        heading: String, welcomeOptions: [IntentID], messages: [DialogueKey: String],
        stepOptions: [ConversationState: [String]] = [:], words: [AnswerWord: [String]] = [:],
        followUps: [SafetyFollowUp] = [], noCallbackAnswers: [IntentID: String] = [:]
    ) {
        self.heading = heading
        self.welcomeOptions = welcomeOptions
        self.messages = messages
        self.stepOptions = stepOptions
        self.words = words
        self.followUps = followUps
        self.noCallbackAnswers = noCallbackAnswers
    }

    /// Which kind of short answer a message starts with, checking `kinds` in order.
    public func answer(_ message: String, among kinds: [AnswerWord]) -> AnswerWord? {
        let words = TextNormalizer.words(message)
        guard !words.isEmpty else { return nil }
        for kind in kinds {
            for phrase in self.words[kind] ?? [] {
                let parts = phrase.split(separator: " ")
                if words.count >= parts.count && zip(words, parts).allSatisfy({ $0 == $1 }) {
                    // A cancel word must be most of the message: "stop" yes, "stop by tomorrow" no.
                    if kind == .cancel && words.count > parts.count + 2 { continue }
                    return kind
                }
            }
        }
        return nil
    }

    /// Whether a message is made only of the marks of `kind` (``AnswerWord/ackMarks``): "👍", "👍🏽👍". A skin tone or
    /// the emoji presentation selector doesn't change what a mark says.
    public func isOnlyMarks(_ message: String, _ kind: AnswerWord) -> Bool {
        guard let marks = words[kind], !marks.isEmpty else { return false }
        // Canonically equivalent texts have the same canonical decomposition, which is at most four scalars for each
        // one (UAX #15) and never fewer: a character of more scalars than that (one letter under a thousand accents)
        // is no mark, found without comparing it with each.
        let longest = 4 * (marks.map { $0.unicodeScalars.count }.max() ?? 0)
        var found = false
        for character in message where !character.isWhitespace {
            // A character with no skin tone or selector to drop is its own plain mark: no new text built (round 27:
            // building one for the first letter of every message was 2% of answering a question).
            let text = String(character)
            let plain = character.unicodeScalars.contains(where: Self.isDroppedFromMark) ? Self.plainMark(text) : text
            guard plain.unicodeScalars.count <= longest, marks.contains(plain) else { return false }
            found = true
        }
        return found
    }

    /// A mark without skin tone modifiers and variation selectors.
    static func plainMark<S: StringProtocol>(_ mark: S) -> String {
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: mark.unicodeScalars.filter { !isDroppedFromMark($0) })
        return String(scalars)
    }

    /// Whether ``plainMark(_:)`` drops `scalar`: a skin tone modifier or the emoji presentation selector.
    @inline(__always)
    static func isDroppedFromMark(_ scalar: Unicode.Scalar) -> Bool {
        (0x1F3FB...0x1F3FF).contains(scalar.value) || scalar.value == 0xFE0F
    }

    /// The message for a key (the loader guarantees every key is present).
    public subscript(key: DialogueKey) -> String {
        messages[key] ?? ""
    }
}
