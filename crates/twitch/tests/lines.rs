//! Raw lines in the formats Twitch documents (dev.twitch.tv/docs/chat/irc and the
//! tags reference) → parsed messages → events; and malformed lines → their reasons.

use serde_json::json;
use telemetra_twitch::{map_line, parse, EmoteList, LineError, MapError, Mapped, ParseError};
use telemetra_types::{Event, ModerationAction, StreamEventType, TransactionType};

const NOW: i64 = 1_700_000_000_000;

fn events(line: &str) -> Vec<Event> {
    events_with(line, &EmoteList::default())
}

fn events_with(line: &str, list: &EmoteList) -> Vec<Event> {
    match map_line(line.as_bytes(), NOW, list) {
        Ok(Mapped::Events(e)) => e,
        other => panic!("{line}\n→ {other:?}"),
    }
}

fn ignored(line: &str) -> String {
    match map_line(line.as_bytes(), NOW, &EmoteList::default()) {
        Ok(Mapped::Ignored(what)) => what,
        other => panic!("{line}\n→ {other:?}"),
    }
}

fn json(e: &Event) -> serde_json::Value {
    serde_json::from_slice(&e.to_json()).unwrap()
}

// ---- PRIVMSG ------------------------------------------------------------------------

#[test]
fn privmsg_with_emotes_badges_and_server_time() {
    let line = "@badge-info=subscriber/8;badges=broadcaster/1,subscriber/6,glhf-pledge/1;color=#0D4200;display-name=Ronni;emotes=25:0-4,12-16/1902:6-10;flags=;id=b34ccfc7-4977-403a-8a94-33c6bac34fb8;mod=0;room-id=1337;subscriber=1;tmi-sent-ts=1507246572675;turbo=1;user-id=1337;user-type=global_mod :ronni!ronni@ronni.tmi.twitch.tv PRIVMSG #Ronni :Kappa Keepo Kappa\r\n";
    let e = events(line);
    assert_eq!(e.len(), 1);
    assert_eq!(
        json(&e[0]),
        json!({
            "message_id": "b34ccfc7-4977-403a-8a94-33c6bac34fb8",
            "channel": "ronni",
            "username": "ronni",
            "message": "Kappa Keepo Kappa",
            "timestamp": "2017-10-05T23:36:12.675Z",
            "emotes": ["Kappa", "Keepo", "Kappa"],
            "badges": ["broadcaster", "subscriber", "glhf-pledge"],
        })
    );
}

#[test]
fn emote_positions_are_code_points_and_off_by_one_ranges_are_clamped() {
    // "héllo 😀 " is 8 code points (10+ bytes); Kappa sits at code points 8..=12, and
    // Twitch reports the end one too far (13).
    let line = "@badges=;emotes=25:8-13;id=m-2;tmi-sent-ts=1700000000000 :viewer!viewer@viewer.tmi.twitch.tv PRIVMSG #chan :héllo 😀 Kappa";
    let e = events(line);
    let Event::Chat(chat) = &e[0] else { panic!() };
    assert_eq!(chat.emotes.as_deref(), Some(&["Kappa".to_owned()][..]));
    assert_eq!(chat.badges, None, "an empty badges tag is no badges");
}

#[test]
fn third_party_emotes_from_the_list_count_per_occurrence() {
    let list = EmoteList::new(["KEKW", "catJAM"]);
    let line = "@emotes=25:5-9;id=m-3;tmi-sent-ts=1700000000000 :a!a@a.tmi.twitch.tv PRIVMSG #chan :KEKW Kappa KEKW catJAMming catJAM";
    let Event::Chat(chat) = &events_with(line, &list)[0] else {
        panic!()
    };
    assert_eq!(
        chat.emotes.as_deref().unwrap(),
        ["KEKW", "Kappa", "KEKW", "catJAM"]
    );
}

