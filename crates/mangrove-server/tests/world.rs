//! The virtual city's presence through the real server, over loopback
//! WebSockets: two people see each other move and hear each other; a
//! guest far away sees and hears neither; bad frames close only their own
//! connection, with a reason, and change nothing; a client that stops
//! reading is dropped while the others keep their tick; the operator's ban
//! removes a person at once and keeps them out.

mod support;

use futures_util::{SinkExt, StreamExt};
use mangrove_core::UserId;
use mangrove_world::protocol::{decode_tick, ClientFrame, Record};
use mangrove_world::{Appearance, Channel, Point, Preset};
use reqwest::StatusCode;
use serde_json::json;
use std::time::Duration;
use support::*;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

fn request(app: &TestApp, token: Option<&str>) -> tokio_tungstenite::tungstenite::handshake::client::Request {
    let url = format!("{}/api/v1/world/ws", app.base.replace("http://", "ws://"));
    let mut request = url.into_client_request().expect("a WebSocket request");
    if let Some(token) = token {
        request.headers_mut().insert("authorization", format!("Bearer {token}").parse().expect("a header"));
    }
    request
}

async fn open(app: &TestApp, token: Option<&str>) -> Socket {
    let (socket, _) = tokio_tungstenite::connect_async(request(app, token)).await.expect("the world opens");
    socket
}

async fn send(socket: &mut Socket, frame: ClientFrame) {
    socket.send(Message::Binary(frame.encode().into())).await.expect("the frame is sent");
}

/// Enters the city and returns the avatar's id, where it stands (dm), and
/// what else it was told in the same frames.
async fn enter(socket: &mut Socket, preset: Preset) -> (u32, (i32, i32), Vec<Record>) {
    send(socket, ClientFrame::Hello { appearance: Appearance { preset, colour: 1 } }).await;
    let records = read_until(socket, |r| matches!(r, Record::Welcome { .. })).await;
    let (you, at) = records
        .iter()
        .find_map(|r| match r {
            Record::Welcome { you, east_dm, north_dm } => Some((*you, (*east_dm, *north_dm))),
            _ => None,
        })
        .expect("a welcome");
    (you, at, records)
}

/// Reads until `wanted`, counting what was already read.
async fn seen_or_read(socket: &mut Socket, already: Vec<Record>, wanted: impl Fn(&Record) -> bool) -> Vec<Record> {
    if already.iter().any(&wanted) {
        return already;
    }
    let mut records = already;
    records.extend(read_until(socket, wanted).await);
    records
}

/// Reads tick frames until a record satisfies `wanted`; returns every
/// record read. Fails after 5 s.
async fn read_until(socket: &mut Socket, wanted: impl Fn(&Record) -> bool) -> Vec<Record> {
    let mut seen = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let message = tokio::time::timeout_at(deadline, socket.next())
            .await
            .unwrap_or_else(|_| panic!("not within 5 s; read {seen:?}"))
            .expect("the socket is open")
            .expect("a message");
        if let Message::Binary(bytes) = message {
            let (_, records) = decode_tick(&bytes).expect("the server's frames decode");
            let found = records.iter().any(&wanted);
            seen.extend(records);
            if found {
                return seen;
            }
        }
    }
}

/// Every record that arrives within `window`.
async fn read_for(socket: &mut Socket, window: Duration) -> Vec<Record> {
    let mut seen = Vec::new();
    let deadline = tokio::time::Instant::now() + window;
    while let Ok(Some(Ok(message))) = tokio::time::timeout_at(deadline, socket.next()).await {
        if let Message::Binary(bytes) = message {
            seen.extend(decode_tick(&bytes).expect("the server's frames decode").1);
        }
    }
    seen
}

/// Reads until the server closes the socket; returns its code and reason.
async fn closing(socket: &mut Socket, within: Duration) -> (CloseCode, String) {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, socket.next()).await.expect("closed in time") {
            Some(Ok(Message::Close(Some(frame)))) => return (frame.code, frame.reason.to_string()),
            Some(Ok(Message::Close(None))) | None | Some(Err(_)) => panic!("closed without a reason"),
            Some(Ok(_)) => {}
        }
    }
}

