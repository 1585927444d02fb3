//! `mangrove`: serve the registry, build the Rayong demo, verify a
//! database, make and check proofs, and measure.

mod bench;
mod bench_exchange;
mod bench_people;
mod bench_reads;
mod bench_startup;
mod bench_world;
mod exchange;
mod mrv;

use anyhow::{bail, Context as _};
use clap::{Parser, Subcommand};
use mangrove_core::proof::ProofFile;
use mangrove_core::signing::DeploymentKey;
use mangrove_server::guard::ServerOptions;
use mangrove_store::{Location, Store, StoreOptions};
use std::path::PathBuf;

/// The sequencer allocates many small short-lived values per command
/// (events, rows, receipts); mimalloc serves them faster than the system
/// allocator (see `mangrove bench exchange`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (its position in `mi_option_t`).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Keeps freed memory for a second before returning it to the system: the
/// writer frees and reallocates about the same amount for every group, and
/// with the default of 10 ms every group paid for zeroing fresh pages again.
fn keep_freed_memory_longer() {
    // SAFETY: setting an option is safe at any time; the value is in milliseconds.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 1_000) };
}

#[derive(Parser)]
#[command(name = "mangrove", version, about = "Rayong's carbon-credit registry")]
struct Cli {
    /// The database: a SQLite file path (the default) or a postgres:// URL.
    #[arg(long, global = true, env = "MANGROVE_DATABASE", default_value = "mangrove.db")]
    database: String,
    /// The deployment's Ed25519 signing key file [default: beside the SQLite file, or ./mangrove.key].
    #[arg(long, global = true, env = "MANGROVE_KEY")]
    key: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API (and, once built, the web client).
    Serve {
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
        /// Refuse to start unless the history's first recorded key is this public key (hex), and every tree
        /// head is signed by it or by a key it handed over to.
        #[arg(long, env = "MANGROVE_PUBLIC_KEY")]
        public_key: Option<String>,
        /// The address people open, e.g. https://mangrove.example.org: mutations are accepted only from its
        /// origin, and over https the session cookie is Secure and HSTS is sent.
        #[arg(long, env = "MANGROVE_PUBLIC_URL")]
        public_url: Option<String>,
        /// Behind a reverse proxy: take the client's address (for sign-in throttling) from the last entry of
        /// X-Forwarded-For. Only where the proxy sets that header.
        #[arg(long, env = "MANGROVE_TRUST_FORWARDED_FOR")]
        trust_forwarded_for: bool,
        /// Store a snapshot of the state each time this many events have been journaled since the last
        /// one, so that the next start replays only the events after it; 0 never does.
        #[arg(long, env = "MANGROVE_SNAPSHOT_EVERY", default_value_t = mangrove_store::SNAPSHOT_EVERY_EVENTS)]
        snapshot_every: u64,
        /// Replay and check the whole journal at start-up, ignoring snapshots.
        #[arg(long)]
        full_replay: bool,
    },
    /// Store a snapshot of the state now (stop the server first), so that the next start replays only
    /// the events after it.
    Snapshot,
    /// Build the Rayong demo into an empty database and print its logins.
    Demo {
        /// Delete the SQLite file first (never a PostgreSQL database).
        #[arg(long)]
        reset: bool,
        /// How many factories, all synthetic, with four years of activity data (Rayong has 2,532).
        #[arg(long, default_value_t = mangrove_demo::factories::RAYONG_FACTORIES)]
        factories: usize,
    },
    /// Replay the journal and check the hash chain, every tree head and every projection.
    Verify {
        /// Check against this public key (hex) instead of the key file: the history's first recorded key must
        /// be this one, and every tree head signed by it or by a key it handed over to.
        #[arg(long, env = "MANGROVE_PUBLIC_KEY")]
        public_key: Option<String>,
    },
    /// The deployment's signing key.
    Key {
        #[command(subcommand)]
        command: KeyCommand,
    },
    /// Make or check proofs.
    Proof {
        #[command(subcommand)]
        command: ProofCommand,
    },
    /// Measure.
    Bench {
        #[command(subcommand)]
        command: bench::BenchCommand,
    },
    /// Measurement, reporting and verification: forest carbon from plot surveys, factory inventories.
    Mrv {
        #[command(subcommand)]
        command: mrv::MrvCommand,
    },
    /// The exchange's matching engine: replay a file of orders.
    Exchange {
        #[command(subcommand)]
        command: exchange::ExchangeCommand,
    },
}

#[derive(Subcommand)]
enum KeyCommand {
    /// Print the deployment's public key (hex), for auditors to pin.
    Show,
    /// Hand the deployment over to a new key: the change is journaled, signed by the current key, and then
    /// the key file is replaced by the new one. Stop the server first.
    Rotate {
        /// The new key file (created with a fresh key if it does not exist).
        #[arg(long)]
        new_key: PathBuf,
    },
}