#[test]
fn bits_make_a_chat_event_and_a_bits_transaction() {
    let line = "@badge-info=;badges=bits/100;bits=250;color=;display-name=Cheerer;emotes=;id=c0ffee00-0000-4000-8000-000000000001;mod=0;room-id=1;subscriber=0;tmi-sent-ts=1700000000123;turbo=0;user-id=2;user-type= :cheerer!cheerer@cheerer.tmi.twitch.tv PRIVMSG #streamer :cheer250 great run";
    let e = events(line);
    assert_eq!(e.len(), 2);
    let Event::Chat(chat) = &e[0] else { panic!() };
    assert_eq!(chat.bits, Some(250));
    assert_eq!(chat.badges.as_deref().unwrap(), ["bits"]);
    assert_eq!(
        json(&e[1]),
        json!({
            "transaction_id": "c0ffee00-0000-4000-8000-000000000001-bits",
            "channel": "streamer",
            "transaction_type": "bits",
            "amount": 2.5,
            "timestamp": "2023-11-14T22:13:20.123Z",
            "currency": "USD",
            "username": "cheerer",
        })
    );
}

#[test]
fn action_messages_are_unwrapped() {
    let line = "@emotes=25:7-11;id=m-4;tmi-sent-ts=1700000000000 :dancer!dancer@dancer.tmi.twitch.tv PRIVMSG #chan :\u{1}ACTION dances Kappa\u{1}";
    let Event::Chat(chat) = &events(line)[0] else {
        panic!()
    };
    assert_eq!(chat.message, "dances Kappa");
    assert_eq!(chat.emotes.as_deref().unwrap(), ["Kappa"]);
}

#[test]
fn without_server_time_the_receive_time_is_used() {
    let line = ":someone!someone@someone.tmi.twitch.tv PRIVMSG #chan :hi";
    // No id tag: a chat event needs one.
    assert_eq!(
        map_line(line.as_bytes(), NOW, &EmoteList::default()),
        Err(LineError::Map(MapError::MissingTag("id")))
    );
    let Event::Chat(chat) = &events(&format!("@id=x {line}"))[0] else {
        panic!()
    };
    assert_eq!(chat.timestamp.0, NOW);
}

// ---- USERNOTICE ---------------------------------------------------------------------

fn money(line: &str) -> serde_json::Value {
    let e = events(line);
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(matches!(e[0], Event::Transaction(_)));
    json(&e[0])
}

#[test]
fn sub_and_resub_are_subscriptions_at_list_price() {
    let sub = "@badge-info=;badges=staff/1,broadcaster/1,turbo/1;color=#008000;display-name=ronni;emotes=;id=db25007f-7a18-43eb-9379-80131e44d633;login=ronni;mod=0;msg-id=resub;msg-param-cumulative-months=6;msg-param-streak-months=2;msg-param-should-share-streak=1;msg-param-sub-plan=Prime;msg-param-sub-plan-name=Prime;room-id=12345678;subscriber=1;system-msg=ronni\\shas\\ssubscribed\\sfor\\s6\\smonths!;tmi-sent-ts=1507246572675;turbo=1;user-id=87654321;user-type=staff :tmi.twitch.tv USERNOTICE #dallas :Great stream -- keep it up!";
    assert_eq!(
        money(sub),
        json!({
            "transaction_id": "db25007f-7a18-43eb-9379-80131e44d633",
            "channel": "dallas",
            "transaction_type": "subscription",
            "amount": 0.0,
            "timestamp": "2017-10-05T23:36:12.675Z",
            "currency": "USD",
            "username": "ronni",
            "tier": "prime",
        })
    );
    for (plan, price, tier) in [
        ("1000", 4.99, "1000"),
        ("2000", 9.99, "2000"),
        ("3000", 24.99, "3000"),
    ] {
        let line = format!("@id=s-{plan};login=fan;msg-id=sub;msg-param-sub-plan={plan};tmi-sent-ts=1700000000000 :tmi.twitch.tv USERNOTICE #dallas");
        let t = money(&line);
        assert_eq!(t["amount"], json!(price), "{plan}");
        assert_eq!(t["tier"], json!(tier));
        assert_eq!(t["transaction_type"], "subscription");
    }
}