fn about(record: &Record) -> Option<u32> {
    match record {
        Record::Appeared { avatar, .. }
        | Record::MovedBy { avatar, .. }
        | Record::MovedTo { avatar, .. }
        | Record::Vanished { avatar } => Some(*avatar),
        Record::Heard { from, .. } => Some(*from),
        _ => None,
    }
}

async fn user_id(app: &TestApp, token: &str) -> u64 {
    let (_, me) = app.get("/api/v1/me", Some(token)).await;
    me["id"].as_u64().expect("a user id")
}

#[tokio::test]
async fn two_people_meet_and_talk_while_a_guest_far_away_sees_neither() {
    let app = sqlite_app().await;
    let (somchai, malee) = (app.login(SOMCHAI).await, app.login(MALEE).await);
    let mut a = open(&app, Some(&somchai)).await;
    let mut b = open(&app, Some(&malee)).await;
    let (a_id, a_at, _) = enter(&mut a, Preset::Fisher).await;
    let (b_id, _, told) = enter(&mut b, Preset::Elder).await;
    let seen = seen_or_read(&mut b, told, |r| matches!(r, Record::Appeared { avatar, .. } if *avatar == a_id)).await;
    let appeared = seen.iter().find(|r| about(r) == Some(a_id)).unwrap();
    let Record::Appeared { name, preset, user, .. } = appeared else { unreachable!() };
    assert_eq!((name.as_str(), *preset), ("สมชาย ใจดี", Preset::Fisher.code()), "a name tag in Thai");
    assert_eq!(*user, Some(UserId(user_id(&app, &somchai).await)));
    read_until(&mut a, |r| matches!(r, Record::Appeared { avatar, .. } if *avatar == b_id)).await;

    // A guest arrives and goes straight to Map Ta Phut, 13 km west.
    let mut c = open(&app, None).await;
    send(&mut c, ClientFrame::Hello { appearance: Appearance::default() }).await;
    send(&mut c, ClientFrame::Travel { place: "map_ta_phut".into() }).await;
    read_until(&mut c, |r| matches!(r, Record::Corrected { .. })).await;
    send(&mut c, ClientFrame::Say { channel: Channel::Nearby, text: "hello?".into() }).await;
    let refused = read_until(&mut c, |r| matches!(r, Record::Refused { .. })).await;
    assert!(refused.contains(&Record::Refused { code: 0 }), "a guest must sign in to chat: {refused:?}");

    // Somchai walks east for a second; Malee sees each step.
    for step in 1..=10 {
        let to = Point::new((a_at.0 + step * 3) * 10, a_at.1 * 10);
        send(&mut a, ClientFrame::Move { to, running: true }).await;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let seen =
        read_until(&mut b, |r| matches!(r, Record::MovedBy { avatar, east_dm, .. } if *avatar == a_id && *east_dm > 0))
            .await;
    assert!(seen.iter().any(|r| matches!(r, Record::MovedBy { avatar, .. } if *avatar == a_id)));
    send(
        &mut a,
        ClientFrame::Say {
            channel: Channel::Nearby, text: "สวัสดีครับ คุณมาลี".into()
        },
    )
    .await;
    let heard = read_until(&mut b, |r| matches!(r, Record::Heard { .. })).await;
    let said = heard.iter().find_map(|r| match r {
        Record::Heard { from, message, channel: Channel::Nearby, text } if *from == a_id && text == "สวัสดีครับ คุณมาลี" => {
            Some(*message)
        }
        _ => None,
    });
    assert!(said.is_some(), "{heard:?}");

    // The guest far away was told nothing of either after it left.
    let far = read_for(&mut c, Duration::from_millis(500)).await;
    let told: Vec<&Record> = far.iter().filter(|r| about(r).is_some_and(|id| id == a_id || id == b_id)).collect();
    assert!(told.is_empty(), "a guest 13 km away was told {told:?}");
}

#[tokio::test]
async fn bad_frames_close_only_their_connection_with_a_reason() {
    let app = sqlite_app().await;
    let journal_before = app.store.ledger().read().await.tree.len();
    let mut steady = open(&app, None).await;
    let (steady_id, _, _) = enter(&mut steady, Preset::Vendor).await;
    let good = ClientFrame::Say { channel: Channel::Nearby, text: "hi".into() }.encode();
    let cases: Vec<(&str, Message, CloseCode, &str)> = vec![
        ("truncated", Message::Binary(good[..good.len() - 1].to_vec().into()), CloseCode::Protocol, "ends early"),
        ("wrong version", Message::Binary(vec![9, 2, 0, 0].into()), CloseCode::Protocol, "version 9"),
        ("huge", Message::Binary(vec![1; 10_000].into()), CloseCode::Size, "at most 2048 bytes"),
        ("garbage", Message::Binary(vec![1, 0xee, 0x13, 0x37].into()), CloseCode::Protocol, "kind 238"),
        ("empty", Message::Binary(Vec::new().into()), CloseCode::Protocol, "empty"),
        ("text", Message::Text("{\"move\": 1}".into()), CloseCode::Unsupported, "binary"),
    ];
    for (case, message, code, reason) in cases {
        let mut socket = open(&app, None).await;
        enter(&mut socket, Preset::Student).await;
        socket.send(message).await.expect("sent");
        let (got_code, got_reason) = closing(&mut socket, Duration::from_secs(5)).await;
        assert_eq!(got_code, code, "{case}: {got_reason}");
        assert!(got_reason.contains(reason), "{case}: the reason {got_reason:?} should say {reason:?}");
    }
    // The steady client keeps its tick and its avatar.
    let mut later = open(&app, None).await;
    let (_, _, told) = enter(&mut later, Preset::Farmer).await;
    seen_or_read(&mut later, told, |r| matches!(r, Record::Appeared { avatar, .. } if *avatar == steady_id)).await;
    let still = read_for(&mut steady, Duration::from_millis(300)).await;
    assert!(still.iter().any(|r| about(r).is_some()), "the steady client still sees the city: {still:?}");
    assert_eq!(app.store.ledger().read().await.tree.len(), journal_before, "presence journals nothing");
}

#[tokio::test]
async fn a_client_that_stops_reading_is_dropped_while_the_others_keep_their_tick() {
    let app = sqlite_app().await;
    let somchai = app.login(SOMCHAI).await;
    // The slow client: a small receive buffer, and it stops reading.
    let address = app.base.trim_start_matches("http://").parse().expect("an address");
    let tcp = tokio::net::TcpSocket::new_v4().expect("a socket");
    tcp.set_recv_buffer_size(4_096).expect("a small buffer");
    let stream = tcp.connect(address).await.expect("connected");
    let (mut slow, _) =
        tokio_tungstenite::client_async(request(&app, None), MaybeTlsStream::Plain(stream)).await.expect("opened");
    enter(&mut slow, Preset::Student).await;

    let mut steady = open(&app, None).await;
    enter(&mut steady, Preset::Officer).await;
    // Twenty people around them talk at length.
    let mut talkers = Vec::new();
    for _ in 0..20 {
        let mut talker = open(&app, Some(&somchai)).await;
        enter(&mut talker, Preset::Vendor).await;
        talkers.push(talker);
    }
    let long = "ป่าชายเลนปากน้ำระยอง ".repeat(13);
    let mut ticks_seen = Vec::new();
    let started = tokio::time::Instant::now();
    let mut dropped = 0;
    let mut round = 0;
    while started.elapsed() < Duration::from_secs(60) && dropped == 0 {
        round += 1;
        for talker in &mut talkers {
            send(talker, ClientFrame::Say { channel: Channel::Nearby, text: long.clone() }).await;
            // They shuffle back and forth a little, so that moves are sent too.
            let to = Point::new((round % 2) * 40, 0);
            send(talker, ClientFrame::Move { to, running: true }).await;
        }
        for talker in &mut talkers {
            read_for(talker, Duration::from_millis(1)).await;
        }
        // The steady client reads everything and keeps seeing new ticks.
        let deadline = tokio::time::Instant::now() + Duration::from_millis(100);
        while let Ok(Some(Ok(Message::Binary(bytes)))) = tokio::time::timeout_at(deadline, steady.next()).await {
            ticks_seen.push(decode_tick(&bytes).expect("decodes").0);
        }
        let (_, status) = app.get("/api/v1/world/status", None).await;
        dropped = status["clients_dropped"].as_u64().expect("a count");
    }
    assert_eq!(dropped, 1, "the slow client was dropped, and only it");
    let (first, last) = (ticks_seen.first().copied().unwrap(), ticks_seen.last().copied().unwrap());
    assert!(last > first + 20, "the steady client kept its tick: ticks {first}..{last}");
    let mut newcomer = open(&app, Some(&somchai)).await;
    enter(&mut newcomer, Preset::Cyclist).await;
    send(&mut newcomer, ClientFrame::Say { channel: Channel::Nearby, text: "still here".into() }).await;
    read_until(&mut steady, |r| matches!(r, Record::Heard { text, .. } if text == "still here")).await;
    // Read now, the slow client's socket ends with the reason.
    let (code, reason) = closing(&mut slow, Duration::from_secs(30)).await;
    assert_eq!((code, reason.as_str()), (CloseCode::Policy, "too slow: the connection fell behind the city"));
}

#[tokio::test]
async fn the_operator_bans_a_person_who_is_removed_and_kept_out() {
    for app in apps().await {
        let (operator, malee, somchai) = (app.login(OPERATOR).await, app.login(MALEE).await, app.login(SOMCHAI).await);
        let malee_id = user_id(&app, &malee).await;
        let mut socket = open(&app, Some(&malee)).await;
        enter(&mut socket, Preset::Elder).await;

        let ban = json!({ "user_id": malee_id, "hours": 24, "reason": "harassment" });
        let before = app.snapshot().await;
        let (status, answer) = app.post("/api/v1/world/bans", Some(&somchai), &ban).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{}: {answer}", app.db_name);
        let (status, answer) = app
            .post("/api/v1/world/bans", Some(&operator), &json!({ "user_id": malee_id, "hours": 0, "reason": "spam" }))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{}: {answer}", app.db_name);
        assert_eq!(error_of("a ban of no hours", &answer)["field"], "hours");
        assert_eq!(app.snapshot().await, before, "refused bans change nothing");

        let (status, answer) = app.post("/api/v1/world/bans", Some(&operator), &ban).await;
        assert_eq!(status, StatusCode::OK, "{}: {answer}", app.db_name);
        let records = read_until(&mut socket, |r| matches!(r, Record::Removed { .. })).await;
        assert!(records.contains(&Record::Removed { code: 4 }), "{records:?}");
        let (code, reason) = closing(&mut socket, Duration::from_secs(5)).await;
        assert_eq!((code, reason.as_str()), (CloseCode::Policy, "removed from the city"));

        let mut again = open(&app, Some(&malee)).await;
        send(&mut again, ClientFrame::Hello { appearance: Appearance::default() }).await;
        read_until(&mut again, |r| matches!(r, Record::Removed { code: 4 })).await;

        let (_, bans) = app.get("/api/v1/world/bans", Some(&operator)).await;
        assert_eq!(bans[0]["user_id"].as_u64(), Some(malee_id), "{bans}");
        assert_eq!(bans[0]["reason"], "harassment");
        let (status, _) = app.get("/api/v1/world/bans", Some(&malee)).await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        let (status, answer) = app
            .send(reqwest::Method::DELETE, &format!("/api/v1/world/bans/{malee_id}"), Some(&operator), None, &[])
            .await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        let mut back = open(&app, Some(&malee)).await;
        enter(&mut back, Preset::Elder).await;
        app.verify().await;
    }
}

#[tokio::test]
async fn the_city_shows_the_registrys_mangrove_and_the_factories_live() {
    let app = sqlite_app().await;
    let (_, map) = app.get("/api/v1/world/map", None).await;
    let features = map["features"].as_array().expect("features");
    let mangrove = features.iter().find(|f| f["ground"] == "mangrove").expect("the mangrove is on the map");
    assert_eq!(mangrove["project_id"], 1, "{mangrove}");
    assert!(features.iter().any(|f| f["ground"] == "land" && f["surveyed"] == true), "Natural Earth's land");
    assert!(map["places"].as_array().unwrap().iter().any(|p| p["key"] == "mangrove"));
    assert!(map["attribution"].as_str().unwrap().contains("Natural Earth"));

    let (_, facts) = app.get("/api/v1/world/facts", None).await;
    let area = &facts["areas"][0];
    assert_eq!((area["key"].as_str(), area["project_id"].as_u64()), (Some("mangrove"), Some(1)), "{area}");
    let (_, project) = app.get("/api/v1/projects/1", None).await;
    assert_eq!(area["issued_tco2e"], project["issued_tco2e"], "the same figure as the registry's page");
    assert_eq!(area["retired_tco2e"], project["retired_tco2e"]);
    assert!(area["verified_tco2e"].as_u64() >= area["issued_tco2e"].as_u64(), "verified includes the buffer");
    let (_, instruments) = app.get("/api/v1/instruments", None).await;
    let traded =
        instruments.as_array().unwrap().iter().find(|i| i["project_id"] == 1 && !i["last_price_satang"].is_null());
    let price = traded.map_or(serde_json::Value::Null, |i| i["last_price_satang"].clone());
    assert_eq!(price, area["last_price_satang"], "the exchange's last price: {instruments}");
    assert_eq!(facts["factories"], json!([]), "the registry-only demo has no factories yet");

    // A factory registered now stands on Map Ta Phut's estate at once.
    let operator = app.login(OPERATOR).await;
    let factory = json!({ "org_id": 5, "licence": "3-40-1/45", "sector": "chemicals", "district": "Mueang Rayong", "publish": true });
    let (status, answer) = app.post("/api/v1/factories", Some(&operator), &factory).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let (_, facts) = app.get("/api/v1/world/facts", None).await;
    let olefins = &facts["factories"][0];
    assert_eq!(
        (olefins["org_id"].as_u64(), olefins["district"].as_str()),
        (Some(5), Some("Mueang Rayong")),
        "{olefins}"
    );
    let east_m = olefins["east_m"].as_f64().unwrap();
    assert!((-18_000.0..-10_000.0).contains(&east_m), "the estate is 10 to 18 km west of the city: {east_m}");
    assert!(olefins["tco2e"].is_null(), "no activity data yet");

    // A retirement shows in the city as soon as it is acknowledged.
    let municipality = app.login(MUNICIPALITY).await;
    let claim = json!({ "batch_id": 1, "quantity": 5, "beneficiary": "Rayong municipality",
        "reason": "Offset of the 2025 town fleet", "jurisdiction": "TH-21", "inventory_year": 2025 });
    let (status, answer) =
        app.post(&format!("/api/v1/accounts/{MUNICIPALITY_ACCOUNT}/retirements"), Some(&municipality), &claim).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let (_, after) = app.get("/api/v1/world/facts", None).await;
    assert_eq!(after["areas"][0]["retired_tco2e"].as_u64(), area["retired_tco2e"].as_u64().map(|r| r + 5));
}

#[tokio::test]
async fn a_reported_message_is_kept_for_the_operator_outside_the_journal() {
    for app in apps().await {
        let (somchai, malee, operator) = (app.login(SOMCHAI).await, app.login(MALEE).await, app.login(OPERATOR).await);
        let mut a = open(&app, Some(&somchai)).await;
        let mut b = open(&app, Some(&malee)).await;
        let (a_id, _, _) = enter(&mut a, Preset::Vendor).await;
        enter(&mut b, Preset::Student).await;
        let abuse = "ออกไปจากเมืองนี้ซะ you are not welcome";
        for text in ["first, a greeting", abuse] {
            send(&mut a, ClientFrame::Say { channel: Channel::Nearby, text: text.into() }).await;
        }
        let heard = read_until(&mut b, |r| matches!(r, Record::Heard { text, .. } if text == abuse)).await;
        let message = heard
            .iter()
            .find_map(|r| match r {
                Record::Heard { from, message, text, .. } if *from == a_id && text == abuse => Some(*message),
                _ => None,
            })
            .expect("the abuse was heard");

        let before = app.snapshot().await;
        let (status, answer) = app
            .post("/api/v1/world/reports", Some(&operator), &json!({ "message": message, "reason": "harassment" }))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{}: one reports only what one heard: {answer}", app.db_name);
        assert_eq!(app.snapshot().await, before, "a refused report changes nothing");
        let (status, answer) = app
            .post("/api/v1/world/reports", Some(&malee), &json!({ "message": message, "reason": "harassment" }))
            .await;
        assert_eq!(status, StatusCode::OK, "{}: {answer}", app.db_name);

        // The journal holds a salted hash, never the words.
        let length = app.store.ledger().read().await.tree.len();
        let journal = app.store.journal(0, length).await.expect("the journal reads");
        let text = serde_json::to_string(&journal.iter().map(|e| &e.payload).collect::<Vec<_>>()).unwrap();
        assert!(!text.contains("ออกไปจากเมือง") && !text.contains("not welcome"), "the words stay out of the journal");

        let (status, _) = app.get("/api/v1/world/reports", Some(&malee)).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (_, reports) = app.get("/api/v1/world/reports", Some(&operator)).await;
        let report = &reports[0];
        assert_eq!(report["reported_user_id"].as_u64(), Some(user_id(&app, &somchai).await), "{reports}");
        assert_eq!(report["evidence"]["message"]["text"], abuse, "{report}");
        assert_eq!(report["evidence"]["context"][0]["text"], "first, a greeting", "{report}");
        let id = report["id"].as_u64().unwrap();

        let (status, answer) =
            app.post(&format!("/api/v1/world/reports/{id}/close"), Some(&operator), &json!({})).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        let (status, _) = app
            .send(reqwest::Method::DELETE, &format!("/api/v1/world/reports/{id}/evidence"), Some(&operator), None, &[])
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (_, reports) = app.get("/api/v1/world/reports", Some(&operator)).await;
        assert_eq!((reports[0]["closed"].as_bool(), reports[0]["evidence"].is_null()), (Some(true), true), "{reports}");
        app.verify().await;
    }
}

#[tokio::test]
async fn a_person_keeps_the_look_they_chose() {
    let app = sqlite_app().await;
    let somchai = app.login(SOMCHAI).await;
    let (_, look) = app.get("/api/v1/world/appearance", Some(&somchai)).await;
    assert_eq!(look, json!({ "preset": "student", "colour": 0 }), "the default look");
    let (status, answer) =
        app.put("/api/v1/world/appearance", Some(&somchai), &json!({ "preset": "fisher", "colour": 2 })).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let (_, look) = app.get("/api/v1/world/appearance", Some(&somchai)).await;
    assert_eq!(look, json!({ "preset": "fisher", "colour": 2 }));
    let before = app.snapshot().await;
    let (status, answer) =
        app.put("/api/v1/world/appearance", Some(&somchai), &json!({ "preset": "fisher", "colour": 8 })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert_eq!(error_of("colour 8", &answer)["field"], "colour");
    let (status, _) =
        app.put("/api/v1/world/appearance", Some(&somchai), &json!({ "preset": "pirate", "colour": 1 })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "an unknown preset is refused");
    assert_eq!(app.snapshot().await, before, "refused looks change nothing");
    let (status, _) = app.get("/api/v1/world/appearance", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a guest has no saved look");
}
