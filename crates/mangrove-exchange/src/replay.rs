//! The replay file format: orders and cancels as JSON lines in, fills,
//! rejections and the final book as JSON lines out, through the same
//! matching engine with unlimited balances and a tick of 1 satang. Text in,
//! lines out: this module reads no file itself.
//!
//! ```
//! let input = r#"
//! {"op":"new","id":"o1","account":"a","side":"sell","type":"limit","price":1200,"qty":5}
//! {"op":"new","id":"o2","account":"b","side":"buy","type":"limit","price":1250,"qty":7,"tif":"gtc"}
//! {"op":"cancel","id":"o9"}
//! "#;
//! let mut out = Vec::new();
//! mangrove_exchange::replay::replay(input, &mut out).unwrap();
//! assert_eq!(String::from_utf8(out).unwrap(), concat!(
//!     "{\"maker\":\"o1\",\"taker\":\"o2\",\"price\":1200,\"qty\":5}\n",
//!     "{\"rejected\":\"o9\",\"reason\":\"no resting order with this id\"}\n",
//!     "{\"book\":{\"bids\":[[1250,2]],\"asks\":[]}}\n",
//! ));
//! ```
//!
//! The rules where the format leaves room, decided here:
//! - An order id may appear in one `new` line only: a later `new` with an id
//!   seen before is rejected as a duplicate, even when the first order is
//!   gone (so a fill line's ids always name one order).
//! - A cancel of an id that is not resting now (never seen, filled,
//!   cancelled, dropped) is rejected.
//! - A limit order without a price, a zero or negative quantity or price,
//!   and a post-only market order are rejections (the engine's), not errors.
//! - Unknown extra fields are ignored; `tif` absent or null means `gtc`.
//! - A market order with `tif` `gtc` or `ioc` drops its unfilled rest; with
//!   `fok` it fills whole or is rejected.
//! - The whole file is read before anything is printed, so a malformed line
//!   prints nothing but the error.

use crate::book::{BookConfig, OrderBook};
use crate::error::RejectKind;
use crate::event::Event;
use crate::types::{AccountId, NewOrder, OrderId, OrderKind, PriceSatang, QtyTco2e, Side, TimeInForce};
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::io::{self, Write};

/// The most lines one replay reads.
pub const LINES_MAX: usize = 10_000_000;

/// One line of the file, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    New {
        id: String,
        account: String,
        side: Side,
        kind: OrderKind,
        price_satang: Option<i64>,
        /// Zero stands for any quantity that is not positive: the engine
        /// rejects it.
        qty_tco2e: u64,
        tif: TimeInForce,
    },
    Cancel {
        id: String,
    },
}

/// What is wrong with a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum LineErrorKind {
    NotJson,
    NotAnObject,
    MissingField,
    WrongType,
    UnknownValue,
    NotAllowed,
    TooManyLines,
}

/// A malformed line: its number (from 1), the field, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct LineError {
    pub line: usize,
    pub field: Option<&'static str>,
    pub kind: LineErrorKind,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    #[error(transparent)]
    Line(#[from] LineError),
    #[error("writing the output: {0}")]
    Output(#[from] io::Error),
}

/// What a replay did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub orders: u64,
    pub cancels: u64,
    pub fills: u64,
    pub rejections: u64,
}

/// Reads the whole input, then runs it and writes the output lines.
pub fn replay(input: &str, out: &mut impl Write) -> Result<Summary, ReplayError> {
    let ops = parse(input)?;
    let mut replay = Replay::new();
    for op in &ops {
        replay.apply(op, out)?;
    }
    replay.write_book(out)?;
    Ok(replay.summary)
}

/// Every line checked; empty lines skipped. The first bad line stops it.
pub fn parse(input: &str) -> Result<Vec<Op>, LineError> {
    let mut ops = Vec::new();
    for (index, text) in input.lines().enumerate() {
        let line = index + 1;
        if line > LINES_MAX {
            let message = format!("the file has more than {LINES_MAX} lines");
            return Err(LineError { line, field: None, kind: LineErrorKind::TooManyLines, message });
        }
        if let Some(op) = parse_line(line, text)? {
            ops.push(op);
        }
    }
    Ok(ops)
}

