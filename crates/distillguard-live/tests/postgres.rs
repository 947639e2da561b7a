//! Several `serve` instances on one PostgreSQL database: every instance's engine sees
//! every instance's exchanges, one instance analyses and the others follow its results
//! and its analysts' actions, another takes over when it goes, and a restart loses
//! nothing. Needs `DISTILLGUARD_TEST_POSTGRES_URL` (`.ci/checks/70-postgres.sh`).

mod common;

use distillguard_live::decisions::AnalystAction;
use distillguard_live::service::Side;
use distillguard_live::{Live, LiveConfig, LiveError};
use distillguard_model::check::Action;

fn config() -> LiveConfig {
    LiveConfig {
        // Runs only when asked.
        analyze_every_exchanges: u64::MAX,
        ..LiveConfig::default()
    }
}

fn ndjson(prefix: &str, account: &str, n: usize) -> Vec<u8> {
    let mut body = String::new();
    for i in 0..n {
        let record = serde_json::json!({
            "ts": 1_793_500_000_000_i64 + 60_000 * i as i64,
            "account_id": account,
            "request_id": format!("{prefix}-{i}"),
            "model": "m-1",
            "prompt": format!("Explain step by step how to solve: {i} * 7"),
        });
        body.push_str(&record.to_string());
        body.push('\n');
    }
    body.into_bytes()
}

#[test]
#[ignore = "needs DISTILLGUARD_TEST_POSTGRES_URL; run by .ci/checks/70-postgres.sh"]
fn postgres_instances_share_exchanges_results_and_actions() {
    let database = common::postgres_database();
    let a = Live::open_database(&database, config(), Side::default()).expect("a");
    let b = Live::open_database(&database, config(), Side::default()).expect("b");

    let into_a = a
        .ingest_ndjson(&ndjson("a", "acct-a", 30))
        .expect("ingest a");
    let into_b = b
        .ingest_ndjson(&ndjson("b", "acct-b", 20))
        .expect("ingest b");
    assert_eq!((into_a.accepted, into_b.accepted), (30, 20));
    // The same request ids again, through the other instance: duplicates.
    let again = b.ingest_ndjson(&ndjson("a", "acct-a", 30)).expect("again");
    assert_eq!((again.accepted, again.duplicates), (0, 30));

    assert!(a.sync().expect("sync a"), "the first to ask leads");
    assert!(!b.sync().expect("sync b"), "the second follows");
    let run = a.analyze_now().expect("a analyses");
    assert_eq!(run.exchanges, 50, "a's engine folded b's exchanges");
    assert!(matches!(b.analyze_now(), Err(LiveError::Follower(_))));

    assert!(!b.sync().expect("b follows"));
    assert_eq!(b.published().run, run.run, "b serves a's results");
    assert_eq!(
        b.published().accounts().len(),
        a.published().accounts().len()
    );

    a.apply_action("acct-b", AnalystAction::Block, "ring", "alice")
        .expect("action on a");
    assert_eq!(a.decision("acct-b").action, Action::Block);
    b.sync().expect("b follows");
    assert_eq!(
        b.decision("acct-b").action,
        Action::Block,
        "b applies a's action"
    );

    // a goes: b takes over the analyses and sees everything.
    drop(a);
    let mut leads = false;
    for _ in 0..50 {
        if b.sync().expect("sync b") {
            leads = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(leads, "b takes over once a is gone");
    b.ingest_ndjson(&ndjson("c", "acct-c", 5))
        .expect("ingest c");
    assert_eq!(b.analyze_now().expect("b analyses").exchanges, 55);
    drop(b);

    // A restart: nothing acknowledged is lost.
    let c = Live::open_database(&database, config(), Side::default()).expect("c");
    assert_eq!(
        c.decision("acct-b").action,
        Action::Block,
        "action restored"
    );
    assert!(c.published().run > run.run, "b's last run restored");
    assert_eq!(c.analyze_now().expect("c analyses").exchanges, 55);
}
