//! The explorer's server-side filters: organisations by role and by words
//! in the name, monitoring reports with their project's name, and the
//! buffer pool's account in the live figures — on the demo data.

mod support;

use reqwest::StatusCode;
use serde_json::Value;
use support::*;

fn names(page: &Value) -> Vec<&str> {
    page["items"].as_array().unwrap().iter().map(|item| item["name"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn organisations_reports_and_figures_filter_on_the_server() {
    for app in apps().await {
        let (status, factories) = app.get("/api/v1/organisations?role=factory", None).await;
        assert_eq!(status, StatusCode::OK, "{factories}");
        assert_eq!(factories["total"], 3, "{}: {factories}", app.db_name);
        assert!(factories["items"].as_array().unwrap().iter().all(|org| org["role"] == "factory"));
        let (_, found) = app.get("/api/v1/organisations?q=OLEFINS", None).await;
        assert_eq!(names(&found), ["Map Ta Phut Olefins (synthetic)"]);
        let (_, thai) =
            app.get("/api/v1/organisations?q=%E0%B9%80%E0%B8%97%E0%B8%A8%E0%B8%9A%E0%B8%B2%E0%B8%A5", None).await;
        assert_eq!(names(&thai), ["Rayong City Municipality (เทศบาลนครระยอง)"], "Thai words match");
        let (status, bad) = app.get("/api/v1/organisations?role=king", None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");

        let (_, waiting) = app.get("/api/v1/reports?status=submitted", None).await;
        assert_eq!(waiting["total"], 1, "{waiting}");
        assert_eq!(waiting["items"][0]["project_name"], "Reforestation of abandoned land, Ban Khai, 300 rai");

        let (_, stats) = app.get("/api/v1/stats", None).await;
        assert_eq!(stats["buffer_account_id"], 2, "the operator's buffer pool is account 2");
    }
}
