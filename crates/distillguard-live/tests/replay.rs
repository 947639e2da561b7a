//! Issue 5: a simulated campaign replayed through the live service in time order gets
//! flagged and then blocked or degraded, while benign accounts pass untouched. On the
//! embedded database, and on PostgreSQL when `DISTILLGUARD_TEST_POSTGRES_URL` is set
//! (`.ci/checks/70-postgres.sh`).

mod common;

use distillguard_live::replay::{load_simulation, replay_on};
use distillguard_live::store::Database;
use distillguard_live::LiveConfig;

#[test]
fn a_simulated_campaign_is_flagged_then_stopped_and_benign_traffic_passes() {
    campaign_is_stopped_and_benign_traffic_passes(&Database::InMemory);
}

#[test]
#[ignore = "needs DISTILLGUARD_TEST_POSTGRES_URL; run by .ci/checks/70-postgres.sh"]
fn on_postgres_a_simulated_campaign_is_flagged_then_stopped() {
    campaign_is_stopped_and_benign_traffic_passes(&common::postgres_database());
}

fn campaign_is_stopped_and_benign_traffic_passes(database: &Database) {
    let dir = tempfile::tempdir().expect("tempdir");
    let scenario = distillguard_sim::load("default")
        .expect("scenario")
        .scaled(0.02);
    let options = distillguard_sim::Options {
        seed: 7,
        format: distillguard_sim::Format::Jsonl,
        scale: 0.02,
        ..distillguard_sim::Options::default()
    };
    distillguard_sim::generate(&scenario, dir.path(), &options, &|_, _| {}).expect("simulate");
    let sim = load_simulation(dir.path()).expect("load");
    let day = 24 * 3_600_000;
    let outcome = replay_on(
        database,
        sim.exchanges,
        &sim.labels,
        day,
        LiveConfig::default(),
        sim.side,
    )
    .expect("replay");
    eprintln!("{}", distillguard_live::replay::markdown(&outcome));

    assert!(!outcome.campaigns.is_empty());
    let stopped: Vec<_> = outcome
        .campaigns
        .iter()
        .filter(|c| c.flagged_at.is_some() && c.refused + c.served_degraded > 0)
        .collect();
    assert!(
        !stopped.is_empty(),
        "no campaign was flagged and then stopped"
    );
    for c in &stopped {
        // Flagged before stopped, and stopped before the end of its traffic.
        assert!(c.flagged_at <= c.stopped_at.or(c.flagged_at));
        assert!(c.served_full < c.attempted, "{}", c.campaign);
    }
    // Benign accounts: none refused; degraded at most a small share of exchanges.
    let benign = &outcome.benign;
    assert_eq!(benign.refused, 0, "benign exchanges refused: {benign:?}");
    assert!(
        (benign.served_degraded as f64) < 0.02 * benign.attempted as f64,
        "{benign:?}"
    );
}
