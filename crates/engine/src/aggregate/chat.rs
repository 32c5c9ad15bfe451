//! Chat aggregates: counts, exact unique chatters, emotes, top lists.

use std::cmp::Ordering;
use std::collections::hash_map::Entry;
use std::collections::HashMap as StdHashMap;

/// Pane maps are keyed by chat input (usernames, emote names): foldhash is several
/// times faster than SipHash on short keys and, seeded per process, still keeps
/// crafted names from colliding on purpose.
type HashMap<K, V> = StdHashMap<K, V, foldhash::fast::RandomState>;

use compact_str::CompactString;
use telemetra_types::{ChatView, CountEntry, WindowMetrics};

use crate::{Sentiment, SentimentClass};

/// Entries in each top list (SPEC §2).
const TOP_N: usize = 10;

/// Chat activity of one channel in one pane.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct ChatPane {
    messages: u64,
    sentiment: SentimentSum,
    emote_count: u64,
    /// Keyed by names held in the table itself when they fit (a Twitch login
    /// always does): a chatter new to the pane, most of them in a large audience,
    /// costs no allocation, and finding one reads no other memory.
    chatters: HashMap<CompactString, u64>,
    emotes: HashMap<CompactString, u64>,
}

impl ChatPane {
    /// An empty pane with room for this many chatters and emotes.
    pub fn with_room(chatters: usize, emotes: usize) -> Self {
        Self {
            chatters: HashMap::with_capacity_and_hasher(chatters, Default::default()),
            emotes: HashMap::with_capacity_and_hasher(emotes, Default::default()),
            ..Self::default()
        }
    }

    /// How many chatters and emotes the pane has.
    pub fn names(&self) -> (usize, usize) {
        (self.chatters.len(), self.emotes.len())
    }

    /// Adds one message. An emote listed twice counts twice.
    pub fn add(&mut self, m: &ChatView<'_>, sentiment: Sentiment) {
        self.messages += 1;
        self.sentiment.add(sentiment);
        // Most chatters are new to a pane, so the name is made first and the table
        // searched once (a login fits inline: making one allocates nothing), where
        // `bump` would search, then search again to insert.
        *self
            .chatters
            .entry(CompactString::new(&*m.username))
            .or_default() += 1;
        for emote in m.emotes() {
            self.emote_count += 1;
            bump(&mut self.emotes, emote);
        }
    }
}

/// Message sentiment in a pane or window.
///
/// Scores are summed in fixed point (ten-thousandths, the model's precision) so the
/// mean does not depend on the order messages arrived in, as a float sum would.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct SentimentSum {
    scaled_sum: i64,
    scored: u64,
    positive: u64,
    neutral: u64,
    negative: u64,
}

impl SentimentSum {
    /// Adds one message's score.
    pub fn add(&mut self, s: Sentiment) {
        self.scaled_sum += (s.compound * 10_000.0).round() as i64;
        self.scored += 1;
        match s.class {
            SentimentClass::Positive => self.positive += 1,
            SentimentClass::Neutral => self.neutral += 1,
            SentimentClass::Negative => self.negative += 1,
        }
    }

    fn merge(&mut self, other: &SentimentSum) {
        self.scaled_sum += other.scaled_sum;
        self.scored += other.scored;
        self.positive += other.positive;
        self.neutral += other.neutral;
        self.negative += other.negative;
    }

    /// Takes back what [`SentimentSum::merge`] added: exact, as the sums are integers.
    fn unmerge(&mut self, other: &SentimentSum) {
        self.scaled_sum -= other.scaled_sum;
        self.scored -= other.scored;
        self.positive -= other.positive;
        self.neutral -= other.neutral;
        self.negative -= other.negative;
    }

    /// Writes the sentiment fields: the mean score, and the messages per class.
    pub fn finish(&self, m: &mut WindowMetrics) {
        m.sentiment_score = (self.scored > 0).then(|| {
            let mean = self.scaled_sum as f64 / self.scored as f64 / 10_000.0;
            (mean * 10_000.0).round() / 10_000.0
        });
        m.positive_count = self.positive;
        m.neutral_count = self.neutral;
        m.negative_count = self.negative;
    }
}

/// Counts one occurrence, making the key only the first time it is seen.
fn bump(counts: &mut HashMap<CompactString, u64>, name: &str) {
    match counts.get_mut(name) {
        Some(n) => *n += 1,
        None => {
            counts.insert(CompactString::new(name), 1);
        }
    }
}

