//! Chat sentiment: a compound score in −1..1 and a class for each chat message.
//!
//! The chat aggregates average the score per window and count the classes (SPEC §2);
//! `telemetra sentiment` prints it. The model is VADER (Hutto & Gilbert, ICWSM-14), a
//! lexicon and rule-based model made for social-media text, extended for Twitch chat.
//!
//! VADER comes from the `vader-parity` crate, which reproduces Python vaderSentiment
//! 3.3.2 exactly (the published examples in the tests below match to the last digit),
//! has no dependencies and is MIT/Apache-2.0. Its rules are also implemented in
//! `vader.rs`, over the same data, as an allocation-free path for ASCII text (most
//! chat) that gives the same compound to the last bit and is tested against
//! `vader-parity`; other text goes to `vader-parity`. The older `vader_sentiment` port
//! (0.1.1) also builds, but drifts from the reference on boosters, emoji and idioms
//! (it scores "he is at least smart" negative, "these are the shittiest of times"
//! positive) and its idiom check iterates a `HashMap`, so results can depend on hash
//! order.
//!
//! `vader-parity` has no way to add lexicon entries, so the Twitch extension works on
//! the text instead: before scoring, each emote, each chat emoji VADER misreads and
//! each chat word the general lexicon misses is replaced by a *stand-in*, an ordinary
//! word whose VADER valence has the polarity we want (`EMOTES`, `SLANG`). VADER
//! then treats the stand-in like any word, so its rules keep working on emotes:
//! negation ("this is NOT PogChamp"), intensifiers ("so PogChamp"), "but",
//! and "!!!" emphasis. The same pass reads two chat phrases ("LETS GOOO", "no way")
//! and undoes elongation ("sooooo goooood" → "so good", "LOOOOL" → "LOL").
//!
//! Constraints: no I/O; deterministic (the same text gets the same score on every
//! thread and run); cheap enough for the engine's per-event path. VADER costs a few
//! hundred nanoseconds a message on the ASCII path (microseconds otherwise), so two
//! shortcuts avoid it, both exact: a message made only of common words VADER does not
//! know (`COMMON_WORDS`) scores 0 without it, and recent scores are cached, because
//! chat repeats itself ("KEKW", "LUL", "gg"). The cache is keyed by the text VADER
//! scores, in which common words that only count by their place are one filler word,
//! so "what game PogChamp" and "which map PogChamp" share an entry (`FILLER_WORD`).

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::hash::BuildHasher;
use std::ops::Range;
use std::sync::Mutex;

use foldhash::fast::FixedState;
use smallvec::SmallVec;
use vader_parity::SentimentIntensityAnalyzer;

use crate::vader::{is_ascii_space, without_punctuation, FastVader};

/// Compound score at or above which a message is positive (VADER's usual cut-off).
pub const POSITIVE_THRESHOLD: f64 = 0.05;
/// Compound score at or below which a message is negative (VADER's usual cut-off).
pub const NEGATIVE_THRESHOLD: f64 = -0.05;

/// Cache slots of [`SentimentModel::new`], about 5 MB when full: enough for the hot
/// set of many busy channels (the generator's chat, which repeats little, needs
/// ~50 000 per 200 000 messages).
const DEFAULT_CACHE_SLOTS: usize = 65_536;
/// Longer messages are not cached: they rarely repeat, and this bounds the memory.
const MAX_CACHED_LEN: usize = 200;

/// The class of a message, from its compound score.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SentimentClass {
    /// Compound ≤ −0.05.
    Negative,
    /// Between the two thresholds.
    Neutral,
    /// Compound ≥ 0.05.
    Positive,
}

impl SentimentClass {
    /// The class of a compound score, with VADER's usual thresholds.
    pub fn from_compound(compound: f64) -> Self {
        if compound >= POSITIVE_THRESHOLD {
            Self::Positive
        } else if compound <= NEGATIVE_THRESHOLD {
            Self::Negative
        } else {
            Self::Neutral
        }
    }

    /// −1, 0 or 1.
    pub fn as_i8(self) -> i8 {
        match self {
            Self::Negative => -1,
            Self::Neutral => 0,
            Self::Positive => 1,
        }
    }
}

/// The sentiment of one message.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sentiment {
    /// VADER's normalised compound score, −1..1, rounded to 4 decimals.
    pub compound: f64,
    /// The class of `compound`.
    pub class: SentimentClass,
}

impl Sentiment {
    fn from_compound(compound: f64) -> Self {
        Self {
            compound,
            class: SentimentClass::from_compound(compound),
        }
    }
}

/// A token that is scored as another word.
#[derive(Clone, Copy, Debug)]
struct StandIn {
    /// What chat writes: an emote name, an emoji, a slang word.
    token: &'static str,
    /// The word VADER scores in its place.
    word: &'static str,
    /// The class the token alone must get (checked by a test).
    #[cfg_attr(not(test), allow(dead_code))]
    class: SentimentClass,
}

const fn pos(token: &'static str, word: &'static str) -> StandIn {
    StandIn {
        token,
        word,
        class: SentimentClass::Positive,
    }
}

const fn neg(token: &'static str, word: &'static str) -> StandIn {
    StandIn {
        token,
        word,
        class: SentimentClass::Negative,
    }
}

const fn neutral(token: &'static str) -> StandIn {
    StandIn {
        token,
        word: NEUTRAL_WORD,
        class: SentimentClass::Neutral,
    }
}

/// Stand-in of neutral emotes: not in VADER's lexicon, not a booster or a negation.
/// Neutral emotes are still replaced so that they count like a word, never as caps.
const NEUTRAL_WORD: &str = "emote";

/// Twitch emotes (global, and the common BetterTTV/FrankerFaceZ/7TV ones) and the
/// chat emoji VADER misreads, with their stand-ins; the number is the stand-in's
/// VADER valence (−4..4). Names are case-sensitive, as on Twitch: "LUL" is the
/// emote, "lul" is just a word. "<3" is not here because VADER already knows it (+1.9).
///
/// An emote's stand-in is written in lower case, or in upper case when every other
/// word of the message is upper case, so that an emote never turns VADER's ALL-CAPS
/// emphasis on or off: "LUL" is a name, not shouting.
const EMOTES: &[StandIn] = &[
    // Hype and praise.
    pos("PogChamp", "awesome"), // +3.1
    pos("Pog", "awesome"),
    pos("PogU", "awesome"),
    pos("POGGERS", "awesome"),
    pos("Kreygasm", "amazing"),  // +2.8
    pos("🔥", "great"),          // +3.1; VADER reads "fire" (−1.4)
    pos("catJAM", "fun"),        // +2.3
    pos("Clap", "applause"),     // +1.8
    pos("SeemsGood", "nice"),    // +1.8
    pos("FeelsGoodMan", "good"), // +1.9
    pos("👍", "good"),           // VADER reads "thumbs up" (0)
    pos("CoolCat", "cool"),      // +1.3
    pos("EZ", "okay"),           // +0.9: mildly
    pos("HeyGuys", "welcome"),   // +2.0
    pos("VoHiYo", "welcome"),
    pos("❤", "love"), // +3.2; VADER reads "red heart" (0)
    // Laughter.
    pos("KEKW", "lmao"), // +2.9
    pos("LULW", "lmao"),
    pos("OMEGALUL", "rofl"), // +2.7
    pos("LUL", "lol"),       // +1.8
    pos("4Head", "haha"),    // +2.0
    pos("PepeLaugh", "haha"),
    // Sadness, boredom, disgust, fear, anger.
    neg("BibleThump", "crying"), // −2.1
    neg("PepeHands", "sad"),     // −2.1
    neg("Sadge", "sad"),
    neg("FeelsBadMan", "sad"),
    neg("ResidentSleeper", "boring"), // −1.3
    neg("😴", "boring"),              // VADER reads "sleeping face" (0)
    neg("NotLikeThis", "ugh"),        // −1.8
    neg("DansGame", "gross"),         // −2.1
    neg("WutFace", "scared"),         // −1.9
    neg("monkaW", "scared"),
    neg("monkaS", "nervous"),    // −1.1: mildly
    neg("WeirdChamp", "weird"),  // −0.7
    neg("SwiftRage", "angry"),   // −2.3
    neg("😡", "angry"),          // VADER reads "pouting face" (0)
    neg("BabyRage", "annoying"), // −1.7
    neg("PJSalt", "bitter"),     // −1.8
    neg("👎", "bad"),            // −2.5
    // Irony, greetings, memes: no polarity of their own.
    neutral("Kappa"),
    neutral("Keepo"),
    neutral("TriHard"),
    neutral("Jebaited"),
    neutral("FrankerZ"),
    neutral("MrDestructoid"),
    neutral("CoolStoryBob"),
    neutral("SMOrc"),
];

