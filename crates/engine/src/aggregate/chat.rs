//! Chat aggregates: counts, exact unique chatters, emotes, top lists.

use std::cmp::Ordering;
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
        bump(&mut self.chatters, &m.username);
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

/// Chat panes merged into a window, borrowing the panes' strings.
#[derive(Debug, Default)]
pub struct ChatAccumulator<'a> {
    messages: u64,
    sentiment: SentimentSum,
    emote_count: u64,
    chatters: HashMap<&'a str, u64>,
    emotes: HashMap<&'a str, u64>,
}

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

    /// Writes the chat fields of a window of length `window_ms`.
    pub fn finish(self, m: &mut WindowMetrics, window_ms: i64) {
        m.message_count = self.messages;
        m.messages_per_min = self.messages as f64 * 60_000.0 / window_ms as f64;
        m.unique_chatters = self.chatters.len() as u64;
        m.emote_count = self.emote_count;
        m.top_emotes = top(self.emotes);
        m.top_chatters = top(self.chatters);
        self.sentiment.finish(m);
    }
}

/// The `TOP_N` largest counts, most first; ties by name so results are deterministic.
///
/// One pass keeping the best `TOP_N` in order: most names fail the comparison with the
/// current last, so a window of hundreds of chatters costs about one comparison each.
fn top(counts: HashMap<&str, u64>) -> Vec<CountEntry> {
    let by_rank =
        |a: &(&str, u64), b: &(&str, u64)| b.1.cmp(&a.1).then_with(|| name_order(a.0, b.0));
    let mut best: Vec<(&str, u64)> = Vec::with_capacity(TOP_N + 1);
    for entry in counts {
        if best.len() == TOP_N && by_rank(&entry, &best[TOP_N - 1]).is_ge() {
            continue;
        }
        let at = best.partition_point(|e| by_rank(e, &entry).is_lt());
        best.insert(at, entry);
        best.truncate(TOP_N);
    }
    best.into_iter()
        .map(|(name, count)| CountEntry {
            name: name.to_owned(),
            count,
        })
        .collect()
}

/// The order of `str`, deciding most pairs by their first eight bytes held in a
/// register. Most counts in a window tie (a chatter says one thing), so nearly every
/// name a top list sees is compared by name, and names mostly differ early: a
/// `memcmp` call for each was a fifth of the top lists' cost.
fn name_order(a: &str, b: &str) -> Ordering {
    /// The first eight bytes, big-endian, zero-padded: ordered as the bytes are,
    /// except that a padded name can tie with a longer one, which `str` then decides.
    fn prefix(s: &[u8]) -> u64 {
        match s.first_chunk::<8>() {
            Some(head) => u64::from_be_bytes(*head),
            None => s
                .iter()
                .enumerate()
                .fold(0, |acc, (i, &b)| acc | u64::from(b) << (56 - 8 * i)),
        }
    }
    prefix(a.as_bytes())
        .cmp(&prefix(b.as_bytes()))
        .then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_order_is_the_order_of_str() {
        // Comma-separated, the empty name first.
        let names =
            ",a,ab,ab\0,ab\0\0,abc,abcdefg,abcdefgh,abcdefgh\0,abcdefghi,abcdefgz,abcdefgha,\
            abcdefgi,b,happy_gamer1,happy_gamer12,happy_gh,Kappa,KEKW,LUL,ünï,ü,\u{7f},zz";
        let names: Vec<&str> = names.split(',').collect();
        for a in &names {
            for b in &names {
                assert_eq!(name_order(a, b), a.cmp(b), "{a:?} against {b:?}");
            }
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