/// Chat panes merged into a window, keyed by `K`: names borrowed from the panes for a
/// window merged at once ([`ChatAccumulator`]), or held for one that slides
/// ([`SlidingChat`]).
#[derive(Debug)]
pub struct ChatTotals<K> {
    messages: u64,
    sentiment: SentimentSum,
    emote_count: u64,
    chatters: HashMap<K, u64>,
    emotes: HashMap<K, u64>,
}

impl<K> Default for ChatTotals<K> {
    fn default() -> Self {
        Self {
            messages: 0,
            sentiment: SentimentSum::default(),
            emote_count: 0,
            chatters: HashMap::default(),
            emotes: HashMap::default(),
        }
    }
}

/// Chat panes merged into a window at once, borrowing the panes' strings.
pub type ChatAccumulator<'a> = ChatTotals<&'a str>;

/// The chat of a run of consecutive panes, carried from one final window to the
/// next: sliding by a pane adds the pane that enters and takes back the one that
/// leaves, so each pane's chatters are counted in twice instead of once for every
/// window it belongs to (six by default). Names are held, as the panes they came from
/// are dropped before the run is; a Twitch login fits inline, so holding one costs no
/// allocation.
pub type SlidingChat = ChatTotals<CompactString>;

impl<'a> ChatAccumulator<'a> {
    /// An empty accumulator sized for merging `panes`, so that its tables do not
    /// grow while they are merged (each growth rehashes every name so far). Chatters
    /// mostly differ from pane to pane, so there is room for all of them (a window
    /// whose audience repeats gets spare room, freed with the window); emotes are a
    /// shared vocabulary, so room for the largest pane's.
    pub fn for_panes<'p>(panes: impl Iterator<Item = &'p ChatPane>) -> Self {
        let (chatters, emotes) = panes.fold((0, 0), |(c, e), p| {
            (c + p.chatters.len(), e.max(p.emotes.len()))
        });
        Self {
            chatters: HashMap::with_capacity_and_hasher(chatters, Default::default()),
            emotes: HashMap::with_capacity_and_hasher(emotes, Default::default()),
            ..Self::default()
        }
    }

    /// Adds a pane.
    pub fn merge(&mut self, pane: &'a ChatPane) {
        self.messages += pane.messages;
        self.sentiment.merge(&pane.sentiment);
        self.emote_count += pane.emote_count;
        for (name, n) in &pane.chatters {
            *self.chatters.entry(name.as_str()).or_default() += n;
        }
        for (name, n) in &pane.emotes {
            *self.emotes.entry(name.as_str()).or_default() += n;
        }
    }
}

impl SlidingChat {
    /// Adds a pane that enters the run.
    pub fn add(&mut self, pane: &ChatPane) {
        self.messages += pane.messages;
        self.sentiment.merge(&pane.sentiment);
        self.emote_count += pane.emote_count;
        for (name, &n) in &pane.chatters {
            add_count(&mut self.chatters, name, n);
        }
        for (name, &n) in &pane.emotes {
            add_count(&mut self.emotes, name, n);
        }
    }

    /// Empties the totals, keeping the tables' room.
    pub fn clear(&mut self) {
        self.messages = 0;
        self.sentiment = SentimentSum::default();
        self.emote_count = 0;
        self.chatters.clear();
        self.emotes.clear();
    }

    /// Takes back a pane added before, unchanged since: a name whose count falls to
    /// zero is forgotten, so the tables hold exactly the names of the panes in the run.
    pub fn remove(&mut self, pane: &ChatPane) {
        self.messages -= pane.messages;
        self.sentiment.unmerge(&pane.sentiment);
        self.emote_count -= pane.emote_count;
        for (name, &n) in &pane.chatters {
            take_count(&mut self.chatters, name, n);
        }
        for (name, &n) in &pane.emotes {
            take_count(&mut self.emotes, name, n);
        }
    }
}

impl<K: std::borrow::Borrow<str>> ChatTotals<K> {
    /// Writes the chat fields of a window of length `window_ms`.
    pub fn finish(&self, m: &mut WindowMetrics, window_ms: i64) {
        m.message_count = self.messages;
        m.messages_per_min = self.messages as f64 * 60_000.0 / window_ms as f64;
        m.unique_chatters = self.chatters.len() as u64;
        m.emote_count = self.emote_count;
        m.top_emotes = top(self.emotes.iter().map(|(name, &n)| (name.borrow(), n)));
        m.top_chatters = top(self.chatters.iter().map(|(name, &n)| (name.borrow(), n)));
        self.sentiment.finish(m);
    }
}