#[test]
fn gifts_count_subs_and_mystery_gifts_are_not_counted_twice() {
    let gift = "@badge-info=;badges=staff/1,premium/1;color=#0000FF;display-name=TWW2;emotes=;id=e9176cd8-5e22-4684-ad40-ce53c2561c5e;login=tww2;mod=0;msg-id=subgift;msg-param-months=1;msg-param-recipient-display-name=Mr_Woodchuck;msg-param-recipient-id=55554444;msg-param-recipient-name=mr_woodchuck;msg-param-sub-plan-name=House\\sof\\sNyoro~n;msg-param-sub-plan=1000;room-id=19571752;subscriber=0;system-msg=TWW2\\sgifted\\sa\\sTier\\s1\\ssub\\sto\\sMr_Woodchuck!;tmi-sent-ts=1521159445153;turbo=0;user-id=87654321;user-type=staff :tmi.twitch.tv USERNOTICE #forstycup";
    let t = money(gift);
    assert_eq!(
        (
            t["transaction_type"].as_str(),
            t["count"].as_u64(),
            t["amount"].as_f64(),
            t["username"].as_str()
        ),
        (Some("gift_sub"), Some(1), Some(4.99), Some("tww2"))
    );
    let mystery = "@badge-info=;badges=;display-name=Gifter;id=aa000000-0000-4000-8000-000000000009;login=gifter;msg-id=submysterygift;msg-param-mass-gift-count=5;msg-param-origin-id=9a\\s4c;msg-param-sender-count=20;msg-param-sub-plan=2000;room-id=1;system-msg=x;tmi-sent-ts=1700000000000;user-id=3 :tmi.twitch.tv USERNOTICE #forstycup";
    let t = money(mystery);
    assert_eq!(t["transaction_type"], "gift_sub");
    assert_eq!(t["count"], 5);
    assert!((t["amount"].as_f64().unwrap() - 5.0 * 9.99).abs() < 1e-9);
    // Its five single gifts carry the community gift id: already counted above.
    let part = "@id=bb;login=gifter;msg-id=subgift;msg-param-community-gift-id=123;msg-param-sub-plan=2000;tmi-sent-ts=1700000000001 :tmi.twitch.tv USERNOTICE #forstycup";
    assert_eq!(ignored(part), "usernotice:subgift-of-mystery-gift");
}

#[test]
fn gift_paid_upgrade_is_a_subscription() {
    let line = "@badge-info=;badges=;display-name=Upgrader;id=cc000000-0000-4000-8000-000000000001;login=upgrader;msg-id=giftpaidupgrade;msg-param-sender-login=gifter;msg-param-sender-name=Gifter;room-id=1;system-msg=x;tmi-sent-ts=1700000000000;user-id=4 :tmi.twitch.tv USERNOTICE #forstycup";
    let t = money(line);
    assert_eq!(t["transaction_type"], "subscription");
    assert_eq!(t["amount"], json!(4.99));
    assert_eq!(t["username"], "upgrader");
}

#[test]
fn raid_is_a_raid_incoming_moment() {
    let line = "@badge-info=;badges=turbo/1;color=#9ACD32;display-name=TestChannel;emotes=;id=3d830f12-795c-447d-af3c-ea05e40fbddb;login=testchannel;mod=0;msg-id=raid;msg-param-displayName=TestChannel;msg-param-login=TestChannel;msg-param-viewerCount=15;room-id=33332222;subscriber=0;system-msg=15\\sraiders\\sfrom\\sTestChannel\\shave\\sjoined\\n!;tmi-sent-ts=1507246572675;turbo=1;user-id=123456;user-type= :tmi.twitch.tv USERNOTICE #othertestchannel";
    let e = events(line);
    let Event::StreamMeta(m) = &e[0] else {
        panic!()
    };
    assert_eq!(m.event_type, StreamEventType::RaidIncoming);
    assert_eq!(m.event_id, "3d830f12-795c-447d-af3c-ea05e40fbddb");
    assert_eq!(m.channel.as_str(), "othertestchannel");
    assert_eq!(m.raider.as_deref(), Some("testchannel"));
    assert_eq!(m.raid_viewers, Some(15));
}

