//! The routes of `/api/v1`, by audience: public reads (the explorer's
//! view of trades among them), sign-in, and the commands that change the
//! registry.

pub mod commands;
pub mod dashboard;
pub mod explorer;
pub mod market;
pub mod measure;
pub mod monitoring;
pub mod people;
pub mod public;
pub mod reductions;
pub mod stream;
pub mod world;

use serde::{Deserialize, Serialize};
use std::sync::{Arc, Mutex};

/// A figure computed from the published state at one journal size, kept
/// until the journal grows (the dashboard, the city's facts).
pub struct ByJournalSize<T>(Mutex<Option<(u64, Arc<T>)>>);

impl<T> Default for ByJournalSize<T> {
    fn default() -> Self {
        ByJournalSize(Mutex::new(None))
    }
}

impl<T> ByJournalSize<T> {
    /// The value at `journal_size`, computed by `compute` unless kept.
    pub fn get_or(&self, journal_size: u64, compute: impl FnOnce() -> T) -> Arc<T> {
        if let Some((size, kept)) = self.0.lock().expect("the cache lock is never poisoned").as_ref() {
            if *size == journal_size {
                return kept.clone();
            }
        }
        let fresh = Arc::new(compute());
        *self.0.lock().expect("the cache lock is never poisoned") = Some((journal_size, fresh.clone()));
        fresh
    }
}

/// Rows per page by default, and at most.
pub const PAGE_ROWS_DEFAULT: usize = 20;
pub const PAGE_ROWS_MAX: usize = 100;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PageQuery {
    /// Page number, from 1.
    pub page: Option<usize>,
    /// Rows per page, 1 to 100.
    pub per_page: Option<usize>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub total: usize,
    pub page: usize,
    pub per_page: usize,
}

impl PageQuery {
    /// The page of `rows` asked for, each shown by `view`: every row is
    /// counted, but only the page's rows are shown.
    pub fn take<R, T>(&self, rows: impl Iterator<Item = R>, mut view: impl FnMut(R) -> T) -> Paged<T> {
        let per_page = self.per_page.unwrap_or(PAGE_ROWS_DEFAULT).clamp(1, PAGE_ROWS_MAX);
        let page = self.page.unwrap_or(1).max(1);
        let mut total = 0;
        let mut items = Vec::new();
        let skip = (page - 1).saturating_mul(per_page);
        for row in rows {
            if total >= skip && items.len() < per_page {
                items.push(view(row));
            }
            total += 1;
        }
        Paged { items, total, page, per_page }
    }
}
