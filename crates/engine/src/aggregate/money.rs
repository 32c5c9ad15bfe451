//! Money aggregates: number and sum of transactions, in total and per type.

use telemetra_types::{MoneyByType, Transaction, TransactionType, WindowMetrics};

/// Money events of one channel in one pane (or merged window).
///
/// Amounts are kept in cents so that sums are exact and independent of order.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct MoneyPane {
    /// (count, cents) per type, in `TransactionType::ALL` order.
    by_type: [(u64, i64); 4],
}

fn index(t: TransactionType) -> usize {
    TransactionType::ALL
        .iter()
        .position(|x| *x == t)
        .expect("ALL lists every type")
}

impl MoneyPane {
    /// Adds one transaction.
    pub fn add(&mut self, t: &Transaction) {
        let slot = &mut self.by_type[index(t.transaction_type)];
        slot.0 += 1;
        slot.1 = slot.1.saturating_add((t.amount * 100.0).round() as i64);
    }

    /// Adds another pane.
    pub fn merge(&mut self, other: &MoneyPane) {
        for (mine, theirs) in self.by_type.iter_mut().zip(&other.by_type) {
            mine.0 += theirs.0;
            mine.1 = mine.1.saturating_add(theirs.1);
        }
    }

    /// Writes the money fields.
    pub fn finish(self, m: &mut WindowMetrics) {
        m.transaction_count = self.by_type.iter().map(|(n, _)| n).sum();
        let cents: i64 = self.by_type.iter().map(|(_, c)| c).sum();
        m.transaction_amount = cents as f64 / 100.0;
        m.money_by_type = TransactionType::ALL
            .iter()
            .zip(self.by_type)
            .filter(|(_, (n, _))| *n > 0)
            .map(|(t, (count, cents))| MoneyByType {
                transaction_type: *t,
                count,
                total: cents as f64 / 100.0,
            })
            .collect();
    }
}
