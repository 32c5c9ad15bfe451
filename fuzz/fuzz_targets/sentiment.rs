//! Sentiment on arbitrary text: `SentimentModel::score` (the chat rewrite, the cache
//! and VADER) and VADER alone.
//!
//! Properties: nothing panics; every score is a finite number in −1..1 whose class
//! agrees with it; a cached model scores like an uncached one; and VADER's rules in
//! `vader.rs` give exactly what `vader-parity` gives (the same bits), for ASCII text
//! too long or too odd for the unit tests' vocabulary.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use telemetra_engine::{SentimentClass, SentimentModel};
use vader_parity::SentimentIntensityAnalyzer;

static CACHED: LazyLock<SentimentModel> = LazyLock::new(|| SentimentModel::with_cache(64));
static UNCACHED: LazyLock<SentimentModel> = LazyLock::new(|| SentimentModel::with_cache(0));
static REFERENCE: LazyLock<SentimentIntensityAnalyzer> =
    LazyLock::new(SentimentIntensityAnalyzer::new);

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let s = UNCACHED.score(text);
    assert!(
        s.compound.is_finite() && (-1.0..=1.0).contains(&s.compound),
        "{text:?} scores {}",
        s.compound
    );
    assert_eq!(s.class, SentimentClass::from_compound(s.compound));
    assert_eq!(
        CACHED.score(text),
        s,
        "cached and uncached differ on {text:?}"
    );
    assert_eq!(CACHED.score(text), s, "a cache hit differs on {text:?}");
    let ours = UNCACHED.plain_vader(text);
    let reference = REFERENCE.polarity_scores(text).compound;
    assert_eq!(
        ours.to_bits(),
        reference.to_bits(),
        "VADER of {text:?}: ours {ours}, vader-parity {reference}"
    );
});
