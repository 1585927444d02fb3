//! The whole life of a credit over HTTP: a proponent drafts and submits a
//! project, a verifier validates it, the operator registers it, the
//! proponent reports, the verifier verifies and issues, the proponent sells
//! to a factory and the factory retires. Then the public endpoints, without
//! a token, show the retirement with its serials, an inclusion proof that
//! verifies against the deployment key, the serial's retired block, figures
//! equal to sums done by hand, the OpenAPI document, and a consistency
//! proof between the tree heads before and after.

mod support;

use mangrove_core::proof::{ConsistencyProof, InclusionProof};
use reqwest::StatusCode;
use serde_json::{json, Value};
use support::*;

const PLASTICS_ACCOUNT: u64 = 8;
/// What the flow issues and moves.
const CLAIMED: u64 = 1_000;
const VERIFIED: u64 = 900;
/// 15 % of 900, rounded up: the mangrove class's buffer share.
const BUFFER: u64 = 135;
const SOLD: u64 = 300;
const RETIRED: u64 = 120;

/// Sends a command that must succeed and returns its first event's payload.
async fn ok(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let (status, answer) = app.post(path, Some(token), &body).await;
    assert_eq!(status, StatusCode::OK, "{}: POST {path}: {answer}", app.db_name);
    assert_eq!(answer["replayed"], false, "{answer}");
    let mut payload = payloads(&answer).remove(0);
    payload["seq"] = answer["events"][0]["seq"].clone();
    payload
}

async fn tree_size(app: &TestApp) -> u64 {
    let (status, head) = app.get("/api/v1/tree-head", None).await;
    assert_eq!(status, StatusCode::OK, "{head}");
    head["tree_size"].as_u64().expect("a tree size")
}

/// Drafts, submits, validates, registers, reports, verifies and issues; returns the batch id.
async fn issue(app: &TestApp) -> u64 {
    let (municipality, verifier, operator) =
        (app.login(MUNICIPALITY).await, app.login(VERIFIER).await, app.login(OPERATOR).await);
    let drafted = ok(app, &municipality, "/api/v1/projects", project_details("Ban Phe mangrove, 40 rai")).await;
    assert_eq!(
        (drafted["event"].as_str(), drafted["project"]["status"].as_str()),
        (Some("project_drafted"), Some("draft"))
    );
    let project = drafted["project"]["id"].as_u64().expect("a project id");
    assert_eq!(project, 4);
    let steps = [
        (&municipality, "submit", json!(null), "submitted"),
        (&verifier, "review", json!({ "decision": "validate" }), "validated"),
        (&operator, "register", json!(null), "registered"),
    ];
    for (token, step, body, status) in steps {
        let changed = ok(app, token, &format!("/api/v1/projects/{project}/{step}"), body).await;
        assert_eq!(changed["status"], status, "{step}: {changed}");
    }
    let claim = json!({ "period_start": "2025-01-01", "period_end": "2025-12-31", "claimed_tco2e": CLAIMED,
        "calculation": "{\"plots\": 12}" });
    let report = ok(app, &municipality, &format!("/api/v1/projects/{project}/reports"), claim).await;
    let report = report["report"]["id"].as_u64().expect("a report id");
    let review = json!({ "decision": "verify", "verified_tco2e": VERIFIED, "note": "Site visit" });
    let reviewed = ok(app, &verifier, &format!("/api/v1/reports/{report}/review"), review).await;
    assert_eq!((reviewed["status"].as_str(), reviewed["verified_tco2e"].as_u64()), (Some("verified"), Some(VERIFIED)));
    let issued = ok(app, &verifier, &format!("/api/v1/reports/{report}/issue"), json!(null)).await;
    assert_eq!(issued["event"], "credits_issued", "{issued}");
    assert_eq!(issued["batch"]["issued_tco2e"], VERIFIED);
    assert_eq!(issued["batch"]["buffer_tco2e"], BUFFER);
    assert_eq!(issued["buffer_account"], BUFFER_ACCOUNT);
    assert_eq!(app.active(&operator, MUNICIPALITY_ACCOUNT, 3).await, VERIFIED - BUFFER);
    issued["batch"]["id"].as_u64().expect("a batch id")
}

