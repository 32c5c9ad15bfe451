//! VADER's compound score for ASCII text, without allocating.
//!
//! [`FastVader::compound`] gives exactly what `vader-parity` (Python vaderSentiment
//! 3.3.2) gives as `polarity_scores(text).compound`, to the last bit, for every
//! ASCII text up to [`MAX_LEN`] bytes, and `None` for the rest (then the caller asks
//! `vader-parity`). The rules are the ones of `vader-parity`'s `rules.rs`, in the same
//! order and with the same quirks (the `but` check's first-equal-slot reweighting,
//! the distance-3 "so"/"this" grouping, CPython's `sum` with its int fast path);
//! what differs is only the bookkeeping:
//!
//! - ASCII only, so Python's `str.lower()` and `str.isupper()` are the ASCII ones,
//!   no character is in the emoji lexicon (none of its single code point keys is
//!   ASCII), and Python's whitespace is `\t\n\v\f\r`, `\x1c`..`\x1f` and space.
//! - Tokens live in a stack array; each is looked up once, in one map that says
//!   everything the rules ask of a word (lexicon valence, booster increment,
//!   negation, which of the rules' literal words it is, whether it is part of an
//!   idiom or a multi-word booster). Idioms are joined into a stack buffer, and only
//!   when every word of the window can be part of one.
//! - Python's `round(x, 4)` without formatting: exact except within a hair of a
//!   decimal tie, where it falls back to `vader-parity`'s formatting approach.
//!
//! The data is vendored byte-identical from `vader-parity` 0.1.0 (`data/vader/`) and
//! parsed with its loaders' semantics. The tests compare against `vader-parity` bit
//! for bit on random texts over every rule's words and on chat.

use std::collections::HashMap;

/// `vader_lexicon.txt` from vaderSentiment 3.3.2.
const VADER_LEXICON: &str = include_str!("../data/vader/vader_lexicon.txt");
/// `SPECIAL_CASES` and `BOOSTER_DICT` of vaderSentiment 3.3.2, as `vader-parity`
/// transcribes them.
const RULES_TABLES: &str = include_str!("../data/vader/rules_tables.tsv");

/// Longer texts are left to `vader-parity` (the `but` check here is quadratic).
pub(crate) const MAX_LEN: usize = 2048;
/// Texts up to this many bytes keep their tokens on the stack.
const STACK_LEN: usize = 256;
/// A token is at least one byte followed by a separator.
const STACK_TOKENS: usize = STACK_LEN / 2 + 1;
/// Token slots for a text shorter than twice this many bytes (most chat messages).
const SHORT_TOKENS: usize = 32;
/// Longest key joined for an idiom or multi-word booster lookup; longer joins
/// cannot match (the longest key, "kiss of death", has 13 bytes).
const MAX_JOINED: usize = 32;
/// Longest token looked up; a longer one is in no table.
const MAX_WORD: usize = 64;

/// All-caps emphasis increment. Python: `C_INCR = 0.733`.
const C_INCR: f64 = 0.733;
/// Negation scalar. Python: `N_SCALAR = -0.74`.
const N_SCALAR: f64 = -0.74;
/// Per-"!" emphasis step, at most four counted.
const EP_STEP: f64 = 0.292;
/// Per-"?" emphasis step when the count is 2 or 3.
const QM_STEP: f64 = 0.18;
/// "?" emphasis when the count exceeds 3.
const QM_CAP: f64 = 0.96;
/// `normalize(score, alpha=15)`.
const ALPHA: f64 = 15.0;
/// Valence weight before the first "but".
const BUT_BEFORE: f64 = 0.5;
/// Valence weight after the first "but".
const BUT_AFTER: f64 = 1.5;
/// Booster damping two tokens back.
const DAMP_2: f64 = 0.95;
/// Booster damping three tokens back.
const DAMP_3: f64 = 0.9;
/// The "never so" / "never this" intensifier.
const NEVER_SCALAR: f64 = 1.25;

/// vaderSentiment's `NEGATE` list.
const NEGATE: [&str; 59] = [
    "aint",
    "arent",
    "cannot",
    "cant",
    "couldnt",
    "darent",
    "didnt",
    "doesnt",
    "ain't",
    "aren't",
    "can't",
    "couldn't",
    "daren't",
    "didn't",
    "doesn't",
    "dont",
    "hadnt",
    "hasnt",
    "havent",
    "isnt",
    "mightnt",
    "mustnt",
    "neither",
    "don't",
    "hadn't",
    "hasn't",
    "haven't",
    "isn't",
    "mightn't",
    "mustn't",
    "neednt",
    "needn't",
    "never",
    "none",
    "nope",
    "nor",
    "not",
    "nothing",
    "nowhere",
    "oughtnt",
    "shant",
    "shouldnt",
    "uhuh",
    "wasnt",
    "werent",
    "oughtn't",
    "shan't",
    "shouldn't",
    "uh-uh",
    "wasn't",
    "weren't",
    "without",
    "wont",
    "wouldnt",
    "won't",
    "wouldn't",
    "rarely",
    "seldom",
    "despite",
];

/// The words the rules compare tokens with literally.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Word {
    Other,
    No,
    Or,
    Nor,
    Kind,
    Of,
    Least,
    At,
    Very,
    Never,
    So,
    This,
    Without,
    Doubt,
    But,
}

const WORDS: [(&str, Word); 14] = [
    ("no", Word::No),
    ("or", Word::Or),
    ("nor", Word::Nor),
    ("kind", Word::Kind),
    ("of", Word::Of),
    ("least", Word::Least),
    ("at", Word::At),
    ("very", Word::Very),
    ("never", Word::Never),
    ("so", Word::So),
    ("this", Word::This),
    ("without", Word::Without),
    ("doubt", Word::Doubt),
    ("but", Word::But),
];