/// Chat words the general lexicon misses or reads the other way, matched without
/// regard to case; the stand-in keeps the word's caps ("TRASH" → "AWFUL"), so ALL-CAPS
/// emphasis still applies. Kept small on purpose: only words whose chat meaning is
/// clear. "sick" stays VADER's (−2.3): "sick play" and "I feel sick" are both chat.
const SLANG: &[StandIn] = &[
    pos("hype", "exciting"), // +2.2; not in VADER
    pos("hyped", "exciting"),
    pos("insane", "impressive"), // +2.3; VADER −1.7, praise in gaming chat
    pos("goated", "awesome"),
    pos("clutch", "impressive"),
    neg("trash", "awful"), // −2.0; not in VADER
    neg("garbage", "awful"),
    neg("cringe", "embarrassing"), // −1.6
    neg("unlucky", "unfortunate"), // −2.0
    neg("rip", "unfortunate"),
    neg("salty", "bitter"),
    neg("tilted", "frustrated"), // −2.4
    neg("toxic", "hostile"),     // −1.6; not in VADER
    neutral("discord"),          // the chat app; VADER −1.7
];

/// Two chat phrases are read as one: "lets go" / "LETS GOOO" / "letsgo" at the end of
/// a message (or before emotes or "!") is hype, its "go" scored as this word (+2.4),
/// while "lets go to the shop" is not; and the "no" of "no way" is amazement, scored
/// as a neutral word rather than as a negation of what follows ("no way PogChamp").
const LETS_GO_WORD: &str = "yay";

/// Common words and chat words, lower case. A message made only of these (and of
/// neutral emotes) is scored 0 without running VADER, which is exact as long as VADER
/// gives none of them a valence: [`SentimentModel::new`] checks that and drops any it
/// knows, and a test keeps the list clean. The list is a speed-up only; a message
/// with a word missing from it just takes the slower path.
const COMMON_WORDS: &str = "\
    a an the and or if then than so as at by for from in into of off on onto out over to \
    up down with about after before again also just still yet here there now when where \
    why how what which who whom whose this that these those it its it's i i'm im me my \
    mine you you're your yours u ur he he's him his she she's her hers we we're us our \
    they they're them their theirs is am are was were be been being do does did doing \
    done have has had having will would shall should can could may might must get gets \
    got getting go goes going gone went come comes came coming make makes made take \
    takes took see sees saw seen look looks looking watch watching watched say says said \
    tell told ask asked know knows knew think thinks thought try tries tried use used \
    put give gave let run runs running build building start started end ended wait \
    waiting back next last first second third one two three four five ten hundred all \
    any each every some many much more most other same only own such very too quite \
    almost ever soon today tonight tomorrow yesterday week day days night time times \
    minute minutes hour hours year years chat stream streamer streams streaming game \
    games gaming match round rounds map maps level levels boss bosses item items gear \
    team teams player players mod mods vod vods clip clips song music title category \
    channel viewers raid sub subs bits emote emotes youtube twitch pc console mouse \
    keyboard mic camera cam setup rank ranked queue server patch update version mode \
    quest points score deaths left right bottom side middle inside outside new old big \
    small long short full half game's he'd she'd they'd we'd what's that's there's \
    here's who's where's how's when's anyone anybody someone somebody something anything \
    everything nothing everyone yo hey hi hello sup bro dude guys chat's streamer's";

/// Stand-in for filler words (see [`Role::Filler`]): VADER scores "what game PogChamp"
/// and "which map PogChamp" alike, so they can share a cache entry. Three letters, so
/// that VADER strips punctuation from it as from the words it replaces.
const FILLER_WORD: &str = "zzq";

/// Words VADER's rules compare by spelling, in its idioms ("the shit", "kiss of
/// death", "yeah right"), multi-word boosters ("kind of", "just enough") and the
/// negation and "least" patterns ("never so", "without doubt", "at least"). They
/// are never filler, even when the single-word probe does not notice them.
const VADER_PATTERN_WORDS: &[&str] = &[
    "the", "shit", "bomb", "bad", "ass", "badass", "bus", "stop", "yeah", "right", "kiss", "of",
    "death", "to", "die", "for", "beating", "heart", "just", "enough", "kind", "sort", "kinda",
    "never", "so", "this", "without", "doubt", "at", "least", "very", "but", "no", "not", "nor",
];

/// Elongated words per message resolved by probing VADER (two calls each); later
/// ones keep their two-letter form, so a line of "aaaa aaaa …" cannot cost hundreds
/// of VADER calls.
const MAX_PROBED_ELONGATIONS: usize = 8;

/// The longest word worth looking up in the common words and the slang.
const MAX_WORD_LEN: usize = 16;

/// The sentiment model. Build it once (it parses VADER's lexicons, a few
/// milliseconds) and share it: it is `Send + Sync`, and scoring takes `&self`.
pub struct SentimentModel {
    analyzer: SentimentIntensityAnalyzer,
    /// The same VADER for ASCII text, without allocating.
    fast: FastVader,
    /// Every token the model knows itself: [`EMOTES`] by their exact name, and
    /// [`SLANG`] and the [`COMMON_WORDS`] that VADER gives no valence (for the inert
    /// fast path and the cache key) by lower-case name. One table, so that a word
    /// without capitals, most chat, is found with one lookup whichever it is. Hashed
    /// with a fixed seed: the keys are our own lists, not input.
    known: HashMap<ShortKey, Known, FixedState>,
    /// The emoji among the emotes.
    emoji: Vec<char>,
    /// VADER's compound of "good", to probe whether a word means anything to VADER.
    good: f64,
    cache: ScoreCache,
}

impl SentimentModel {
    /// The model with its default cache of recent scores.
    pub fn new() -> Self {
        Self::with_cache(DEFAULT_CACHE_SLOTS)
    }

