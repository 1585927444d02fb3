//! Measurement over HTTP: the operator registers factories, a factory
//! imports a year of activity data (a file with bad lines is refused whole,
//! every bad line named), reads its inventory, sets a target, retires
//! credits against the year, downloads its report; the public dashboard's
//! figures equal the sum of the inventories.

mod support;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use support::*;

const OLEFINS: u64 = 5;
const REFINERY: u64 = 6;

fn factory(org: u64, licence: &str, sector: &str, publish: bool) -> Value {
    json!({ "org_id": org, "licence": licence, "sector": sector, "district": "Mueang Rayong", "publish": publish })
}

fn year(csv: &str) -> Value {
    json!({ "gwp_set": "AR6", "combustion": "tgo_combined", "csv": csv })
}

#[tokio::test]
async fn a_factory_measures_targets_offsets_and_reports() {
    for app in apps().await {
        let operator = app.login("operator").await;
        let olefins = app.login("olefins").await;
        let refinery = app.login("refinery").await;
        for (org, licence, sector, publish) in
            [(OLEFINS, "3-42-1/2540", "chemicals", true), (REFINERY, "3-89-7/2545", "refining", false)]
        {
            let (status, answer) =
                app.post("/api/v1/factories", Some(&operator), &factory(org, licence, sector, publish)).await;
            assert_eq!(status, StatusCode::OK, "{}: {answer}", app.db_name);
        }
        let (status, refused) =
            app.post("/api/v1/factories", Some(&olefins), &factory(REFINERY, "x-1", "food", true)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");

        // Two wrong lines (an unknown activity, diesel in kWh) refuse the whole file and are both named.
        let bad = "month,activity,quantity,unit\n2025-01,electricity,1000,kWh\n2025-02,unobtainium,5,kg\n2025-03,diesel,10,kWh\n";
        let (status, error) = app.put("/api/v1/factories/5/years/2025", Some(&olefins), &year(bad)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
        let lines: Vec<u64> =
            error["error"]["lines"].as_array().unwrap().iter().map(|l| l["line"].as_u64().unwrap()).collect();
        assert_eq!(lines, [3, 4], "{error}");
        assert_eq!(error["error"]["field"], "csv");
        let (status, _) = app.get("/api/v1/factories/5/inventories/2025", Some(&olefins)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "nothing of the bad file was kept");

        // 100,000 kWh × 0.4999 = 49.99 t (Scope 2); 2,000 L diesel × 2.7078 = 5.4156 t (Scope 1).
        let good = "month,activity,quantity,unit\n2025-01,ไฟฟ้า,100000,กิโลวัตต์ชั่วโมง\n2025-02,ดีเซล,2000,ลิตร\n";
        let (status, answer) = app.put("/api/v1/factories/5/years/2025", Some(&olefins), &year(good)).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        let (status, _) = app.put("/api/v1/factories/5/years/2025", Some(&refinery), &year(good)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "nobody keeps another factory's book");
        let csv_file = "month,activity,quantity,unit\n2025-06,natural_gas,1000000,MJ\n";
        let (status, answer) = app
            .send(
                Method::PUT,
                "/api/v1/factories/6/years/2025?gwp_set=AR5",
                Some(&refinery),
                Some(csv_file.into()),
                &[("content-type", "text/csv")],
            )
            .await;
        assert_eq!(status, StatusCode::OK, "a raw CSV upload: {answer}");

        let (_, inventory) = app.get("/api/v1/factories/5/inventories/2025", Some(&olefins)).await;
        assert_eq!(inventory["inventory"]["total_tco2e"], json!(55.4056), "{inventory}");
        // The demo retired 600 t for olefins against 2025: 55.4056 − 600, offset beyond its emissions.
        assert_eq!(inventory["retired_tco2e"], 600);
        assert_eq!(inventory["net_tco2e"], json!(-544.5944));

        let (status, hidden) = app.get("/api/v1/factories/6/inventories/2025", None).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "the refinery does not publish: {hidden}");

        let target = json!({ "base_year": 2025, "target_year": 2030, "reduction_bps": 3000, "net_zero_year": 2050 });
        let (status, answer) = app.put("/api/v1/factories/5/target", Some(&olefins), &target).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        let (_, progress) = app.get("/api/v1/factories/5/progress", None).await;
        assert_eq!(progress["years"][0]["progress"]["on_track"], true, "{progress}");

        let report = reqwest::Client::new()
            .get(format!("{}/api/v1/factories/5/inventories/2025/report.csv", app.base))
            .bearer_auth(&olefins)
            .send()
            .await
            .unwrap();
        assert_eq!(report.status(), StatusCode::OK);
        assert!(report.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
        let text = report.text().await.unwrap();
        assert!(text.contains("electricity") && text.contains("th-grid-2016-18@"), "{text}");
        assert!(text.contains(",,,total,,,,55.4056,,"), "{text}");

        // 55.4056 t + 1,000,000 MJ × 0.0562 kg/MJ = 56.2 t.
        let (_, dashboard) = app.get("/api/v1/dashboard", None).await;
        assert_eq!(dashboard["total_tco2e_by_year"]["2025"], json!(111.6056), "{dashboard}");
        assert_eq!(dashboard["by_sector"]["refining"]["2025"], json!(56.2));
        let names: Vec<&str> =
            dashboard["top_emitters"].as_array().unwrap().iter().map(|e| e["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["Map Ta Phut Olefins (synthetic)"], "only factories that publish are named");
        assert_eq!(dashboard["race_to_zero"]["trajectory"]["2065"], json!(0.0));
    }
}
