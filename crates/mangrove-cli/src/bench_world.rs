//! `mangrove bench world`: the virtual city under a crowd. N simulated
//! people connect over real loopback WebSockets to a real server, spread
//! over the city's places, and behave like people: they walk a while, stop
//! a while, sometimes run, and now and then say something. The server's
//! tick time (median and 99th percentile), the bytes each client receives
//! per second, the clients dropped and the process's CPU are measured with
//! interest management, then with the same crowd under naive broadcast
//! (everyone sent everyone, every tick), in one run.

use indicatif::{ProgressBar, ProgressStyle};
use mangrove_core::random::SplitMix64;
use mangrove_server::guard::ServerOptions;
use mangrove_store::testing::TestDatabase;
use mangrove_store::Store;
use mangrove_world::protocol::{decode_tick, ClientFrame, Record};
use mangrove_world::{Appearance, Channel, Point, Preset};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

/// How often a simulated person sends where they are going: 10 Hz, as a
/// phone would.
const SEND_EVERY: Duration = Duration::from_millis(100);
/// Seconds of settling after everyone has arrived, before measuring.
const SETTLE: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, Copy)]
struct Figures {
    tick_p50_ms: f64,
    tick_p99_ms: f64,
    bytes_per_client_per_s: f64,
    clients_dropped: u64,
    cpu_percent: f64,
    connected: u64,
    /// Avatars shown to one another at the end, per avatar.
    in_sight_per_avatar: f64,
}

impl Figures {
    fn json(&self, avatars: u64) -> Value {
        json!({
            "avatars": avatars,
            "connected": self.connected,
            "tick_p50_ms": round2(self.tick_p50_ms),
            "tick_p99_ms": round2(self.tick_p99_ms),
            "bytes_per_client_per_s": self.bytes_per_client_per_s.round(),
            "clients_dropped": self.clients_dropped,
            "cpu_percent": self.cpu_percent.round(),
            "in_sight_per_avatar": self.in_sight_per_avatar.round(),
        })
    }
}

fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

pub async fn run(avatars: u64, seconds: u64, naive_avatars: Option<u64>) -> anyhow::Result<()> {
    let ours = measure(avatars, seconds, false).await?;
    let naive_count = naive_avatars.unwrap_or(avatars);
    let naive = measure(naive_count, seconds, true).await?;
    println!();
    println!(
        "The virtual city under a crowd ({seconds} s measured after {} s settling; loopback WebSockets)",
        SETTLE.as_secs()
    );
    println!(
        "{:<34} {:>8} {:>10} {:>10} {:>14} {:>8} {:>7} {:>9}",
        "who is sent whom", "avatars", "tick p50", "tick p99", "bytes/client/s", "dropped", "CPU %", "in sight"
    );
    for (name, count, figures) in [("interest grid, tiers", avatars, ours), ("naive broadcast", naive_count, naive)] {
        println!(
            "{:<34} {:>8} {:>8.2}ms {:>8.2}ms {:>14.0} {:>8} {:>7.0} {:>9.0}",
            name,
            count,
            figures.tick_p50_ms,
            figures.tick_p99_ms,
            figures.bytes_per_client_per_s,
            figures.clients_dropped,
            figures.cpu_percent,
            figures.in_sight_per_avatar
        );
    }
    let bytes_ratio = naive.bytes_per_client_per_s / ours.bytes_per_client_per_s.max(1.0);
    let tick_ratio = naive.tick_p99_ms / ours.tick_p99_ms.max(0.001);
    println!(
        "naive broadcast sends {bytes_ratio:.1}× the bytes per client and its tick p99 is {tick_ratio:.1}× as long"
    );
    let mut figures = ours.json(avatars);
    figures["naive"] = naive.json(naive_count);
    figures["ratio"] = json!({ "bytes_per_client": round2(bytes_ratio), "tick_p99": round2(tick_ratio) });
    println!("{}", json!({ "bench": "world", "seconds": seconds, "figures": figures }));
    Ok(())
}

/// The process's CPU time so far (user and system), from `/proc`.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else { return 0.0 };
    let fields: Vec<&str> = stat.rsplit_once(") ").map_or(Vec::new(), |(_, rest)| rest.split(' ').collect());
    let ticks = |index: usize| fields.get(index).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    (ticks(11) + ticks(12)) / 100.0
}