    /// The model with `slots` cache entries (rounded up to a power of two); 0 turns
    /// the cache off.
    pub fn with_cache(slots: usize) -> Self {
        let analyzer = SentimentIntensityAnalyzer::new();
        let good = analyzer.polarity_scores("good").compound;
        let emoji = EMOTES
            .iter()
            .filter_map(|e| {
                let mut chars = e.token.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) if !c.is_ascii() => Some(c),
                    _ => None,
                }
            })
            .collect();
        // Checked here rather than trusted: a listed word VADER knows is left out, and
        // one that changes its neighbour ("very", "not", "but") is not filler.
        let common = COMMON_WORDS
            .split_whitespace()
            .filter(|w| analyzer.polarity_scores(w).compound == 0.0)
            .map(|w| {
                let neutral_to_neighbours = !VADER_PATTERN_WORDS.contains(&w)
                    && analyzer.polarity_scores(&format!("{w} good")).compound == good;
                let role = if neutral_to_neighbours {
                    Role::Filler
                } else {
                    Role::Unscored
                };
                (w, Word::Common(role))
            });
        // Slang last: it wins over a common word of the same spelling.
        let slang = SLANG.iter().map(|s| (s.token, Word::Slang(*s)));
        let mut known: HashMap<ShortKey, Known, FixedState> = HashMap::default();
        // Longer words are left out: no token that long is looked up.
        for (name, word) in common.chain(slang) {
            if let Some(known) = Known::entry(&mut known, name) {
                known.word = Some(word);
            }
        }
        for e in EMOTES {
            let known = Known::entry(&mut known, e.token).expect("emote names fit in a key");
            known.emote = Some(*e);
        }
        Self {
            analyzer,
            fast: FastVader::new(),
            known,
            emoji,
            good,
            cache: ScoreCache::new(slots),
        }
    }

    /// Scores one message. Never fails: text with nothing to score is neutral (0).
    pub fn score(&self, text: &str) -> Sentiment {
        let text = self.isolate_emoji(text);
        let text = match self.rewrite(&text) {
            // VADER's score of a text without a single lexicon word is 0: the other
            // rules (negation, boosters, "!") only scale lexicon words' valences.
            Rewritten::Inert => return Sentiment::from_compound(0.0),
            Rewritten::Text(text) => text,
        };
        let set = self.cache.set(&text);
        if let Some(compound) = set.and_then(|s| ScoreCache::get(s, &text)) {
            return Sentiment::from_compound(compound);
        }
        // `+ 0.0` turns a negative zero into zero, so it prints as "0.0000".
        let compound = self.plain_vader(&text) + 0.0;
        if let Some(set) = set {
            ScoreCache::put(set, &text, compound);
        }
        Sentiment::from_compound(compound)
    }

    /// VADER's own compound score of `text` as it is, without the chat extension
    /// (emotes, slang, elongation): what `vader-parity` says, computed by our
    /// allocation-free rules where the text is ASCII. Public so that the fuzz target
    /// can compare the two on any input.
    pub fn plain_vader(&self, text: &str) -> f64 {
        self.fast
            .compound(text)
            .unwrap_or_else(|| self.analyzer.polarity_scores(text).compound)
    }

    /// The text [`Self::score`] hands to VADER, or `None` when it scores 0 without.
    #[cfg(test)]
    pub(crate) fn vader_text(&self, text: &str) -> Option<String> {
        match self.rewrite(&self.isolate_emoji(text)) {
            Rewritten::Inert => None,
            Rewritten::Text(text) => Some(text.into_owned()),
        }
    }

    fn emote(&self, token: &str) -> Option<&StandIn> {
        self.lookup(token)?.emote.as_ref()
    }

    /// What the model knows of a token spelled exactly `token`.
    fn lookup(&self, token: &str) -> Option<&Known> {
        self.known.get(&ShortKey::new(token.as_bytes())?)
    }

    /// The text as VADER should see it: emotes, slang and "lets go" replaced by their
    /// stand-ins, elongations undone. Whitespace and punctuation are kept, so VADER's
    /// "!"/"?" emphasis and emoticons are untouched. Borrows when nothing changes, and
    /// says so when nothing in the text can score.
    fn rewrite<'t>(&self, text: &'t str) -> Rewritten<'t> {
        // On the stack: chat messages are a few words, and this runs for each one.
        let mut edits: SmallVec<[Edit; 8]> = SmallVec::new();
        // Whether no token can carry a valence: then the score is 0 without VADER.
        let mut inert = true;
        // Whether every token that is not an emote is upper case, VADER's way.
        let mut words = 0usize;
        let mut upper_words = 0usize;
        let mut tokens = tokens(text);
        let mut after_lets = false;
        let mut probes_left = MAX_PROBED_ELONGATIONS;
        while let Some(t) = tokens.next() {
            let (token, core) = (t.text, t.core());
            let core_start = t.start + t.core.start;
            let core_end = t.start + t.core.end;
            let exact = self.lookup(core);
            if let Some(e) = exact.and_then(|k| k.emote.as_ref()) {
                edits.push(Edit::emote(core_start, core_end, e.word));
                inert &= e.class == SentimentClass::Neutral;
                after_lets = false;
                continue;
            }
            words += 1;
            // A known token's shape was read when the table was made.
            let shape = exact.map_or_else(|| t.shape(), |k| k.shape);
            let upper = shape.upper;
            upper_words += usize::from(upper);
            if core.is_empty() {
                // Punctuation only: an emoticon (":)") or emphasis ("!!!").
                inert = false;
                after_lets = false;
                continue;
            }
            let edits_before = edits.len();
            let unelongated = shape.elongated.then(|| {
                if probes_left == 0 {
                    return squeeze(core, 2);
                }
                probes_left -= 1;
                self.unelongate(core)
            });
            let known = match &unelongated {
                // A word without capitals is its own lower-case key, already looked up.
                None if !shape.capitals => exact.and_then(|k| k.word.as_ref()),
                _ => self.word(unelongated.as_deref().unwrap_or(core)),
            };
            // Read off `core`, elongations and all ("GOOOO"); a token the tables know
            // has it ready.
            let phrase = exact.map_or_else(|| Phrase::of(core), |k| k.phrase);
            let go = if after_lets {
                phrase.go
            } else {
                phrase.lets_go
            };
            if go && ends_phrase(token, tokens.peek(), |t| self.emote(t).is_some()) {
                edits.push(Edit::word(core_start, core_end, LETS_GO_WORD, upper));
            } else if phrase.no
                && tokens
                    .peek()
                    .is_some_and(|next| Phrase::of(strip_punctuation(next)).way)
            {
                // "no way" is amazement, not a negation of what follows.
                edits.push(Edit::word(core_start, core_end, NEUTRAL_WORD, upper));
            } else if let Some(Word::Slang(s)) = known {
                edits.push(Edit::word(core_start, core_end, s.word, upper));
            } else if let Some(w) = unelongated {
                edits.push(Edit {
                    start: core_start,
                    end: core_end,
                    text: EditText::Owned(w),
                });
            }
            // A word left as it is is inert when it is a common word VADER gives no
            // valence. VADER looks the stripped form up, unless that is two characters
            // or fewer ("is?" stays "is?"), so only then is the stripped form checked.
            // A word left as it is was not unelongated, so `known` is about `core`.
            let common = match known {
                Some(&Word::Common(role))
                    if edits.len() == edits_before
                        && (core.len() == token.len() || core.len() > 2) =>
                {
                    Some(role)
                }
                _ => None,
            };
            inert &= common.is_some();
            if common == Some(Role::Filler) {
                edits.push(Edit::word(core_start, core_end, FILLER_WORD, upper));
            }
            after_lets = phrase.lets;
        }
        if inert {
            return Rewritten::Inert;
        }
        if edits.is_empty() {
            return Rewritten::Text(Cow::Borrowed(text));
        }
        let shouting = words > 0 && upper_words == words;
        let mut out = String::with_capacity(text.len() + 16);
        let mut copied = 0;
        for edit in &edits {
            out.push_str(&text[copied..edit.start]);
            match &edit.text {
                EditText::Emote(w) if shouting => push_upper(&mut out, w),
                EditText::Emote(w) => out.push_str(w),
                EditText::Word(w, true) => push_upper(&mut out, w),
                EditText::Word(w, false) => out.push_str(w),
                EditText::Owned(w) => out.push_str(w),
            }
            copied = edit.end;
        }
        out.push_str(&text[copied..]);
        Rewritten::Text(Cow::Owned(out))
    }

    /// What `word` (ASCII, any case) is in the model's own tables, if anything.
    fn word(&self, word: &str) -> Option<&Word> {
        let mut buf = [0; MAX_WORD_LEN];
        let key = ShortKey::new(ascii_lowercase(word, &mut buf)?)?;
        self.known.get(&key)?.word.as_ref()
    }

    /// The model without its common words: every message goes to VADER.
    #[cfg(test)]
    fn without_common_words(mut self) -> Self {
        for known in self.known.values_mut() {
            if matches!(known.word, Some(Word::Common(_))) {
                known.word = None;
            }
        }
        self
    }

    /// Puts spaces around the emoji of [`EMOTES`], so that "🔥🔥" or "gg🔥" become
    /// tokens of their own like emotes, and drops the variation selector after them
    /// ("❤️" is U+2764 U+FE0F). VADER itself splits emoji out of words the same way.
    fn isolate_emoji<'t>(&self, text: &'t str) -> Cow<'t, str> {
        if text.is_ascii() || !text.chars().any(|c| self.emoji.contains(&c)) {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len() + 8);
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            if self.emoji.contains(&c) {
                out.push(' ');
                out.push(c);
                out.push(' ');
                if chars.peek() == Some(&'\u{fe0f}') {
                    chars.next();
                }
            } else {
                out.push(c);
            }
        }
        Cow::Owned(out)
    }

    /// "goooood" → "good", "sooooo" → "so", "LOOOOL" → "LOL": runs of three or more
    /// letters become two, or one when only that form means something to VADER (or
    /// is slang). Case is kept, so an elongated ALL-CAPS word is still emphasised.
    fn unelongate(&self, word: &str) -> String {
        let two = squeeze(word, 2);
        if self.is_known(&two) {
            return two;
        }
        let one = squeeze(word, 1);
        if self.is_known(&one) {
            one
        } else {
            two
        }
    }

    /// Whether VADER gives `word` a valence or lets it change a neighbour's
    /// (booster, negation, "but"): probed by scoring "<word> good". Only elongated
    /// words get here, so the two extra VADER calls are rare.
    fn is_known(&self, word: &str) -> bool {
        if matches!(self.word(word), Some(Word::Slang(_))) {
            return true;
        }
        let probe = format!("{} good", word.to_lowercase());
        self.analyzer.polarity_scores(&probe).compound != self.good
    }
}