/// One line: `None` when it is empty.
pub fn parse_line(line: usize, text: &str) -> Result<Option<Op>, LineError> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    let value: Value = serde_json::from_str(text).map_err(|error| LineError {
        line,
        field: None,
        kind: LineErrorKind::NotJson,
        message: format!("not valid JSON: {error}"),
    })?;
    let Value::Object(map) = value else {
        let message = "expected a JSON object".to_string();
        return Err(LineError { line, field: None, kind: LineErrorKind::NotAnObject, message });
    };
    let fields = Fields { line, map: &map };
    if fields.word("op", &["new", "cancel"])? == "cancel" {
        return Ok(Some(Op::Cancel { id: fields.text("id")? }));
    }
    let id = fields.text("id")?;
    let account = fields.text("account")?;
    let side = if fields.word("side", &["buy", "sell"])? == "buy" { Side::Buy } else { Side::Sell };
    let kind = match fields.word("type", &["limit", "market"])? {
        "limit" => OrderKind::Limit,
        _ => OrderKind::Market,
    };
    let price_satang = fields.price(kind)?;
    let qty = fields.integer("qty")?.ok_or_else(|| fields.missing("qty"))?;
    let tif = match fields.optional_word("tif", &["gtc", "ioc", "fok", "post_only"])? {
        None | Some("gtc") => TimeInForce::Gtc,
        Some("ioc") => TimeInForce::Ioc,
        Some("fok") => TimeInForce::Fok,
        Some(_) => TimeInForce::PostOnly,
    };
    Ok(Some(Op::New {
        id,
        account,
        side,
        kind,
        price_satang,
        qty_tco2e: u64::try_from(qty.max(0)).unwrap_or(u64::MAX),
        tif,
    }))
}

/// A line's object, read field by field with errors that name the field.
struct Fields<'a> {
    line: usize,
    map: &'a Map<String, Value>,
}

impl Fields<'_> {
    /// The field's value; null counts as absent.
    fn get(&self, field: &str) -> Option<&Value> {
        self.map.get(field).filter(|value| !value.is_null())
    }

    fn error(&self, field: &'static str, kind: LineErrorKind, why: String) -> LineError {
        LineError { line: self.line, field: Some(field), kind, message: format!("field `{field}` {why}") }
    }

    fn missing(&self, field: &'static str) -> LineError {
        self.error(field, LineErrorKind::MissingField, "is missing".into())
    }

    fn text(&self, field: &'static str) -> Result<String, LineError> {
        match self.get(field) {
            None => Err(self.missing(field)),
            Some(Value::String(text)) if !text.is_empty() => Ok(text.clone()),
            Some(other) => {
                Err(self.error(field, LineErrorKind::WrongType, format!("must be a non-empty string, not {other}")))
            }
        }
    }

    fn word(&self, field: &'static str, allowed: &[&'static str]) -> Result<&'static str, LineError> {
        self.optional_word(field, allowed)?.ok_or_else(|| self.missing(field))
    }

    fn optional_word(&self, field: &'static str, allowed: &[&'static str]) -> Result<Option<&'static str>, LineError> {
        let Some(value) = self.get(field) else { return Ok(None) };
        let found = value.as_str().and_then(|text| allowed.iter().find(|&&word| word == text));
        match found {
            Some(&word) => Ok(Some(word)),
            None => {
                let why = format!("must be one of {}, not {value}", allowed.join(", "));
                Err(self.error(field, LineErrorKind::UnknownValue, why))
            }
        }
    }

    /// A whole number, if present.
    fn integer(&self, field: &'static str) -> Result<Option<i128>, LineError> {
        let Some(value) = self.get(field) else { return Ok(None) };
        let number = value.as_i64().map(i128::from).or_else(|| value.as_u64().map(i128::from));
        match number {
            Some(number) => Ok(Some(number)),
            None => Err(self.error(field, LineErrorKind::WrongType, format!("must be a whole number, not {value}"))),
        }
    }

    fn price(&self, kind: OrderKind) -> Result<Option<i64>, LineError> {
        let price = self.integer("price")?;
        match (kind, price) {
            (OrderKind::Market, Some(_)) => {
                Err(self.error("price", LineErrorKind::NotAllowed, "must be absent or null for a market order".into()))
            }
            (_, None) => Ok(None),
            (OrderKind::Limit, Some(price)) => i64::try_from(price)
                .map(Some)
                .map_err(|_| self.error("price", LineErrorKind::WrongType, format!("is out of range: {price} satang"))),
        }
    }
}

