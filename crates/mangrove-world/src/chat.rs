//! Chat rules: how long a message may be, how often one may speak (a
//! bucket of a few messages that refills slowly), who hears it (everyone
//! within earshot, or everyone in a channel: an event, a parcel), and who
//! never does (those who muted or blocked the speaker). Messages are
//! personal data: the world passes them on and keeps none.

use mangrove_core::UserId;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Characters (not bytes: Thai takes three bytes a letter) in a message.
pub const MESSAGE_CHARS_MAX: usize = 280;
/// Messages one may send at once before waiting.
pub const BURST_MESSAGES: u32 = 5;
/// One more message is allowed every this many milliseconds.
pub const REFILL_MS: i64 = 2_000;
/// How far a spoken message carries.
pub const EARSHOT_CM: i64 = 3_000;
/// Channels one may be in at once.
pub const CHANNELS_PER_AVATAR_MAX: usize = 8;
/// Mutes and blocks one person may keep.
pub const MUTES_MAX: usize = 1_000;

/// Where a message goes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "name")]
pub enum Channel {
    /// Everyone within `EARSHOT_CM`.
    Nearby,
    /// Everyone who joined the named channel (an event, a parcel).
    Named(String),
}

/// Why an input was refused. Clients show it in their own language, from
/// its code (`docs/WORLD_PROTOCOL.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    /// Guests look around; people who signed in talk.
    SignInToChat,
    Empty,
    TooLong,
    TooFast,
    Banned,
    NotInChannel,
    TooManyChannels,
    TooManyMutes,
    UnknownPlace,
}

impl Refusal {
    /// Every refusal, in the order of their codes in the presence protocol.
    pub const ALL: [Refusal; 9] = [
        Refusal::SignInToChat,
        Refusal::Empty,
        Refusal::TooLong,
        Refusal::TooFast,
        Refusal::Banned,
        Refusal::NotInChannel,
        Refusal::TooManyChannels,
        Refusal::TooManyMutes,
        Refusal::UnknownPlace,
    ];
}

/// A message's text with its whitespace trimmed, if it may be sent.
pub fn checked_text(text: &str) -> Result<String, Refusal> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Refusal::Empty);
    }
    if text.chars().count() > MESSAGE_CHARS_MAX {
        return Err(Refusal::TooLong);
    }
    if text.chars().any(|c| c.is_control()) {
        return Err(Refusal::Empty);
    }
    Ok(text.to_string())
}

/// A speaker's allowance: up to `BURST_MESSAGES`, refilling one every
/// `REFILL_MS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allowance {
    tokens: u32,
    refilled_at_ms: i64,
}

impl Allowance {
    pub fn full(now_ms: i64) -> Allowance {
        Allowance { tokens: BURST_MESSAGES, refilled_at_ms: now_ms }
    }
    /// Takes one message from the allowance, if there is one.
    pub fn take(&mut self, now_ms: i64) -> Result<(), Refusal> {
        let earned = (now_ms - self.refilled_at_ms).max(0) / REFILL_MS;
        if earned > 0 {
            self.tokens = (i64::from(self.tokens) + earned).min(i64::from(BURST_MESSAGES)) as u32;
            self.refilled_at_ms += earned * REFILL_MS;
        }
        if self.tokens == 0 {
            return Err(Refusal::TooFast);
        }
        if self.tokens == BURST_MESSAGES {
            self.refilled_at_ms = now_ms;
        }
        self.tokens -= 1;
        Ok(())
    }
}

/// Whom each person muted (their messages hidden) and blocked (their
/// messages and their avatar hidden).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Silences {
    muted: BTreeMap<UserId, BTreeSet<UserId>>,
    blocked: BTreeMap<UserId, BTreeSet<UserId>>,
}

impl Silences {
    fn add(map: &mut BTreeMap<UserId, BTreeSet<UserId>>, by: UserId, whom: UserId) -> Result<(), Refusal> {
        let set = map.entry(by).or_default();
        if set.len() >= MUTES_MAX && !set.contains(&whom) {
            return Err(Refusal::TooManyMutes);
        }
        set.insert(whom);
        Ok(())
    }
    pub fn mute(&mut self, by: UserId, whom: UserId) -> Result<(), Refusal> {
        Self::add(&mut self.muted, by, whom)
    }
    pub fn block(&mut self, by: UserId, whom: UserId) -> Result<(), Refusal> {
        Self::add(&mut self.blocked, by, whom)
    }
    pub fn unmute(&mut self, by: UserId, whom: UserId) {
        for map in [&mut self.muted, &mut self.blocked] {
            if let Some(set) = map.get_mut(&by) {
                set.remove(&whom);
            }
        }
    }
    /// Whether `listener` hears `speaker`.
    pub fn hears(&self, listener: UserId, speaker: UserId) -> bool {
        !self.muted.get(&listener).is_some_and(|set| set.contains(&speaker)) && self.sees(listener, speaker)
    }
    /// Whom `viewer` blocked, if anyone.
    pub fn blocked_by(&self, viewer: UserId) -> Option<&BTreeSet<UserId>> {
        self.blocked.get(&viewer).filter(|set| !set.is_empty())
    }
    /// Whether `viewer` sees `subject`'s avatar.
    pub fn sees(&self, viewer: UserId, subject: UserId) -> bool {
        !self.blocked.get(&viewer).is_some_and(|set| set.contains(&subject))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thai_counts_by_letter_not_by_byte() {
        let thai = "ป่าชายเลน".repeat(31);
        assert!(thai.len() > MESSAGE_CHARS_MAX && thai.chars().count() <= MESSAGE_CHARS_MAX);
        assert_eq!(checked_text(&thai), Ok(thai.clone()));
        assert_eq!(checked_text(&"ก".repeat(281)), Err(Refusal::TooLong));
        assert_eq!(checked_text("   "), Err(Refusal::Empty));
        assert_eq!(checked_text("a\u{7}b"), Err(Refusal::Empty));
    }

    #[test]
    fn the_allowance_refills_slowly() {
        let mut allowance = Allowance::full(0);
        for _ in 0..BURST_MESSAGES {
            assert_eq!(allowance.take(0), Ok(()));
        }
        assert_eq!(allowance.take(1_999), Err(Refusal::TooFast));
        assert_eq!(allowance.take(2_000), Ok(()));
        assert_eq!(allowance.take(2_001), Err(Refusal::TooFast));
        assert_eq!(allowance.take(60_000), Ok(()));
    }
}
