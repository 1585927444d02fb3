//! Orders whose time has run out leave the book without anyone asking.
//! While the server runs, one task sleeps until the earliest open order's
//! `expires_at_ms` (the market keeps each book's expiries in an index, so
//! finding it costs one lookup per book), then submits `ExpireOrders` as
//! the system through the sequencer, like any other command, for each
//! instrument with expired orders; their escrow is released in the same
//! command. Expired orders never trade in the meantime: the engine skips
//! them.

use mangrove_app::{MarketCommand, Submission};
use mangrove_core::InstrumentId;
use mangrove_registry::Actor;
use mangrove_store::Store;
use std::time::Duration;

/// The longest the task sleeps before looking again, so that an order
/// placed with an earlier expiry, or a clock that jumps, is noticed soon.
pub const EXPIRY_CHECK_MS_MAX: i64 = 1_000;
/// The pause after an expiry before looking again; never zero, so a clock
/// that steps back cannot make the task spin.
const EXPIRY_RECHECK_MS: i64 = 10;

/// Stops the task when dropped, so it ends with the server.
pub struct ExpiryTask(tokio::task::AbortHandle);

impl Drop for ExpiryTask {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Starts the task on the current runtime. If it panics, the store turns
/// fatal: orders would otherwise silently stop expiring.
pub fn spawn(store: Store) -> ExpiryTask {
    let fatal = store.fatal().clone();
    let task = tokio::spawn(run(store));
    let abort = task.abort_handle();
    fatal.watch("order expiry task", task);
    ExpiryTask(abort)
}

async fn run(store: Store) {
    let mut commits = store.subscribe();
    loop {
        let now_ms = store.now_ms();
        let (due, next_ms) = {
            let ledger = store.ledger().read().await;
            (ledger.app.market.instruments_to_expire(now_ms), ledger.app.market.next_expiry_ms())
        };
        let mut failed = false;
        for instrument in due.iter().copied() {
            failed |= !expire(&store, instrument).await;
        }
        let wait_ms = match next_ms {
            _ if failed => EXPIRY_CHECK_MS_MAX,
            Some(at_ms) if due.is_empty() => (at_ms - now_ms).clamp(0, EXPIRY_CHECK_MS_MAX),
            // Just expired: look again soon for what expires next.
            Some(_) => EXPIRY_RECHECK_MS,
            None => EXPIRY_CHECK_MS_MAX,
        };
        tokio::select! {
            () = tokio::time::sleep(Duration::from_millis(wait_ms as u64)) => {}
            changed = commits.changed() => {
                if changed.is_err() {
                    tracing::info!("the store closed: order expiry stops");
                    return;
                }
            }
        }
    }
}

/// Submits one instrument's expiry; false if it failed (and was logged).
async fn expire(store: &Store, instrument: InstrumentId) -> bool {
    let command = MarketCommand::ExpireOrders { instrument };
    let submission = match Submission::new(&Actor::System, None, command) {
        Ok(submission) => submission,
        Err(why) => {
            tracing::error!(instrument = instrument.get(), error = %why, "could not build the expiry command");
            return false;
        }
    };
    match store.sequencer().submit(submission).await {
        Ok(receipt) => {
            tracing::info!(
                instrument = instrument.get(),
                events = receipt.events.len(),
                "expired orders left the book"
            );
            true
        }
        Err(why) => {
            tracing::error!(instrument = instrument.get(), error = %why, "expiring orders failed");
            false
        }
    }
}