/// Everything the rules ask about one lower-case word.
#[derive(Clone, Copy, Debug)]
struct Entry {
    /// The word itself, lower case.
    key: &'static str,
    /// Its lexicon valence.
    lex: Option<f64>,
    /// Its booster or dampener increment.
    boost: Option<f64>,
    /// Which literal word of the rules it is.
    word: Word,
    /// VADER's `negated` of the word: in `NEGATE` or containing "n't".
    negated: bool,
    /// A word of some idiom or multi-word booster.
    ngram: bool,
}

/// A word in no table.
static UNKNOWN: Entry = Entry {
    key: "",
    lex: None,
    boost: None,
    word: Word::Other,
    negated: false,
    ngram: false,
};
/// A word in no table that contains "n't".
static UNKNOWN_NEGATED: Entry = Entry {
    negated: true,
    ..UNKNOWN
};

/// One `SPECIAL_CASES` value, and whether Python spells it as an int.
#[derive(Clone, Copy, Debug)]
struct SpecialCase {
    value: f64,
    is_int: bool,
}

/// One token of the text: its table entry and its `isupper()`.
#[derive(Clone, Copy)]
struct Tok<'m> {
    entry: &'m Entry,
    upper: bool,
}

/// One element of VADER's sentiments list, with whether Python holds it as an int.
#[derive(Clone, Copy, Debug)]
struct Valence {
    value: f64,
    from_int: bool,
}

impl Valence {
    /// Python's literal `0`.
    const INT_ZERO: Valence = Valence {
        value: 0.0,
        from_int: true,
    };

    fn float(value: f64) -> Self {
        Self {
            value,
            from_int: false,
        }
    }
}

type Map<V> = HashMap<&'static [u8], V, foldhash::fast::RandomState>;

/// VADER's compound score for ASCII text; see the module documentation.
pub(crate) struct FastVader {
    /// Every single word any rule looks up, lower case.
    words: Map<Entry>,
    /// `SPECIAL_CASES`, by space-joined lower-case key.
    special: Map<SpecialCase>,
    /// `BOOSTER_DICT`, for the multi-word lookups.
    boosters: Map<f64>,
    /// The longest key of `words`.
    max_word: usize,
}

impl FastVader {
    /// Parses the vendored tables (a few milliseconds).
    pub(crate) fn new() -> Self {
        let lexicon = parse_lexicon(VADER_LEXICON);
        let (special_list, booster_list) = parse_rules_tables(RULES_TABLES);
        let mut words: Map<Entry> = Map::default();
        fn get<'a>(words: &'a mut Map<Entry>, key: &'static str) -> &'a mut Entry {
            words.entry(key.as_bytes()).or_insert(Entry {
                key,
                negated: key.contains("n't"),
                ..UNKNOWN
            })
        }
        for &(key, value) in &lexicon {
            get(&mut words, key).lex = Some(value);
        }
        for &(key, value) in &booster_list {
            get(&mut words, key).boost = Some(value);
        }
        for key in NEGATE {
            get(&mut words, key).negated = true;
        }
        for (key, word) in WORDS {
            get(&mut words, key).word = word;
        }
        let multi_word = special_list
            .iter()
            .map(|(k, _)| *k)
            .chain(booster_list.iter().map(|(k, _)| *k))
            .filter(|k| k.contains(' '));
        for key in multi_word {
            for part in key.split(' ') {
                get(&mut words, part).ngram = true;
            }
        }
        let max_word = words.keys().map(|k| k.len()).max().unwrap_or(0);
        Self {
            words,
            special: special_list
                .into_iter()
                .map(|(k, v)| (k.as_bytes(), v))
                .collect(),
            boosters: booster_list
                .into_iter()
                .map(|(k, v)| (k.as_bytes(), v))
                .collect(),
            max_word,
        }
    }

    /// `polarity_scores(text).compound`, bit for bit, or `None` when the text is not
    /// ASCII or longer than [`MAX_LEN`] bytes.
    pub(crate) fn compound(&self, text: &str) -> Option<f64> {
        let bytes = text.as_bytes();
        if !bytes.is_ascii() {
            return None;
        }
        // Slots for as many tokens as the text can hold, on the stack: filling slots
        // for a long text costs more than scoring a short one.
        if bytes.len() < 2 * SHORT_TOKENS {
            Some(self.score_on_stack::<SHORT_TOKENS>(bytes))
        } else if bytes.len() <= STACK_LEN {
            Some(self.score_on_stack::<STACK_TOKENS>(bytes))
        } else if bytes.len() <= MAX_LEN {
            let n = bytes.len() / 2 + 1;
            let mut toks = vec![
                Tok {
                    entry: &UNKNOWN,
                    upper: false,
                };
                n
            ];
            let mut sentiments = vec![Valence::INT_ZERO; n];
            Some(self.score(bytes, &mut toks, &mut sentiments))
        } else {
            None
        }
    }

    /// [`Self::score`] with slots for `N` tokens on the stack; `text` holds at most
    /// `N` tokens.
    fn score_on_stack<const N: usize>(&self, text: &[u8]) -> f64 {
        let mut toks = [Tok {
            entry: &UNKNOWN,
            upper: false,
        }; N];
        let mut sentiments = [Valence::INT_ZERO; N];
        self.score(text, &mut toks, &mut sentiments)
    }

    /// The table entry of a token, by its lower-case form.
    fn entry(&self, token: &[u8]) -> &Entry {
        let mut buf = [0u8; MAX_WORD];
        if token.len() <= self.max_word.min(MAX_WORD) {
            let lower = &mut buf[..token.len()];
            lower.copy_from_slice(token);
            lower.make_ascii_lowercase();
            if let Some(entry) = self.words.get(&*lower) {
                return entry;
            }
        }
        if token.windows(3).any(|w| w.eq_ignore_ascii_case(b"n't")) {
            &UNKNOWN_NEGATED
        } else {
            &UNKNOWN
        }
    }

