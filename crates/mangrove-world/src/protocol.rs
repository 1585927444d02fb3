//! The presence protocol's frames, as bytes: what a client sends, and the
//! one frame per tick the server sends each client. Every frame starts with
//! the protocol's version byte. Positions travel in decimetres; a move is
//! sent as a difference from the position the client was last told when it
//! fits in two `i16`s, else in full. Integers are little-endian. Text is
//! UTF-8 with its length before it. `docs/WORLD_PROTOCOL.md` describes the
//! same layout for people who write clients.

use crate::book::{Appearance, Preset, COLOURS};
use crate::chat::{Channel, Refusal, MESSAGE_CHARS_MAX};
use crate::frame::Point;
use crate::interest::Tier;
use crate::world::{ClientId, Outgoing};
use mangrove_core::UserId;

pub const VERSION: u8 = 1;
/// The largest frame a client may send.
pub const CLIENT_FRAME_BYTES_MAX: usize = 2_048;
/// Bytes in a channel's name.
pub const CHANNEL_BYTES_MAX: usize = 64;
/// Bytes in a place's key.
pub const PLACE_BYTES_MAX: usize = 64;
pub const CM_PER_DM: i32 = 10;

/// What a client sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientFrame {
    /// First, once: how the avatar looks.
    Hello {
        appearance: Appearance,
    },
    Move {
        to: Point,
        running: bool,
    },
    Travel {
        place: String,
    },
    Say {
        channel: Channel,
        text: String,
    },
    JoinChannel {
        channel: String,
    },
    LeaveChannel {
        channel: String,
    },
    Mute {
        whom: UserId,
    },
    Block {
        whom: UserId,
    },
    Unmute {
        whom: UserId,
    },
}

/// Why a client's frame was refused; the connection is closed with this
/// reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameError {
    Empty,
    Version(u8),
    UnknownKind(u8),
    Truncated,
    TooLarge,
    NotText,
    TrailingBytes,
    BadAppearance,
}

impl std::fmt::Display for FrameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FrameError::Empty => write!(f, "an empty frame"),
            FrameError::Version(version) => write!(f, "protocol version {version} is not spoken here; use {VERSION}"),
            FrameError::UnknownKind(kind) => write!(f, "no frame is of kind {kind}"),
            FrameError::Truncated => write!(f, "the frame ends early"),
            FrameError::TooLarge => write!(f, "a frame has at most {CLIENT_FRAME_BYTES_MAX} bytes"),
            FrameError::NotText => write!(f, "a text field is not UTF-8, or too long"),
            FrameError::TrailingBytes => write!(f, "bytes follow the end of the frame"),
            FrameError::BadAppearance => write!(f, "no such preset or colour"),
        }
    }
}

/// Client frame kinds.
mod kind {
    pub const HELLO: u8 = 1;
    pub const MOVE: u8 = 2;
    pub const TRAVEL: u8 = 3;
    pub const SAY: u8 = 4;
    pub const JOIN_CHANNEL: u8 = 5;
    pub const LEAVE_CHANNEL: u8 = 6;
    pub const MUTE: u8 = 7;
    pub const BLOCK: u8 = 8;
    pub const UNMUTE: u8 = 9;
    /// The server's frame: one a tick.
    pub const TICK: u8 = 0x80;
}

/// Server record kinds, inside a tick frame.
mod record {
    pub const WELCOME: u8 = 1;
    pub const APPEARED: u8 = 2;
    pub const MOVED_BY: u8 = 3;
    pub const MOVED_TO: u8 = 4;
    pub const VANISHED: u8 = 5;
    pub const CORRECTED: u8 = 6;
    pub const HEARD: u8 = 7;
    pub const REFUSED: u8 = 8;
    pub const REMOVED: u8 = 9;
}

fn to_dm(cm: i32) -> i32 {
    cm.div_euclid(CM_PER_DM)
}

