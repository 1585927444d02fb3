//! Thai in every free-text field the API takes — organisation, class and
//! project names, descriptions, display names, beneficiaries, reasons and
//! review notes — is accepted with 200 and read back intact (and findable)
//! through the GET endpoints, on SQLite and (when configured) PostgreSQL.

mod support;

use reqwest::StatusCode;
use serde_json::{json, Value};
use support::*;

const ORGANISATION: &str = "วิสาหกิจชุมชนประมงพื้นบ้านบ้านเพ";
const DISPLAY_NAME: &str = "นางสาวมาลัย ทะเลงาม";
const CLASS_NAME: &str = "การฟื้นฟูแหล่งหญ้าทะเล";
const PROJECT: &str = "ป่าชายเลนปากน้ำประแสร์ ๔๐ ไร่";
const DESCRIPTION: &str = "ปลูกโกงกางและแสมริมคลอง\nดูแลโดยชุมชน ๒๐ ครัวเรือน";
const PROJECT_NOTE: &str = "กรุณาแนบแผนที่แปลงปลูกฉบับล่าสุด";
const REPORT_NOTE: &str = "ตรวจนับต้นไม้ครบทั้ง ๙ แปลงแล้ว";
const BENEFICIARY: &str = "บริษัท มาบตาพุด โอเลฟินส์ จำกัด";
const REASON: &str = "ชดเชยการปล่อยก๊าซเรือนกระจกปี ๒๕๖๘";
const CANCEL_REASON: &str = "ยกเลิกตามคำขอของผู้ถือ";
const LOSS_REASON: &str = "พายุซัดฝั่งทำให้ป่าชายเลนเสียหาย";

async fn ok(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let (status, answer) = app.post(path, Some(token), &body).await;
    assert_eq!(status, StatusCode::OK, "{}: POST {path}: {answer}", app.db_name);
    payloads(&answer).remove(0)
}

async fn read(app: &TestApp, token: Option<&str>, path: &str) -> Value {
    let (status, answer) = app.get(path, token).await;
    assert_eq!(status, StatusCode::OK, "{}: GET {path}: {answer}", app.db_name);
    answer
}

/// Names of people, organisations and classes.
async fn people_and_classes(app: &TestApp, operator: &str) {
    let created =
        ok(app, operator, "/api/v1/organisations", json!({ "name": ORGANISATION, "role": "proponent" })).await;
    let org = created["organisation"]["id"].as_u64().expect("an organisation id");
    let organisations = read(app, None, "/api/v1/organisations?per_page=100").await;
    assert!(organisations["items"].as_array().expect("items").iter().any(|o| o["name"] == ORGANISATION));

    let user =
        json!({ "username": "malai", "password": "a-long-password", "display_name": DISPLAY_NAME, "org_id": org });
    let (status, answer) = app.post("/api/v1/users", Some(operator), &user).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    let users = read(app, Some(operator), "/api/v1/users").await;
    assert!(users.as_array().expect("users").iter().any(|u| u["display_name"] == DISPLAY_NAME), "{users}");
    let login = json!({ "username": "malai", "password": "a-long-password" });
    let (status, session) = app.post("/api/v1/auth/login", None, &login).await;
    assert_eq!(status, StatusCode::OK, "{session}");
    let me = read(app, session["token"].as_str(), "/api/v1/me").await;
    assert_eq!((me["display_name"].as_str(), me["org_name"].as_str()), (Some(DISPLAY_NAME), Some(ORGANISATION)));

    let class = json!({ "code": "T-VER-P-SEAGRASS", "name": CLASS_NAME, "methodology": "นับพื้นที่หญ้าทะเลรายไตรมาส",
        "kind": "removal", "default_buffer_bps": 1000 });
    ok(app, operator, "/api/v1/credit-classes", class).await;
    let classes = read(app, None, "/api/v1/credit-classes").await;
    assert!(classes.as_array().expect("classes").iter().any(|c| c["name"] == CLASS_NAME), "{classes}");
}

