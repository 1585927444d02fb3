//! Reduction projects, the best-practice library and methodology reports
//! over HTTP: a factory registers a reduction project and publishes what it
//! measured; one that follows a credit methodology becomes a draft registry
//! project (and only once); the mangrove's monitoring report is computed
//! from its plot surveys, with every bad survey line named.

mod support;

use reqwest::StatusCode;
use serde_json::{json, Value};
use support::*;

const OLEFINS: u64 = 5;
const REFINERY: u64 = 6;

fn reduction(kind: &str, tonnes: u64) -> Value {
    json!({
        "kind": kind, "title": "ลดไอน้ำที่หอกลั่น", "description": "Column retrofit",
        "estimated_tco2e_per_year": tonnes, "start_year": 2026, "status": "planned",
    })
}

async fn register_factories(app: &TestApp) {
    let operator = app.login("operator").await;
    for (org, licence, publish) in [(OLEFINS, "3-42-1/2540", true), (REFINERY, "3-89-7/2545", false)] {
        let body = json!({ "org_id": org, "licence": licence, "sector": "chemicals", "district": "Klaeng", "publish": publish });
        let (status, answer) = app.post("/api/v1/factories", Some(&operator), &body).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
    }
}

#[tokio::test]
async fn reduction_projects_are_registered_shown_and_promoted_once() {
    for app in apps().await {
        register_factories(&app).await;
        let olefins = app.login("olefins").await;
        let refinery = app.login("refinery").await;
        let before = app.snapshot().await;
        let refusals = [
            (
                OLEFINS,
                &olefins,
                reduction("steam_reduction", 0),
                StatusCode::UNPROCESSABLE_ENTITY,
                "estimated_tco2e_per_year",
            ),
            (OLEFINS, &olefins, reduction("cold_fusion", 10), StatusCode::UNPROCESSABLE_ENTITY, "kind"),
            (OLEFINS, &refinery, reduction("steam_reduction", 10), StatusCode::FORBIDDEN, ""),
            (4, &olefins, reduction("steam_reduction", 10), StatusCode::UNPROCESSABLE_ENTITY, "org"),
        ];
        for (org, token, body, expected, field) in refusals {
            let (status, answer) = app.post(&format!("/api/v1/factories/{org}/reductions"), Some(token), &body).await;
            assert_eq!(status, expected, "{body}: {answer}");
            let error = error_of("reduction", &answer);
            if !field.is_empty() {
                assert_eq!(error["field"], field, "{answer}");
            }
        }
        assert_eq!(app.snapshot().await, before, "refusals change nothing");

        for (org, token, kind) in [
            (OLEFINS, &olefins, "gas_turbine_inlet_filter"),
            (OLEFINS, &olefins, "steam_reduction"),
            (REFINERY, &refinery, "electric_vehicles"),
        ] {
            let (status, answer) =
                app.post(&format!("/api/v1/factories/{org}/reductions"), Some(token), &reduction(kind, 1_200)).await;
            assert_eq!(status, StatusCode::OK, "{answer}");
        }
        // The refinery does not publish: the public sees only the olefins plant's two, newest first.
        let (_, public) = app.get("/api/v1/reductions", None).await;
        let kinds: Vec<&str> =
            public["items"].as_array().unwrap().iter().map(|r| r["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["steam_reduction", "gas_turbine_inlet_filter"], "{public}");
        let (_, own) = app.get(&format!("/api/v1/reductions?org={REFINERY}"), Some(&refinery)).await;
        assert_eq!(own["total"], 1, "{own}");
        assert_eq!(own["items"][0]["methodology"], "electric_mobility");
        let (status, _) = app.get("/api/v1/reductions/3", None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "a hidden reduction project is not found");

        let mut details = project_details("Column steam savings");
        details["class"] = json!(3);
        let mut removal_class = details.clone();
        removal_class["class"] = json!(1);
        let before = app.snapshot().await;
        let refusals = [
            (1, &olefins, details.clone(), StatusCode::UNPROCESSABLE_ENTITY, "reduction"),
            (2, &refinery, details.clone(), StatusCode::FORBIDDEN, ""),
            (2, &olefins, removal_class, StatusCode::UNPROCESSABLE_ENTITY, "class"),
            (9, &olefins, details.clone(), StatusCode::NOT_FOUND, "reduction"),
        ];
        for (id, token, body, expected, field) in refusals {
            let (status, answer) =
                app.post(&format!("/api/v1/reductions/{id}/registry-project"), Some(token), &body).await;
            assert_eq!(status, expected, "reduction {id}: {answer}");
            if !field.is_empty() {
                assert_eq!(error_of("promote", &answer)["field"], field, "{answer}");
            }
        }
        assert_eq!(app.snapshot().await, before, "refused promotions change nothing");

        let (status, answer) = app.post("/api/v1/reductions/2/registry-project", Some(&olefins), &details).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        let events = payloads(&answer);
        assert_eq!(events[0]["event"], "project_drafted", "{answer}");
        assert_eq!(events[1]["event"], "reduction_linked", "{answer}");
        let project = events[0]["project"]["id"].as_u64().unwrap();
        let (_, linked) = app.get("/api/v1/reductions/2", None).await;
        assert_eq!(linked["registry_project_id"], project, "{linked}");
        assert_eq!(linked["registry_project_status"], "draft", "{linked}");
        let (status, again) = app.post("/api/v1/reductions/2/registry-project", Some(&olefins), &details).await;
        assert_eq!(status, StatusCode::CONFLICT, "{again}");
    }
}

#[tokio::test]
async fn the_practice_library_is_public_and_checked() {
    for app in apps().await {
        register_factories(&app).await;
        let olefins = app.login("olefins").await;
        let refinery = app.login("refinery").await;
        let (status, _) =
            app.post("/api/v1/factories/6/reductions", Some(&refinery), &reduction("electric_vehicles", 300)).await;
        assert_eq!(status, StatusCode::OK);
        let practice = |reduction: Option<u64>, tonnes: u64| {
            json!({
                "reduction_id": reduction, "kind": "steam_reduction", "title": "Quarterly steam-trap surveys",
                "summary": "Ultrasonic survey each quarter", "measured_reduction_tco2e": tonnes,
                "measured_year": 2025, "measurement": "Boiler gas meters, 12 months before and after",
                "investment_baht": 4_800_000,
            })
        };
        let before = app.snapshot().await;
        for (body, field) in [
            (practice(Some(1), 100), "reduction"), // the refinery's, not the olefins plant's
            (practice(None, 0), "measured_reduction_tco2e"),
            (json!({ "kind": "steam_reduction", "title": "x" }), "summary"),
        ] {
            let (status, answer) = app.post("/api/v1/factories/5/practices", Some(&olefins), &body).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {answer}");
            assert_eq!(error_of("practice", &answer)["field"], field, "{answer}");
        }
        assert_eq!(app.snapshot().await, before);
        let (status, answer) = app.post("/api/v1/factories/5/practices", Some(&olefins), &practice(None, 6_150)).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        let (_, library) = app.get("/api/v1/practices?q=STEAM-TRAP", None).await;
        assert_eq!(library["total"], 1, "{library}");
        assert_eq!(library["items"][0]["measured_reduction_tco2e"], 6_150);
        assert_eq!(library["items"][0]["factory"], "Map Ta Phut Olefins (synthetic)");
        let (_, none) = app.get("/api/v1/practices?kind=hydrogen_mobility", None).await;
        assert_eq!(none["total"], 0, "{none}");
    }
}

const SURVEY_2024: &str = include_str!("../../mangrove-mrv/data/examples/mangrove-2024.csv");
const SURVEY_2025: &str = include_str!("../../mangrove-mrv/data/examples/mangrove-2025.csv");

#[tokio::test]
async fn a_mangrove_report_is_computed_from_its_plot_surveys() {
    for app in apps().await {
        let municipality = app.login("municipality").await;
        let report = |survey: &str| {
            json!({
                "period_start": "2026-01-01", "period_end": "2026-06-30",
                "survey_csv": survey, "previous_csv": SURVEY_2024,
            })
        };
        // Line 3 names an unknown species and line 5 a negative diameter: both are named, nothing is kept.
        let mut lines: Vec<&str> = SURVEY_2025.lines().collect();
        lines[2] = "P01,100,Mangifera indica,8.4,6.8";
        lines[4] = "P01,100,Rhizophora apiculata,-3,6.8";
        let bad = lines.join("\n");
        let before = app.snapshot().await;
        let (status, error) = app.post("/api/v1/projects/1/reports/forestry", Some(&municipality), &report(&bad)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
        assert_eq!(error["error"]["field"], "survey_csv");
        let named: Vec<u64> =
            error["error"]["lines"].as_array().unwrap().iter().map(|l| l["line"].as_u64().unwrap()).collect();
        assert_eq!(named, [3, 5], "{error}");
        assert_eq!(app.snapshot().await, before);

        let (status, answer) =
            app.post("/api/v1/projects/1/reports/forestry", Some(&municipality), &report(SURVEY_2025)).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        let submitted = &payloads(&answer)[0]["report"];
        // The CLI's worked figures for these surveys on 500 rai with a 15 % buffer: net 3,779 + buffer 668.
        assert_eq!(submitted["claimed_tco2e"], 4_447, "{submitted}");
        let record: Value = serde_json::from_str(submitted["calculation"].as_str().unwrap()).unwrap();
        assert_eq!(record["net_tco2e"], 3_779);
        assert_eq!(record["buffer_tco2e"], 668);
        assert_eq!(record["survey"]["plots"].as_array().unwrap().len(), 12);
        assert_eq!(record["survey_csv"], SURVEY_2025, "the surveys travel with the record");
        assert!(record["rerun"].as_str().unwrap().contains("--area-rai 500"), "{}", record["rerun"]);
    }
}