fn put_point(out: &mut Vec<u8>, point: Point) {
    out.extend_from_slice(&to_dm(point.east_cm).to_le_bytes());
    out.extend_from_slice(&to_dm(point.north_cm).to_le_bytes());
}

fn put_short_text(out: &mut Vec<u8>, text: &str, limit: usize) {
    let bytes = &text.as_bytes()[..floor_char_boundary(text, limit.min(255))];
    out.push(bytes.len() as u8);
    out.extend_from_slice(bytes);
}

fn put_long_text(out: &mut Vec<u8>, text: &str) {
    let bytes = &text.as_bytes()[..floor_char_boundary(text, usize::from(u16::MAX))];
    out.extend_from_slice(&(bytes.len() as u16).to_le_bytes());
    out.extend_from_slice(bytes);
}

fn floor_char_boundary(text: &str, limit: usize) -> usize {
    let mut end = limit.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    end
}

fn put_channel(out: &mut Vec<u8>, channel: &Channel) {
    match channel {
        Channel::Nearby => out.push(0),
        Channel::Named(name) => put_short_text(out, name, CHANNEL_BYTES_MAX),
    }
}

impl ClientFrame {
    pub fn encode(&self) -> Vec<u8> {
        let mut out = vec![VERSION];
        match self {
            ClientFrame::Hello { appearance } => {
                out.extend_from_slice(&[kind::HELLO, appearance.preset.code(), appearance.colour]);
            }
            ClientFrame::Move { to, running } => {
                out.push(kind::MOVE);
                put_point(&mut out, *to);
                out.push(u8::from(*running));
            }
            ClientFrame::Travel { place } => {
                out.push(kind::TRAVEL);
                put_short_text(&mut out, place, PLACE_BYTES_MAX);
            }
            ClientFrame::Say { channel, text } => {
                out.push(kind::SAY);
                put_channel(&mut out, channel);
                put_long_text(&mut out, text);
            }
            ClientFrame::JoinChannel { channel } | ClientFrame::LeaveChannel { channel } => {
                out.push(if matches!(self, ClientFrame::JoinChannel { .. }) {
                    kind::JOIN_CHANNEL
                } else {
                    kind::LEAVE_CHANNEL
                });
                put_short_text(&mut out, channel, CHANNEL_BYTES_MAX);
            }
            ClientFrame::Mute { whom } | ClientFrame::Block { whom } | ClientFrame::Unmute { whom } => {
                out.push(match self {
                    ClientFrame::Mute { .. } => kind::MUTE,
                    ClientFrame::Block { .. } => kind::BLOCK,
                    _ => kind::UNMUTE,
                });
                out.extend_from_slice(&whom.get().to_le_bytes());
            }
        }
        out
    }

