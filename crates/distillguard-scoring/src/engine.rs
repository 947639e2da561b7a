//! The analysis engine: exchanges in, a [`Report`] out.
//!
//! `observe_batch` (or `observe_batches`, for a stream) computes per-exchange signals
//! in parallel and folds them into per-account fingerprints (memory grows with
//! accounts, not exchanges); `finish` fits the detectors on the population, builds the
//! account graph, scores accounts and clusters, calibrates thresholds on ordinary
//! traffic, groups campaigns and assembles the report with every verdict's evidence.
//! Pure and deterministic: the same exchanges in any order give the same report.

use distillguard_features::fingerprint::Collector;
use distillguard_features::networks::HostingNetworks;
use distillguard_features::signals;
use distillguard_model::report::{InputSummary, Report};
use distillguard_model::{AccountRecord, Exchange, ModelRelease, PartnerIndicator};
use rayon::prelude::*;

use crate::assemble;
use crate::calibrate::{self, Thresholds};
use crate::cluster_score::{self, ScoredCluster};
use crate::combine;
use crate::config::Config;
use crate::detectors::{Detectors, Finding, Group};

/// Inputs besides the exchanges.
#[derive(Debug, Clone, Copy, Default)]
pub struct SideInputs<'a> {
    pub accounts: &'a [AccountRecord],
    pub releases: &'a [ModelRelease],
    pub intel: &'a [PartnerIndicator],
}

/// What the reader counted and the engine cannot know (rejects, duplicates).
#[derive(Debug, Clone, Copy, Default)]
pub struct ReaderCounts {
    pub rejected: u64,
    pub duplicates: u64,
}

/// The stages of [`Engine::finish`], in order, so a caller can show progress on a
/// large population (each is announced as it starts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Per-account fingerprints closed and the population's detectors fitted.
    Population,
    /// Every account assessed on its own; thresholds calibrated on ordinary traffic.
    Accounts,
    /// Candidate pairs found and verified into the account graph.
    Graph,
    /// Clusters found in the graph and scored.
    Clusters,
    /// Verdicts, evidence and campaigns assembled into the report.
    Report,
}

impl Stage {
    /// What the stage does, in a few words.
    pub fn describe(self) -> &'static str {
        match self {
            Stage::Population => "fitting the population",
            Stage::Accounts => "scoring accounts, calibrating thresholds",
            Stage::Graph => "linking accounts",
            Stage::Clusters => "finding and scoring clusters",
            Stage::Report => "assembling verdicts and campaigns",
        }
    }
}

/// The engine's result: the report and what it was calibrated with.
#[derive(Debug)]
pub struct Analysis {
    pub report: Report,
    pub thresholds: Thresholds,
    pub graph_edges: usize,
    pub candidate_pairs: usize,
}

#[derive(Debug, Clone)]
pub struct Engine {
    config: Config,
    collector: Collector,
    exchanges: u64,
    from: Option<i64>,
    to: Option<i64>,
}

/// Every per-exchange signal of `batch`, computed in parallel.
fn extract_all(batch: &[Exchange]) -> Vec<signals::ExchangeSignals> {
    batch.par_iter().map(signals::extract).collect()
}

impl Engine {
    pub fn new(config: Config) -> Engine {
        let collector = Collector::with_hosting(HostingNetworks::with_extra(&config.hosting_asns));
        Engine {
            config,
            collector,
            exchanges: 0,
            from: None,
            to: None,
        }
    }

    /// Folds a batch of (valid, de-duplicated) exchanges.
    pub fn observe_batch(&mut self, batch: &[Exchange]) {
        let sigs = extract_all(batch);
        self.fold(batch, &sigs);
    }

    /// Folds batches as they come, in order, with the same result as
    /// [`Engine::observe_batch`] on each: the signals of one batch are computed (in
    /// parallel) while the one before it is folded, so the pool is not left idle during
    /// the fold, which is serial (about a sixth of a core in `analyze`, where the
    /// workers stood idle that long for every batch). `folded` is told the size of
    /// each batch once it is folded.
    pub fn observe_batches<I>(&mut self, batches: I, mut folded: impl FnMut(usize) + Send)
    where
        I: IntoIterator<Item = Vec<Exchange>>,
    {
        let mut ready: Option<(Vec<Exchange>, Vec<signals::ExchangeSignals>)> = None;
        // One more round after the last batch, to fold it.
        for batch in batches.into_iter().map(Some).chain([None]) {
            let previous = ready.take();
            let (sigs, ()) = rayon::join(
                || batch.as_deref().map(extract_all),
                || {
                    if let Some((done, sigs)) = previous {
                        self.fold(&done, &sigs);
                        folded(done.len());
                    }
                },
            );
            ready = batch.zip(sigs);
        }
    }

    fn fold(&mut self, batch: &[Exchange], sigs: &[signals::ExchangeSignals]) {
        for (ex, sig) in batch.iter().zip(sigs) {
            self.note(ex);
            self.collector.observe(ex, sig);
        }
    }

