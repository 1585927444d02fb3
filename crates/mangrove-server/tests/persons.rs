//! A citizen over HTTP is a person, not an organisation of one: the
//! operator registers them, they sign in and act for themself, hold credits
//! in their own account, retire them, and see their own account but no
//! organisation's; the public record of their retirement names no person.

mod support;

use reqwest::StatusCode;
use serde_json::json;
use support::*;

#[tokio::test]
async fn a_person_signs_in_holds_retires_and_stays_private() {
    for app in apps().await {
        let name = app.db_name;
        let operator = app.login(OPERATOR).await;
        let person =
            json!({ "username": "kanya", "password": mangrove_demo::DEMO_PASSWORD, "display_name": "Kanya Boonmee" });
        let (status, created) = app.post("/api/v1/people", Some(&operator), &person).await;
        assert_eq!(status, StatusCode::CREATED, "{name}: {created}");
        assert_eq!((created["org_id"].is_null(), created["role"].as_str()), (true, Some("citizen")), "{created}");
        let account = created["account_id"].as_u64().expect("a holding account of her own");
        // Only the operator registers people; a name is taken once.
        let municipality = app.login(MUNICIPALITY).await;
        let (status, _) = app.post("/api/v1/people", Some(&municipality), &person).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{name}");
        let (status, _) = app.post("/api/v1/people", Some(&operator), &person).await;
        assert_eq!(status, StatusCode::CONFLICT, "{name}");

        let kanya = app.login("kanya").await;
        let (_, me) = app.get("/api/v1/me", Some(&kanya)).await;
        assert_eq!((me["username"].as_str(), me["account_id"].as_u64()), (Some("kanya"), Some(account)), "{me}");

        // The municipality gives her 5 t; she retires 2 t of them.
        let give = json!({ "to_account": account, "batch_id": 1, "quantity": 5 });
        let path = format!("/api/v1/accounts/{MUNICIPALITY_ACCOUNT}/transfers");
        let (status, answer) = app.post(&path, Some(&municipality), &give).await;
        assert_eq!(status, StatusCode::OK, "{name}: {answer}");
        let retire = json!({ "batch_id": 1, "quantity": 2, "beneficiary": "Kanya's scooter, 2026",
            "reason": "my own travel", "jurisdiction": "TH-21", "inventory_year": 2026 });
        let (status, answer) =
            app.post(&format!("/api/v1/accounts/{account}/retirements"), Some(&kanya), &retire).await;
        assert_eq!(status, StatusCode::OK, "{name}: {answer}");
        let retirement = answer["result"]["retirement_id"].as_u64().expect("a retirement");

        let (status, own) = app.get(&format!("/api/v1/accounts/{account}"), Some(&kanya)).await;
        assert_eq!(status, StatusCode::OK, "{name}: {own}");
        assert_eq!(own["holdings"][0]["active_tco2e"], 3, "{own}");
        // Not an organisation's account, and not another's credits.
        let (status, _) = app.get(&format!("/api/v1/accounts/{MUNICIPALITY_ACCOUNT}"), Some(&kanya)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{name}");
        let take = json!({ "to_account": account, "batch_id": 1, "quantity": 1 });
        let (status, answer) = app.post(&path, Some(&kanya), &take).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{name}: {answer}");

        // The public record names what she wrote, not who she is.
        let (_, public) = app.get(&format!("/api/v1/retirements/{retirement}"), None).await;
        assert_eq!(public["quantity_tco2e"], 2, "{public}");
        assert_eq!(public["retired_by"], "", "{public}");
        assert!(!public.to_string().contains("Kanya Boonmee") && !public.to_string().contains("kanya\""), "{public}");
        app.verify().await;
    }
}
