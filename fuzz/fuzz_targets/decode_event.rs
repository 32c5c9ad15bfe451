//! Arbitrary bytes through every decoder: `decode_event` on each topic, `decode_line`
//! and `peek_channel`. Besides "never panics", checks that
//! - a rejection keeps the original bytes and says what was wrong;
//! - an accepted event has its topic's kind, re-encodes to bytes that decode to an
//!   equal event (as a topic message and as a file line), and `peek_channel` finds
//!   its channel (the partition key must be the event's channel);
//! - `decode_event_view` and `decode_line_view` give what `decode_event` and
//!   `decode_line` give: the same rejection, or the same event (a borrowed chat view
//!   equal to a view of the owned message). A chat view comes from the scanner of the
//!   common shape when it reads the message, from serde otherwise, so this also checks
//!   that the scanner never accepts what serde would read differently or refuse.
#![no_main]

use libfuzzer_sys::fuzz_target;
use telemetra_types::{
    decode_event, decode_event_view, decode_line, decode_line_view, peek_channel, ChatView, Event,
    EventKind, EventView, Rejected, Topic,
};

fn check_rejection(r: &Rejected, raw: &[u8], topic: Option<Topic>) {
    assert!(!r.detail.is_empty(), "empty detail: {r:?}");
    assert_eq!(r.raw, raw, "rejection must keep the original bytes");
    if topic.is_some() {
        assert_eq!(r.topic, topic);
    }
}

fn check_round_trip(event: &Event) {
    let topic = event.kind().topic();
    let json = event.to_json();
    assert_eq!(
        decode_event(topic, &json).as_ref(),
        Ok(event),
        "to_json does not decode back: {}",
        String::from_utf8_lossy(&json)
    );
    let line = event.to_json_line();
    assert_eq!(
        decode_line(line.as_bytes()).as_ref(),
        Ok(event),
        "to_json_line does not decode back: {line}"
    );
}

/// A view decoder gives what its owned decoder gives.
fn check_view(view: Result<EventView<'_>, Rejected>, owned: Result<Event, Rejected>) {
    match (view, owned) {
        (Ok(EventView::Chat(view)), Ok(Event::Chat(m))) => assert_eq!(view, ChatView::of(&m)),
        (Ok(EventView::Owned(a)), Ok(b)) => assert_eq!(a, b),
        (Err(a), Err(b)) => assert_eq!(a, b),
        (a, b) => panic!("view {a:?} but owned {b:?}"),
    }
}

fuzz_target!(|raw: &[u8]| {
    let peeked = peek_channel(raw);
    check_view(decode_line_view(raw), decode_line(raw));
    for topic in Topic::ALL {
        check_view(decode_event_view(topic, raw), decode_event(topic, raw));
        match decode_event(topic, raw) {
            Ok(event) => {
                assert_eq!(event.kind(), EventKind::of_topic(topic));
                assert_eq!(peeked.as_deref(), Some(event.channel().as_str()));
                check_round_trip(&event);
            }
            Err(r) => check_rejection(&r, raw, Some(topic)),
        }
    }
    match decode_line(raw) {
        Ok(event) => check_round_trip(&event),
        Err(r) => check_rejection(&r, raw, None),
    }
});
