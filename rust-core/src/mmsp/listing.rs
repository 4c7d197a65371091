//! The paid orders MMSP can list for reconciliation: its quick-pay (777) and gateway-pay (782)
//! batch queries. Scan code, the cashier's sub-API, has no list: its payments are checked
//! order by order. The batch queries know days, not times, and only paid orders of the last
//! three months (digest §5.9, A37, A54): each day of the range is read whole, page by page, and
//! the orders paid outside the range's times are left out.

use super::types::*;
use super::Client;
use crate::beijing;
use crate::error::{Error, Result};
use crate::gateway::Listing;

/// The platform's largest page.
const PER_PAGE: u32 = 1000;
/// At most this many pages per sub-API: 100,000 orders is no shift.
const MAX_PAGES: u32 = 100;

impl Client {
    /// The paid quick-pay and gateway-pay orders of `[from_ms, to_ms)`; `None` when neither
    /// sub-API is configured (nothing can be listed).
    pub(super) async fn paid_between(&self, from_ms: i64, to_ms: i64) -> Result<Option<Listing>> {
        let creds = self.credentials();
        let (start, end) = (beijing::date_compact(from_ms), beijing::date_compact(to_ms - 1));
        let mut payments = Vec::new();
        let mut covers = Vec::new();
        if creds.quick_pay_url.is_some() {
            for page in 1..=MAX_PAGES {
                let req = MmspQuickBatchQueryRequest {
                    start_date: start.clone(),
                    end_date: end.clone(),
                    per_page: PER_PAGE,
                    page,
                };
                let batch = self.quick_pay_batch_query(&req).await?;
                for t in &batch.items {
                    if let Some(no) = within(t.mer_order_id.as_deref(), t.pay_date.as_deref(), from_ms, to_ms) {
                        payments.push(quick_trade_result(no, t));
                    }
                }
                if last_page(page, batch.total_page, batch.items.len()) {
                    break;
                }
                too_many(page)?;
            }
            covers.push("paid quick payments (777)");
        }
        if creds.gateway_url.is_some() {
            for page in 1..=MAX_PAGES {
                let req = MmspGatewayBatchQueryRequest {
                    start_date: start.clone(),
                    end_date: end.clone(),
                    per_page: PER_PAGE,
                    page,
                };
                let batch = self.gateway_pay_batch_query(&req).await?;
                for t in &batch.items {
                    if let Some(no) = within(t.mer_order_id.as_deref(), t.pay_date.as_deref(), from_ms, to_ms) {
                        payments.push(gateway_trade_result(no, t));
                    }
                }
                if last_page(page, batch.total_page, batch.items.len()) {
                    break;
                }
                too_many(page)?;
            }
            covers.push("paid gateway payments (782)");
        }
        if covers.is_empty() {
            return Ok(None);
        }
        let covers = format!("{}; scan-code payments are not listed", covers.join(" and "));
        Ok(Some(Listing { covers, payments }))
    }
}

/// The order number of an item paid within `[from_ms, to_ms)`. An item without a readable
/// `PAY_DATE` is kept: the day matched, and reconciliation must rather ask about one order too
/// many than miss a payment.
fn within<'a>(order_no: Option<&'a str>, paid_at: Option<&str>, from_ms: i64, to_ms: i64) -> Option<&'a str> {
    let no = order_no.filter(|n| !n.trim().is_empty())?;
    match paid_at.and_then(beijing::parse_compact) {
        Some(at) if at < from_ms || at >= to_ms => None,
        _ => Some(no),
    }
}

fn last_page(page: u32, total_pages: Option<u32>, items: usize) -> bool {
    items == 0 || page >= total_pages.unwrap_or(0)
}

fn too_many(page: u32) -> Result<()> {
    if page == MAX_PAGES {
        return Err(Error::invalid("to", "more than 100,000 orders in the range: reconcile a shorter one"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_kept_by_their_pay_time() {
        let from = beijing::parse("2026-12-02 08:00", "from").unwrap();
        let to = beijing::parse("2026-12-02 16:00", "to").unwrap();
        assert_eq!(within(Some("A"), Some("20261202080000"), from, to), Some("A"));
        assert_eq!(within(Some("A"), Some("20261202155959"), from, to), Some("A"));
        assert_eq!(within(Some("A"), Some("20261202160000"), from, to), None);
        assert_eq!(within(Some("A"), Some("20261202075959"), from, to), None);
        // No readable time: kept (asked about rather than missed); no number: nothing to ask.
        assert_eq!(within(Some("A"), Some("2026-12-02"), from, to), Some("A"));
        assert_eq!(within(Some("A"), None, from, to), Some("A"));
        assert_eq!(within(Some(" "), Some("20261202090000"), from, to), None);
        assert_eq!(within(None, Some("20261202090000"), from, to), None);
    }

    #[test]
    fn pages_end_when_empty_or_the_last_is_read() {
        assert!(last_page(1, Some(1), 5));
        assert!(!last_page(1, Some(2), 1000));
        assert!(last_page(2, Some(5), 0));
        assert!(last_page(1, None, 3));
        assert!(too_many(MAX_PAGES).is_err());
        assert!(too_many(MAX_PAGES - 1).is_ok());
    }
}
