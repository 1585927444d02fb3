//! The replay format: exact output lines for each rule, and an error naming
//! the line and the field for each way a line can be malformed.

use mangrove_exchange::replay::{parse, replay, LineErrorKind};

fn run(input: &str) -> Vec<String> {
    let mut out = Vec::new();
    replay(input, &mut out).unwrap();
    String::from_utf8(out).unwrap().lines().map(str::to_string).collect()
}

/// A `new` line; `extra` is spliced in before the closing brace.
fn new(id: &str, account: &str, side: &str, price: i64, qty: u64, extra: &str) -> String {
    format!(
        r#"{{"op":"new","id":"{id}","account":"{account}","side":"{side}","type":"limit","price":{price},"qty":{qty}{extra}}}"#
    )
}

fn lines(parts: &[String]) -> String {
    parts.join("\n")
}

#[test]
fn fills_at_the_resting_price_and_the_book_best_first() {
    let input = lines(&[
        new("o1", "a", "buy", 1200, 5, ""),
        new("o2", "b", "buy", 1150, 3, ""),
        new("o3", "a", "buy", 1200, 2, r#","tif":"gtc""#),
        new("o4", "c", "sell", 1250, 2, ""),
        new("o5", "c", "sell", 1190, 3, ""),
        r#"{"op":"cancel","id":"o4"}"#.into(),
        new("o6", "d", "sell", 1260, 2, ""),
    ]);
    assert_eq!(
        run(&input),
        [
            r#"{"maker":"o1","taker":"o5","price":1200,"qty":3}"#,
            r#"{"book":{"bids":[[1200,4],[1150,3]],"asks":[[1260,2]]}}"#,
        ]
    );
}

#[test]
fn immediate_orders_drop_their_rest_silently() {
    let input = lines(&[
        new("s1", "a", "sell", 1000, 2, ""),
        r#"{"op":"new","id":"m1","account":"b","side":"buy","type":"market","qty":5}"#.into(),
        r#"{"op":"new","id":"m2","account":"b","side":"buy","type":"market","price":null,"qty":5,"tif":"ioc"}"#.into(),
        new("s2", "a", "sell", 1010, 2, ""),
        new("i1", "b", "buy", 1010, 5, r#","tif":"ioc""#),
    ]);
    assert_eq!(
        run(&input),
        [
            r#"{"maker":"s1","taker":"m1","price":1000,"qty":2}"#,
            r#"{"maker":"s2","taker":"i1","price":1010,"qty":2}"#,
            r#"{"book":{"bids":[],"asks":[]}}"#,
        ]
    );
}

#[test]
fn fill_or_kill_and_post_only_are_rejected_when_they_cannot_keep_their_word() {
    let input = lines(&[
        new("s1", "a", "sell", 1000, 2, ""),
        new("f1", "b", "buy", 1000, 3, r#","tif":"fok""#),
        new("p1", "b", "buy", 1000, 3, r#","tif":"post_only""#),
        new("p2", "b", "buy", 990, 3, r#","tif":"post_only""#),
        new("f2", "b", "buy", 1000, 2, r#","tif":"fok""#),
    ]);
    assert_eq!(
        run(&input),
        [
            r#"{"rejected":"f1","reason":"fill-or-kill order cannot be filled in full"}"#,
            r#"{"rejected":"p1","reason":"post-only order would trade"}"#,
            r#"{"maker":"s1","taker":"f2","price":1000,"qty":2}"#,
            r#"{"book":{"bids":[[990,3]],"asks":[]}}"#,
        ]
    );
}

#[test]
fn a_self_trade_cancels_the_resting_order_without_a_line() {
    let input = lines(&[
        new("a1", "a", "sell", 1000, 2, ""),
        new("b1", "b", "sell", 1000, 2, ""),
        new("a2", "a", "buy", 1000, 3, ""),
    ]);
    assert_eq!(
        run(&input),
        [r#"{"maker":"b1","taker":"a2","price":1000,"qty":2}"#, r#"{"book":{"bids":[[1000,1]],"asks":[]}}"#]
    );
}

#[test]
fn ids_seen_before_are_duplicates_and_only_resting_ids_can_be_cancelled() {
    let input = lines(&[
        new("o1", "a", "sell", 1000, 2, ""),
        new("o2", "b", "buy", 1000, 2, ""),  // fills o1 whole
        new("o1", "a", "sell", 1100, 1, ""), // gone, but seen before
        r#"{"op":"cancel","id":"o1"}"#.into(),
        r#"{"op":"cancel","id":"never"}"#.into(),
        new("o3", "a", "sell", 1100, 1, ""),
        r#"{"op":"cancel","id":"o3"}"#.into(),
        r#"{"op":"cancel","id":"o3"}"#.into(),
    ]);
    assert_eq!(
        run(&input),
        [
            r#"{"maker":"o1","taker":"o2","price":1000,"qty":2}"#,
            r#"{"rejected":"o1","reason":"duplicate order id"}"#,
            r#"{"rejected":"o1","reason":"no resting order with this id"}"#,
            r#"{"rejected":"never","reason":"no resting order with this id"}"#,
            r#"{"rejected":"o3","reason":"no resting order with this id"}"#,
            r#"{"book":{"bids":[],"asks":[]}}"#,
        ]
    );
}

#[test]
fn the_engine_refuses_bad_values_as_rejections() {
    let input = lines(&[
        new("q0", "a", "buy", 1000, 0, ""),
        r#"{"op":"new","id":"qn","account":"a","side":"buy","type":"limit","price":1000,"qty":-4}"#.into(),
        new("p0", "a", "buy", 0, 1, ""),
        new("pn", "a", "buy", -5, 1, ""),
        r#"{"op":"new","id":"np","account":"a","side":"buy","type":"limit","qty":1}"#.into(),
        r#"{"op":"new","id":"mp","account":"a","side":"buy","type":"market","qty":1,"tif":"post_only"}"#.into(),
    ]);
    assert_eq!(
        run(&input),
        [
            r#"{"rejected":"q0","reason":"quantity must be positive"}"#,
            r#"{"rejected":"qn","reason":"quantity must be positive"}"#,
            r#"{"rejected":"p0","reason":"price must be positive"}"#,
            r#"{"rejected":"pn","reason":"price must be positive"}"#,
            r#"{"rejected":"np","reason":"a limit order needs a price"}"#,
            r#"{"rejected":"mp","reason":"a market order cannot be post-only"}"#,
            r#"{"book":{"bids":[],"asks":[]}}"#,
        ]
    );
}

#[test]
fn empty_lines_are_skipped_extra_fields_ignored_and_names_escaped() {
    let input = format!(
        "\n   \n{}\n\r\n{}\n",
        new(r#"o\"1"#, "a", "sell", 1000, 2, r#","note":"ignored""#),
        new("o2", "b", "buy", 1000, 1, r#","tif":null"#)
    );
    assert_eq!(
        run(&input),
        [r#"{"maker":"o\"1","taker":"o2","price":1000,"qty":1}"#, r#"{"book":{"bids":[],"asks":[[1000,1]]}}"#]
    );
    assert_eq!(run(""), [r#"{"book":{"bids":[],"asks":[]}}"#]);
}

#[test]
fn a_malformed_line_names_its_number_and_field_and_prints_nothing() {
    let good = new("o1", "a", "buy", 1000, 1, "");
    let cases: [(&str, LineErrorKind, Option<&str>, &str); 16] = [
        (r#"{"op":"new""#, LineErrorKind::NotJson, None, "not valid JSON"),
        (r#"["new"]"#, LineErrorKind::NotAnObject, None, "expected a JSON object"),
        (r#"{"id":"o2"}"#, LineErrorKind::MissingField, Some("op"), "field `op` is missing"),
        (
            r#"{"op":"amend","id":"o2"}"#,
            LineErrorKind::UnknownValue,
            Some("op"),
            r#"must be one of new, cancel, not "amend""#,
        ),
        (r#"{"op":"cancel"}"#, LineErrorKind::MissingField, Some("id"), "field `id` is missing"),
        (r#"{"op":"cancel","id":7}"#, LineErrorKind::WrongType, Some("id"), "must be a non-empty string, not 7"),
        (
            r#"{"op":"new","id":"o2","side":"buy","type":"limit","price":1,"qty":1}"#,
            LineErrorKind::MissingField,
            Some("account"),
            "field `account` is missing",
        ),
        (
            r#"{"op":"new","id":"o2","account":"a","side":"bid","type":"limit","price":1,"qty":1}"#,
            LineErrorKind::UnknownValue,
            Some("side"),
            r#"field `side` must be one of buy, sell, not "bid""#,
        ),
        (
            r#"{"op":"new","id":"o2","account":"a","side":"buy","price":1,"qty":1}"#,
            LineErrorKind::MissingField,
            Some("type"),
            "field `type` is missing",
        ),
        (
            r#"{"op":"new","id":"o2","account":"a","side":"buy","type":"stop","price":1,"qty":1}"#,
            LineErrorKind::UnknownValue,
            Some("type"),
            "must be one of limit, market",
        ),
        (
            r#"{"op":"new","id":"o2","account":"a","side":"buy","type":"limit","price":1}"#,
            LineErrorKind::MissingField,
            Some("qty"),
            "field `qty` is missing",
        ),
        (
            r#"{"op":"new","id":"o2","account":"a","side":"buy","type":"limit","price":1,"qty":2.5}"#,
            LineErrorKind::WrongType,
            Some("qty"),
            "field `qty` must be a whole number, not 2.5",
        ),
        (
            r#"{"op":"new","id":"o2","account":"a","side":"buy","type":"limit","price":"12","qty":2}"#,
            LineErrorKind::WrongType,
            Some("price"),
            r#"field `price` must be a whole number, not "12""#,
        ),
        (
            r#"{"op":"new","id":"o2","account":"a","side":"buy","type":"limit","price":1,"qty":2,"tif":"day"}"#,
            LineErrorKind::UnknownValue,
            Some("tif"),
            "must be one of gtc, ioc, fok, post_only",
        ),
        (
            r#"{"op":"new","id":"o2","account":"a","side":"buy","type":"market","price":1200,"qty":2}"#,
            LineErrorKind::NotAllowed,
            Some("price"),
            "field `price` must be absent or null for a market order",
        ),
        (
            r#"{"op":"new","id":"o2","account":"a","side":"buy","type":"limit","price":18446744073709551615,"qty":2}"#,
            LineErrorKind::WrongType,
            Some("price"),
            "field `price` is out of range",
        ),
    ];
    for (bad, kind, field, message) in cases {
        let input = lines(&[good.clone(), String::new(), bad.to_string(), good.clone()]);
        let error = parse(&input).unwrap_err();
        assert_eq!((error.line, error.kind, error.field), (3, kind, field), "{bad}");
        let text = error.to_string();
        assert!(text.starts_with("line 3: ") && text.contains(message), "{text}");
        let mut out = Vec::new();
        assert!(replay(&input, &mut out).is_err());
        assert!(out.is_empty(), "nothing is printed before the error");
    }
}