#[derive(Subcommand)]
enum ProofCommand {
    /// Print the inclusion proof of journal event SEQ as JSON.
    Inclusion { seq: u64 },
    /// Print the inclusion proof of a retirement (its certificate's proof) as JSON.
    Retirement { id: u64 },
    /// Print a consistency proof between two signed tree heads, by size.
    Consistency { first: u64, second: u64 },
    /// Check a proof file offline; exits non-zero if it does not verify.
    Verify {
        file: PathBuf,
        /// Only accept tree heads signed by this public key (hex).
        #[arg(long)]
        public_key: Option<String>,
    },
}

fn main() -> anyhow::Result<()> {
    keep_freed_memory_longer();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("MANGROVE_LOG").unwrap_or_else(|_| "warn".into()))
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(run(cli))
}

fn options(cli: &Cli) -> anyhow::Result<StoreOptions> {
    let location = Location::parse(&cli.database)?;
    let mut options = StoreOptions::at(location);
    if let Some(key) = &cli.key {
        options.key_path = key.clone();
    }
    Ok(options)
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match &cli.command {
        Command::Serve { listen, public_key, public_url, trust_forwarded_for, snapshot_every, full_replay } => {
            let mut options = options(&cli)?;
            options.pinned_public_key.clone_from(public_key);
            options.snapshot_every_events = *snapshot_every;
            options.start_from_snapshot = !full_replay;
            let server = ServerOptions {
                public_url: public_url.clone(),
                trust_forwarded_for: *trust_forwarded_for,
                world_naive_broadcast: false,
            }
            .checked()
            .map_err(anyhow::Error::msg)?;
            serve(options, server, &cli.database, listen).await
        }
        Command::Demo { reset, factories } => demo(&cli, *reset, *factories).await,
        Command::Snapshot => snapshot(options(&cli)?).await,
        Command::Verify { public_key } => verify(options(&cli)?, public_key.as_deref()).await,
        Command::Key { command } => key(options(&cli)?, command).await,
        Command::Proof { command } => proof(&cli, command).await,
        Command::Bench { command } => bench::run(command).await,
        Command::Mrv { command } => mrv::run(command),
        Command::Exchange { command } => exchange::run(command),
    }
}

async fn serve(options: StoreOptions, server: ServerOptions, database: &str, listen: &str) -> anyhow::Result<()> {
    let store = Store::open(options).await.context("opening the database")?;
    mangrove_demo::check_demo_complete(&store, database).await?;
    let listener = tokio::net::TcpListener::bind(listen).await.with_context(|| format!("listening on {listen}"))?;
    println!("Mangrove is serving on http://{}", listener.local_addr()?);
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    mangrove_server::serve_with(listener, store, server, shutdown).await?;
    Ok(())
}

async fn demo(cli: &Cli, reset: bool, factories: usize) -> anyhow::Result<()> {
    let options = options(cli)?;
    if reset {
        let Location::Sqlite(path) = &options.location else {
            bail!("--reset deletes a SQLite file; it never empties a PostgreSQL database");
        };
        for suffix in ["", "-wal", "-shm"] {
            let mut name = path.as_os_str().to_os_string();
            name.push(suffix);
            match std::fs::remove_file(&name) {
                Ok(()) => {}
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
                Err(error) => return Err(error).with_context(|| format!("deleting {}", PathBuf::from(name).display())),
            }
        }
    }
    let store = Store::open(options).await.context("opening the database")?;
    mangrove_demo::check_demo_complete(&store, &cli.database).await?;
    let spinner = indicatif::ProgressBar::new_spinner()
        .with_message(format!("building the Rayong demo with {factories} synthetic factories"));
    spinner.enable_steady_tick(std::time::Duration::from_millis(120));
    let logins = mangrove_demo::build_with_factories(&store, factories).await;
    spinner.finish_and_clear();
    let logins = logins?;
    let stats = {
        let ledger = store.ledger().read().await;
        let issued = ledger.app.registry.batches().map(|b| b.issued_tco2e.get()).sum::<u64>();
        (ledger.tree.len(), issued, ledger.app.factories.factories().count())
    };
    println!(
        "The Rayong demo is ready in {} ({} journal events, {} tCO2e issued, {} synthetic factories with 2022–2025 activity data).",
        cli.database, stats.0, stats.1, stats.2
    );
    println!("Sign in with any of these; the password is {}", mangrove_demo::DEMO_PASSWORD);
    println!("  {:<14} {:<10} organisation", "username", "role");
    for login in logins {
        println!("  {:<14} {:<10} {}", login.username, login.role.as_str(), login.organisation);
    }
    Ok(())
}