    pub fn decode(bytes: &[u8]) -> Result<ClientFrame, FrameError> {
        if bytes.len() > CLIENT_FRAME_BYTES_MAX {
            return Err(FrameError::TooLarge);
        }
        let mut reader = Reader { bytes, at: 0 };
        let version = reader.u8().map_err(|_| FrameError::Empty)?;
        if version != VERSION {
            return Err(FrameError::Version(version));
        }
        let frame = match reader.u8()? {
            kind::HELLO => {
                let preset = Preset::from_code(reader.u8()?).ok_or(FrameError::BadAppearance)?;
                let colour = reader.u8()?;
                if colour >= COLOURS {
                    return Err(FrameError::BadAppearance);
                }
                ClientFrame::Hello { appearance: Appearance { preset, colour } }
            }
            kind::MOVE => ClientFrame::Move { to: reader.point()?, running: reader.u8()? != 0 },
            kind::TRAVEL => ClientFrame::Travel { place: reader.short_text(PLACE_BYTES_MAX)? },
            kind::SAY => {
                let channel = reader.channel()?;
                let text = reader.long_text()?;
                if text.chars().count() > MESSAGE_CHARS_MAX * 2 {
                    return Err(FrameError::NotText);
                }
                ClientFrame::Say { channel, text }
            }
            kind::JOIN_CHANNEL => ClientFrame::JoinChannel { channel: reader.short_text(CHANNEL_BYTES_MAX)? },
            kind::LEAVE_CHANNEL => ClientFrame::LeaveChannel { channel: reader.short_text(CHANNEL_BYTES_MAX)? },
            kind::MUTE => ClientFrame::Mute { whom: UserId(reader.u64()?) },
            kind::BLOCK => ClientFrame::Block { whom: UserId(reader.u64()?) },
            kind::UNMUTE => ClientFrame::Unmute { whom: UserId(reader.u64()?) },
            other => return Err(FrameError::UnknownKind(other)),
        };
        if reader.at != bytes.len() {
            return Err(FrameError::TrailingBytes);
        }
        Ok(frame)
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take(&mut self, count: usize) -> Result<&[u8], FrameError> {
        let end = self.at.checked_add(count).filter(|end| *end <= self.bytes.len()).ok_or(FrameError::Truncated)?;
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }
    fn u8(&mut self) -> Result<u8, FrameError> {
        Ok(self.take(1)?[0])
    }
    fn u16(&mut self) -> Result<u16, FrameError> {
        Ok(u16::from_le_bytes(self.take(2)?.try_into().expect("two bytes")))
    }
    fn i16(&mut self) -> Result<i16, FrameError> {
        Ok(i16::from_le_bytes(self.take(2)?.try_into().expect("two bytes")))
    }
    fn u32(&mut self) -> Result<u32, FrameError> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().expect("four bytes")))
    }
    fn i32(&mut self) -> Result<i32, FrameError> {
        Ok(i32::from_le_bytes(self.take(4)?.try_into().expect("four bytes")))
    }
    fn u64(&mut self) -> Result<u64, FrameError> {
        Ok(u64::from_le_bytes(self.take(8)?.try_into().expect("eight bytes")))
    }
    /// A point in decimetres, in centimetres (saturating at the frame's edge).
    fn point(&mut self) -> Result<Point, FrameError> {
        let east = self.i32()?.saturating_mul(CM_PER_DM);
        let north = self.i32()?.saturating_mul(CM_PER_DM);
        Ok(Point::new(east, north))
    }
    fn text(&mut self, count: usize) -> Result<String, FrameError> {
        let bytes = self.take(count)?;
        let text = std::str::from_utf8(bytes).map_err(|_| FrameError::NotText)?;
        Ok(text.to_owned())
    }
    fn short_text(&mut self, limit: usize) -> Result<String, FrameError> {
        let count = usize::from(self.u8()?);
        if count > limit {
            return Err(FrameError::NotText);
        }
        self.text(count)
    }
    fn long_text(&mut self) -> Result<String, FrameError> {
        let count = usize::from(self.u16()?);
        self.text(count)
    }
    fn channel(&mut self) -> Result<Channel, FrameError> {
        let name = self.short_text(CHANNEL_BYTES_MAX)?;
        Ok(if name.is_empty() { Channel::Nearby } else { Channel::Named(name) })
    }
}

fn refusal_code(refusal: Refusal) -> u8 {
    Refusal::ALL.iter().position(|r| *r == refusal).expect("every refusal is listed") as u8
}

fn tier_code(tier: Tier) -> u8 {
    tier as u8
}

/// Starts a tick frame.
pub fn tick_frame(tick: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(64);
    out.extend_from_slice(&[VERSION, kind::TICK]);
    out.extend_from_slice(&(tick as u32).to_le_bytes());
    out
}

