//! Emotes of a chat message: Twitch's own from the `emotes` tag, plus third-party
//! emotes (BetterTTV, FrankerFaceZ, 7TV…) by name from a configured list, since
//! Twitch does not mark those.

use std::collections::HashSet;
use std::path::Path;

use anyhow::{bail, Context, Result};

/// Third-party emote names, matched as whole words (case-sensitive, as emote codes are).
#[derive(Clone, Debug, Default)]
pub struct EmoteList {
    names: HashSet<String>,
}

impl EmoteList {
    /// A list of these names (blank entries ignored).
    pub fn new<I: IntoIterator<Item = S>, S: Into<String>>(names: I) -> Self {
        Self {
            names: names
                .into_iter()
                .map(Into::into)
                .map(|n: String| n.trim().to_owned())
                .filter(|n| !n.is_empty())
                .collect(),
        }
    }

    /// Reads a list file: a JSON array of strings, or one name per line (`#` starts a
    /// comment line).
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("could not read the emote list {}", path.display()))?;
        Self::parse(&text).with_context(|| format!("emote list {}", path.display()))
    }

    /// Parses the text of a list file (see [`EmoteList::load`]).
    pub fn parse(text: &str) -> Result<Self> {
        if text.trim_start().starts_with('[') {
            let names: Vec<String> =
                serde_json::from_str(text).context("expected a JSON array of emote names")?;
            return Ok(Self::new(names));
        }
        let names: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect();
        if let Some(bad) = names.iter().find(|n| n.contains(char::is_whitespace)) {
            bail!("emote names have no spaces: {bad:?}");
        }
        Ok(Self::new(names))
    }

    /// Number of names.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Whether `word` is a listed emote.
    pub fn contains(&self, word: &str) -> bool {
        self.names.contains(word)
    }
}

/// One emote occurrence: where it starts (in code points) and its text.
type Occurrence = (usize, String);

/// The emotes of `text`, in order of appearance, each occurrence listed once: Twitch's
/// (from the `emotes` tag value) and then, for words not already covered by those,
/// names from `list`.
pub fn message_emotes(tag: Option<&str>, text: &str, list: &EmoteList) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut found = tag.map_or_else(Vec::new, |t| tagged(t, &chars));
    if !list.is_empty() {
        let covered: Vec<(usize, usize)> = found
            .iter()
            .map(|(start, code)| (*start, start + code.chars().count()))
            .collect();
        for (start, word) in words(text) {
            let inside = covered.iter().any(|&(s, e)| start >= s && start < e);
            if !inside && list.contains(word) {
                found.push((start, word.to_owned()));
            }
        }
    }
    found.sort_by_key(|(start, _)| *start);
    found.into_iter().map(|(_, code)| code).collect()
}

/// Occurrences from an `emotes` tag: `id:start-end,start-end/id:start-end`, positions
/// in code points, ends inclusive. Twitch sometimes sends ranges one past the end of
/// the text (e.g. after unwrapping `/me`), so ends are clamped to the text; entries
/// that are malformed or start past the end are skipped rather than losing the message.
fn tagged(tag: &str, chars: &[char]) -> Vec<Occurrence> {
    let mut out = Vec::new();
    let Some(last) = chars.len().checked_sub(1) else {
        return out;
    };
    for emote in tag.split('/') {
        let Some((_id, ranges)) = emote.split_once(':') else {
            continue;
        };
        for range in ranges.split(',') {
            let Some((start, end)) = range.split_once('-') else {
                continue;
            };
            let (Ok(start), Ok(end)) = (start.parse::<usize>(), end.parse::<usize>()) else {
                continue;
            };
            let end = end.min(last);
            if start > end {
                continue;
            }
            out.push((start, chars[start..=end].iter().collect()));
        }
    }
    out
}

/// Whitespace-separated words with their starting code-point index.
fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut start: Option<(usize, usize)> = None; // (byte, char)
    let mut out = Vec::new();
    for (index, (byte, c)) in text.char_indices().enumerate() {
        if c.is_whitespace() {
            if let Some((b, ci)) = start.take() {
                out.push((ci, &text[b..byte]));
            }
        } else if start.is_none() {
            start = Some((byte, index));
        }
    }
    if let Some((b, ci)) = start {
        out.push((ci, &text[b..]));
    }
    out.into_iter()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tagged_emotes_by_position_with_repeats() {
        let e = message_emotes(
            Some("25:0-4,12-16/1902:6-10"),
            "Kappa Keepo Kappa",
            &EmoteList::default(),
        );
        assert_eq!(e, ["Kappa", "Keepo", "Kappa"]);
    }

    #[test]
    fn ranges_count_code_points_and_are_clamped() {
        // "né " is 3 code points but 4 bytes; the range is in code points.
        let e = message_emotes(Some("25:3-7"), "né Kappa", &EmoteList::default());
        assert_eq!(e, ["Kappa"]);
        // Off by one past the end: clamped.
        let e = message_emotes(Some("25:3-8"), "né Kappa", &EmoteList::default());
        assert_eq!(e, ["Kappa"]);
        // Starting past the end, reversed, garbage: skipped, no panic.
        for tag in [
            "25:9-12",
            "25:5-2",
            "x",
            "25:a-b",
            "25:1",
            ":",
            "25:18446744073709551615-0",
            "",
        ] {
            let _ = message_emotes(Some(tag), "né Kappa", &EmoteList::default());
        }
        assert!(message_emotes(Some("25:0-4"), "", &EmoteList::default()).is_empty());
    }

    #[test]
    fn listed_names_match_whole_words_only() {
        let list = EmoteList::new(["KEKW", "OMEGALUL"]);
        let e = message_emotes(None, "KEKW that was KEKWait OMEGALUL  KEKW", &list);
        assert_eq!(e, ["KEKW", "OMEGALUL", "KEKW"]);
        // A word Twitch already marked is not counted twice.
        let list = EmoteList::new(["Kappa"]);
        let e = message_emotes(Some("25:0-4"), "Kappa Kappa", &list);
        assert_eq!(e, ["Kappa", "Kappa"]);
    }

    #[test]
    fn list_files() {
        assert_eq!(EmoteList::parse("[\"a\", \"b\"]").unwrap().len(), 2);
        let l = EmoteList::parse("# BTTV\nKEKW\n\n OMEGALUL \n").unwrap();
        assert!(l.contains("KEKW") && l.contains("OMEGALUL") && l.len() == 2);
        assert!(EmoteList::parse("[1, 2]").is_err());
        assert!(EmoteList::parse("two words").is_err());
    }
}
