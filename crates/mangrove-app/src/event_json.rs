//! An event's JSON: `{"domain": "<name>", ...the domain's event}`, the
//! domain first. Written by hand rather than derived so that a name that
//! is not a built-in domain's reads as a plugged domain's event instead of
//! failing; reading stays one pass when `domain` comes first, as it does
//! in everything this build writes.

use crate::{AppEvent, DeploymentEvent, MarketEvent, PluggedEvent};
use mangrove_mrv::MeasureEvent;
use mangrove_registry::Event;
use serde::de::value::MapAccessDeserializer;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};
use std::fmt;

#[derive(Serialize)]
#[serde(tag = "domain", rename_all = "snake_case")]
enum BuiltIn<'a> {
    Registry(&'a Event),
    Measure(&'a MeasureEvent),
    Ledger(&'a mangrove_ledger::Event),
    Market(&'a MarketEvent),
    Deployment(&'a DeploymentEvent),
}

impl Serialize for AppEvent {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            AppEvent::Registry(event) => BuiltIn::Registry(event).serialize(serializer),
            AppEvent::Measure(event) => BuiltIn::Measure(event).serialize(serializer),
            AppEvent::Ledger(event) => BuiltIn::Ledger(event).serialize(serializer),
            AppEvent::Market(event) => BuiltIn::Market(event).serialize(serializer),
            AppEvent::Deployment(event) => BuiltIn::Deployment(event).serialize(serializer),
            AppEvent::Plugged(event) => event.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for AppEvent {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(EventVisitor)
    }
}

/// Reads the rest of an event whose domain is known.
fn from_parts<'de, D: Deserializer<'de>>(domain: &str, rest: D) -> Result<AppEvent, D::Error> {
    Ok(match domain {
        "registry" => AppEvent::Registry(Event::deserialize(rest)?),
        "measure" => AppEvent::Measure(MeasureEvent::deserialize(rest)?),
        "ledger" => AppEvent::Ledger(mangrove_ledger::Event::deserialize(rest)?),
        "market" => AppEvent::Market(MarketEvent::deserialize(rest)?),
        "deployment" => AppEvent::Deployment(DeploymentEvent::deserialize(rest)?),
        plugged => {
            let body = Map::deserialize(rest)?;
            if body.contains_key("domain") {
                return Err(de::Error::duplicate_field("domain"));
            }
            AppEvent::Plugged(PluggedEvent { domain: plugged.to_owned(), body })
        }
    })
}

struct EventVisitor;

impl<'de> Visitor<'de> for EventVisitor {
    type Value = AppEvent;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("an event object naming its domain")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AppEvent, A::Error> {
        let Some(first) = map.next_key::<String>()? else { return Err(de::Error::missing_field("domain")) };
        if first == "domain" {
            let domain: String = map.next_value()?;
            return from_parts(&domain, MapAccessDeserializer::new(map));
        }
        // Another order (an event upgraded as a JSON value): gather the
        // object, then read it as above.
        let mut body = Map::new();
        body.insert(first, map.next_value()?);
        while let Some((key, value)) = map.next_entry::<String, Value>()? {
            body.insert(key, value);
        }
        let domain = match body.remove("domain") {
            Some(Value::String(domain)) => domain,
            Some(other) => return Err(de::Error::custom(format!("the domain {other} is not a name"))),
            None => return Err(de::Error::missing_field("domain")),
        };
        from_parts(&domain, Value::Object(body)).map_err(de::Error::custom)
    }
}

/// What the API says of an event: an object naming its domain and, in
/// `event`, what happened; the rest of its fields are that event's (see
/// each domain's `Event`). Described by hand, as the JSON is written by hand.
impl utoipa::PartialSchema for AppEvent {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        let domains: Vec<&str> = crate::BUILT_IN_DOMAINS.to_vec();
        ObjectBuilder::new()
            .description(Some(
                "An event of one domain: `domain` names it (a built-in one, or a plugged domain's name), \
                 `event` what happened, and the other fields are that event's.",
            ))
            .property(
                "domain",
                ObjectBuilder::new().schema_type(Type::String).examples(domains).description(Some("the domain")),
            )
            .required("domain")
            .property(
                "event",
                ObjectBuilder::new().schema_type(Type::String).description(Some("what happened, in snake_case")),
            )
            .required("event")
            .additional_properties(Some(utoipa::openapi::schema::AdditionalProperties::FreeForm(true)))
            .into()
    }
}
impl utoipa::ToSchema for AppEvent {}

#[cfg(test)]
mod tests {
    use super::*;
    use mangrove_registry::Role;

    #[test]
    fn an_event_reads_back_whichever_order_its_fields_come_in() {
        let event = AppEvent::Registry(Event::OrganisationCreated {
            organisation: mangrove_registry::Organisation {
                id: mangrove_core::OrgId(1),
                name: "Rayong City".into(),
                role: Role::Operator,
                account: mangrove_core::AccountId(1),
            },
        });
        let text = serde_json::to_string(&event).unwrap();
        assert!(text.starts_with("{\"domain\":\"registry\","), "{text}");
        assert_eq!(serde_json::from_str::<AppEvent>(&text).unwrap(), event);
        let value: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(serde_json::from_value::<AppEvent>(value).unwrap(), event, "from a sorted map");
    }

    #[test]
    fn an_unknown_domain_is_a_plugged_domains_event_and_a_missing_one_is_refused() {
        let text = r#"{"domain":"toy","event":"counted","name":"a"}"#;
        let AppEvent::Plugged(plugged) = serde_json::from_str::<AppEvent>(text).unwrap() else { panic!("plugged") };
        assert_eq!(plugged.domain, "toy");
        assert_eq!(serde_json::to_string(&AppEvent::Plugged(plugged)).unwrap(), text);
        let missing = serde_json::from_str::<AppEvent>(r#"{"event":"counted"}"#).unwrap_err();
        assert!(missing.to_string().contains("missing field `domain`"), "{missing}");
        let bad = serde_json::from_str::<AppEvent>(r#"{"domain":"registry","event":"no_such_thing"}"#).unwrap_err();
        assert!(bad.to_string().contains("no_such_thing"), "{bad}");
    }
}