impl Default for SentimentModel {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for SentimentModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SentimentModel")
            .field("known", &self.known.len())
            .field("cache_slots", &self.cache.slots())
            .finish_non_exhaustive()
    }
}

/// What a word of the model's own tables is.
#[derive(Clone, Copy, Debug)]
enum Word {
    /// Chat slang, scored as its stand-in.
    Slang(StandIn),
    /// A common word VADER gives no valence.
    Common(Role),
}

/// What a token spelled exactly this way is in the model's own tables: an emote's
/// name, a word's lower-case form, or both; which phrase words it is; its shape.
#[derive(Clone, Copy, Debug, Default)]
struct Known {
    emote: Option<StandIn>,
    word: Option<Word>,
    phrase: Phrase,
    shape: Shape,
}

impl Known {
    /// The entry of `name` in `table`, made if it is not there; `None` when `name` is
    /// too long to be a key.
    fn entry<'t>(
        table: &'t mut HashMap<ShortKey, Known, FixedState>,
        name: &str,
    ) -> Option<&'t mut Known> {
        // Every key is its own spelling, so which phrase words it is, and its shape,
        // hold for every token found by it.
        Some(
            table
                .entry(ShortKey::new(name.as_bytes())?)
                .or_insert_with(|| Known {
                    phrase: Phrase::of(name),
                    shape: Shape::of(name, name.is_ascii()),
                    ..Known::default()
                }),
        )
    }
}

/// A key of the model's tables, in registers: every token is looked up, and such a
/// key hashes and compares in a few instructions, where a byte-slice key takes a
/// hash loop and a `memcmp` call. It holds the length and the first and last eight
/// bytes (four for shorter words, each byte for the shortest), read without a copy;
/// with the length, those are all the bytes, so equal keys are equal spellings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct ShortKey(u64, u64, u8);

impl ShortKey {
    /// `bytes` as a key, or `None` when they are longer than [`MAX_WORD_LEN`].
    fn new(bytes: &[u8]) -> Option<Self> {
        let n = bytes.len();
        let eight =
            |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().expect("eight bytes"));
        let four = |at: usize| {
            u64::from(u32::from_le_bytes(
                bytes[at..at + 4].try_into().expect("four bytes"),
            ))
        };
        let (first, last) = match n {
            0 => (0, 0),
            1..=3 => (
                u64::from(bytes[0]) | u64::from(bytes[n / 2]) << 8 | u64::from(bytes[n - 1]) << 16,
                0,
            ),
            4..=7 => (four(0), four(n - 4)),
            8..=MAX_WORD_LEN => (eight(0), eight(n - 8)),
            _ => return None,
        };
        Some(Self(first, last, n as u8))
    }
}

/// Which words of the chat phrases "lets go" and "no way" a token is, stretched or
/// not and in any case ("GOOO" is "go").
#[derive(Clone, Copy, Debug, Default)]
struct Phrase {
    go: bool,
    lets_go: bool,
    lets: bool,
    no: bool,
    way: bool,
}

impl Phrase {
    fn of(word: &str) -> Self {
        Self {
            go: stretched(word, "go"),
            lets_go: stretched(word, "letsgo"),
            lets: stretched(word, "lets") || stretched(word, "let's"),
            no: stretched(word, "no"),
            way: stretched(word, "way"),
        }
    }
}

/// What one pass over a token's letters finds.
#[derive(Clone, Copy, Debug, Default)]
struct Shape {
    /// Python's `str.isupper()`, VADER's ALL-CAPS test.
    upper: bool,
    /// An ASCII capital letter somewhere.
    capitals: bool,
    /// A letter repeated three times or more in a row.
    elongated: bool,
}

impl Shape {
    /// The shape of `word`; `ascii` says that it is ASCII, which most chat is, so that
    /// it can be read in one pass over its bytes.
    fn of(word: &str, ascii: bool) -> Self {
        if !ascii {
            return Self {
                upper: is_upper(word),
                capitals: word.bytes().any(|b| b.is_ascii_uppercase()),
                elongated: has_elongation(word),
            };
        }
        let (mut lower, mut capitals, mut elongated) = (false, false, false);
        let (mut prev, mut run) = (0, 0);
        for &b in word.as_bytes() {
            lower |= b.is_ascii_lowercase();
            capitals |= b.is_ascii_uppercase();
            run = if b == prev { run + 1 } else { 1 };
            elongated |= run >= 3 && b.is_ascii_alphabetic();
            prev = b;
        }
        Self {
            upper: capitals && !lower,
            capitals,
            elongated,
        }
    }
}

/// What a common word is to VADER.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    /// No valence and no effect on other words: only its place and its caps count,
    /// so it is scored as [`FILLER_WORD`].
    Filler,
    /// No valence, but a booster, negation or part of one of VADER's patterns.
    Unscored,
}

/// What VADER should score.
enum Rewritten<'t> {
    /// Nothing in the text can carry a valence: its score is 0.
    Inert,
    /// This text.
    Text(Cow<'t, str>),
}

impl Rewritten<'_> {
    #[cfg(test)]
    fn is_inert(&self) -> bool {
        matches!(self, Self::Inert)
    }
}

/// One replacement in the text, by byte range.
struct Edit {
    start: usize,
    end: usize,
    text: EditText,
}

enum EditText {
    /// An emote's stand-in, cased like the message.
    Emote(&'static str),
    /// A slang stand-in, upper case when the word was.
    Word(&'static str, bool),
    /// An unelongated word.
    Owned(String),
}

impl Edit {
    fn emote(start: usize, end: usize, word: &'static str) -> Self {
        Self {
            start,
            end,
            text: EditText::Emote(word),
        }
    }

    fn word(start: usize, end: usize, word: &'static str, upper: bool) -> Self {
        Self {
            start,
            end,
            text: EditText::Word(word, upper),
        }
    }
}

/// Python's `str.isspace()`, which VADER splits on: Unicode white space plus the
/// separator controls U+001C..U+001F.
fn is_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{1c}'..='\u{1f}')
}

/// Whitespace-separated tokens with their byte offsets. ASCII text, most chat, is
/// split byte by byte rather than char by char.
fn tokens(text: &str) -> Tokens<'_> {
    Tokens {
        text,
        at: 0,
        ascii: text.is_ascii(),
    }
}