#[test]
fn announcements_and_unknown_notices_are_ignored() {
    let line = "@badge-info=;badges=broadcaster/1;color=#033700;display-name=Channel;emotes=;id=d7f2ff0c;login=channel;mod=0;msg-id=announcement;msg-param-color=PRIMARY;room-id=1;subscriber=0;system-msg=;tmi-sent-ts=1648758023469;user-id=1;user-type= :tmi.twitch.tv USERNOTICE #channel :Hello chat!";
    assert_eq!(ignored(line), "usernotice:announcement");
    assert_eq!(
        ignored("@id=r;login=a;msg-id=ritual;tmi-sent-ts=1 :tmi.twitch.tv USERNOTICE #c"),
        "usernotice:ritual"
    );
    assert_eq!(
        ignored(":tmi.twitch.tv 001 justinfan1 :Welcome, GLHF!"),
        "001"
    );
    assert_eq!(
        ignored(":justinfan1!justinfan1@justinfan1.tmi.twitch.tv JOIN #c"),
        "join"
    );
    assert_eq!(
        ignored("@msg-id=slow_on :tmi.twitch.tv NOTICE #c :This room is now in slow mode."),
        "notice"
    );
}

#[test]
fn usernotice_missing_what_it_needs_is_rejected_with_the_reason() {
    let no_id =
        "@login=a;msg-id=sub;msg-param-sub-plan=1000;tmi-sent-ts=1 :tmi.twitch.tv USERNOTICE #c";
    assert_eq!(
        map_line(no_id.as_bytes(), NOW, &EmoteList::default()),
        Err(LineError::Map(MapError::MissingTag("id")))
    );
    let bad_count = "@id=x;login=a;msg-id=submysterygift;msg-param-mass-gift-count=lots;tmi-sent-ts=1 :tmi.twitch.tv USERNOTICE #c";
    assert_eq!(
        map_line(bad_count.as_bytes(), NOW, &EmoteList::default()),
        Err(LineError::Map(MapError::BadTag(
            "msg-param-mass-gift-count",
            "lots".into()
        )))
    );
    // The prefix of a USERNOTICE is the server, never the user.
    let no_login =
        "@id=x;msg-id=sub;msg-param-sub-plan=1000;tmi-sent-ts=1 :tmi.twitch.tv USERNOTICE #c";
    assert_eq!(
        map_line(no_login.as_bytes(), NOW, &EmoteList::default()),
        Err(LineError::Map(MapError::MissingUser))
    );
    let no_msg_id = "@id=x;login=a :tmi.twitch.tv USERNOTICE #c";
    assert_eq!(
        map_line(no_msg_id.as_bytes(), NOW, &EmoteList::default()),
        Err(LineError::Map(MapError::MissingTag("msg-id")))
    );
}

// ---- moderation ---------------------------------------------------------------------

fn moderation(line: &str) -> telemetra_types::StreamMeta {
    let e = events(line);
    let Event::StreamMeta(m) = &e[0] else {
        panic!()
    };
    assert_eq!(m.event_type, StreamEventType::Moderation);
    m.clone()
}

#[test]
fn clearchat_timeout_ban_and_clear() {
    let timeout = moderation("@ban-duration=350;room-id=12345678;target-user-id=87654321;tmi-sent-ts=1642719320727 :tmi.twitch.tv CLEARCHAT #dallas :Ronni");
    assert_eq!(timeout.action, Some(ModerationAction::Timeout));
    assert_eq!(timeout.target_user.as_deref(), Some("ronni"));
    assert_eq!(timeout.duration_s, Some(350));
    assert_eq!(timeout.timestamp.0, 1_642_719_320_727);
    assert_eq!(timeout.event_id, "clearchat-dallas-1642719320727-ronni");

    let ban = moderation("@room-id=12345678;target-user-id=87654321;tmi-sent-ts=1642715756806 :tmi.twitch.tv CLEARCHAT #dallas :ronni");
    assert_eq!(ban.action, Some(ModerationAction::Ban));
    assert_eq!(ban.duration_s, None);

    let clear =
        moderation("@room-id=12345678;tmi-sent-ts=1642715695392 :tmi.twitch.tv CLEARCHAT #dallas");
    assert_eq!(clear.action, Some(ModerationAction::Clear));
    assert_eq!(clear.target_user, None);
}

