//! [`EmbeddedDecider`]: the live detection engine in the gateway's own process
//! (`distillguard gateway --data DIR`), with no `serve` to run beside it.
//!
//! `check` is one lookup in the engine's published decision table (no await, no I/O).
//! `record` puts the exchange on a bounded queue and returns; a writer thread drains the
//! queue in batches into [`Live::ingest`] (durable once it returns), and the engine's
//! analyzer thread re-analyses in the background as `serve` does. A full queue drops the
//! record and counts it (`records_dropped`), so a slow disk never slows requests.

use std::sync::atomic::Ordering;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::Arc;

use distillguard_live::analyzer::Analyzer;
use distillguard_live::Live;
use distillguard_model::check::{CheckRequest, CheckResponse};
use distillguard_model::Exchange;

use super::{BoxFuture, DecideError, Decider};
use crate::metrics::Metrics;

/// Exchanges waiting for the writer thread before new ones are dropped.
pub const QUEUE: usize = 65_536;

/// Exchanges committed per write.
pub const BATCH: usize = 1_000;

pub struct EmbeddedDecider {
    live: Arc<Live>,
    queue: SyncSender<Exchange>,
    metrics: Arc<Metrics>,
    // Kept so the analyzer thread lives as long as the decider.
    _analyzer: Analyzer,
}

impl EmbeddedDecider {
    /// Starts the writer and analyzer threads around an opened engine.
    pub fn start(live: Arc<Live>, metrics: Arc<Metrics>) -> std::io::Result<EmbeddedDecider> {
        let (queue, pending) = sync_channel::<Exchange>(QUEUE);
        let writer_live = Arc::clone(&live);
        let writer_metrics = Arc::clone(&metrics);
        std::thread::Builder::new()
            .name("distillguard-gateway-writer".into())
            .spawn(move || write_batches(&writer_live, &pending, &writer_metrics))?;
        let analyzer = distillguard_live::analyzer::spawn(Arc::clone(&live))?;
        Ok(EmbeddedDecider {
            live,
            queue,
            metrics,
            _analyzer: analyzer,
        })
    }
}

fn write_batches(live: &Live, pending: &Receiver<Exchange>, metrics: &Metrics) {
    while let Ok(first) = pending.recv() {
        let mut batch = vec![first];
        while batch.len() < BATCH {
            match pending.try_recv() {
                Ok(exchange) => batch.push(exchange),
                Err(_) => break,
            }
        }
        let n = batch.len() as u64;
        match live.ingest(batch) {
            Ok(_) => {
                metrics.records_sent.fetch_add(n, Ordering::Relaxed);
            }
            Err(err) => {
                metrics.records_dropped.fetch_add(n, Ordering::Relaxed);
                tracing::error!(error = %err, exchanges = n, "embedded engine could not store exchanges");
            }
        }
    }
}

impl Decider for EmbeddedDecider {
    fn check<'a>(
        &'a self,
        request: &'a CheckRequest,
    ) -> BoxFuture<'a, Result<CheckResponse, DecideError>> {
        Box::pin(std::future::ready(Ok(self.live.check(request))))
    }

    fn record(&self, exchange: Exchange) {
        match self.queue.try_send(exchange) {
            Ok(()) => {}
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => {
                self.metrics.records_dropped.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use distillguard_live::service::Side;
    use distillguard_live::LiveConfig;
    use distillguard_model::check::Action;

    #[test]
    fn records_reach_the_engine_and_checks_answer() {
        let live =
            Arc::new(Live::in_memory(LiveConfig::default(), Side::default()).expect("opens"));
        let metrics = Arc::new(Metrics::default());
        let decider =
            EmbeddedDecider::start(Arc::clone(&live), Arc::clone(&metrics)).expect("threads start");
        for i in 0..10 {
            decider.record(Exchange {
                ts: 1_700_000_000_000 + i,
                account_id: "key-a".into(),
                request_id: Some(format!("r{i}")),
                prompt: Some("hello".into()),
                ..Exchange::default()
            });
        }
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while metrics.records_sent.load(Ordering::Relaxed) < 10 {
            assert!(std::time::Instant::now() < deadline, "records never stored");
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        assert_eq!(metrics.records_dropped.load(Ordering::Relaxed), 0);
        let answer = live.check(&CheckRequest {
            account_id: "key-a".into(),
            request: None,
        });
        assert_eq!(answer.action, Action::Allow);
    }
}