async fn measure(avatars: u64, seconds: u64, naive: bool) -> anyhow::Result<Figures> {
    let database = TestDatabase::sqlite();
    let store = Store::open(database.options.clone()).await?;
    let logins = mangrove_demo::build_with_factories(&store, 0).await?;
    let person = logins.iter().find(|login| login.username == "somchai").map(|login| login.username);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let options = ServerOptions { world_naive_broadcast: naive, ..ServerOptions::default() };
    let served = store.clone();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        let _ = mangrove_server::serve_with(listener, served, options, async move {
            let _ = stopped.await;
        })
        .await;
    });
    let http = reqwest::Client::new();
    let token = match person {
        Some(username) => {
            let body = json!({ "username": username, "password": mangrove_demo::DEMO_PASSWORD });
            let answer: Value = http.post(format!("{base}/api/v1/auth/login")).json(&body).send().await?.json().await?;
            answer["token"].as_str().map(str::to_owned)
        }
        None => None,
    };
    let places: Value = http.get(format!("{base}/api/v1/world/places")).send().await?.json().await?;
    let places: Vec<String> =
        places.as_array().into_iter().flatten().filter_map(|p| p["key"].as_str().map(str::to_owned)).collect();
    anyhow::ensure!(!places.is_empty(), "the city has places");

    let label = if naive { "naive broadcast" } else { "interest grid" };
    let progress = ProgressBar::new(avatars).with_message(format!("{label}: people arriving"));
    progress.set_style(ProgressStyle::with_template("{msg:36} {bar:30} {pos}/{len}").expect("a valid template"));
    let received = Arc::new(AtomicU64::new(0));
    let counting = Arc::new(AtomicBool::new(false));
    let stopping = Arc::new(AtomicBool::new(false));
    let connected = Arc::new(AtomicU64::new(0));
    let mut people = Vec::new();
    for n in 0..avatars {
        let url = format!("{}/api/v1/world/ws", base.replace("http://", "ws://"));
        let mut request = url.into_client_request()?;
        if let Some(token) = &token {
            request.headers_mut().insert("authorization", format!("Bearer {token}").parse()?);
        }
        // A read buffer of 16 KiB rather than the default 128 KiB, zeroed at
        // every read: the crowd is the bench's, and should weigh little.
        let config = tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default().read_buffer_size(16 * 1024);
        let (socket, _) = tokio_tungstenite::connect_async_with_config(request, Some(config), false).await?;
        connected.fetch_add(1, Ordering::Relaxed);
        let place = places[n as usize % places.len()].clone();
        let shared = (received.clone(), counting.clone(), stopping.clone());
        people.push(tokio::spawn(person_life(socket, n, place, shared)));
        progress.inc(1);
    }
    progress.finish_and_clear();
    tokio::time::sleep(SETTLE).await;

    let status = |window: u64| {
        let (http, base) = (http.clone(), base.clone());
        async move {
            let answer: Value =
                http.get(format!("{base}/api/v1/world/status?window_s={window}")).send().await?.json().await?;
            anyhow::Ok(answer)
        }
    };
    let before = status(1).await?;
    let cpu_before = cpu_seconds();
    counting.store(true, Ordering::Relaxed);
    let started = Instant::now();
    let spinner = ProgressBar::new(seconds).with_message(format!("{label}: {avatars} people about"));
    spinner.set_style(ProgressStyle::with_template("{msg:36} {bar:30} {pos}/{len} s").expect("a valid template"));
    for _ in 0..seconds {
        tokio::time::sleep(Duration::from_secs(1)).await;
        spinner.inc(1);
    }
    spinner.finish_and_clear();
    counting.store(false, Ordering::Relaxed);
    let elapsed = started.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu_before;
    let after = status(seconds.clamp(1, 300)).await?;
    stopping.store(true, Ordering::Relaxed);
    for person in people {
        let _ = person.await;
    }
    let _ = stop.send(());
    let _ = server.await;
    let dropped = after["clients_dropped"].as_u64().unwrap_or(0) - before["clients_dropped"].as_u64().unwrap_or(0);
    Ok(Figures {
        tick_p50_ms: after["tick_p50_us"].as_f64().unwrap_or(0.0) / 1_000.0,
        tick_p99_ms: after["tick_p99_us"].as_f64().unwrap_or(0.0) / 1_000.0,
        bytes_per_client_per_s: received.load(Ordering::Relaxed) as f64 / avatars.max(1) as f64 / elapsed,
        clients_dropped: dropped,
        cpu_percent: cpu / elapsed * 100.0,
        connected: connected.load(Ordering::Relaxed),
        in_sight_per_avatar: after["pairs_in_sight"].as_f64().unwrap_or(0.0) / avatars.max(1) as f64,
    })
}