    /// Folds one exchange.
    pub fn observe(&mut self, ex: &Exchange) {
        self.note(ex);
        self.collector.observe(ex, &signals::extract(ex));
    }

    fn note(&mut self, ex: &Exchange) {
        self.exchanges += 1;
        self.from = Some(self.from.map_or(ex.ts, |f| f.min(ex.ts)));
        self.to = Some(self.to.map_or(ex.ts, |t| t.max(ex.ts)));
    }

    pub fn exchanges(&self) -> u64 {
        self.exchanges
    }

    /// Scores accounts with the per-account volume threshold only (the baseline).
    pub fn finish_baseline(self, side: SideInputs<'_>, counts: ReaderCounts) -> Report {
        let input = InputSummary {
            exchanges: self.exchanges,
            accounts: 0,
            rejected: counts.rejected,
            duplicates: counts.duplicates,
            from: self.from,
            to: self.to,
        };
        let population = self.collector.finish(side.accounts);
        let input = InputSummary {
            accounts: population.accounts.len() as u64,
            ..input
        };
        crate::baseline::report(&population, input, &self.config)
    }

    /// Scores everything seen so far without consuming the engine, so that a live
    /// service can keep folding exchanges and re-analyse whenever it likes. Costs a copy
    /// of the per-account state (memory proportional to accounts, not exchanges).
    pub fn analyze(&self, side: SideInputs<'_>, counts: ReaderCounts) -> Analysis {
        self.clone().finish(side, counts)
    }

    /// Scores everything and builds the report.
    pub fn finish(self, side: SideInputs<'_>, counts: ReaderCounts) -> Analysis {
        self.finish_with_stages(side, counts, &mut |_| {})
    }

    /// [`Engine::finish`], telling `stage` as each [`Stage`] starts.
    pub fn finish_with_stages(
        self,
        side: SideInputs<'_>,
        counts: ReaderCounts,
        stage: &mut dyn FnMut(Stage),
    ) -> Analysis {
        let config = self.config;
        stage(Stage::Population);
        let population = self.collector.finish(side.accounts);
        let accounts = &population.accounts;
        let detectors = Detectors::fit(
            &population,
            side.releases,
            side.intel,
            config.shrinkage_exchanges,
        );
        let cap = config.group_cap;

        // Accounts on their own.
        stage(Stage::Accounts);
        let findings: Vec<Vec<Finding>> =
            accounts.par_iter().map(|a| detectors.assess(a)).collect();
        let maxima: Vec<[f64; Group::COUNT]> =
            findings.iter().map(|f| combine::group_maxima(f)).collect();
        let own_totals: Vec<f64> = maxima.iter().map(|m| combine::total(m, cap)).collect();

        // Thresholds from ordinary traffic (accounts that made requests).
        let rows: Vec<Vec<f64>> = accounts
            .iter()
            .zip(&maxima)
            .filter(|(a, _)| a.stats.exchanges > 0)
            .map(|(_, m)| Group::ACCOUNT.iter().map(|g| m[g.index()]).collect())
            .collect();
        let thresholds = calibrate::calibrate(
            &rows,
            &|row: &[f64]| combine::total_of_account_row(row, cap),
            &config,
        );

        // Across accounts.
        stage(Stage::Graph);
        let mut graph = distillguard_graph::build(accounts, &config.graph);
        stage(Stage::Clusters);
        let components = distillguard_graph::connected_clusters(
            accounts.len(),
            &graph.edges,
            config.min_cluster_size,
        );
        let clusters: Vec<_> =
            distillguard_graph::refine(components, &graph.edges, &|e| e.evidence.weight())
                .into_iter()
                .filter(|c| c.members.len() >= config.min_cluster_size)
                .collect();
        let attachments = if config.graph.attach {
            distillguard_graph::attach(&mut graph, &clusters, config.graph.edge_threshold)
        } else {
            graph.release_keys();
            Vec::new()
        };
        let mut scored: Vec<ScoredCluster> = clusters
            .par_iter()
            .map(|c| cluster_score::score_cluster(c, accounts, &maxima, &graph, &detectors, cap))
            .collect();
        for attachment in attachments {
            if let Some(c) = scored.get_mut(attachment.cluster) {
                c.attached.push(attachment);
            }
        }

        let input = InputSummary {
            exchanges: self.exchanges,
            accounts: accounts.len() as u64,
            rejected: counts.rejected,
            duplicates: counts.duplicates,
            from: self.from,
            to: self.to,
        };
        stage(Stage::Report);
        let report = assemble::report(assemble::Parts {
            input,
            population: &population,
            findings: &findings,
            own_totals: &own_totals,
            graph: &graph,
            clusters: &scored,
            thresholds: &thresholds,
            config: &config,
        });
        Analysis {
            report,
            thresholds,
            graph_edges: graph.edges.len(),
            candidate_pairs: graph.candidate_pairs,
        }
    }
}