    /// The score of ASCII `text`; `toks` and `sentiments` hold at least one slot per
    /// token.
    fn score<'m>(&'m self, text: &[u8], toks: &mut [Tok<'m>], sentiments: &mut [Valence]) -> f64 {
        let n = self.sentiments(text, toks, sentiments);
        if n == 0 {
            return 0.0;
        }
        let mut sum_s = python_sum(&sentiments[..n]);
        let punct_emph_amplifier = punctuation_emphasis(text);
        if sum_s > 0.0 {
            sum_s += punct_emph_amplifier;
        } else if sum_s < 0.0 {
            sum_s -= punct_emph_amplifier;
        }
        python_round4(normalize(sum_s))
    }

    /// VADER's sentiments list for `text`, after the `but` check, in the first slots
    /// of `sentiments`; returns its length.
    fn sentiments<'m>(
        &'m self,
        text: &[u8],
        toks: &mut [Tok<'m>],
        sentiments: &mut [Valence],
    ) -> usize {
        // SentiText: whitespace split, punctuation strip of words, lower and isupper.
        let mut n = 0;
        for token in text.split(|&b| is_ascii_space(b)).filter(|t| !t.is_empty()) {
            let token = strip_punc_if_word(token);
            toks[n] = Tok {
                entry: self.entry(token),
                upper: is_upper(token),
            };
            n += 1;
        }
        let toks = &toks[..n];
        let sentiments = &mut sentiments[..n];
        let is_cap_diff = toks.iter().any(|t| t.upper) && toks.iter().any(|t| !t.upper);

        for (i, item) in toks.iter().enumerate() {
            sentiments[i] = if item.entry.boost.is_some()
                || (item.entry.word == Word::Kind
                    && toks.get(i + 1).is_some_and(|t| t.entry.word == Word::Of))
            {
                Valence::INT_ZERO
            } else {
                self.sentiment_valence(is_cap_diff, toks, i)
            };
        }

        if let Some(bi) = toks.iter().position(|t| t.entry.word == Word::But) {
            but_check(bi, sentiments);
        }
        n
    }