/// A project's name, description and review note; a report's review note.
async fn projects_and_reviews(app: &TestApp) {
    let (municipality, verifier) = (app.login(MUNICIPALITY).await, app.login(VERIFIER).await);
    let mut details = project_details(PROJECT);
    details["description"] = json!(DESCRIPTION);
    let drafted = ok(app, &municipality, "/api/v1/projects", details).await;
    let id = drafted["project"]["id"].as_u64().expect("a project id");
    ok(app, &municipality, &format!("/api/v1/projects/{id}/submit"), json!(null)).await;
    let review = json!({ "decision": "request_changes", "note": PROJECT_NOTE });
    ok(app, &verifier, &format!("/api/v1/projects/{id}/review"), review).await;

    let project = read(app, None, &format!("/api/v1/projects/{id}")).await;
    let texts = ["name", "description", "review_note", "status"].map(|field| project[field].as_str());
    assert_eq!(texts, [Some(PROJECT), Some(DESCRIPTION), Some(PROJECT_NOTE), Some("changes_requested")]);
    let found = read(app, None, "/api/v1/projects?q=ประแสร์").await;
    assert_eq!(found["total"], 1, "{found}");
    assert_eq!(found["items"][0]["name"], PROJECT);

    let verify = json!({ "decision": "verify", "verified_tco2e": 700, "note": REPORT_NOTE });
    ok(app, &verifier, "/api/v1/reports/3/review", verify).await;
    let reports = read(app, None, "/api/v1/reports?project=2&status=verified").await;
    assert_eq!(reports["items"][0]["review_note"], REPORT_NOTE, "{reports}");
}

/// A retirement's beneficiary and reason; the reasons of a cancellation and a loss.
async fn retirements_and_cancellations(app: &TestApp, operator: &str) {
    let olefins = app.login(OLEFINS).await;
    let claim = json!({ "batch_id": 1, "quantity": 3, "beneficiary": BENEFICIARY, "reason": REASON,
        "jurisdiction": "TH-21", "inventory_year": 2025 });
    let retired = ok(app, &olefins, &format!("/api/v1/accounts/{OLEFINS_ACCOUNT}/retirements"), claim).await;
    let id = retired["retirement"]["id"].as_u64().expect("a retirement id");
    let view = read(app, None, &format!("/api/v1/retirements/{id}")).await;
    assert_eq!((view["beneficiary"].as_str(), view["reason"].as_str()), (Some(BENEFICIARY), Some(REASON)));
    let found = read(app, None, "/api/v1/retirements?beneficiary=มาบตาพุด").await;
    assert_eq!((found["total"].as_u64(), found["items"][0]["id"].as_u64()), (Some(1), Some(id)), "{found}");

    // Cancellations have no GET endpoint: their reasons are read back from the journaled events.
    let cancel = json!({ "batch_id": 1, "quantity": 1, "reason": CANCEL_REASON });
    let cancelled = ok(app, operator, "/api/v1/accounts/4/cancellations", cancel).await;
    assert_eq!(cancelled["cancellation"]["reason"], CANCEL_REASON);
    let lost = ok(app, operator, "/api/v1/projects/1/losses", json!({ "quantity": 2, "reason": LOSS_REASON })).await;
    assert_eq!(lost["cancellation"]["reason"], LOSS_REASON);
    let journal = app.store.journal(0, app.store.ledger().read().await.tree.len()).await.expect("the journal");
    let text = serde_json::to_string(&journal).expect("events serialise");
    assert!(text.contains(CANCEL_REASON) && text.contains(LOSS_REASON) && text.contains(BENEFICIARY));
}

#[tokio::test]
async fn thai_text_in_every_name_field_is_kept_intact() {
    for app in apps().await {
        let operator = app.login(OPERATOR).await;
        people_and_classes(&app, &operator).await;
        projects_and_reviews(&app).await;
        retirements_and_cancellations(&app, &operator).await;
    }
}