#[test]
fn clearmsg_is_a_deletion() {
    let m = moderation("@login=foo;room-id=;target-msg-id=94e6c7ff-bf98-4faa-af5d-7ad633a158a9;tmi-sent-ts=1642720582342 :tmi.twitch.tv CLEARMSG #bar :what a great day");
    assert_eq!(m.action, Some(ModerationAction::Delete));
    assert_eq!(m.target_user.as_deref(), Some("foo"));
    assert_eq!(m.event_id, "clearmsg-94e6c7ff-bf98-4faa-af5d-7ad633a158a9");
}

// ---- ROOMSTATE ----------------------------------------------------------------------

#[test]
fn roomstate_full_and_partial() {
    let full = events("@emote-only=0;followers-only=-1;r9k=0;room-id=12345678;slow=0;subs-only=0 :tmi.twitch.tv ROOMSTATE #bar");
    let Event::StreamMeta(m) = &full[0] else {
        panic!()
    };
    assert_eq!(m.event_type, StreamEventType::RoomState);
    assert_eq!(m.timestamp.0, NOW, "ROOMSTATE has no server time");
    assert_eq!(
        json(&full[0])["room_state"],
        json!({"emote_only": false, "subs_only": false, "followers_only_minutes": -1, "slow_seconds": 0, "unique_chat": false})
    );
    let partial = events("@room-id=12345678;slow=10 :tmi.twitch.tv ROOMSTATE #bar");
    assert_eq!(json(&partial[0])["room_state"], json!({"slow_seconds": 10}));
    let followers = events("@followers-only=10;room-id=1 :tmi.twitch.tv ROOMSTATE #bar");
    assert_eq!(
        json(&followers[0])["room_state"],
        json!({"followers_only_minutes": 10})
    );
    assert_eq!(
        ignored("@room-id=1 :tmi.twitch.tv ROOMSTATE #bar"),
        "roomstate:no-settings"
    );
    assert_eq!(
        map_line(
            b"@emote-only=yes :tmi.twitch.tv ROOMSTATE #bar",
            NOW,
            &EmoteList::default()
        ),
        Err(LineError::Map(MapError::BadTag("emote-only", "yes".into())))
    );
}

// ---- determinism --------------------------------------------------------------------

#[test]
fn the_same_line_gives_the_same_events() {
    for line in [
        "@id=a;tmi-sent-ts=5;bits=1 :u!u@u PRIVMSG #c :x",
        "@tmi-sent-ts=5 :tmi.twitch.tv CLEARCHAT #c :u",
        "@slow=3 :tmi.twitch.tv ROOMSTATE #c",
    ] {
        assert_eq!(events(line), events(line));
    }
}

// ---- the IRC layer ------------------------------------------------------------------

#[test]
fn ping_reconnect_and_escaped_tags_parse() {
    let ping = parse("PING :tmi.twitch.tv\r\n").unwrap();
    assert_eq!(
        (ping.command.as_str(), ping.param(0)),
        ("PING", Some("tmi.twitch.tv"))
    );
    assert_eq!(
        parse(":tmi.twitch.tv RECONNECT").unwrap().command,
        "RECONNECT"
    );
    let m = parse(r"@system-msg=a\sb\:c\\d\re\nf\x;trail=end\;empty= :tmi.twitch.tv USERNOTICE #c")
        .unwrap();
    assert_eq!(m.tags.get("system-msg"), Some("a b;c\\d\re\nfx"));
    assert_eq!(m.tags.get("trail"), Some("end"));
    assert_eq!(m.tags.get("empty"), Some(""));
    assert_eq!(m.prefix.as_deref(), Some("tmi.twitch.tv"));
    assert_eq!(m.params, ["#c"]);
    let m = parse(":nick!user@host privmsg  #c   middle :trailing with  spaces ").unwrap();
    assert_eq!(m.command, "PRIVMSG");
    assert_eq!(m.nick(), Some("nick"));
    assert_eq!(m.params, ["#c", "middle", "trailing with  spaces "]);
    assert_eq!(parse("CMD :").unwrap().params, [""]);
}