/// Adds `n` to a held name's count, holding the name if it is new.
///
/// Both this and [`take_count`] search the table once, by a copy of the name: a login
/// fits inline, so the copy allocates nothing, where a search by `&str` and then an
/// insert (or a removal) would hash and search twice for most names.
fn add_count(counts: &mut HashMap<CompactString, u64>, name: &CompactString, n: u64) {
    *counts.entry(name.clone()).or_default() += n;
}

/// Takes `n` back from a held name's count, forgetting the name at zero.
fn take_count(counts: &mut HashMap<CompactString, u64>, name: &CompactString, n: u64) {
    match counts.entry(name.clone()) {
        Entry::Occupied(mut count) if *count.get() > n => *count.get_mut() -= n,
        Entry::Occupied(count) => {
            count.remove();
        }
        Entry::Vacant(_) => debug_assert!(false, "{name} was not added"),
    }
}

/// The `TOP_N` largest counts, most first; ties by name so results are deterministic.
///
/// One pass keeping the best `TOP_N` in order: most names fail the comparison with the
/// current last, so a window of hundreds of chatters costs about one comparison each.
fn top<'a>(counts: impl IntoIterator<Item = (&'a str, u64)>) -> Vec<CountEntry> {
    let mut best: Vec<Ranked> = Vec::with_capacity(TOP_N + 1);
    for (name, count) in counts {
        // Most names of a window are below the bar by their count alone (a chatter
        // says one thing): those are passed over without reading the name.
        if best.len() == TOP_N && count < best[TOP_N - 1].count {
            continue;
        }
        let entry = Ranked::new(name, count);
        if best.len() == TOP_N && entry.order(&best[TOP_N - 1]).is_ge() {
            continue;
        }
        let at = best.partition_point(|e| e.order(&entry).is_lt());
        best.insert(at, entry);
        best.truncate(TOP_N);
    }
    best.into_iter()
        .map(|r| CountEntry {
            name: r.name.to_owned(),
            count: r.count,
        })
        .collect()
}

/// A name and its count, in top-list order.
struct Ranked<'a> {
    /// The count above the complement of the name's first eight bytes (big-endian,
    /// zero-padded): a larger key is a larger count, or an equal count and an earlier
    /// name. Most counts in a window tie (a chatter says one thing), so nearly every
    /// comparison is by name, and names mostly differ early: one integer comparison
    /// decides it, where comparing the strings (a `memcmp` call each) was a sixth of
    /// the top lists' cost.
    key: u128,
    name: &'a str,
    count: u64,
}

impl<'a> Ranked<'a> {
    fn new(name: &'a str, count: u64) -> Self {
        Self {
            key: u128::from(count) << 64 | u128::from(!name_prefix(name)),
            name,
            count,
        }
    }

    /// `Less` when `self` ranks first.
    fn order(&self, other: &Self) -> Ordering {
        // A padded prefix can tie with a longer name's: then the names decide.
        other
            .key
            .cmp(&self.key)
            .then_with(|| self.name.cmp(other.name))
    }
}