/// A token of a message and what the rewrite reads off it.
struct Token<'t> {
    /// Where it starts in the message.
    start: usize,
    text: &'t str,
    /// The token without leading and trailing ASCII punctuation ("KEKW," → "KEKW"),
    /// as a range of `text`: empty, at its end, when it is all punctuation.
    core: Range<usize>,
    /// Whether the message is ASCII.
    ascii: bool,
}

impl<'t> Token<'t> {
    fn core(&self) -> &'t str {
        &self.text[self.core.clone()]
    }

    /// The core's shape. Stripped punctuation has no case and is no letter, so it is
    /// also the token's.
    fn shape(&self) -> Shape {
        Shape::of(self.core(), self.ascii)
    }
}

/// The iterator of [`tokens`]. Peeking finds the next token again rather than
/// keeping it: only the rare "lets go" and "no way" candidates look ahead.
struct Tokens<'t> {
    text: &'t str,
    at: usize,
    /// Whether the whole text is ASCII.
    ascii: bool,
}

impl<'t> Tokens<'t> {
    /// The token after the current one, without moving on.
    fn peek(&self) -> Option<&'t str> {
        let (start, end) = self.bounds_from(self.at)?;
        Some(&self.text[start..end])
    }

    /// Where the first token at or after `at` starts and ends.
    fn bounds_from(&self, at: usize) -> Option<(usize, usize)> {
        if self.ascii {
            self.ascii_bounds(at)
        } else {
            let rest = &self.text[at..];
            let start = at + rest.find(|c| !is_space(c))?;
            let rest = &self.text[start..];
            let end = rest
                .find(is_space)
                .map_or(self.text.len(), |len| start + len);
            Some((start, end))
        }
    }

    /// [`Self::bounds_from`] for ASCII text, by plain loops: they cost less than
    /// `position` on the slices (measured), and every word of every message is read
    /// here.
    fn ascii_bounds(&self, at: usize) -> Option<(usize, usize)> {
        let bytes = self.text.as_bytes();
        let mut start = at;
        while bytes.get(start).is_some_and(|&b| is_ascii_space(b)) {
            start += 1;
        }
        let mut end = start;
        while bytes.get(end).is_some_and(|&b| !is_ascii_space(b)) {
            end += 1;
        }
        (end > start).then_some((start, end))
    }
}

impl<'t> Iterator for Tokens<'t> {
    type Item = Token<'t>;

    fn next(&mut self) -> Option<Self::Item> {
        // ASCII text straight to its loops: through `bounds_from`, which is not
        // inlined, this costs 1.4 % more instructions over the whole engine.
        let (start, end) = if self.ascii {
            self.ascii_bounds(self.at)?
        } else {
            self.bounds_from(self.at)?
        };
        self.at = end;
        let text = &self.text[start..end];
        Some(Token {
            start,
            text,
            core: without_punctuation(text.as_bytes()),
            ascii: self.ascii,
        })
    }
}

/// The token without leading and trailing ASCII punctuation ("KEKW," → "KEKW").
fn strip_punctuation(token: &str) -> &str {
    // By bytes: an ASCII byte in UTF-8 is always a whole character, so the cuts fall
    // on character boundaries.
    &token[without_punctuation(token.as_bytes())]
}

/// Python's `str.isupper()`, VADER's ALL-CAPS test: some cased letter, none lower case.
fn is_upper(token: &str) -> bool {
    let mut cased = false;
    for c in token.chars() {
        if c.is_lowercase() {
            return false;
        }
        cased |= c.is_uppercase();
    }
    cased
}

fn push_upper(out: &mut String, word: &str) {
    out.extend(word.chars().map(|c| c.to_ascii_uppercase()));
}

/// `word` in ASCII lower case, written to `buf`, the key of the word tables; `None`
/// when it is longer than any of their words.
fn ascii_lowercase<'b>(word: &str, buf: &'b mut [u8; MAX_WORD_LEN]) -> Option<&'b [u8]> {
    let buf = buf.get_mut(..word.len())?;
    buf.copy_from_slice(word.as_bytes());
    buf.make_ascii_lowercase();
    Some(buf)
}

/// Whether a letter repeats three times or more in a row.
fn has_elongation(word: &str) -> bool {
    let mut prev = None;
    let mut run = 0;
    for c in word.chars() {
        run = if Some(c) == prev { run + 1 } else { 1 };
        if run == 3 && c.is_alphabetic() {
            return true;
        }
        prev = Some(c);
    }
    false
}

/// The word with each run of three or more identical letters cut to `keep`.
fn squeeze(word: &str, keep: usize) -> String {
    let chars: Vec<char> = word.chars().collect();
    let mut out = String::with_capacity(word.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let run = chars[i..].iter().take_while(|&&d| d == c).count();
        let n = if run >= 3 && c.is_alphabetic() {
            keep
        } else {
            run
        };
        out.extend(std::iter::repeat_n(c, n));
        i += run;
    }
    out
}

/// Whether `word` is `pattern` with any of its characters repeated, whatever the
/// ASCII case: "GOOO" and "go" are stretched "go", "letsgooo" is stretched "letsgo".
/// Allocation-free, unlike [`squeeze`], because it runs on every word.
#[inline(always)]
fn stretched(word: &str, pattern: &str) -> bool {
    // Most words fail on their first letter: decide those inline, without a call or
    // the run iterators.
    match (word.as_bytes().first(), pattern.as_bytes().first()) {
        (Some(w), Some(p)) if w.eq_ignore_ascii_case(p) => same_runs(word, pattern),
        (None, None) => true,
        _ => false,
    }
}

/// Whether `word` and `pattern` have the same runs of letters, each of `word`'s at
/// least as long.
fn same_runs(word: &str, pattern: &str) -> bool {
    let mut word = runs(word);
    let mut pattern = runs(pattern);
    loop {
        match (word.next(), pattern.next()) {
            (None, None) => return true,
            (Some((w, wn)), Some((p, pn))) if w == p && wn >= pn => {}
            _ => return false,
        }
    }
}

/// Runs of the same character, ASCII case folded: "GOod" → (g, 1), (o, 3), (d, 1).
fn runs(s: &str) -> impl Iterator<Item = (char, usize)> + '_ {
    let mut chars = s.chars().map(|c| c.to_ascii_lowercase()).peekable();
    std::iter::from_fn(move || {
        let c = chars.next()?;
        let mut n = 1;
        while chars.next_if_eq(&c).is_some() {
            n += 1;
        }
        Some((c, n))
    })
}

/// Whether a "lets go" ends here: the "go" token ends in "!", or no ordinary word
/// follows (end of message, an emote, punctuation).
fn ends_phrase(token: &str, next: Option<&str>, is_emote: impl Fn(&str) -> bool) -> bool {
    if token.ends_with('!') {
        return true;
    }
    match next {
        None => true,
        Some(next) => {
            let core = strip_punctuation(next);
            is_emote(core) || !core.chars().any(char::is_alphabetic)
        }
    }
}

/// Scores of recent texts: a set-associative table of two-entry sets (set = hash of
/// the text), each set behind its own lock. A set keeps its two most recently used
/// texts; a new one evicts the older, so the memory is bounded and there is no
/// clearing pause. Two ways instead of one halve the misses of texts that happen to
/// share a slot (measured in BENCHMARKS.md). A set that another thread holds is
/// skipped, never waited for. Hashing is randomly keyed per process (foldhash), so
/// chat cannot be crafted to keep evicting a channel's messages.
struct ScoreCache {
    hasher: foldhash::fast::RandomState,
    sets: Box<[Mutex<CacheSet>]>,
}