/// Sells to the plastics factory, which retires part; returns (retirement id, its seq, first unit).
async fn sell_and_retire(app: &TestApp, batch: u64) -> (u64, u64, u64) {
    let (municipality, plastics) = (app.login(MUNICIPALITY).await, app.login(PLASTICS).await);
    let sale = json!({ "to_account": PLASTICS_ACCOUNT, "batch_id": batch, "quantity": SOLD });
    let sold = ok(app, &municipality, "/api/v1/accounts/4/transfers", sale).await;
    let first = sold["ranges"][0]["first"].as_u64().expect("a first unit");
    assert_eq!(sold["ranges"], json!([{ "first": first, "last": first + SOLD - 1 }]), "one block: {sold}");
    let claim = json!({ "batch_id": batch, "quantity": RETIRED, "beneficiary": "Eastern Plastics Compounding",
        "reason": "Offset of 2025 extruder emissions", "jurisdiction": "TH-21", "inventory_year": 2025 });
    let retired = ok(app, &plastics, &format!("/api/v1/accounts/{PLASTICS_ACCOUNT}/retirements"), claim).await;
    let retirement = &retired["retirement"];
    assert_eq!(retirement["quantity_tco2e"], RETIRED, "{retired}");
    let id = retirement["id"].as_u64().expect("a retirement id");
    (id, retired["seq"].as_u64().expect("a seq"), first)
}

#[tokio::test]
async fn a_credit_from_draft_to_retirement_is_public_and_provable() {
    for app in apps().await {
        let size_before = tree_size(&app).await;
        let batch = issue(&app).await;
        assert_eq!(batch, 3);
        let (retirement, seq, first) = sell_and_retire(&app, batch).await;
        assert_eq!(retirement, 4, "the demo made three retirements");
        let serial = format!("TH-RYG-0004-2025-0003-{first}-{}", first + RETIRED - 1);
        check_retirement(&app, retirement, seq, &serial).await;
        check_serial(&app, &serial, retirement).await;
        check_stats(&app).await;
        check_consistency(&app, size_before).await;
    }
}

async fn check_retirement(app: &TestApp, id: u64, seq: u64, serial: &str) {
    let (status, view) = app.get(&format!("/api/v1/retirements/{id}"), None).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["serials"], json!([serial]), "{view}");
    assert_eq!(view["seq"], seq, "{view}");
    assert_eq!(view["quantity_tco2e"], RETIRED);
    assert_eq!(view["project_id"], 4);
    assert_eq!(view["project_name"], "Ban Phe mangrove, 40 rai");
    assert_eq!(view["retired_by"], "Eastern Plastics Compounding (synthetic)");
    assert_eq!(view["beneficiary"], "Eastern Plastics Compounding");
    assert_eq!(
        (view["vintage_start"].as_str(), view["vintage_end"].as_str()),
        (Some("2025-01-01"), Some("2025-12-31"))
    );

    let (status, head) = app.get("/api/v1/tree-head", None).await;
    assert_eq!(status, StatusCode::OK, "{head}");
    let key = head["public_key"].as_str().expect("a public key").to_string();
    assert_eq!(key, app.store.public_key_hex(), "the head is signed by this deployment");

    let (status, proof) = app.get(&format!("/api/v1/retirements/{id}/proof"), None).await;
    assert_eq!(status, StatusCode::OK, "{proof}");
    let proof: InclusionProof = serde_json::from_value(proof).expect("an inclusion proof");
    assert_eq!(proof.leaf_index, seq);
    assert!(proof.body.contains("\"event\":\"retired\""), "{}", proof.body);
    proof.verify(Some(&key)).expect("the proof verifies against the deployment key");
    let tampered =
        InclusionProof { body: proof.body.replace("\"quantity_tco2e\":120", "\"quantity_tco2e\":12"), ..proof.clone() };
    assert_ne!(tampered.body, proof.body);
    assert!(tampered.verify(Some(&key)).is_err(), "a changed event does not verify");
}