/// The first eight bytes of `name`, big-endian, zero-padded: ordered as the names are,
/// except that names equal in their first eight bytes (or padded) tie.
fn name_prefix(name: &str) -> u64 {
    match name.as_bytes().first_chunk::<8>() {
        Some(head) => u64::from_be_bytes(*head),
        None => name
            .bytes()
            .enumerate()
            .fold(0, |acc, (i, b)| acc | u64::from(b) << (56 - 8 * i)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use telemetra_types::{ChannelId, Timestamp};

    /// A pane of `messages` messages from a small audience (names repeat across panes
    /// and within one), with emotes and scores varying by message.
    fn pane(seed: u64, messages: u64) -> ChatPane {
        let mut pane = ChatPane::default();
        for i in 0..messages {
            let x = (seed * 31 + i * 17) % 23;
            let message = telemetra_types::ChatMessage {
                message_id: format!("{seed}-{i}"),
                channel: ChannelId::parse("c").unwrap(),
                username: format!("user_{}", x % 7),
                message: String::new(),
                timestamp: Timestamp(0),
                emotes: Some(
                    (0..x % 3)
                        .map(|e| format!("emote{}", (x + e) % 5))
                        .collect(),
                ),
                badges: None,
                sentiment_hint: None,
                bits: None,
            };
            let compound = (x as f64 - 11.0) / 12.0;
            let sentiment = Sentiment {
                compound,
                class: SentimentClass::from_compound(compound),
            };
            pane.add(&ChatView::of(&message), sentiment);
        }
        pane
    }

    fn window() -> WindowMetrics {
        let c = ChannelId::parse("c").unwrap();
        WindowMetrics::empty(c, Timestamp(0), Timestamp(40_000), true)
    }

    #[test]
    fn a_sliding_run_gives_each_window_what_merging_its_panes_gives() {
        // Some panes empty, as a quiet channel's are.
        let panes: Vec<ChatPane> = (0..12).map(|i| pane(i, (i * 5) % 9)).collect();
        let k = 4;
        let mut run = SlidingChat::default();
        let mut held = 0..0;
        for q in 0..panes.len() - k {
            for p in &panes[held.end..q + k] {
                run.add(p);
            }
            held.end = q + k;
            let mut fresh = ChatAccumulator::for_panes(panes[q..q + k].iter());
            for p in &panes[q..q + k] {
                fresh.merge(p);
            }
            let (mut slid, mut merged) = (window(), window());
            run.finish(&mut slid, 40_000);
            fresh.finish(&mut merged, 40_000);
            assert_eq!(slid, merged, "window at pane {q}");
            assert!(merged.unique_chatters > 0);
            run.remove(&panes[held.start]);
            held.start += 1;
        }
        // Taking every pane back leaves nothing, not names counted zero times.
        for p in &panes[held] {
            run.remove(p);
        }
        let mut empty = window();
        run.finish(&mut empty, 40_000);
        assert_eq!(empty, window());
        assert!(run.chatters.is_empty() && run.emotes.is_empty());
    }

    #[test]
    fn the_rank_order_is_count_then_name() {
        // Comma-separated, the empty name first.
        let names =
            ",a,ab,ab\0,ab\0\0,abc,abcdefg,abcdefgh,abcdefgh\0,abcdefghi,abcdefgz,abcdefgha,\
            abcdefgi,b,happy_gamer1,happy_gamer12,happy_gh,Kappa,KEKW,LUL,ünï,ü,\u{7f},zz";
        let names: Vec<&str> = names.split(',').collect();
        for a in &names {
            for b in &names {
                for (m, n) in [(1, 1), (1, 2), (2, 1), (u64::MAX, 3)] {
                    let expected = n.cmp(&m).then_with(|| a.cmp(b));
                    let ranked = Ranked::new(a, m).order(&Ranked::new(b, n));
                    assert_eq!(ranked, expected, "{a:?} ({m}) against {b:?} ({n})");
                }
                // The prefix alone never contradicts the names.
                if name_prefix(a) < name_prefix(b) {
                    assert!(a < b, "{a:?} against {b:?}");
                }
            }
        }
    }

    #[test]
    fn top_is_the_head_of_the_whole_list_sorted() {
        // Enough names to fill the candidates many times over, in an order where
        // better names keep arriving late; counts with many ties.
        for n in [0, 1, 9, 10, 11, 20, 21, 57, 400] {
            let names: Vec<String> = (0..n).map(|i| format!("u{}", (i * 7919) % 1009)).collect();
            let counts: Vec<(&str, u64)> = names
                .iter()
                .enumerate()
                .map(|(i, name)| (name.as_str(), (i as u64 * 31 % 17) / 4))
                .collect();
            let mut sorted = counts.clone();
            sorted.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
            let expected: Vec<CountEntry> = sorted
                .iter()
                .take(TOP_N)
                .map(|&(name, count)| CountEntry {
                    name: name.to_owned(),
                    count,
                })
                .collect();
            assert_eq!(top(counts.iter().copied()), expected, "{n} names");
        }
    }

    #[test]
    fn top_keeps_the_largest_with_name_ties() {
        let counts: HashMap<&str, u64> = (0..20)
            .map(|i| {
                (
                    [
                        "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o",
                        "p", "q", "r", "s", "t",
                    ][i],
                    (i as u64) % 5,
                )
            })
            .collect();
        let t = top(counts);
        assert_eq!(t.len(), TOP_N);
        assert!(t.windows(2).all(
            |w| w[0].count > w[1].count || (w[0].count == w[1].count && w[0].name < w[1].name)
        ));
        assert_eq!(
            t[0],
            CountEntry {
                name: "e".into(),
                count: 4
            }
        );
        assert!(t.iter().all(|e| e.count >= 2));
    }
}