    /// vaderSentiment's `sentiment_valence` for the token at `i`.
    fn sentiment_valence(&self, is_cap_diff: bool, toks: &[Tok<'_>], i: usize) -> Valence {
        let item = &toks[i];
        let Some(lex) = item.entry.lex else {
            return Valence::INT_ZERO;
        };
        let mut valence = lex;
        let prev1 = i.checked_sub(1).map(|j| &toks[j]);
        let prev2 = i.checked_sub(2).map(|j| &toks[j]);
        let prev3 = i.checked_sub(3).map(|j| &toks[j]);
        let next1 = toks.get(i + 1);
        let is = |t: Option<&Tok<'_>>, w: Word| t.is_some_and(|t| t.entry.word == w);

        if item.entry.word == Word::No && next1.is_some_and(|t| t.entry.lex.is_some()) {
            valence = 0.0;
        }
        if is(prev1, Word::No)
            || is(prev2, Word::No)
            || (is(prev3, Word::No) && (is(prev1, Word::Or) || is(prev1, Word::Nor)))
        {
            valence = lex * N_SCALAR;
        }
        if item.upper && is_cap_diff {
            if valence > 0.0 {
                valence += C_INCR;
            } else {
                valence -= C_INCR;
            }
        }
        let mut from_int = false;

        if let Some(p1) = prev1 {
            if p1.entry.lex.is_none() {
                valence += scalar_inc_dec(p1, valence, is_cap_diff);
                if p1.entry.negated {
                    valence *= N_SCALAR;
                }
            }
        }
        if let (Some(p1), Some(p2)) = (prev1, prev2) {
            if p2.entry.lex.is_none() {
                let mut s = scalar_inc_dec(p2, valence, is_cap_diff);
                if s != 0.0 {
                    s *= DAMP_2;
                }
                valence += s;
                let (w1, w2) = (p1.entry.word, p2.entry.word);
                if w2 == Word::Never && (w1 == Word::So || w1 == Word::This) {
                    valence *= NEVER_SCALAR;
                } else if w2 == Word::Without && w1 == Word::Doubt {
                } else if p2.entry.negated {
                    valence *= N_SCALAR;
                }
            }
        }
        if let (Some(p1), Some(p2), Some(p3)) = (prev1, prev2, prev3) {
            if p3.entry.lex.is_none() {
                let mut s = scalar_inc_dec(p3, valence, is_cap_diff);
                if s != 0.0 {
                    s *= DAMP_3;
                }
                valence += s;
                let (w1, w2, w3) = (p1.entry.word, p2.entry.word, p3.entry.word);
                // Python's `and` binds tighter than `or`: a bare "so"/"this" just
                // before the word takes this arm too.
                if (w3 == Word::Never && (w2 == Word::So || w2 == Word::This))
                    || (w1 == Word::So || w1 == Word::This)
                {
                    valence *= NEVER_SCALAR;
                } else if w3 == Word::Without && (w2 == Word::Doubt || w1 == Word::Doubt) {
                } else if p3.entry.negated {
                    valence *= N_SCALAR;
                }
                (valence, from_int) = self.special_idioms_check(valence, toks, i);
            }
        }

        // _least_check
        if let Some(p1) = prev1 {
            if p1.entry.lex.is_none() && p1.entry.word == Word::Least {
                let exempt = prev2
                    .is_some_and(|p2| p2.entry.word == Word::At || p2.entry.word == Word::Very);
                if !exempt {
                    return Valence::float(valence * N_SCALAR);
                }
            }
        }
        Valence {
            value: valence,
            from_int,
        }
    }

    /// vaderSentiment's `_special_idioms_check` at `i` (which has three
    /// predecessors).
    fn special_idioms_check(&self, valence_in: f64, toks: &[Tok<'_>], i: usize) -> (f64, bool) {
        let mut valence = valence_in;
        let mut from_int = false;
        let special = |start: usize, len: usize| {
            join(toks, start, len).and_then(|(buf, n)| self.special.get(&buf[..n]).copied())
        };
        // onezero, twoonezero, twoone, threetwoone, threetwo: the first hit wins.
        for (start, len) in [(i - 1, 2), (i - 2, 3), (i - 2, 2), (i - 3, 3), (i - 3, 2)] {
            if let Some(hit) = special(start, len) {
                valence = hit.value;
                from_int = hit.is_int;
                break;
            }
        }
        // zeroone, then zeroonetwo.
        for len in [2, 3] {
            if let Some(hit) = special(i, len) {
                valence = hit.value;
                from_int = hit.is_int;
            }
        }
        // threetwoone, threetwo, twoone against the boosters.
        for (start, len) in [(i - 3, 3), (i - 3, 2), (i - 2, 2)] {
            let increment =
                join(toks, start, len).and_then(|(buf, n)| self.boosters.get(&buf[..n]).copied());
            if let Some(increment) = increment {
                valence += increment;
                from_int = false;
            }
        }
        (valence, from_int)
    }
}

/// The space-joined lower-case words `toks[start..start + len]`, when the window
/// is in range and each word can be part of a multi-word key.
fn join(toks: &[Tok<'_>], start: usize, len: usize) -> Option<([u8; MAX_JOINED], usize)> {
    let window = toks.get(start..start + len)?;
    if !window.iter().all(|t| t.entry.ngram) {
        return None;
    }
    let mut buf = [0u8; MAX_JOINED];
    let mut n = 0;
    for (k, t) in window.iter().enumerate() {
        let key = t.entry.key.as_bytes();
        let sep = usize::from(k > 0);
        if n + sep + key.len() > MAX_JOINED {
            return None;
        }
        if sep == 1 {
            buf[n] = b' ';
        }
        buf[n + sep..n + sep + key.len()].copy_from_slice(key);
        n += sep + key.len();
    }
    Some((buf, n))
}

/// vaderSentiment's `scalar_inc_dec`.
fn scalar_inc_dec(word: &Tok<'_>, valence: f64, is_cap_diff: bool) -> f64 {
    let mut scalar = 0.0_f64;
    if let Some(increment) = word.entry.boost {
        scalar = increment;
        if valence < 0.0 {
            scalar = -scalar;
        }
        if word.upper && is_cap_diff {
            if valence > 0.0 {
                scalar += C_INCR;
            } else {
                scalar -= C_INCR;
            }
        }
    }
    scalar
}

/// vaderSentiment's `_but_check`, quirk included: each value is reweighted at the
/// FIRST slot holding an equal value (`sentiments.index(sentiment)`), not at its own.
fn but_check(bi: usize, sentiments: &mut [Valence]) {
    for pos in 0..sentiments.len() {
        let sentiment = sentiments[pos];
        // Python `==`: the two zeros are equal, a NaN equals nothing (none occurs).
        let si = sentiments
            .iter()
            .position(|v| v.value == sentiment.value)
            .unwrap_or(pos);
        let weight = if si < bi {
            BUT_BEFORE
        } else if si > bi {
            BUT_AFTER
        } else {
            continue;
        };
        sentiments[si] = Valence::float(sentiment.value * weight);
    }
}

/// CPython's builtin `sum`: a leading run of ints added exactly, the first float
/// added plainly, then Neumaier-compensated float addition (CPython 3.12+).
fn python_sum(values: &[Valence]) -> f64 {
    let mut iter = values.iter();
    let mut i_result = 0.0_f64;
    let (mut f_result, mut c) = loop {
        match iter.next() {
            None => return i_result,
            Some(v) if v.from_int => i_result += v.value,
            Some(v) => break (i_result + v.value, 0.0_f64),
        }
    };
    for v in iter {
        let x = v.value;
        let t = f_result + x;
        if f_result.abs() >= x.abs() {
            c += (f_result - t) + x;
        } else {
            c += (x - t) + f_result;
        }
        f_result = t;
    }
    if c != 0.0 && c.is_finite() {
        f_result += c;
    }
    f_result
}

/// vaderSentiment's `_punctuation_emphasis` over the whole text.
fn punctuation_emphasis(text: &[u8]) -> f64 {
    let (mut ep, mut qm) = (0usize, 0usize);
    for &b in text {
        ep += usize::from(b == b'!');
        qm += usize::from(b == b'?');
    }
    let ep_amplifier = (ep.min(4) as f64) * EP_STEP;
    let qm_amplifier = if qm > 3 {
        QM_CAP
    } else if qm > 1 {
        (qm as f64) * QM_STEP
    } else {
        0.0
    };
    ep_amplifier + qm_amplifier
}

/// vaderSentiment's `normalize` with alpha 15.
fn normalize(score: f64) -> f64 {
    (score / ((score * score) + ALPHA).sqrt()).clamp(-1.0, 1.0)
}

/// Python's `round(x, 4)` as `vader-parity` computes it (format with 4 decimals,
/// parse), for |x| ≤ 1, without formatting.
///
/// `x * 10⁴` is off the exact product by at most half an ulp of 10⁴ (~1e-12), so
/// unless its fraction is within 1e-7 of one half, rounding it to an integer `k`
/// gives the correctly rounded 4-decimal digits, and `k / 10⁴` (one correctly
/// rounded division of exact integers) is the nearest `f64` to that decimal, which
/// is what parsing the formatted decimal gives. Near a tie, format and parse.
fn python_round4(x: f64) -> f64 {
    let scaled = x * 10_000.0;
    let fraction = (scaled - scaled.trunc()).abs();
    if (fraction - 0.5).abs() < 1e-7 || !x.is_finite() || x.abs() > 1.0 {
        return python_round4_by_formatting(x);
    }
    // `round` keeps the sign of a zero, as formatting "-0.0000" and parsing does.
    scaled.round() / 10_000.0
}

/// `vader-parity`'s `python_round(x, 4)`: correctly rounded decimal formatting,
/// ties to even, then the nearest `f64`.
#[cold]
fn python_round4_by_formatting(x: f64) -> f64 {
    format!("{x:.4}").parse::<f64>().unwrap_or(x)
}

/// Python's `str.isspace()` for an ASCII byte: `\t`..`\r`, the separators
/// `\x1c`..`\x1f`, and space. Shared by VADER's tokenizer and the chat rewrite, which
/// test every byte of a message: by a table, one load instead of two range tests.
pub(crate) fn is_ascii_space(b: u8) -> bool {
    BYTE_CLASSES[usize::from(b)] & SPACE != 0
}

/// `u8::is_ascii_punctuation` by the same table (four range tests otherwise).
fn is_punctuation(b: u8) -> bool {
    BYTE_CLASSES[usize::from(b)] & PUNCTUATION != 0
}

const SPACE: u8 = 1;
const PUNCTUATION: u8 = 2;

/// Which of [`SPACE`] and [`PUNCTUATION`] each byte is.
static BYTE_CLASSES: [u8; 256] = {
    let mut table = [0; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        if matches!(byte, b'\t'..=b'\r' | 0x1c..=b' ') {
            table[b] = SPACE;
        } else if byte.is_ascii_punctuation() {
            table[b] = PUNCTUATION;
        }
        b += 1;
    }
    table
};

/// vaderSentiment's `_strip_punc_if_word`: strip leading and trailing ASCII
/// punctuation unless that leaves two characters or fewer.
fn strip_punc_if_word(token: &[u8]) -> &[u8] {
    let core = without_punctuation(token);
    if core.len() <= 2 {
        token
    } else {
        &token[core]
    }
}

/// Where `token` is once leading and trailing ASCII punctuation is cut off (an empty
/// range at its end when it is all punctuation).
pub(crate) fn without_punctuation(token: &[u8]) -> std::ops::Range<usize> {
    // Most tokens are words with nothing to cut: their two ends decide them.
    if let (Some(&first), Some(&last)) = (token.first(), token.last()) {
        if !is_punctuation(first) && !is_punctuation(last) {
            return 0..token.len();
        }
    }
    let start = token
        .iter()
        .position(|&b| !is_punctuation(b))
        .unwrap_or(token.len());
    let end = token
        .iter()
        .rposition(|&b| !is_punctuation(b))
        .map_or(start, |e| e + 1);
    start..end
}

/// Python's `str.isupper()` for ASCII: an upper-case letter and no lower-case one.
fn is_upper(token: &[u8]) -> bool {
    let mut cased = false;
    for &b in token {
        if b.is_ascii_lowercase() {
            return false;
        }
        cased |= b.is_ascii_uppercase();
    }
    cased
}

/// Python's `str.strip()` without arguments (Unicode white space and
/// U+001C..U+001F).
fn py_strip(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || matches!(c, '\u{1c}'..='\u{1f}'))
}

/// vaderSentiment's `make_lex_dict` as `vader-parity` reads it: lines of
/// `word\tvalence\t...`, stripped, empty and malformed lines skipped, later
/// duplicates winning (they are applied in order).
fn parse_lexicon(raw: &'static str) -> Vec<(&'static str, f64)> {
    let mut out = Vec::new();
    for line in raw.trim_end_matches('\n').split('\n') {
        if line.is_empty() {
            continue;
        }
        let mut fields = py_strip(line).split('\t');
        if let (Some(word), Some(measure)) = (fields.next(), fields.next()) {
            if let Ok(value) = measure.parse::<f64>() {
                out.push((word, value));
            }
        }
    }
    out
}

/// `vader-parity`'s `rules_tables.tsv` reader: `kind\tkey\tvalue` lines, `#`
/// comments; a value without a decimal point is a Python int. Later duplicates win
/// (applied in order).
#[allow(clippy::type_complexity)]
fn parse_rules_tables(
    raw: &'static str,
) -> (Vec<(&'static str, SpecialCase)>, Vec<(&'static str, f64)>) {
    let mut special = Vec::new();
    let mut boosters = Vec::new();
    for line in raw.lines() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut fields = line.split('\t');
        if let (Some(kind), Some(key), Some(literal)) =
            (fields.next(), fields.next(), fields.next())
        {
            if let Ok(value) = literal.parse::<f64>() {
                match kind {
                    "special" => special.push((
                        key,
                        SpecialCase {
                            value,
                            is_int: !literal.contains('.'),
                        },
                    )),
                    "booster" => boosters.push((key, value)),
                    _ => {}
                }
            }
        }
    }
    (special, boosters)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::sync::OnceLock;
    use vader_parity::SentimentIntensityAnalyzer;

    fn fast() -> &'static FastVader {
        static FAST: OnceLock<FastVader> = OnceLock::new();
        FAST.get_or_init(FastVader::new)
    }

