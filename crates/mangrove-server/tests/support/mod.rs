//! The harness of the HTTP tests: one server per test on a fresh database
//! (SQLite always, PostgreSQL too when `MANGROVE_TEST_POSTGRES` is set)
//! holding the Rayong demo, a client that speaks to it over real TCP, and
//! a snapshot of everything a refused request must leave as it was.

#![allow(dead_code)]

use mangrove_store::testing::TestDatabase;
use mangrove_store::Store;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use tokio::sync::oneshot;

/// Demo logins by role, as `mangrove_demo::build` creates them.
pub const OPERATOR: &str = "operator";
pub const VERIFIER: &str = "verifier";
/// Proponent, organisation 3, owner of project 1 and batch 1.
pub const MUNICIPALITY: &str = "municipality";
/// Proponent, organisation 4, owner of project 2, batch 2 and report 3.
pub const FOREST: &str = "forest";
/// Factory, organisation 5, holds 600 active of batch 1.
pub const OLEFINS: &str = "olefins";
/// Factory, organisation 6, proponent of the submitted project 3.
pub const REFINERY: &str = "refinery";
pub const PLASTICS: &str = "plastics";
/// Citizen, organisation 8.
pub const SOMCHAI: &str = "somchai";
pub const MALEE: &str = "malee";
/// Not a login: the request carries no token at all.
pub const ANONYMOUS: &str = "anonymous";

/// Account ids of the demo, in the order the organisations are created
/// (the operator's organisation opens the buffer pool, account 2).
pub const OPERATOR_ACCOUNT: u64 = 1;
pub const BUFFER_ACCOUNT: u64 = 2;
pub const MUNICIPALITY_ACCOUNT: u64 = 4;
pub const FOREST_ACCOUNT: u64 = 5;
pub const OLEFINS_ACCOUNT: u64 = 6;
pub const REFINERY_ACCOUNT: u64 = 7;
pub const SOMCHAI_ACCOUNT: u64 = 9;

/// A running server over one fresh demo database. Dropping it stops the
/// server; the database lives exactly as long as this value.
pub struct TestApp {
    pub db_name: &'static str,
    pub base: String,
    pub store: Store,
    client: reqwest::Client,
    shutdown: Option<oneshot::Sender<()>>,
    _db: TestDatabase,
}

/// What a request must not change when it is refused.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub journal_events: u64,
    pub stats: Value,
    pub users: usize,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// One server per database of `TestDatabase::all()`, each with the demo.
pub async fn apps() -> Vec<TestApp> {
    let mut apps = Vec::new();
    for db in TestDatabase::all().await {
        apps.push(TestApp::start(db).await);
    }
    apps
}

/// A server on a fresh SQLite database only (for the slower flows that
/// other tests already cover on both databases).
pub async fn sqlite_app() -> TestApp {
    TestApp::start(TestDatabase::sqlite()).await
}

impl TestApp {
    pub async fn start(db: TestDatabase) -> TestApp {
        let store = Store::open(db.options.clone()).await.expect("the test store opens");
        mangrove_demo::build(&store).await.expect("the demo builds");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let base = format!("http://{}", listener.local_addr().expect("a bound address"));
        let (shutdown, stop) = oneshot::channel::<()>();
        let served = store.clone();
        tokio::spawn(async move {
            let stopped = async move {
                let _ = stop.await;
            };
            mangrove_server::serve(listener, served, stopped).await.expect("the server runs");
        });
        TestApp { db_name: db.name, base, store, client: reqwest::Client::new(), shutdown: Some(shutdown), _db: db }
    }

    /// A server whose store reads the time from `clock`, for tests that move time.
    pub async fn start_with_clock(mut db: TestDatabase, clock: mangrove_store::Clock) -> TestApp {
        db.options.clock = clock;
        TestApp::start(db).await
    }

    /// Replays the journal into a fresh state and checks the chain, the tree
    /// heads and every projection row against it, as `mangrove verify` does.
    pub async fn verify(&self) {
        let options = &self._db.options;
        mangrove_store::verify_database(&options.location, Some(&options.key_path))
            .await
            .unwrap_or_else(|why| panic!("{}: the database does not verify: {why}", self.db_name));
    }

    /// Signs in with the demo password and returns the session token.
    pub async fn login(&self, username: &str) -> String {
        let body = serde_json::json!({ "username": username, "password": mangrove_demo::DEMO_PASSWORD });
        let (status, answer) = self.post("/api/v1/auth/login", None, &body).await;
        assert_eq!(status, StatusCode::OK, "{}: login as {username}: {answer}", self.db_name);
        answer["token"].as_str().expect("a login answers a token").to_string()
    }