async fn check_serial(app: &TestApp, serial: &str, retirement: u64) {
    let (status, view) = app.get(&format!("/api/v1/serials/{serial}"), None).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    let expected = json!([{ "serial": serial, "quantity_tco2e": RETIRED, "state": "retired", "by": retirement,
        "account_id": PLASTICS_ACCOUNT, "account_kind": "holding", "holder": "Eastern Plastics Compounding (synthetic)" }]);
    assert_eq!(view["blocks"], expected, "{view}");
    assert_eq!(view["batch"]["retired_tco2e"], RETIRED);
    assert_eq!(view["batch"]["active_tco2e"], VERIFIED - RETIRED);
}

async fn check_stats(app: &TestApp) {
    // The demo issued 4 447 from the mangrove's plot surveys (buffer 15 %: 668) and 1 450 (buffer 20 %: 290),
    // and retired 600 + 250 + 1.
    let issued = 4_447 + 1_450 + VERIFIED;
    let retired = 600 + 250 + 1 + RETIRED;
    let (status, stats) = app.get("/api/v1/stats", None).await;
    assert_eq!(status, StatusCode::OK, "{stats}");
    let figures = ["issued_tco2e", "active_tco2e", "retired_tco2e", "cancelled_tco2e", "buffer_tco2e"]
        .map(|name| stats[name].as_u64().unwrap_or_else(|| panic!("{name} in {stats}")));
    assert_eq!(figures, [issued, issued - retired, retired, 0, 668 + 290 + BUFFER], "{stats}");
    let counts = ["projects", "registered_projects", "organisations"].map(|name| stats[name].as_u64());
    assert_eq!(counts, [Some(4), Some(3), Some(9)], "{stats}");
    assert_eq!(stats["tree_head"]["tree_size"], app.store.ledger().read().await.tree.len());

    let (status, project) = app.get("/api/v1/projects/4", None).await;
    assert_eq!(status, StatusCode::OK, "{project}");
    assert_eq!((project["issued_tco2e"].as_u64(), project["retired_tco2e"].as_u64()), (Some(VERIFIED), Some(RETIRED)));
    assert_eq!(project["status"], "registered");
}

async fn check_consistency(app: &TestApp, size_before: u64) {
    let size_after = tree_size(app).await;
    assert!(size_after > size_before, "{size_before} → {size_after}");
    let path = format!("/api/v1/proofs/consistency?first={size_before}&second={size_after}");
    let (status, proof) = app.get(&path, None).await;
    assert_eq!(status, StatusCode::OK, "{proof}");
    let proof: ConsistencyProof = serde_json::from_value(proof).expect("a consistency proof");
    assert_eq!((proof.first.head.tree_size, proof.second.head.tree_size), (size_before, size_after));
    proof.verify(Some(&app.store.public_key_hex())).expect("the later head extends the earlier");
    let mut forged = proof.clone();
    forged.path[0][0] ^= 1;
    assert!(forged.verify(None).is_err(), "a forged path does not verify");
}

#[tokio::test]
async fn the_openapi_document_describes_the_api() {
    let app = sqlite_app().await;
    let (status, document) = app.get("/api/openapi.json", None).await;
    assert_eq!(status, StatusCode::OK);
    let version = document["openapi"].as_str().expect("an openapi version");
    assert!(version.starts_with("3."), "{version}");
    let paths = document["paths"].as_object().expect("paths");
    assert!(paths["/api/v1/accounts/{id}/transfers"]["post"].is_object(), "{:?}", paths.keys());
    for path in ["/api/v1/retirements/{id}/proof", "/api/v1/proofs/consistency", "/api/v1/auth/login"] {
        assert!(paths.contains_key(path), "{path} is missing from {:?}", paths.keys());
    }
}