/// With a pinned key the key file is not consulted: an auditor checks with
/// the public key alone.
async fn verify(options: StoreOptions, public_key: Option<&str>) -> anyhow::Result<()> {
    let spinner =
        indicatif::ProgressBar::new_spinner().with_message("replaying the journal and checking every projection");
    spinner.enable_steady_tick(std::time::Duration::from_millis(120));
    let key_path = Some(options.key_path.as_path()).filter(|_| public_key.is_none());
    let result = mangrove_store::verify_database_pinned(&options.location, key_path, public_key).await;
    spinner.finish_and_clear();
    let checked_against = match public_key {
        Some(_) => " and the chain of deployment keys from the pinned key",
        None if options.key_path.exists() => " and the deployment key",
        None => "",
    };
    match result {
        Ok(loaded) => {
            println!("OK: {} events; hash chain intact; {} signed tree heads match the Merkle roots{}; every projection row matches the journal; the registry's, the ledger's, the books' and escrow invariants hold; {} stored snapshots match the state replayed to their positions.",
                loaded.tree.len(),
                loaded.tree_heads_checked,
                checked_against,
                loaded.snapshots_checked);
            if let Some(head) = loaded.latest_head {
                println!("Latest tree head: size {}, root {}", head.head.tree_size, hex_root(&head));
            }
            Ok(())
        }
        Err(error) => bail!("{error}"),
    }
}

async fn snapshot(options: StoreOptions) -> anyhow::Result<()> {
    let spinner = indicatif::ProgressBar::new_spinner().with_message("loading the state and storing a snapshot");
    spinner.enable_steady_tick(std::time::Duration::from_millis(120));
    let options = StoreOptions { snapshot_every_events: 0, ..options };
    let taken = async { Store::open(options).await?.take_snapshot().await }.await;
    spinner.finish_and_clear();
    match taken.context("storing a snapshot")? {
        Some(taken) => println!(
            "Stored a snapshot of the state after {} events ({} bytes, state hash {}); the next start replays only the events after it.",
            taken.position, taken.bytes, taken.state_hash
        ),
        None => println!("No snapshot was needed: the journal is empty, the latest snapshot stands at its end, or the deployment key was just handed over."),
    }
    Ok(())
}

async fn key(options: StoreOptions, command: &KeyCommand) -> anyhow::Result<()> {
    let new_key_path = match command {
        KeyCommand::Show => {
            let key = DeploymentKey::load(&options.key_path)?;
            println!("{}", key.public_key_hex());
            return Ok(());
        }
        KeyCommand::Rotate { new_key } => new_key,
    };
    let key_path = options.key_path.clone();
    if !key_path.exists() {
        bail!("there is no key file at {} to hand over from; the current key must sign the change", key_path.display());
    }
    let (new_key, _) = DeploymentKey::load_or_create(new_key_path)?;
    let store = Store::open(options).await.context("opening the database")?;
    let old_key = store.public_key_hex();
    if old_key == new_key.public_key_hex() {
        bail!("{} already holds the deployment key {old_key}", new_key_path.display());
    }
    let receipt = store.change_key(&new_key.public_key_hex()).await?;
    let seq = receipt.events.first().map_or(0, |event| event.seq);
    drop(store);
    new_key.save(&key_path).with_context(|| {
        format!(
            "the key change is journaled at event {seq}, but the key file could not be replaced: \
             copy {} to {} before the next start",
            new_key_path.display(),
            key_path.display()
        )
    })?;
    println!(
        "The deployment key changed at event {seq}: {old_key} handed over to {}, and {} now holds the new key.",
        new_key.public_key_hex(),
        key_path.display()
    );
    Ok(())
}

fn hex_root(head: &mangrove_core::signing::SignedTreeHead) -> String {
    serde_json::to_value(head).ok().and_then(|v| v["root_hash"].as_str().map(str::to_string)).unwrap_or_default()
}

async fn proof(cli: &Cli, command: &ProofCommand) -> anyhow::Result<()> {
    let file = match command {
        ProofCommand::Verify { file, public_key } => {
            let text = std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
            let proof: ProofFile = serde_json::from_str(&text)
                .with_context(|| format!("{} is not a Mangrove proof file", file.display()))?;
            return match proof.verify(public_key.as_deref()) {
                Ok(()) => {
                    println!(
                        "OK: {} proof verifies{}",
                        kind(&proof),
                        if public_key.is_some() { " against the pinned key" } else { "" }
                    );
                    Ok(())
                }
                Err(why) => bail!("the proof does not verify: {why}"),
            };
        }
        ProofCommand::Inclusion { seq } => ProofFile::Inclusion(open(cli).await?.inclusion_proof(*seq).await?),
        ProofCommand::Retirement { id } => {
            let store = open(cli).await?;
            let seq = store.ledger().read().await.app.retirement_seq(mangrove_core::RetirementId(*id));
            let seq = seq.with_context(|| format!("there is no retirement {id}"))?;
            ProofFile::Inclusion(store.inclusion_proof(seq).await?)
        }
        ProofCommand::Consistency { first, second } => {
            ProofFile::Consistency(open(cli).await?.consistency_proof(*first, *second).await?)
        }
    };
    println!("{}", serde_json::to_string_pretty(&file)?);
    Ok(())
}

fn kind(proof: &ProofFile) -> &'static str {
    match proof {
        ProofFile::Inclusion(_) => "inclusion",
        ProofFile::Consistency(_) => "consistency",
    }
}

async fn open(cli: &Cli) -> anyhow::Result<Store> {
    Store::open(options(cli)?).await.context("opening the database")
}