#[derive(Serialize)]
struct FillLine<'a> {
    maker: &'a str,
    taker: &'a str,
    price: i64,
    qty: u64,
}

#[derive(Serialize)]
struct RejectLine<'a> {
    rejected: &'a str,
    reason: &'a str,
}

#[derive(Serialize)]
struct BookLine {
    book: Sides,
}

#[derive(Serialize)]
struct Sides {
    bids: Vec<(i64, u64)>,
    asks: Vec<(i64, u64)>,
}

/// A replay under way: the book, and the file's names for orders and
/// accounts mapped to the engine's numbers.
pub struct Replay {
    book: OrderBook,
    ids: HashMap<String, OrderId>,
    names: Vec<String>,
    accounts: HashMap<String, AccountId>,
    events: Vec<Event>,
    summary: Summary,
}

impl Default for Replay {
    fn default() -> Self {
        Replay::new()
    }
}

impl Replay {
    pub fn new() -> Replay {
        Replay {
            book: OrderBook::new(BookConfig::new(1)),
            ids: HashMap::new(),
            names: Vec::new(),
            accounts: HashMap::new(),
            events: Vec::new(),
            summary: Summary::default(),
        }
    }

    pub fn book(&self) -> &OrderBook {
        &self.book
    }

    pub fn summary(&self) -> Summary {
        self.summary
    }

    /// Runs one line and writes its fills or its rejection.
    pub fn apply(&mut self, op: &Op, out: &mut impl Write) -> io::Result<()> {
        self.events.clear();
        match op {
            Op::New { .. } => self.summary.orders += 1,
            Op::Cancel { .. } => self.summary.cancels += 1,
        }
        let refused = match op {
            Op::New { id, .. } if self.ids.contains_key(id) => Some((id, RejectKind::DuplicateId)),
            Op::New { id, account, side, kind, price_satang, qty_tco2e, tif } => {
                let order = NewOrder {
                    id: self.name_order(id),
                    account: self.name_account(account),
                    side: *side,
                    kind: *kind,
                    price_satang: price_satang.map(PriceSatang),
                    qty_tco2e: QtyTco2e(*qty_tco2e),
                    tif: *tif,
                    expires_at_ms: None,
                };
                self.book.submit(&order, 0, &mut self.events).err().map(|rejected| (id, rejected.kind))
            }
            Op::Cancel { id } => match self.ids.get(id) {
                Some(&order) => self.book.cancel(order, &mut self.events).err().map(|rejected| (id, rejected.kind)),
                None => Some((id, RejectKind::NotResting)),
            },
        };
        if let Some((id, kind)) = refused {
            self.summary.rejections += 1;
            return write_line(out, &RejectLine { rejected: id, reason: kind.message() });
        }
        for event in &self.events {
            if let Event::Fill(fill) = event {
                self.summary.fills += 1;
                let (maker, taker) = (&self.names[fill.maker.0 as usize], &self.names[fill.taker.0 as usize]);
                let line = FillLine { maker, taker, price: fill.price_satang.0, qty: fill.qty_tco2e.0 };
                write_line(out, &line)?;
            }
        }
        Ok(())
    }

    /// Writes the book by level, best first.
    pub fn write_book(&self, out: &mut impl Write) -> io::Result<()> {
        let side = |side| self.book.levels(side).map(|level| (level.price_satang.0, level.qty_tco2e.0)).collect();
        write_line(out, &BookLine { book: Sides { bids: side(Side::Buy), asks: side(Side::Sell) } })
    }

    fn name_order(&mut self, name: &str) -> OrderId {
        let id = OrderId(self.names.len() as u64);
        self.names.push(name.to_string());
        self.ids.insert(name.to_string(), id);
        id
    }

    fn name_account(&mut self, name: &str) -> AccountId {
        let next = AccountId(self.accounts.len() as u64);
        *self.accounts.entry(name.to_string()).or_insert(next)
    }
}

fn write_line(out: &mut impl Write, line: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer(&mut *out, line)?;
    out.write_all(b"\n")
}
