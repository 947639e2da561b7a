//! The analyzer thread: re-runs the analysis when enough new exchanges arrived
//! (`analyze_every_exchanges`, woken by the ingest that crosses it) or when some arrived
//! and `analyze_interval` passed. With several instances on one database, only the
//! elected one analyses; the others follow its results (see [`Live::sync`]). A plain OS thread: the work is CPU-bound and must not
//! occupy an async worker.

use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::service::Live;

/// The running analyzer; [`Analyzer::stop`] ends it after the current run.
pub struct Analyzer {
    live: Arc<Live>,
    thread: Option<JoinHandle<()>>,
}

/// Starts the analyzer thread.
pub fn spawn(live: Arc<Live>) -> std::io::Result<Analyzer> {
    let worker = Arc::clone(&live);
    let thread = std::thread::Builder::new()
        .name("distillguard-analyzer".into())
        .spawn(move || run(&worker))?;
    Ok(Analyzer {
        live,
        thread: Some(thread),
    })
}

fn run(live: &Live) {
    let mut last = Instant::now();
    let tick = live
        .config()
        .analyze_interval
        .min(Duration::from_secs(1))
        .max(Duration::from_millis(10));
    loop {
        // Fold what other instances stored; followers take the analyzer's results.
        let leading = match live.sync() {
            Ok(leading) => leading,
            Err(err) => {
                tracing::error!(error = %err, "syncing with the database failed");
                false
            }
        };
        if leading && live.analysis_due(last) {
            if let Err(err) = live.analyze_now() {
                tracing::error!(error = %err, "analysis run failed");
            }
            last = Instant::now();
            continue;
        }
        if !live.wait_for_work(tick) {
            return;
        }
    }
}

impl Analyzer {
    pub fn stop(mut self) {
        self.live.stop();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Analyzer {
    fn drop(&mut self) {
        self.live.stop();
    }
}