/// Two cached texts with their compound scores, the most recently used first. An
/// evicted entry's string buffer is reused by the text that replaces it.
type CacheSet = [Option<(String, f64)>; 2];

impl ScoreCache {
    fn new(slots: usize) -> Self {
        // A power of two, so that a set is picked by a mask rather than a division.
        let sets = match slots {
            0 => 0,
            _ => slots.div_ceil(2).next_power_of_two(),
        };
        Self {
            hasher: foldhash::fast::RandomState::default(),
            sets: (0..sets).map(|_| Mutex::default()).collect(),
        }
    }

    fn slots(&self) -> usize {
        self.sets.len() * 2
    }

    /// The set of `text`, if it is cached at all.
    fn set(&self, text: &str) -> Option<&Mutex<CacheSet>> {
        if self.sets.is_empty() || text.len() > MAX_CACHED_LEN {
            return None;
        }
        let i = self.hasher.hash_one(text) as usize & (self.sets.len() - 1);
        self.sets.get(i)
    }

    fn get(set: &Mutex<CacheSet>, text: &str) -> Option<f64> {
        let mut set = set.try_lock().ok()?;
        let way = set
            .iter()
            .position(|e| e.as_ref().is_some_and(|(cached, _)| cached == text))?;
        set.swap(0, way);
        set[0].as_ref().map(|(_, compound)| *compound)
    }