/// One simulated person: goes to a place, then walks a while, stops a
/// while, sometimes runs, and now and then says something; reads
/// everything it is sent, counting the bytes while the bench measures.
async fn person_life(
    socket: tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
    n: u64,
    place: String,
    (received, counting, stopping): (Arc<AtomicU64>, Arc<AtomicBool>, Arc<AtomicBool>),
) {
    use futures_util::{SinkExt, StreamExt};
    let (mut sink, mut stream) = socket.split();
    let mut draw = SplitMix64::new(0x5eed ^ n);
    let preset = Preset::from_code((n % 8) as u8).unwrap_or_default();
    let hello = ClientFrame::Hello { appearance: Appearance { preset, colour: (n % 8) as u8 } };
    let travel = ClientFrame::Travel { place };
    for frame in [hello, travel] {
        if sink.send(Message::Binary(frame.encode().into())).await.is_err() {
            return;
        }
    }
    let mut at: Option<Point> = None;
    let mut placed = false;
    let mut heading = (0i32, 0i32);
    let mut walking_for = 0u32;
    let mut running = false;
    let mut sending = tokio::time::interval(SEND_EVERY);
    loop {
        tokio::select! {
            incoming = stream.next() => {
                let Some(Ok(message)) = incoming else { return };
                if let Message::Binary(bytes) = message {
                    if counting.load(Ordering::Relaxed) {
                        received.fetch_add(bytes.len() as u64, Ordering::Relaxed);
                    }
                    // Until it knows where it stands, it reads what it is told;
                    // then it only counts (a phone would draw it), so that the
                    // crowd's own work weighs little beside the server's.
                    if !placed {
                        if let Ok((_, records)) = decode_tick(&bytes) {
                            for record in records {
                                if let Record::Corrected { east_dm, north_dm } = record {
                                    at = Some(Point::new(east_dm * 10, north_dm * 10));
                                    placed = true;
                                }
                            }
                        }
                    }
                }
            }
            _ = sending.tick() => {
                if stopping.load(Ordering::Relaxed) {
                    let _ = sink.send(Message::Close(None)).await;
                    return;
                }
                let Some(here) = at else { continue };
                if walking_for == 0 {
                    // Choose what to do next: stop a while (a third of the
                    // time), or walk (a tenth of walks run) somewhere.
                    if draw.percent(33) {
                        walking_for = 30 + draw.below(120) as u32;
                        heading = (0, 0);
                    } else {
                        walking_for = 50 + draw.below(150) as u32;
                        let angle = draw.below(360) as f64 * std::f64::consts::PI / 180.0;
                        heading = ((angle.cos() * 100.0) as i32, (angle.sin() * 100.0) as i32);
                        running = draw.percent(10);
                    }
                }
                walking_for -= 1;
                if draw.below(600) == 0 {
                    let text = format!("สวัสดีครับ from {n}");
                    let say = ClientFrame::Say { channel: Channel::Nearby, text };
                    if sink.send(Message::Binary(say.encode().into())).await.is_err() {
                        return;
                    }
                }
                if heading == (0, 0) {
                    continue;
                }
                let speed_cm = if running { 50 } else { 14 };
                let to = Point::new(here.east_cm + heading.0 * speed_cm / 100, here.north_cm + heading.1 * speed_cm / 100);
                at = Some(to);
                if sink.send(Message::Binary(ClientFrame::Move { to, running }.encode().into())).await.is_err() {
                    return;
                }
            }
        }
    }
}