    fn analyzer() -> &'static SentimentIntensityAnalyzer {
        static ANALYZER: OnceLock<SentimentIntensityAnalyzer> = OnceLock::new();
        ANALYZER.get_or_init(SentimentIntensityAnalyzer::new)
    }

    /// The fast compound's bits, `None` when the fast path declines.
    fn fast_bits(text: &str) -> Option<u64> {
        fast().compound(text).map(f64::to_bits)
    }

    fn reference_bits(text: &str) -> u64 {
        analyzer().polarity_scores(text).compound.to_bits()
    }

    /// Asserts bit equality with `vader-parity` for a text the fast path must take.
    fn assert_same(text: &str) {
        assert_eq!(
            fast_bits(text),
            Some(reference_bits(text)),
            "{text:?}: fast {:?}, vader-parity {}",
            fast().compound(text),
            analyzer().polarity_scores(text).compound
        );
    }

    fn generated_chat(n: usize) -> Vec<String> {
        let mut generator = telemetra_gen::Generator::new(telemetra_gen::GenConfig::default());
        std::iter::from_fn(|| match generator.next_timed().1 {
            telemetra_types::Event::Chat(m) => Some(Some(m.message)),
            _ => Some(None),
        })
        .flatten()
        .take(n)
        .collect()
    }

    #[test]
    fn byte_table_is_the_range_tests() {
        for b in 0..=u8::MAX {
            let python_space =
                b.is_ascii() && char::from(b).is_whitespace() || (0x1c..=0x1f).contains(&b);
            assert_eq!(is_ascii_space(b), python_space, "byte {b}");
            assert_eq!(is_punctuation(b), b.is_ascii_punctuation(), "byte {b}");
        }
    }

    #[test]
    fn without_punctuation_trims_both_ends() {
        let trimmed = |t: &[u8]| {
            let start = t
                .iter()
                .position(|b| !b.is_ascii_punctuation())
                .unwrap_or(t.len());
            let end = t.len()
                - t.iter()
                    .rev()
                    .take_while(|b| b.is_ascii_punctuation())
                    .count();
            start..end.max(start)
        };
        // Every token of up to four bytes from a letter, a digit, punctuation and
        // non-ASCII.
        let alphabet = [b'a', b'7', b'!', b'.', b'\'', 0xc3];
        let mut tokens = vec![vec![]];
        for _ in 0..4 {
            let longer: Vec<Vec<u8>> = tokens
                .iter()
                .flat_map(|t| alphabet.iter().map(move |&b| [t.as_slice(), &[b]].concat()))
                .collect();
            tokens.extend(longer);
        }
        tokens.sort();
        tokens.dedup();
        for t in &tokens {
            assert_eq!(without_punctuation(t), trimmed(t), "{t:?}");
        }
    }

    #[test]
    fn the_vendored_data_parses_like_vader_parity() {
        // vader-parity's counts: 7506 lexicon entries (14 later-wins duplicates), 9
        // special cases, 84 boosters.
        let lexicon: HashMap<_, _> = parse_lexicon(VADER_LEXICON).into_iter().collect();
        assert_eq!(lexicon.len(), 7506);
        let (special, boosters) = parse_rules_tables(RULES_TABLES);
        assert_eq!(special.len(), 9);
        assert_eq!(boosters.len(), 84);
        let f = fast();
        assert_eq!(f.special.len(), 9);
        assert_eq!(f.boosters.len(), 84);
        assert_eq!(f.words.get(&b"good"[..]).and_then(|e| e.lex), Some(1.9));
        assert_eq!(f.words.get(&b":)"[..]).and_then(|e| e.lex), Some(2.0));
        let the_shit = f.special.get(&b"the shit"[..]).copied();
        assert_eq!(the_shit.map(|c| (c.value, c.is_int)), Some((3.0, true)));
        let bus_stop = f.special.get(&b"bus stop"[..]).copied();
        assert_eq!(bus_stop.map(|c| (c.value, c.is_int)), Some((0.0, false)));
        // Every lexicon entry alone, in three casings.
        for (word, _) in parse_lexicon(VADER_LEXICON) {
            if word.is_ascii() {
                assert_same(word);
                assert_same(&word.to_ascii_uppercase());
                assert_same(&format!("{word} {}", word.to_ascii_uppercase()));
            }
        }
    }

    /// Python int provenance, which only shows in low bits, pinned with
    /// `vader-parity`'s CPython traces: its stage-1 sentence (the coffee emoji is
    /// "hot beverage") has int-valued idiom replacements among floats, and CPython's
    /// `sum` of that list is -1.0999999999999996.
    #[test]
    fn python_int_provenance_and_sum() {
        let f = fast();
        let text = b"hot beverage the bomb gracefullest delectably the shitty noon :-[ \
                     villainess infuriated noon intensely";
        let mut toks = [Tok {
            entry: &UNKNOWN,
            upper: false,
        }; STACK_TOKENS];
        let mut sentiments = [Valence::INT_ZERO; STACK_TOKENS];
        let n = f.sentiments(text, &mut toks, &mut sentiments);
        let got: Vec<(f64, bool)> = sentiments[..n]
            .iter()
            .map(|v| (v.value, v.from_int))
            .collect();
        let (iz, ii, ff) = ((0.0, true), |v| (v, true), |v| (v, false));
        assert_eq!(
            got,
            [
                iz,
                iz,
                iz,
                ii(3.0),
                ii(3.0),
                ii(3.0),
                iz,
                ff(-2.6),
                iz,
                ff(-1.6),
                ff(-2.9),
                ff(-3.0),
                iz,
                iz
            ]
        );
        assert_eq!(
            python_sum(&sentiments[..n]).to_bits(),
            0xbff1_9999_9999_9998
        );
        // An int idiom value plus a multi-word booster ("sort of") is a float.
        let n = f.sentiments(b"sort of the shit", &mut toks, &mut sentiments);
        let last = sentiments[n - 1];
        assert_eq!((last.value, last.from_int), (3.0 + -0.293, false));
        let v = |value, from_int| Valence { value, from_int };
        // The int-to-float transition is one uncompensated addition.
        assert_eq!(
            python_sum(&[v(9.0, true), v(-2.6, false), v(-1.6, false)]).to_bits(),
            0x4013_3333_3333_3334
        );
        assert_eq!(
            python_sum(&[v(9.0, false), v(-2.6, false), v(-1.6, false)]).to_bits(),
            0x4013_3333_3333_3333
        );
        assert_eq!(
            python_sum(&[v(1.1, false), v(1.2, false), v(0.0, true), v(1.9, false)]).to_bits(),
            4.2_f64.to_bits()
        );
        // A reweighted slot is a float; the "but" check lands on the first equal slot.
        let mut s = [v(2.0, false), v(1.0, false), v(0.0, true), v(1.0, false)];
        but_check(2, &mut s);
        let values: Vec<f64> = s.iter().map(|v| v.value).collect();
        assert_eq!(values, [0.5, 0.5, 0.0, 1.0]);
        let mut s = [v(0.0, true), v(3.0, true)];
        but_check(0, &mut s);
        assert!(s[0].from_int && !s[1].from_int && s[1].value == 4.5);
    }

    #[test]
    fn published_vader_examples() {
        // vaderSentiment 3.3.2's README outputs.
        for (text, want) in [
            ("VADER is smart, handsome, and funny.", 0.8316),
            ("VADER is smart, handsome, and funny!", 0.8439),
            ("VADER is very smart, handsome, and funny.", 0.8545),
            ("VADER is VERY SMART, handsome, and FUNNY.", 0.9227),
            ("VADER is VERY SMART, handsome, and FUNNY!!!", 0.9342),
            (
                "VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!",
                0.9469,
            ),
            ("VADER is not smart, handsome, nor funny.", -0.7424),
            ("The book was good.", 0.4404),
            ("At least it isn't a horrible book.", 0.431),
            ("The book was only kind of good.", 0.3832),
            (
                "The plot was good, but the characters are uncompelling and the dialog is not great.",
                -0.7042,
            ),
            ("Today SUX!", -0.5461),
            ("Today only kinda sux! But I'll get by, lol", 0.5249),
            ("Make sure you :) or :D today!", 0.8633),
            ("Catch utf-8 emoji such as such as \u{1F498} and \u{1F48B} and \u{1F601}", 0.0),
            ("Not bad at all", 0.431),
        ] {
            let got = fast().compound(text);
            if text.is_ascii() {
                assert_eq!(got, Some(want), "{text}");
            } else {
                assert_eq!(got, None, "{text}");
            }
        }
    }

    #[test]
    fn rule_corner_cases() {
        for text in [
            "",
            "   \t ",
            "!!!",
            "good",
            "no good",
            "no no good",
            "no problem or bad",
            "no problem nor bad",
            "never so good",
            "never this good",
            "so very good",
            "this x good",
            "without doubt good",
            "without a doubt good",
            "at least good",
            "very least good",
            "least good",
            "the least good",
            "kind of good",
            "KIND OF good",
            "kind good",
            "sort of good",
            "just enough good",
            "x y kind of",
            "the shit",
            "the bomb",
            "that is the shit yeah",
            "bad ass",
            "badass",
            "bus stop",
            "yeah right",
            "kiss of death",
            "to die for",
            "it was to die for good",
            "beating heart",
            "good but bad",
            "good good but good good",
            "good bad but good bad",
            "but but good",
            "good bad ugly but",
            "GOOD bad",
            "GOOD BAD",
            "VERY good",
            "very GOOD",
            "x VERY good",
            "isn't good",
            "ISN'T good",
            "xxn'txx good",
            "not very good",
            "don't really like",
            "good!!!!!!",
            "bad??",
            "bad????",
            "good?!?!",
            ":) :( <3 (: :-(",
            "(good) [bad] 'ok'",
            "good, bad; ugly.",
            "a I x ok",
            "the shit the bomb bus stop",
            "no the shit good",
            "sort of kind of just enough the shit",
            "sort of the shit",
            "hot beverage the bomb gracefullest delectably the shitty noon :-[ villainess",
        ] {
            assert_same(text);
        }
    }

    #[test]
    fn long_and_non_ascii_texts() {
        // The heap path, with "but" and repeated values.
        let long = "good bad but so GOOD, not great!! ".repeat(30);
        assert!(long.len() > STACK_LEN && long.len() <= MAX_LEN);
        assert_same(&long);
        let exactly = "ab ".repeat(STACK_LEN / 3) + "good";
        assert_same(&exactly);
        let tokens = "a ".repeat(STACK_LEN / 2) + "b";
        assert!(tokens.len() > STACK_LEN);
        assert_same(&tokens);
        let tokens = "a ".repeat(STACK_LEN / 2);
        assert_eq!(tokens.len(), STACK_LEN);
        assert_same(&tokens);
        // As many tokens (one-letter words) as a text of each length can hold, across
        // the short slots' limit.
        for len in 2 * SHORT_TOKENS - 4..2 * SHORT_TOKENS + 4 {
            let dense: String = (0..len)
                .map(|i| if i % 2 == 0 { 'x' } else { ' ' })
                .collect();
            assert_same(&dense);
            // A word after the last: a token more, or a longer last one.
            for word in ["a", "no", "good"] {
                assert_same(&format!("{dense}{word}"));
            }
        }
        assert_eq!(fast().compound(&"good ".repeat(MAX_LEN)), None);
        assert_eq!(fast().compound("gut \u{1F600}"), None);
        assert_eq!(fast().compound("caf\u{e9}"), None);
    }

    #[test]
    fn rounding_matches_formatting() {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..200_000 {
            let x = (next() >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0;
            assert_eq!(
                python_round4(x).to_bits(),
                python_round4_by_formatting(x).to_bits(),
                "{x}"
            );
        }
        // Ties and near-ties: k/10⁴ + 0.00005 and its neighbours.
        for k in -10_000..10_000 {
            let tie = f64::from(k) / 10_000.0 + 0.000_05;
            for x in [
                tie,
                tie.next_up(),
                tie.next_down(),
                -tie,
                f64::from(k) / 10_000.0,
            ] {
                if x.abs() <= 1.0 {
                    assert_eq!(
                        python_round4(x).to_bits(),
                        python_round4_by_formatting(x).to_bits(),
                        "{x}"
                    );
                }
            }
        }
        assert_eq!(python_round4(-0.000_01).to_bits(), (-0.0_f64).to_bits());
        assert_eq!(python_round4(0.0).to_bits(), 0.0_f64.to_bits());
    }

    #[test]
    fn labelled_and_generated_chat_and_its_rewrites() {
        let labels = include_str!("../tests/sentiment_labels.tsv")
            .lines()
            .filter_map(|l| l.split_once('\t').map(|(_, t)| t.to_owned()));
        let texts: Vec<String> = labels.chain(generated_chat(20_000)).collect();
        let model = crate::SentimentModel::with_cache(0);
        let (mut fast_taken, mut rewritten) = (0, 0);
        for text in &texts {
            let candidates = std::iter::once(text.clone()).chain(model.vader_text(text));
            for t in candidates {
                rewritten += 1;
                match fast_bits(&t) {
                    Some(bits) => {
                        fast_taken += 1;
                        assert_eq!(bits, reference_bits(&t), "{t:?}");
                    }
                    None => assert!(!t.is_ascii() || t.len() > MAX_LEN, "{t:?}"),
                }
            }
        }
        assert!(rewritten > texts.len());
        assert!(fast_taken * 2 > rewritten, "{fast_taken} of {rewritten}");
    }

    /// Words that exercise every rule.
    fn vocabulary() -> Vec<String> {
        let mut words: Vec<String> = Vec::new();
        let (special, boosters) = parse_rules_tables(RULES_TABLES);
        for (key, _) in &special {
            words.push((*key).to_owned());
            words.extend(key.split(' ').map(str::to_owned));
        }
        for (key, _) in &boosters {
            words.push((*key).to_owned());
            words.extend(key.split(' ').map(str::to_owned));
        }
        words.extend(NEGATE.iter().map(|w| (*w).to_owned()));
        words.extend(WORDS.iter().map(|(w, _)| (*w).to_owned()));
        for w in [
            "but", "least", "at", "very", "kind", "of", "no", "never", "so", "this", "without",
            "doubt", "or", "nor", "good", "bad", "great", "love", "hate", "ugly", "happy", "sad",
            "lol", "sux", ":)", ":-(", "<3", "(:", ":(", ":D", ":P", ";)", ":-)", "</3", "8-)",
            "good!", "(bad)", "wow,", "...", "!", "!!", "???", "?!", "!?!", "a", "I", "x", "ok",
            "n't", "xn'tx", "'", "-", "--good--", "!!!!!", "\"nice\"", "it's", "isn't.", "0", "1",
            "42", "2020",
        ] {
            words.push(w.to_owned());
        }
        // The rules' word pairs, so that they meet often.
        for phrase in [
            "without doubt",
            "without a doubt",
            "never so",
            "never this",
            "at least",
            "very least",
            "kind of",
            "no no",
            "no or",
            "no nor",
            "so this",
        ] {
            words.push(phrase.to_owned());
        }
        // A few hundred lexicon words, positive and negative, with punctuation too.
        for (k, (word, _)) in parse_lexicon(VADER_LEXICON).into_iter().enumerate() {
            if word.is_ascii()
                && (k % 23 == 0 || word.bytes().any(|b| b.is_ascii_punctuation()) && k % 3 == 0)
            {
                words.push(word.to_owned());
            }
        }
        words.sort();
        words.dedup();
        words
    }

    fn cased(word: &str, case: u8) -> String {
        match case {
            0 => word.to_ascii_uppercase(),
            1 => {
                let mut s = word.to_owned();
                if let Some(first) = s.get_mut(..1) {
                    first.make_ascii_uppercase();
                }
                s
            }
            _ => word.to_owned(),
        }
    }

    fn text_strategy() -> impl Strategy<Value = String> {
        let vocabulary = vocabulary();
        let word = prop_oneof![
            8 => proptest::sample::select(vocabulary),
            1 => "[a-zA-Z]{1,8}",
            1 => "[0-9]{1,4}",
            1 => "[!-~]{1,5}",
        ];
        let separator = prop_oneof![
            6 => Just(" "),
            1 => Just("  "),
            1 => Just("\t"),
            1 => Just(" \t "),
            1 => Just("\n"),
            1 => Just("\r\n"),
            1 => Just("\u{b}\u{c}"),
            1 => Just("\u{1c}"),
            1 => Just("\u{1f} "),
        ];
        let piece = (word, 0u8..4, separator);
        (proptest::collection::vec(piece, 0..24), any::<bool>()).prop_map(|(pieces, lead)| {
            let mut text = String::new();
            if lead {
                text.push(' ');
            }
            for (k, (word, case, separator)) in pieces.into_iter().enumerate() {
                if k > 0 {
                    text.push_str(separator);
                }
                text.push_str(&cased(&word, case));
            }
            text
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(30_000))]

        #[test]
        fn fast_vader_equals_vader_parity(text in text_strategy()) {
            prop_assert_eq!(fast_bits(&text), Some(reference_bits(&text)), "{:?}", text);
        }
    }
}