    fn put(set: &Mutex<CacheSet>, text: &str, compound: f64) {
        let Ok(mut set) = set.try_lock() else {
            return;
        };
        set.swap(0, 1);
        match &mut set[0] {
            Some((cached, c)) => {
                cached.clear();
                cached.push_str(text);
                *c = compound;
            }
            empty => *empty = Some((text.to_owned(), compound)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> SentimentModel {
        SentimentModel::with_cache(0)
    }

    fn compound(text: &str) -> f64 {
        model().score(text).compound
    }

    fn class(m: &SentimentModel, text: &str) -> i8 {
        m.score(text).class.as_i8()
    }

    #[test]
    fn plain_vader_where_there_is_nothing_to_rewrite() {
        // Published vaderSentiment 3.3.2 outputs.
        let m = model();
        for (text, want) in [
            ("VADER is smart, handsome, and funny.", 0.8316),
            ("VADER is VERY SMART, handsome, and FUNNY!!!", 0.9342),
            ("VADER is not smart, handsome, nor funny.", -0.7424),
            ("The book was only kind of good.", 0.3832),
            ("Today only kinda sux! But I'll get by, lol", 0.5249),
            ("Make sure you :) or :D today!", 0.8633),
        ] {
            assert_eq!(m.score(text).compound, want, "{text}");
        }
    }

    #[test]
    fn tokens_split_where_python_does_on_ascii_and_unicode_text() {
        for b in 0..128u8 {
            assert_eq!(is_ascii_space(b), is_space(char::from(b)), "byte {b}");
        }
        let split = |text| -> Vec<_> { tokens(text).map(|t| (t.start, t.text)).collect() };
        let ascii = split(" a\tb\x1cc  d\x0b e!\r\n");
        assert_eq!(ascii, [(1, "a"), (3, "b"), (5, "c"), (8, "d"), (11, "e!")]);
        let unicode = split("é b\u{2003}c\u{85}");
        assert_eq!(unicode, [(0, "é"), (3, "b"), (7, "c")]);
        assert_eq!(tokens(" \t ").count(), 0);
    }

    #[test]
    fn table_keys_are_equal_exactly_when_the_spellings_are() {
        let words: Vec<Vec<u8>> = (0..=MAX_WORD_LEN)
            .flat_map(|n| {
                // Spellings of each length that differ in one byte, at each place.
                let base: Vec<u8> = (0..n).map(|i| b'a' + i as u8).collect();
                let mut variants = vec![base.clone(), vec![0; n]];
                for i in 0..n {
                    let mut v = base.clone();
                    v[i] = b'Z';
                    variants.push(v);
                }
                variants
            })
            .collect();
        for a in &words {
            for b in &words {
                assert_eq!(ShortKey::new(a) == ShortKey::new(b), a == b, "{a:?} {b:?}");
            }
        }
        assert_eq!(ShortKey::new(&[b'a'; MAX_WORD_LEN + 1]), None);
    }

    #[test]
    fn ascii_token_read_is_the_char_tests() {
        let words = [
            "", "a", "A", "aA", "LOOOL", "looool", "!!!", "...", "GG!", "g00d", "aaa", "AAa",
            "heyyy?", "111", "xXx", "KEKW", "Pog", "let's", "!!gooo!!", "(AAA)", "!a", "a!",
            "..Kappa,", "x!!!y", "~~~", "a1b2", "NO.", "zz\x7f",
        ];
        // Every word alone, and with each ASCII byte that is not a space before and
        // after it.
        let texts = words.iter().flat_map(|w| {
            (0u8..128)
                .filter(|&b| !is_ascii_space(b))
                .flat_map(move |b| [format!("{w}{}", b as char), format!("{}{w}", b as char)])
                .chain([w.to_string()])
        });
        for text in texts {
            let fast = tokens(&text).next();
            // The same text with a non-ASCII token after it, so that it is read char by
            // char.
            let slow_text = format!("{text} \u{e9}");
            let slow = tokens(&slow_text).next().expect("a token");
            let Some(fast) = fast else {
                assert_eq!(slow.text, "\u{e9}", "{text:?}");
                continue;
            };
            assert_eq!(
                (fast.start, fast.text, fast.core.clone()),
                (slow.start, slow.text, slow.core.clone()),
                "{text:?}"
            );
            let core = &text[without_punctuation(text.as_bytes())];
            assert_eq!(fast.core(), core, "{text:?}");
            let want = Shape::of(core, false);
            for shape in [fast.shape(), slow.shape()] {
                assert_eq!(
                    (shape.upper, shape.capitals, shape.elongated),
                    (want.upper, want.capitals, want.elongated),
                    "{text:?}"
                );
            }
        }
    }

    #[test]
    fn classes_use_vaders_cut_offs() {
        assert_eq!(
            SentimentClass::from_compound(0.05),
            SentimentClass::Positive
        );
        assert_eq!(
            SentimentClass::from_compound(0.0499),
            SentimentClass::Neutral
        );
        assert_eq!(
            SentimentClass::from_compound(-0.0499),
            SentimentClass::Neutral
        );
        assert_eq!(
            SentimentClass::from_compound(-0.05),
            SentimentClass::Negative
        );
        assert_eq!(SentimentClass::Negative.as_i8(), -1);
        assert_eq!(SentimentClass::Neutral.as_i8(), 0);
        assert_eq!(SentimentClass::Positive.as_i8(), 1);
    }

    #[test]
    fn every_table_entry_alone_has_its_declared_class() {
        let m = model();
        for e in EMOTES.iter().chain(SLANG) {
            assert_eq!(m.score(e.token).class, e.class, "{} → {}", e.token, e.word);
        }
        assert_eq!(class(&m, "lets go"), 1);
        assert_eq!(class(&m, "<3"), 1);
    }

    #[test]
    fn emote_names_are_case_sensitive() {
        let m = model();
        for (emote, word) in [
            ("LUL", "lul"),
            ("KEKW", "kekw"),
            ("Sadge", "sadge"),
            ("BibleThump", "biblethump"),
            ("PogChamp", "POGCHAMP"),
        ] {
            assert_ne!(class(&m, emote), 0, "{emote}");
            assert_eq!(class(&m, word), 0, "{word}");
        }
    }

    #[test]
    fn negation_flips_emotes_and_words() {
        let m = model();
        assert_eq!(class(&m, "not bad"), 1);
        assert_eq!(class(&m, "not good"), -1);
        assert_eq!(class(&m, "this is NOT PogChamp"), -1);
        assert_eq!(class(&m, "not PogChamp at all"), -1);
        assert_eq!(class(&m, "never ResidentSleeper on this stream"), 1);
        assert_eq!(class(&m, "isn't trash"), 1);
    }

    #[test]
    fn intensifiers_and_punctuation_strengthen() {
        assert!(compound("so good") > compound("good"));
        assert!(compound("very PogChamp") > compound("PogChamp"));
        assert!(compound("kinda good") < compound("good"));
        assert!(compound("PogChamp!!!") > compound("PogChamp"));
        assert!(compound("so BibleThump") < compound("BibleThump"));
    }

    #[test]
    fn caps_emphasis_is_vaders_and_emotes_do_not_shout() {
        // A shouted word among lower-case ones is emphasised.
        assert!(compound("that was GREAT chat") > compound("that was great chat"));
        // An emote is a name, not shouting: "LUL" counts like "lol".
        assert_eq!(
            compound("that was great LUL"),
            compound("that was great lol")
        );
        // An emote does not switch emphasis on in an all-caps message...
        assert_eq!(compound("THAT WAS GREAT Kappa"), compound("THAT WAS GREAT"));
        assert_eq!(
            compound("THAT WAS GREAT PogChamp"),
            compound("THAT WAS GREAT AWESOME")
        );
        assert_eq!(compound("WOW KEKW"), compound("WOW LMAO"));
        // ...nor get emphasis itself in a mixed one.
        assert_eq!(compound("GREAT play KEKW"), compound("GREAT play lmao"));
        // Slang keeps the word's caps.
        assert_eq!(compound("this is TRASH"), compound("this is AWFUL"));
    }

    #[test]
    fn elongation_is_undone() {
        assert_eq!(compound("sooooo goooood"), compound("so good"));
        assert_eq!(compound("LOOOOL"), compound("LOL"));
        assert_eq!(compound("niiiiice"), compound("nice"));
        assert_eq!(compound("noooooo"), compound("no"));
        assert_eq!(
            compound("that was GOOOOOD chat"),
            compound("that was GOOD chat")
        );
        assert_eq!(compound("trashhhh"), compound("trash"));
        assert_eq!(compound("hmmmmm"), 0.0);
        assert_eq!(squeeze("hmmmmm", 2), "hmm");
        assert_eq!(squeeze("goood!!!!", 1), "god!!!!", "only letters squeeze");
        assert!(!has_elongation("good") && !has_elongation("!!!") && has_elongation("LOOOL"));
        // Past the probe budget, elongations keep two letters.
        let many = "loool ".repeat(MAX_PROBED_ELONGATIONS + 2);
        let Rewritten::Text(t) = model().rewrite(&many) else {
            panic!("not inert")
        };
        assert!(
            t.starts_with("lol lol ") && t.ends_with("lool lool "),
            "{t}"
        );
    }

    #[test]
    fn lets_go_is_hype_only_at_the_end() {
        let m = model();
        assert_eq!(class(&m, "LETS GOOOOO"), 1);
        assert_eq!(class(&m, "lets go PogChamp"), 1);
        assert_eq!(class(&m, "LETSGOOO"), 1);
        assert_eq!(class(&m, "let's go! next round"), 1);
        assert_eq!(class(&m, "lets go to the next map"), 0);
    }

    #[test]
    fn no_way_is_not_a_negation() {
        let m = model();
        assert_eq!(class(&m, "no way PogChamp"), 1);
        assert_eq!(class(&m, "NOOO WAYYY"), 0);
        assert_eq!(class(&m, "no good"), -1);
        assert!(stretched("WAYYY", "way") && stretched("way", "way"));
        assert!(!stretched("wa", "way") && !stretched("away", "way") && !stretched("wy", "way"));
        assert!(stretched("LETSGOOO", "letsgo") && !stretched("letgo", "letsgo"));
    }

    #[test]
    fn empty_emoji_and_punctuation_only_input() {
        let m = model();
        for text in ["", "   ", "\t\n", "!!!", "???", "💀", "🫠🫠"] {
            assert_eq!(m.score(text).compound, 0.0, "{text:?}");
            assert_eq!(class(&m, text), 0, "{text:?}");
        }
        assert_eq!(class(&m, "😂"), 1, "VADER's own emoji lexicon");
        assert_eq!(class(&m, "😭😭"), -1);
        assert_eq!(class(&m, "🔥🔥🔥"), 1);
        assert_eq!(class(&m, "❤️"), 1);
        assert_eq!(class(&m, "gg🔥"), 1);
        assert!(m.score("").compound.is_sign_positive());
    }

    #[test]
    fn emotes_match_through_punctuation_but_not_inside_words() {
        let m = model();
        assert_eq!(class(&m, "KEKW,"), 1);
        assert_eq!(class(&m, "(BibleThump)"), -1);
        assert_eq!(class(&m, "KEKWait"), 0);
        assert!(matches!(m.rewrite("gg KEKW, LUL"), Rewritten::Text(t) if t == "gg lmao, lol"));
        assert!(matches!(
            m.rewrite("amazing stuff?"),
            Rewritten::Text(Cow::Borrowed(_))
        ));
    }

    #[test]
    fn cached_scores_equal_fresh_ones_and_are_deterministic() {
        let cached = SentimentModel::with_cache(4);
        let fresh = model();
        let texts = [
            "KEKW",
            "not bad",
            "LETS GOOO",
            "trash stream",
            "KEKW",
            "a",
            "not bad",
        ];
        for _ in 0..3 {
            for t in texts {
                assert_eq!(cached.score(t), fresh.score(t), "{t}");
            }
        }
        let long = "good ".repeat(100);
        assert_eq!(cached.score(&long), fresh.score(&long));
    }

    #[test]
    fn a_cache_set_keeps_its_two_most_recently_used_texts() {
        let cache = ScoreCache::new(2);
        let set = cache.set("a").expect("short texts are cached");
        ScoreCache::put(set, "a", 0.1);
        ScoreCache::put(set, "b", 0.2);
        assert_eq!(ScoreCache::get(set, "a"), Some(0.1));
        // "b" is now the least recently used, so "c" replaces it.
        ScoreCache::put(set, "c", 0.3);
        assert_eq!(ScoreCache::get(set, "b"), None);
        assert_eq!(ScoreCache::get(set, "a"), Some(0.1));
        assert_eq!(ScoreCache::get(set, "c"), Some(0.3));
        assert!(cache.set(&"x".repeat(MAX_CACHED_LEN + 1)).is_none());
        assert!(ScoreCache::new(0).set("a").is_none());
    }

    #[test]
    fn inert_fast_path_gives_vaders_score() {
        let fast = model();
        let slow = model().without_common_words();
        let dropped: Vec<&str> = COMMON_WORDS
            .split_whitespace()
            .filter(|w| !matches!(fast.word(w), Some(Word::Common(_))))
            .collect();
        assert!(
            dropped.len() < COMMON_WORDS.len() / 10,
            "VADER knows {dropped:?}"
        );
        assert!(fast.rewrite("what game is this").is_inert());
        assert!(fast.rewrite("WHAT is this Kappa").is_inert());
        // "!" only scales valences, so "this!!!" is still inert.
        assert!(fast.rewrite("what is this!!!").is_inert());
        for text in [
            "is?",
            "what game is this :)",
            "what is this LUL",
            "sooo",
            "!!!",
        ] {
            assert!(!fast.rewrite(text).is_inert(), "{text}");
        }
        let labels = include_str!("../tests/sentiment_labels.tsv")
            .lines()
            .filter_map(|l| l.split_once('\t').map(|(_, t)| t.to_owned()));
        let mut generator = telemetra_gen::Generator::new(telemetra_gen::GenConfig::default());
        let generated = std::iter::from_fn(|| match generator.next_timed().1 {
            telemetra_types::Event::Chat(m) => Some(Some(m.message)),
            _ => Some(None),
        })
        .flatten()
        .take(3000);
        let mut inert = 0;
        for text in labels
            .chain(generated)
            .chain(COMMON_WORDS.split_whitespace().map(String::from))
        {
            inert += usize::from(fast.rewrite(&text).is_inert());
            assert_eq!(fast.score(&text), slow.score(&text), "{text}");
        }
        assert!(inert > 100, "the fast path is taken ({inert})");
    }

    #[test]
    fn filler_words_share_a_cache_entry_and_keep_the_score() {
        let m = model();
        let skeleton = |t: &str| match m.rewrite(t) {
            Rewritten::Text(t) => t.into_owned(),
            Rewritten::Inert => String::new(),
        };
        assert_eq!(skeleton("what game PogChamp"), "zzq zzq awesome");
        assert_eq!(skeleton("which map, PogChamp"), "zzq zzq, awesome");
        assert_eq!(skeleton("WHAT map PogChamp"), "ZZQ zzq awesome");
        // Words VADER's rules read keep their spelling.
        assert_eq!(skeleton("the game is so good"), "the zzq zzq so good");
        // Random chat built from filler, pattern words, lexicon words, boosters,
        // negations, emotes, caps and punctuation scores exactly as without fillers.
        let slow = model().without_common_words();
        let vocabulary: Vec<&str> = COMMON_WORDS
            .split_whitespace()
            .chain(VADER_PATTERN_WORDS.iter().copied())
            .chain([
                "good",
                "great",
                "love",
                "hate",
                "funny",
                "awful",
                "lol",
                "heart",
                "die",
                "death",
                "shit",
                "bomb",
                "right",
                "yeah",
                "really",
                "extremely",
                "isn't",
                "least",
                "PogChamp",
                "Kappa",
                "LUL",
                "BibleThump",
                "trash",
                ":)",
                "<3",
            ])
            .collect();
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for _ in 0..20_000 {
            let words: Vec<String> = (0..1 + next(8))
                .map(|_| {
                    let w = vocabulary[next(vocabulary.len())];
                    let w = if next(4) == 0 {
                        w.to_uppercase()
                    } else {
                        w.to_owned()
                    };
                    w + ["", "", "", "!", "?", ","][next(6)]
                })
                .collect();
            let text = words.join(" ");
            assert_eq!(m.score(&text), slow.score(&text), "{text}");
        }
    }

    #[test]
    fn the_model_is_shareable() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<SentimentModel>();
        let m = SentimentModel::new();
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..2)
                .map(|_| s.spawn(|| m.score("PogChamp").compound))
                .collect();
            for h in handles {
                assert_eq!(h.join().unwrap(), m.score("PogChamp").compound);
            }
        });
    }

    /// The labelled chat lines in `tests/sentiment_labels.tsv`: `<class -1|0|1>\t<text>`.
    #[test]
    fn labelled_chat_accuracy() {
        let m = model();
        let mut total = 0;
        let mut misses = Vec::new();
        for line in include_str!("../tests/sentiment_labels.tsv").lines() {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (want, text) = line.split_once('\t').expect("label<TAB>text");
            let want: i8 = want.parse().expect("label is -1, 0 or 1");
            let got = m.score(text);
            total += 1;
            if got.class.as_i8() != want {
                misses.push(format!(
                    "want {want:>2} got {:>2} ({:+.4}): {text}",
                    got.class.as_i8(),
                    got.compound
                ));
            }
        }
        assert!(total >= 60, "only {total} labelled lines");
        let accuracy = 1.0 - misses.len() as f64 / total as f64;
        eprintln!(
            "accuracy {:.1} % on {total} lines; misses:\n{}",
            accuracy * 100.0,
            misses.join("\n")
        );
        assert!(
            accuracy >= 0.9,
            "accuracy {:.1} % < 90 %; misses:\n{}",
            accuracy * 100.0,
            misses.join("\n")
        );
    }

    /// Scoring speed on the generator's chat text. Not a pass/fail test; run with
    /// `cargo test -p telemetra-engine --release --lib -- --ignored --nocapture sentiment_speed`.
    /// Times are this thread's CPU time where Linux reports it (so a busy machine
    /// inflates them less), the best of three runs.
    #[test]
    #[ignore]
    fn sentiment_speed() {
        use std::time::{Duration, Instant};
        use telemetra_gen::{GenConfig, Generator};
        use telemetra_types::Event;

        fn cpu_time() -> Option<Duration> {
            // utime and stime, in clock ticks (100 per second), after the command name.
            let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
            let mut fields = stat.rsplit_once(')')?.1.split_whitespace().skip(11);
            let ticks: u64 =
                fields.next()?.parse::<u64>().ok()? + fields.next()?.parse::<u64>().ok()?;
            Some(Duration::from_millis(ticks * 10))
        }
        fn measure(name: &str, n: usize, mut run: impl FnMut() -> f64) {
            let best = (0..3)
                .map(|_| {
                    let (wall, cpu) = (Instant::now(), cpu_time());
                    std::hint::black_box(run());
                    match (cpu, cpu_time()) {
                        (Some(a), Some(b)) => b - a,
                        _ => wall.elapsed(),
                    }
                })
                .min()
                .expect("three runs");
            eprintln!(
                "{name}: {:.0} ns/message",
                best.as_nanos() as f64 / n as f64
            );
        }

        let mut generator = Generator::new(GenConfig::default());
        let mut messages = Vec::new();
        while messages.len() < 200_000 {
            if let (_, Event::Chat(m)) = generator.next_timed() {
                messages.push(m.message);
            }
        }
        let distinct = messages
            .iter()
            .collect::<std::collections::HashSet<_>>()
            .len();
        let uncached = SentimentModel::with_cache(0);
        let inert = messages
            .iter()
            .filter(|t| matches!(uncached.rewrite(t), Rewritten::Inert))
            .count();
        let skeletons = messages
            .iter()
            .filter_map(|t| match uncached.rewrite(&uncached.isolate_emoji(t)) {
                Rewritten::Text(t) => Some(t.into_owned()),
                Rewritten::Inert => None,
            })
            .collect::<std::collections::HashSet<_>>()
            .len();
        eprintln!(
            "{} generator chat messages: {distinct} distinct, {inert} inert, {skeletons} distinct texts for VADER",
            messages.len()
        );
        let n = messages.len();
        let sum = |m: &SentimentModel| messages.iter().map(|t| m.score(t).compound).sum::<f64>();
        measure("VADER alone on the raw text", n, || {
            messages
                .iter()
                .map(|t| uncached.analyzer.polarity_scores(t).compound)
                .sum()
        });
        measure("VADER's ASCII fast path alone on the raw text", n, || {
            messages
                .iter()
                .map(|t| {
                    uncached
                        .fast
                        .compound(t)
                        .unwrap_or_else(|| uncached.analyzer.polarity_scores(t).compound)
                })
                .sum()
        });
        measure("uncached", n, || sum(&uncached));
        measure("the rewrite alone (emotes, slang, elongation)", n, || {
            messages
                .iter()
                .map(|t| match uncached.rewrite(&uncached.isolate_emoji(t)) {
                    Rewritten::Inert => 0.0,
                    Rewritten::Text(t) => t.len() as f64,
                })
                .sum()
        });
        let slow = SentimentModel::with_cache(0).without_common_words();
        measure("uncached, no inert fast path", n, || sum(&slow));
        measure("cached, cold (a fresh model each run)", n, || {
            sum(&SentimentModel::new())
        });
        let warm = SentimentModel::new();
        sum(&warm);
        measure("cached, warm (the same messages again)", n, || sum(&warm));
        // A chat that repeats itself: 1 000 distinct lines, each seen 1 000 times.
        let hot = SentimentModel::new();
        measure("cached, 1 000 lines seen 1 000 times", 1_000_000, || {
            (0..1000)
                .flat_map(|_| &messages[..1000])
                .map(|t| hot.score(t).compound)
                .sum()
        });
    }
}