#[test]
fn malformed_lines_are_rejected_with_their_reason() {
    let long = format!("PRIVMSG #c :{}", "a".repeat(9000));
    let fifteen = format!("CMD {}", "p ".repeat(16));
    let cases: Vec<(&[u8], ParseError)> = vec![
        (b"", ParseError::Empty),
        (b"\r\n", ParseError::Empty),
        (b"   ", ParseError::Empty),
        (long.as_bytes(), ParseError::TooLong(long.len())),
        (b"PRIVMSG #c :\xff\xfe", ParseError::NotUtf8),
        (b"PRIVMSG #c :a\0b", ParseError::ControlChar),
        (b"PRIVMSG #c :a\rb", ParseError::ControlChar),
        (b"@", ParseError::EmptyTags),
        (b"@ PING", ParseError::EmptyTags),
        (b"@a=1;;b=2 PING", ParseError::EmptyTagKey),
        (b"@=1 PING", ParseError::EmptyTagKey),
        (b"@a_b=1 PING", ParseError::InvalidTagKey("a_b".into())),
        (b"@a=1", ParseError::NothingAfterTags),
        (b"@a=1   ", ParseError::NothingAfterTags),
        (b":", ParseError::EmptyPrefix),
        (b": PING", ParseError::EmptyPrefix),
        (b":tmi.twitch.tv", ParseError::NothingAfterPrefix),
        (b"@a=1 :tmi.twitch.tv ", ParseError::NothingAfterPrefix),
        (
            b"PRIV-MSG #c",
            ParseError::InvalidCommand("PRIV-MSG".into()),
        ),
        (b"12 x", ParseError::InvalidCommand("12".into())),
        (b"1234 x", ParseError::InvalidCommand("1234".into())),
        (
            b":a!b@c #chan :hi",
            ParseError::InvalidCommand("#chan".into()),
        ),
        (fifteen.as_bytes(), ParseError::TooManyParams),
    ];
    for (line, want) in cases {
        let got = telemetra_twitch::parse_bytes(line);
        assert_eq!(
            got.as_ref().err(),
            Some(&want),
            "{:?}",
            String::from_utf8_lossy(line)
        );
        // Every reason reads as a sentence and has a stable metric name.
        assert!(!want.to_string().is_empty() && !want.reason().is_empty());
    }
}

#[test]
fn valid_lines_with_unusable_content_are_rejected_with_their_reason() {
    let cases: [(&str, MapError); 7] = [
        ("@id=1 :u!u@u PRIVMSG", MapError::MissingParam("channel")),
        ("@id=1 :u!u@u PRIVMSG #c", MapError::MissingParam("message")),
        (
            "@id=1 :u!u@u PRIVMSG #Not-A-Channel :x",
            MapError::BadChannel("#Not-A-Channel".into()),
        ),
        ("@id=1 PRIVMSG #c :x", MapError::MissingUser),
        (
            "@id=1;tmi-sent-ts=soon :u!u@u PRIVMSG #c :x",
            MapError::BadTag("tmi-sent-ts", "soon".into()),
        ),
        (
            "@id=1;bits=-5 :u!u@u PRIVMSG #c :x",
            MapError::BadTag("bits", "-5".into()),
        ),
        // Found by fuzzing: a server time past year 9999 cannot be written as RFC 3339.
        (
            "@id=1;tmi-sent-ts=164272507246572675 :u!u@u PRIVMSG #c :x",
            MapError::BadTag("tmi-sent-ts", "164272507246572675".into()),
        ),
    ];
    for (line, want) in cases {
        assert_eq!(
            map_line(line.as_bytes(), NOW, &EmoteList::default()),
            Err(LineError::Map(want.clone())),
            "{line}"
        );
        assert!(!want.to_string().is_empty());
    }
    assert!(matches!(
        map_line(b"@ PING", NOW, &EmoteList::default()),
        Err(LineError::Parse(ParseError::EmptyTags))
    ));
}

#[test]
fn transaction_types_are_the_wire_names() {
    // A guard against a renamed enum silently changing what reaches the store.
    assert_eq!(TransactionType::GiftSub.as_str(), "gift_sub");
}