/// Appends one record of what a client is told to its tick frame.
pub fn put_record(out: &mut Vec<u8>, message: &Outgoing) {
    match message {
        Outgoing::Welcome { you, at } => {
            out.push(record::WELCOME);
            out.extend_from_slice(&you.to_le_bytes());
            put_point(out, *at);
        }
        Outgoing::Appeared { avatar, user, name, appearance, at, tier } => {
            out.push(record::APPEARED);
            out.extend_from_slice(&avatar.to_le_bytes());
            out.extend_from_slice(&user.map_or(0, |u| u.get()).to_le_bytes());
            out.extend_from_slice(&[appearance.preset.code(), appearance.colour, tier_code(*tier)]);
            put_point(out, *at);
            put_short_text(out, name, 255);
        }
        Outgoing::Moved { avatar, from, at } => {
            let east = to_dm(at.east_cm) - to_dm(from.east_cm);
            let north = to_dm(at.north_cm) - to_dm(from.north_cm);
            match (i16::try_from(east), i16::try_from(north)) {
                (Ok(east), Ok(north)) => {
                    out.push(record::MOVED_BY);
                    out.extend_from_slice(&avatar.to_le_bytes());
                    out.extend_from_slice(&east.to_le_bytes());
                    out.extend_from_slice(&north.to_le_bytes());
                }
                _ => {
                    out.push(record::MOVED_TO);
                    out.extend_from_slice(&avatar.to_le_bytes());
                    put_point(out, *at);
                }
            }
        }
        Outgoing::Vanished { avatar } => {
            out.push(record::VANISHED);
            out.extend_from_slice(&avatar.to_le_bytes());
        }
        Outgoing::Corrected { at } => {
            out.push(record::CORRECTED);
            put_point(out, *at);
        }
        Outgoing::Heard { from, message, channel, text } => {
            out.push(record::HEARD);
            out.extend_from_slice(&from.to_le_bytes());
            out.extend_from_slice(&message.to_le_bytes());
            put_channel(out, channel);
            put_long_text(out, text);
        }
        Outgoing::Refused { refusal } => out.extend_from_slice(&[record::REFUSED, refusal_code(*refusal)]),
        Outgoing::Removed { refusal } => out.extend_from_slice(&[record::REMOVED, refusal_code(*refusal)]),
    }
}

/// A record as a client reads it: positions in decimetres as sent, a move
/// by a difference or to a place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    Welcome {
        you: ClientId,
        east_dm: i32,
        north_dm: i32,
    },
    Appeared {
        avatar: ClientId,
        user: Option<UserId>,
        preset: u8,
        colour: u8,
        tier: u8,
        east_dm: i32,
        north_dm: i32,
        name: String,
    },
    MovedBy {
        avatar: ClientId,
        east_dm: i16,
        north_dm: i16,
    },
    MovedTo {
        avatar: ClientId,
        east_dm: i32,
        north_dm: i32,
    },
    Vanished {
        avatar: ClientId,
    },
    Corrected {
        east_dm: i32,
        north_dm: i32,
    },
    Heard {
        from: ClientId,
        message: u32,
        channel: Channel,
        text: String,
    },
    Refused {
        code: u8,
    },
    Removed {
        code: u8,
    },
}

