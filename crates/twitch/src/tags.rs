//! IRCv3 message tags (`@key=value;key2=value2`), with value unescaping.
//!
//! <https://ircv3.net/specs/extensions/message-tags>: values escape `;` as `\:`,
//! space as `\s`, `\` as `\\`, CR as `\r` and LF as `\n`. Any other escaped character
//! stands for itself, and a lone `\` at the end of a value is dropped.

/// The tags of one message, in wire order. A repeated key keeps its last value (as the
/// spec says), which [`Tags::get`] implements by searching from the end.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tags(Vec<(String, String)>);

impl Tags {
    /// Builds tags from (key, unescaped value) pairs.
    pub fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        Self(pairs)
    }

    /// The unescaped value of `key`, if present (a key without `=` has the value "").
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The value of `key` when present and not empty (Twitch sends empty values for
    /// "none", e.g. `badges=`).
    pub fn non_empty(&self, key: &str) -> Option<&str> {
        self.get(key).filter(|v| !v.is_empty())
    }

    /// Number of tags.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no tags.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// All (key, value) pairs in wire order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

/// Unescapes one tag value.
pub fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some(':') => out.push(';'),
            Some('s') => out.push(' '),
            Some('\\') => out.push('\\'),
            Some('r') => out.push('\r'),
            Some('n') => out.push('\n'),
            Some(other) => out.push(other),
            None => {} // a lone trailing backslash is dropped
        }
    }
    out
}

/// Whether `key` is a valid tag key: an optional client-only `+`, an optional vendor
/// (a host name followed by `/`), then letters, digits and `-`.
pub fn valid_key(key: &str) -> bool {
    let key = key.strip_prefix('+').unwrap_or(key);
    let name = match key.rsplit_once('/') {
        Some((vendor, name)) => {
            if vendor.is_empty()
                || !vendor
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
            {
                return false;
            }
            name
        }
        None => key,
    };
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unescapes_every_escape() {
        assert_eq!(unescape(r"a\sb\:c\\d\re\nf"), "a b;c\\d\re\nf");
        assert_eq!(
            unescape(r"\x\y"),
            "xy",
            "unknown escapes stand for the char"
        );
        assert_eq!(
            unescape(r"end\"),
            "end",
            "a trailing lone backslash is dropped"
        );
        assert_eq!(unescape(r"\\"), "\\");
        assert_eq!(unescape(r"\\\"), "\\");
        assert_eq!(unescape(r"émote\sé"), "émote é");
        assert_eq!(unescape(""), "");
    }

    #[test]
    fn keys() {
        for ok in [
            "id",
            "tmi-sent-ts",
            "+example.com/foo",
            "twitch.tv/x-y",
            "a1",
        ] {
            assert!(valid_key(ok), "{ok}");
        }
        for bad in ["", "+", "a b", "/x", "x/", "a_b", "é", "a=b"] {
            assert!(!valid_key(bad), "{bad}");
        }
    }

    #[test]
    fn last_value_wins_and_empty_means_none() {
        let t = Tags::from_pairs(vec![
            ("a".into(), "1".into()),
            ("b".into(), String::new()),
            ("a".into(), "2".into()),
        ]);
        assert_eq!(t.get("a"), Some("2"));
        assert_eq!(t.get("b"), Some(""));
        assert_eq!(t.non_empty("b"), None);
        assert_eq!(t.get("c"), None);
    }
}
