//! Read models the API serves beyond the stored rows themselves.

use std::collections::HashMap;

use serde::Serialize;
use telemetra_types::{CountEntry, MoneyByType, Timestamp, TransactionType};

/// One viewer count sample.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ViewerSample {
    /// Sample time.
    pub timestamp: Timestamp,
    /// Concurrent viewers.
    pub viewer_count: u64,
    /// Viewers in chat, when reported.
    #[schema(required)]
    pub chatter_count: Option<u64>,
}

/// One stored money event.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct TransactionRecord {
    /// Unique id.
    pub transaction_id: String,
    /// Event time.
    pub timestamp: Timestamp,
    /// Kind.
    pub transaction_type: TransactionType,
    /// Amount in `currency`.
    pub amount: f64,
    /// ISO 4217 code.
    pub currency: String,
    /// Payer.
    #[schema(required)]
    pub username: Option<String>,
    /// Subscription tier.
    #[schema(required)]
    pub tier: Option<String>,
    /// Gifted subscriptions.
    #[schema(required)]
    pub count: Option<u64>,
}

/// Totals of the money events in a range.
#[derive(Clone, Debug, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct MoneySummary {
    /// Number of events.
    pub count: u64,
    /// Sum of amounts.
    pub total: f64,
    /// The same per type.
    pub by_type: Vec<MoneyByType>,
}

/// Which top list of the windows to aggregate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TopList {
    /// `top_emotes`.
    Emotes,
    /// `top_chatters`.
    Chatters,
}

impl TopList {
    /// The column holding the list.
    pub fn column(self) -> &'static str {
        match self {
            TopList::Emotes => "top_emotes",
            TopList::Chatters => "top_chatters",
        }
    }
}

/// Adds up the top lists of windows that do not overlap, taken in start order, and
/// returns the `limit` largest totals. Sliding windows overlap, so summing all of
/// them would count each event several times; the windows only keep their top 10,
/// so totals of rare names are lower bounds.
pub fn sum_top_lists(
    windows: impl IntoIterator<Item = (Timestamp, Timestamp, Vec<CountEntry>)>,
    limit: usize,
) -> Vec<CountEntry> {
    let mut totals: HashMap<String, u64> = HashMap::new();
    let mut covered_until = i64::MIN;
    for (start, end, entries) in windows {
        if start.0 < covered_until {
            continue;
        }
        covered_until = end.0;
        for e in entries {
            *totals.entry(e.name).or_default() += e.count;
        }
    }
    let mut list: Vec<CountEntry> = totals
        .into_iter()
        .map(|(name, count)| CountEntry { name, count })
        .collect();
    list.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    list.truncate(limit);
    list
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(name: &str, count: u64) -> CountEntry {
        CountEntry {
            name: name.into(),
            count,
        }
    }

    #[test]
    fn overlapping_windows_are_counted_once() {
        let w = |s: i64, list: Vec<CountEntry>| (Timestamp(s), Timestamp(s + 60), list);
        let windows = vec![
            w(0, vec![e("Kappa", 3), e("LUL", 1)]),
            w(10, vec![e("Kappa", 9)]), // overlaps the first: skipped
            w(60, vec![e("LUL", 4)]),
            w(120, vec![e("Kappa", 1)]),
        ];
        assert_eq!(sum_top_lists(windows, 10), vec![e("LUL", 5), e("Kappa", 4)]);
    }
}
