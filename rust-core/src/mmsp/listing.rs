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
use crate::trade::TradeResult;

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
        let kept = |no: Option<&str>, paid_at: Option<&str>| within(no, paid_at, from_ms, to_ms).map(str::to_string);
        // Borrowed into each page's future.
        let (start, end, kept) = (&start, &end, &kept);
        if creds.quick_pay_url.is_some() {
            payments.extend(
                pages(|page| async move {
                    let req = MmspQuickBatchQueryRequest {
                        start_date: start.clone(),
                        end_date: end.clone(),
                        per_page: PER_PAGE,
                        page,
                    };
                    let batch = self.quick_pay_batch_query(&req).await?;
                    let rows = batch.items.iter().filter_map(|t| {
                        kept(t.mer_order_id.as_deref(), t.pay_date.as_deref()).map(|no| quick_trade_result(&no, t))
                    });
                    Ok((rows.collect(), batch.total_page, batch.items.len()))
                })
                .await?,
            );
            covers.push("paid quick payments (777)");
        }
        if creds.gateway_url.is_some() {
            payments.extend(
                pages(|page| async move {
                    let req = MmspGatewayBatchQueryRequest {
                        start_date: start.clone(),
                        end_date: end.clone(),
                        per_page: PER_PAGE,
                        page,
                    };
                    let batch = self.gateway_pay_batch_query(&req).await?;
                    let rows = batch.items.iter().filter_map(|t| {
                        kept(t.mer_order_id.as_deref(), t.pay_date.as_deref()).map(|no| gateway_trade_result(&no, t))
                    });
                    Ok((rows.collect(), batch.total_page, batch.items.len()))
                })
                .await?,
            );
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

/// One page of a batch query: its payments kept, the platform's page count, its item count.
type Page = (Vec<TradeResult>, Option<u32>, usize);

/// Reads the pages of a batch query from the first until an empty one or the last.
async fn pages<F, Fut>(mut page_of: F) -> Result<Vec<TradeResult>>
where
    F: FnMut(u32) -> Fut,
    Fut: std::future::Future<Output = Result<Page>>,
{
    let mut out = Vec::new();
    for page in 1..=MAX_PAGES {
        let (rows, total_pages, items) = page_of(page).await?;
        out.extend(rows);
        if last_page(page, total_pages, items) {
            return Ok(out);
        }
    }
    Err(Error::invalid("to", "more than 100,000 orders in the range: reconcile a shorter one"))
}

fn last_page(page: u32, total_pages: Option<u32>, items: usize) -> bool {
    items == 0 || page >= total_pages.unwrap_or(0)
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
    }

    #[tokio::test]
    async fn every_page_is_read_up_to_the_last_and_no_further() {
        let asked = std::sync::Mutex::new(Vec::new());
        let rows =
            pages(|page| {
                asked.lock().unwrap().push(page);
                async move {
                    Ok((vec![TradeResult::new(format!("P{page}"), crate::trade::TradeState::Paid)], Some(3), 1000))
                }
            })
            .await
            .unwrap();
        assert_eq!(rows.iter().map(|r| r.order_no.as_str()).collect::<Vec<_>>(), ["P1", "P2", "P3"]);
        assert_eq!(*asked.lock().unwrap(), [1, 2, 3]);
        // A platform that never says it is done is not read for ever.
        let endless = pages(|_| async { Ok((Vec::new(), Some(u32::MAX), 1000)) }).await;
        assert!(matches!(endless, Err(Error::InvalidInput { field, .. }) if field == "to"));
    }
}
