//! Chat vocabulary: words, emotes, names. Small on purpose; enough to look like chat
//! and to give the sentiment model and emote counters something to work on.

pub const EMOTES: &[&str] = &[
    "Kappa",
    "PogChamp",
    "LUL",
    "KEKW",
    "Pog",
    "OMEGALUL",
    "monkaS",
    "PepeHands",
    "FeelsGoodMan",
    "FeelsBadMan",
    "BibleThump",
    "ResidentSleeper",
    "NotLikeThis",
    "Kreygasm",
    "4Head",
    "HeyGuys",
    "SeemsGood",
    "CoolCat",
    "TriHard",
    "WutFace",
    "EZ",
    "Clap",
    "catJAM",
];

/// Emotes that show up when chat is hyped.
pub const HYPE_EMOTES: &[&str] = &[
    "PogChamp", "Pog", "KEKW", "LUL", "Kreygasm", "Clap", "catJAM",
];

pub const NEUTRAL: &[&str] = &[
    "what", "is", "this", "game", "chat", "stream", "when", "next", "round", "he", "she", "they",
    "just", "did", "that", "again", "map", "build", "play", "today", "boss", "level", "run",
    "item",
];

pub const POSITIVE: &[&str] = &[
    "nice",
    "amazing",
    "love",
    "great",
    "awesome",
    "insane",
    "good",
    "gg",
    "wow",
    "beautiful",
    "clean",
    "best",
    "hype",
    "lets go",
    "well played",
];

pub const NEGATIVE: &[&str] = &[
    "bad", "terrible", "boring", "sad", "awful", "trash", "worst", "lag", "rip", "unlucky", "hate",
    "cringe",
];

pub const CHANNELS: &[&str] = &[
    "pixelqueen",
    "speedrun_sam",
    "chillbeats",
    "grandmaster_lu",
    "retro_rick",
    "cozycraft",
    "fraggerz",
    "tacticaltess",
    "moonlit_art",
    "dungeon_dad",
    "vod_lord",
    "esports_hub",
    "lofi_lena",
    "bytebard",
    "pogfactory",
    "ninja_nova",
    "casual_cam",
    "raidboss_ray",
    "streamer_sky",
    "ranked_rae",
];

pub const CATEGORIES: &[&str] = &[
    "Just Chatting",
    "League of Legends",
    "Minecraft",
    "Valorant",
    "Fortnite",
    "Elden Ring",
    "Counter-Strike",
    "Art",
    "Music",
    "Chess",
    "Speedrunning",
    "Retro",
];

pub const TITLES: &[&str] = &[
    "Chill vibes and good times",
    "Road to top 500",
    "Any% world record attempts",
    "First playthrough, no spoilers",
    "Ranked grind all day",
    "Viewer games!",
    "Building the mega base",
    "Tournament day",
    "Late night lofi",
    "Learning new openings",
];

const ADJECTIVES: &[&str] = &[
    "happy", "swift", "salty", "lucky", "sleepy", "cosmic", "tiny", "mega", "silent", "brave",
    "pixel", "turbo", "fuzzy", "neon", "wild", "frosty",
];

const NOUNS: &[&str] = &[
    "gamer", "panda", "wizard", "otter", "knight", "fox", "ghost", "chef", "pilot", "ranger",
    "golem", "raven", "noodle", "viking", "tiger", "bard",
];

/// A deterministic, readable login for user number `n` (a bijection for n < 256 000).
pub fn username(n: u64) -> String {
    let a = ADJECTIVES[(n % 16) as usize];
    let b = NOUNS[((n / 16) % 16) as usize];
    format!("{a}_{b}{}", n / 256)
}

/// The name of channel number `n`.
pub fn channel_name(n: usize) -> String {
    match CHANNELS.get(n) {
        Some(name) => (*name).to_owned(),
        None => format!("channel_{n}"),
    }
}
