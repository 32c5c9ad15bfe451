//! One line from a Twitch chat server through the IRC parser and the event mapping
//! (`telemetra_twitch::map_line`), as bytes and, for lines that parse, with the emote
//! list that makes every word a candidate.
//!
//! Properties: no panic; the same line maps to the same result (event ids come from
//! the message, not from a clock or counter); and every event made is valid on the
//! wire: its JSON decodes on its topic to an equal event, so nothing the Twitch source
//! produces is dead-lettered.
#![no_main]

use libfuzzer_sys::fuzz_target;
use telemetra_twitch::{map_line, EmoteList, Mapped};
use telemetra_types::decode_event;

const NOW: i64 = 1_760_608_800_000;

fuzz_target!(|data: &[u8]| {
    let list = EmoteList::new(["KEKW", "Kappa", "a", "\u{1}ACTION"]);
    for emotes in [&EmoteList::default(), &list] {
        let first = map_line(data, NOW, emotes);
        assert_eq!(first, map_line(data, NOW, emotes), "not deterministic");
        if let Ok(Mapped::Events(events)) = first {
            assert!(!events.is_empty());
            for event in events {
                let json = event.to_json();
                match decode_event(event.kind().topic(), &json) {
                    Ok(back) => assert_eq!(back, event, "{}", String::from_utf8_lossy(&json)),
                    Err(r) => panic!(
                        "a mapped event is rejected on the wire: {r:?}\n{}",
                        String::from_utf8_lossy(&json)
                    ),
                }
            }
        }
    }
});
