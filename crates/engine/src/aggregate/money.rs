//! Money aggregates: number and sum of transactions.

use telemetra_types::{Transaction, WindowMetrics};

/// Money events of one channel in one pane (or merged window).
#[derive(Clone, Debug, Default)]
pub struct MoneyPane {
    count: u64,
    /// Kept in cents so that sums are exact and independent of order.
    cents: i64,
}

impl MoneyPane {
    /// Adds one transaction.
    pub fn add(&mut self, t: &Transaction) {
        self.count += 1;
        self.cents = self.cents.saturating_add((t.amount * 100.0).round() as i64);
    }

    /// Adds another pane.
    pub fn merge(&mut self, other: &MoneyPane) {
        self.count += other.count;
        self.cents = self.cents.saturating_add(other.cents);
    }

    /// Writes the money fields.
    pub fn finish(self, m: &mut WindowMetrics) {
        m.transaction_count = self.count;
        m.transaction_amount = self.cents as f64 / 100.0;
    }
}
