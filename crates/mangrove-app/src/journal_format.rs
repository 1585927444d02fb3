//! The one place where stored events are read, and older journals upgraded.
//!
//! Every event is stored as the exact text that was hashed, and that text
//! is never rewritten: a journal written by an older version keeps its
//! hashes, proofs and signatures. What changes is how it is read.
//!
//! - **Format 2** (today's, [`JOURNAL_FORMAT`]): the body starts with
//!   `{"format":2,` and its payload names its domain (`"domain":"market"`)
//!   beside the domain's own `event` tag. It is read as it stands.
//! - **Format 1** (journals before formats were numbered): no `format`
//!   field, and no domain: the app told domains apart by their event names.
//!   Such an event is upgraded here, on its JSON, before it is typed: its
//!   domain is named from the event names format 1 knew, an order journaled
//!   before orders could be replaced gets `replaced: 0`, and a trade
//!   journaled before trades named their units gets `ranges: []`. The
//!   domain types carry no defaults for old journals; this module does.
//!
//! A newer format than this build knows is refused, naming both.

use crate::JournalEvent;
use mangrove_core::journal::JOURNAL_FORMAT;
use serde_json::{Map, Value};

/// The measure domain's event names in format 1; any other name that was
/// neither a ledger's (`ledger_…`), a market's (`market_…`) nor the key
/// change was the registry's.
const FORMAT_1_MEASURE_EVENTS: [&str; 6] = [
    "factory_registered",
    "year_recorded",
    "target_set",
    "reduction_registered",
    "practice_published",
    "reduction_linked",
];

/// Reads one stored event body, upgrading it if it is of an older format.
pub fn read_event(body: &str) -> Result<JournalEvent, String> {
    match declared_format(body) {
        Some(format) if format == JOURNAL_FORMAT => serde_json::from_str(body).map_err(|error| error.to_string()),
        Some(format) if format > JOURNAL_FORMAT => Err(format!(
            "it is of journal format {format}, newer than this build reads ({JOURNAL_FORMAT}); upgrade mangrove"
        )),
        _ => upgrade_from_format_1(body),
    }
}

/// The format a body declares in its first field, if it declares one.
fn declared_format(body: &str) -> Option<u32> {
    let rest = body.strip_prefix("{\"format\":")?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    rest[..digits].parse().ok()
}

fn upgrade_from_format_1(body: &str) -> Result<JournalEvent, String> {
    let mut envelope: Map<String, Value> = serde_json::from_str(body).map_err(|error| error.to_string())?;
    if let Some(format) = envelope.get("format") {
        if format != &Value::from(1) {
            return Err(format!("its format {format} is not one this build reads"));
        }
    }
    envelope.insert("format".into(), Value::from(1));
    let payload = envelope.get_mut("payload").and_then(Value::as_object_mut).ok_or("it has no payload object")?;
    let name = payload.get("event").and_then(Value::as_str).ok_or("its payload has no event name")?.to_owned();
    let domain = format_1_domain(&name);
    match name.as_str() {
        "market_order_placed" => {
            if let Some(order) = payload.get_mut("order").and_then(Value::as_object_mut) {
                order.entry("replaced").or_insert(Value::from(0));
            }
        }
        "market_trade" => {
            if let Some(trade) = payload.get_mut("trade").and_then(Value::as_object_mut) {
                trade.entry("ranges").or_insert(Value::Array(Vec::new()));
            }
        }
        _ => {}
    }
    payload.insert("domain".into(), Value::from(domain));
    serde_json::from_value(Value::Object(envelope)).map_err(|error| error.to_string())
}

fn format_1_domain(event_name: &str) -> &'static str {
    if event_name.starts_with("ledger_") {
        "ledger"
    } else if event_name.starts_with("market_") {
        "market"
    } else if event_name == "deployment_key_changed" {
        "deployment"
    } else if FORMAT_1_MEASURE_EVENTS.contains(&event_name) {
        "measure"
    } else {
        "registry"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AppEvent;
    use mangrove_registry::{Event, Organisation, Role};

    fn format_1_body(payload: &str) -> String {
        format!(
            "{{\"seq\":7,\"time_ms\":1,\"command_id\":\"auto-7\",\"command_hash\":\"ab\",\"actor\":\"system\",\
             \"payload\":{payload}}}"
        )
    }

    #[test]
    fn a_format_1_event_is_read_with_its_domain_named() {
        let cases = [
            (r#"{"event":"ledger_fee_set","fee_bps":25}"#, "ledger"),
            (r#"{"event":"practice_published","practice":{}}"#, "measure"),
            (r#"{"event":"organisation_created","organisation":{}}"#, "registry"),
            (r#"{"event":"market_orders_expired","instrument":1,"at_ms":5}"#, "market"),
        ];
        for (payload, domain) in cases {
            assert_eq!(
                format_1_domain(serde_json::from_str::<Value>(payload).unwrap()["event"].as_str().unwrap()),
                domain
            );
        }
        let body = format_1_body(
            r#"{"event":"organisation_created","organisation":{"id":1,"name":"Rayong City","role":"operator","account":1}}"#,
        );
        let event = read_event(&body).unwrap();
        assert_eq!(event.format, 1);
        assert_eq!(event.seq, 7);
        assert!(matches!(
            event.payload,
            AppEvent::Registry(Event::OrganisationCreated { organisation: Organisation { role: Role::Operator, .. } })
        ));
    }

    #[test]
    fn today_s_events_name_their_domain_and_read_back_as_written() {
        let body = format_1_body(
            r#"{"event":"organisation_created","organisation":{"id":1,"name":"Rayong City","role":"operator","account":1}}"#,
        );
        let mut event = read_event(&body).unwrap();
        event.format = JOURNAL_FORMAT;
        let written = serde_json::to_string(&event).unwrap();
        assert!(written.starts_with("{\"format\":2,"), "{written}");
        assert!(written.contains(r#""payload":{"domain":"registry","event":"organisation_created""#), "{written}");
        assert_eq!(read_event(&written).unwrap(), event);
    }

    #[test]
    fn a_newer_or_unknown_format_is_refused_by_name() {
        let newer = format!("{{\"format\":{},\"seq\":0}}", JOURNAL_FORMAT + 1);
        assert!(read_event(&newer).unwrap_err().contains("newer than this build reads"));
        let odd = format_1_body(r#"{"event":"organisation_created"}"#).replacen("{", "{\"format\":\"x\",", 1);
        assert!(read_event(&odd).unwrap_err().contains("not one this build reads"));
        assert!(read_event(&format_1_body("[]")).unwrap_err().contains("no payload object"));
    }
}