    /// The token of `who`, or none for [`ANONYMOUS`].
    pub async fn token_of(&self, who: &str) -> Option<String> {
        if who == ANONYMOUS {
            None
        } else {
            Some(self.login(who).await)
        }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> (StatusCode, Value) {
        self.send(Method::GET, path, token, None, &[]).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> (StatusCode, Value) {
        self.send(Method::POST, path, token, Some(body.to_string()), &[]).await
    }

    pub async fn put(&self, path: &str, token: Option<&str>, body: &Value) -> (StatusCode, Value) {
        self.send(Method::PUT, path, token, Some(body.to_string()), &[]).await
    }

    /// A request with a raw JSON body (which need not be valid JSON) and
    /// extra headers. The body, when present, is sent as application/json
    /// unless the headers name another content type.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<String>,
        headers: &[(&str, &str)],
    ) -> (StatusCode, Value) {
        let mut request = self.client.request(method.clone(), format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            if !headers.iter().any(|(name, _)| name.eq_ignore_ascii_case("content-type")) {
                request = request.header("content-type", "application/json");
            }
            request = request.body(body);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.unwrap_or_else(|error| panic!("{method} {path}: {error}"));
        let status = response.status();
        let text = response.text().await.expect("a readable body");
        let value = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("{method} {path} answered {status} non-JSON: {text}"))
        };
        (status, value)
    }

    /// The journal length, the public figures and the number of logins.
    pub async fn snapshot(&self) -> Snapshot {
        let journal_events = self.store.ledger().read().await.tree.len();
        let (status, stats) = self.get("/api/v1/stats", None).await;
        assert_eq!(status, StatusCode::OK, "stats: {stats}");
        let users = self.store.db().users().await.expect("users can be listed").len();
        Snapshot { journal_events, stats, users }
    }

    /// The account's active tonnes of a batch, read as the operator sees it.
    pub async fn active(&self, operator: &str, account: u64, batch: u64) -> u64 {
        let (status, view) = self.get(&format!("/api/v1/accounts/{account}"), Some(operator)).await;
        assert_eq!(status, StatusCode::OK, "account {account}: {view}");
        let holdings = view["holdings"].as_array().expect("holdings");
        let holding = holdings.iter().find(|holding| holding["batch_id"] == batch);
        holding.map_or(0, |holding| holding["active_tco2e"].as_u64().expect("active tonnes"))
    }
}

/// Asserts the API's error shape and returns the error object.
pub fn error_of<'a>(context: &str, answer: &'a Value) -> &'a Value {
    let error = &answer["error"];
    assert!(error.is_object(), "{context}: no error object in {answer}");
    assert!(error["code"].as_str().is_some_and(|code| !code.is_empty()), "{context}: no code in {answer}");
    let message = error["message"].as_str().unwrap_or_default();
    assert!(message.len() >= 10, "{context}: no useful message in {answer}");
    assert!(error.get("field").is_some_and(|field| field.is_null() || field.is_string()), "{context}: {answer}");
    error
}

/// The `payload` of each event a command answered, in order.
pub fn payloads(answer: &Value) -> Vec<Value> {
    let events = answer["events"].as_array().unwrap_or_else(|| panic!("no events in {answer}"));
    events.iter().map(|event| event["payload"].clone()).collect()
}

/// A valid project outline near the Rayong river mouth.
pub fn outline() -> Value {
    serde_json::json!([[101.275, 12.662], [101.284, 12.662], [101.284, 12.669], [101.275, 12.669]])
}

/// A valid body for `POST /api/v1/projects`.
pub fn project_details(name: &str) -> Value {
    serde_json::json!({
        "class": 1,
        "name": name,
        "description": "Mangrove planting along the Rayong estuary.",
        "jurisdiction": "TH-21",
        "location": outline(),
        "area_rai": 40,
    })
}

/// Organisations of the demo logins, for request bodies.
pub const MUNICIPALITY_ORG: u64 = 3;
pub const OLEFINS_ORG: u64 = 5;
pub const REFINERY_ORG: u64 = 6;

/// The operator opens the exchange at a 0.5 % fee, funds two factories
/// (olefins 1,000,000 baht, the refinery 10,000 baht) and lists batch 1
/// with a tick of one baht; returns the operator's token.
pub async fn open_exchange(app: &TestApp) -> String {
    let operator = app.login(OPERATOR).await;
    let (status, answer) = app.put("/api/v1/exchange", Some(&operator), &serde_json::json!({ "fee_bps": 50 })).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    for (org, baht, reference) in [(OLEFINS_ORG, 1_000_000, "KTB-1"), (REFINERY_ORG, 10_000, "SCB-2")] {
        let body = serde_json::json!({ "org_id": org, "amount_satang": baht * 100, "reference": reference });
        let (status, answer) = app.post("/api/v1/cash/deposits", Some(&operator), &body).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
    }
    let listing = serde_json::json!({ "batch_id": 1, "tick_satang": 100 });
    let (status, answer) = app.post("/api/v1/instruments", Some(&operator), &listing).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    operator
}