/// Reads a server's tick frame: its tick and its records.
pub fn decode_tick(bytes: &[u8]) -> Result<(u32, Vec<Record>), FrameError> {
    let mut reader = Reader { bytes, at: 0 };
    let version = reader.u8().map_err(|_| FrameError::Empty)?;
    if version != VERSION {
        return Err(FrameError::Version(version));
    }
    let kind = reader.u8()?;
    if kind != kind::TICK {
        return Err(FrameError::UnknownKind(kind));
    }
    let tick = reader.u32()?;
    let mut records = Vec::new();
    while reader.at < bytes.len() {
        let record = match reader.u8()? {
            record::WELCOME => Record::Welcome { you: reader.u32()?, east_dm: reader.i32()?, north_dm: reader.i32()? },
            record::APPEARED => {
                let avatar = reader.u32()?;
                let user = Some(reader.u64()?).filter(|u| *u != 0).map(UserId);
                let (preset, colour, tier) = (reader.u8()?, reader.u8()?, reader.u8()?);
                let (east_dm, north_dm) = (reader.i32()?, reader.i32()?);
                let name = reader.short_text(255)?;
                Record::Appeared { avatar, user, preset, colour, tier, east_dm, north_dm, name }
            }
            record::MOVED_BY => {
                Record::MovedBy { avatar: reader.u32()?, east_dm: reader.i16()?, north_dm: reader.i16()? }
            }
            record::MOVED_TO => {
                Record::MovedTo { avatar: reader.u32()?, east_dm: reader.i32()?, north_dm: reader.i32()? }
            }
            record::VANISHED => Record::Vanished { avatar: reader.u32()? },
            record::CORRECTED => Record::Corrected { east_dm: reader.i32()?, north_dm: reader.i32()? },
            record::HEARD => Record::Heard {
                from: reader.u32()?,
                message: reader.u32()?,
                channel: reader.channel()?,
                text: reader.long_text()?,
            },
            record::REFUSED => Record::Refused { code: reader.u8()? },
            record::REMOVED => Record::Removed { code: reader.u8()? },
            other => return Err(FrameError::UnknownKind(other)),
        };
        records.push(record);
    }
    Ok((tick, records))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_frames_round_trip() {
        let frames = [
            ClientFrame::Hello { appearance: Appearance { preset: Preset::Fisher, colour: 3 } },
            ClientFrame::Move { to: Point::new(-123_450, 67_890), running: true },
            ClientFrame::Travel { place: "mangrove".into() },
            ClientFrame::Say { channel: Channel::Nearby, text: "สวัสดีครับ".into() },
            ClientFrame::Say { channel: Channel::Named("festival".into()), text: "hello".into() },
            ClientFrame::JoinChannel { channel: "festival".into() },
            ClientFrame::LeaveChannel { channel: "festival".into() },
            ClientFrame::Mute { whom: UserId(7) },
            ClientFrame::Block { whom: UserId(8) },
            ClientFrame::Unmute { whom: UserId(9) },
        ];
        for frame in frames {
            assert_eq!(ClientFrame::decode(&frame.encode()), Ok(frame));
        }
        assert_eq!(ClientFrame::Move { to: Point::new(100, 0), running: false }.encode().len(), 11);
    }

    #[test]
    fn bad_frames_are_named() {
        let good = ClientFrame::Say { channel: Channel::Nearby, text: "hi".into() }.encode();
        assert_eq!(ClientFrame::decode(&[]), Err(FrameError::Empty));
        assert_eq!(ClientFrame::decode(&[2, 1, 0, 0]), Err(FrameError::Version(2)));
        assert_eq!(ClientFrame::decode(&[VERSION, 99]), Err(FrameError::UnknownKind(99)));
        assert_eq!(ClientFrame::decode(&good[..good.len() - 1]), Err(FrameError::Truncated));
        assert_eq!(ClientFrame::decode(&[good.as_slice(), &[0]].concat()), Err(FrameError::TrailingBytes));
        assert_eq!(ClientFrame::decode(&vec![VERSION; CLIENT_FRAME_BYTES_MAX + 1]), Err(FrameError::TooLarge));
        assert_eq!(ClientFrame::decode(&[VERSION, 3, 2, 0xff, 0xfe]), Err(FrameError::NotText));
        assert_eq!(ClientFrame::decode(&[VERSION, 1, 99, 0]), Err(FrameError::BadAppearance));
    }

    #[test]
    fn a_move_travels_as_a_difference_when_it_fits() {
        let mut frame = tick_frame(9);
        put_record(
            &mut frame,
            &Outgoing::Moved { avatar: 4, from: Point::new(1_000, 1_000), at: Point::new(1_250, 990) },
        );
        put_record(&mut frame, &Outgoing::Moved { avatar: 5, from: Point::new(0, 0), at: Point::new(5_000_000, 0) });
        assert_eq!(frame.len(), 6 + 9 + 13);
        let (tick, records) = decode_tick(&frame).unwrap();
        assert_eq!(tick, 9);
        assert_eq!(
            records,
            vec![
                Record::MovedBy { avatar: 4, east_dm: 25, north_dm: -1 },
                Record::MovedTo { avatar: 5, east_dm: 500_000, north_dm: 0 }
            ]
        );
    }
}
