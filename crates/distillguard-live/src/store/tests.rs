//! The backend contract, checked on both backends: every test runs on an in-memory
//! SQLite database, and again on PostgreSQL when `DISTILLGUARD_TEST_POSTGRES_URL` is set
//! (those are `#[ignore]`d otherwise; `.ci/checks/70-postgres.sh` runs them).

use distillguard_model::report::Report;
use distillguard_model::verdict::Verdict;
use distillguard_model::Exchange;

use super::{Database, NewAction, RunRecord, Store, VerdictChange};
use crate::decisions::AnalystAction;

/// The PostgreSQL server the ignored tests use.
pub(crate) const POSTGRES_URL_VAR: &str = "DISTILLGUARD_TEST_POSTGRES_URL";

/// A fresh schema on the test server, so tests do not see each other's rows.
pub(crate) fn postgres_database() -> Database {
    let url = std::env::var(POSTGRES_URL_VAR)
        .unwrap_or_else(|_| panic!("{POSTGRES_URL_VAR} must name a PostgreSQL server"));
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    Database::Postgres {
        url,
        schema: format!("dg_test_{}_{n}_{nanos}", std::process::id()),
    }
}

fn exchange(id: &str, account: &str) -> Exchange {
    Exchange {
        ts: 1_000,
        account_id: account.into(),
        request_id: Some(id.into()),
        ..Exchange::default()
    }
}

fn replayed(store: &mut Store, after: i64) -> Vec<(i64, String)> {
    let mut seen = Vec::new();
    store
        .exchanges_after(after, &mut |seq, e| {
            seen.push((seq, e.request_id.unwrap_or_default()));
            Ok(())
        })
        .expect("replay");
    seen
}

fn duplicates_are_stored_once_and_replayed_in_order(mut store: Store) {
    let first = store
        .append_exchanges(
            &[
                exchange("r1", "a"),
                exchange("r2", "b"),
                exchange("r1", "a"),
            ],
            5,
        )
        .expect("append");
    assert_eq!(first, vec![Some(1), Some(2), None]);
    let again = store
        .append_exchanges(&[exchange("r2", "b"), exchange("r3", "a")], 6)
        .expect("append");
    assert_eq!(
        again,
        vec![None, Some(3)],
        "seqs stay gapless after duplicates"
    );
    assert_eq!(
        replayed(&mut store, 0),
        vec![(1, "r1".into()), (2, "r2".into()), (3, "r3".into())]
    );
    assert_eq!(replayed(&mut store, 2), vec![(3, "r3".into())]);
    assert_eq!(store.exchange_count().expect("count"), 3);
    let timeline = store.timeline("a", 10).expect("timeline");
    assert_eq!(timeline.len(), 2);
    assert_eq!(timeline[0].seq, 3, "newest first");
    assert_eq!(timeline[0].received_at, 6);
}

fn actions_are_audited(mut store: Store) {
    store
        .record_action(&NewAction {
            at: 7,
            who: "alice",
            account_id: "acct",
            action: AnalystAction::Block,
            note: "fraud ring",
            verdict_then: Some(Verdict::Suspicious),
        })
        .expect("action");
    store
        .record_action(&NewAction {
            at: 8,
            who: "bob",
            account_id: "other",
            action: AnalystAction::Allow,
            note: "",
            verdict_then: None,
        })
        .expect("action");
    let actions = store.actions().expect("actions");
    assert_eq!(actions.len(), 2);
    assert_eq!(actions[0].action, AnalystAction::Block);
    assert_eq!(actions[0].verdict_then, Some(Verdict::Suspicious));
    assert_eq!(actions[1].verdict_then, None);
    let of = store.actions_of("other", 10).expect("actions of");
    assert_eq!(of.len(), 1);
    assert_eq!(of[0].who, "bob");
    let audit = store.audit(0, 10).expect("audit");
    assert_eq!(audit.len(), 2);
    assert_eq!(audit[0].who, "alice");
    assert_eq!(audit[0].what, "account.block");
    assert_eq!(audit[0].detail["note"], "fraud ring");
    assert_eq!(store.audit(audit[0].id, 10).expect("audit").len(), 1);
}

fn runs_keep_history_alerts_and_the_snapshot(mut store: Store) {
    assert_eq!(store.snapshot_run().expect("run"), 0);
    assert!(store.snapshot().expect("snapshot").is_none());
    let report = empty_report();
    let changes = vec![VerdictChange {
        run: 0,
        at: 50,
        account_id: "acct".into(),
        verdict: Verdict::Attack,
        score: 0.97,
        evidence: serde_json::json!([{"kind": "payment"}]),
    }];
    let alerts = vec![(
        "account".to_string(),
        "acct".to_string(),
        Some(Verdict::Attack),
        Some(0.97),
        "newly attack".to_string(),
    )];
    let (run, stored) = store
        .record_run(&RunRecord {
            at: 50,
            exchanges: 10,
            accounts: 1,
            duration_ms: 3,
            report: &report,
            changes: &changes,
            alerts: &alerts,
        })
        .expect("run");
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].verdict, Some(Verdict::Attack));
    assert_eq!(store.snapshot_run().expect("run"), run);
    let (snap_run, _) = store.snapshot().expect("snapshot").expect("some");
    assert_eq!(snap_run, run);
    let history = store.verdict_history("acct", 5).expect("history");
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].verdict, Verdict::Attack);
    assert_eq!(history[0].evidence[0]["kind"], "payment");
    let listed = store.alerts(0, 10).expect("alerts");
    assert_eq!(listed, stored);
    let (second, _) = store
        .record_run(&RunRecord {
            at: 60,
            exchanges: 11,
            accounts: 1,
            duration_ms: 3,
            report: &report,
            changes: &[],
            alerts: &[],
        })
        .expect("second run");
    assert!(second > run);
    assert_eq!(store.snapshot_run().expect("run"), second);
    assert!(store.ping());
    assert!(store.try_lead().expect("lead"));
}

/// The report of an engine that saw nothing.
fn empty_report() -> Report {
    let side = distillguard_scoring::SideInputs {
        accounts: &[],
        releases: &[],
        intel: &[],
    };
    distillguard_scoring::Engine::new(distillguard_scoring::Config::default())
        .finish(side, distillguard_scoring::ReaderCounts::default())
        .report
}

macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[test]
                fn $name() {
                    super::$name(super::Database::InMemory.open().expect("open"));
                }
            )*
        }
        mod postgres {
            $(
                #[test]
                #[ignore = "needs DISTILLGUARD_TEST_POSTGRES_URL; run by .ci/checks/70-postgres.sh"]
                fn $name() {
                    super::$name(super::postgres_database().open().expect("open"));
                }
            )*
        }
    };
}

on_both_backends!(
    duplicates_are_stored_once_and_replayed_in_order,
    actions_are_audited,
    runs_keep_history_alerts_and_the_snapshot,
);

/// Two connections on one schema: one analyzer, one log order.
#[test]
#[ignore = "needs DISTILLGUARD_TEST_POSTGRES_URL; run by .ci/checks/70-postgres.sh"]
fn postgres_instances_share_one_log_and_elect_one_analyzer() {
    let database = postgres_database();
    let mut a = database.open().expect("open a");
    let mut b = database.open().expect("open b");
    assert_eq!(
        a.append_exchanges(&[exchange("r1", "x")], 1).expect("a"),
        vec![Some(1)]
    );
    assert_eq!(
        b.append_exchanges(&[exchange("r1", "x"), exchange("r2", "y")], 2)
            .expect("b"),
        vec![None, Some(2)],
        "b sees a's request id and continues a's seq"
    );
    assert_eq!(replayed(&mut a, 1), vec![(2, "r2".into())]);
    assert!(a.try_lead().expect("a leads"));
    assert!(!b.try_lead().expect("b follows"));
    assert!(a.try_lead().expect("a still leads"));
    drop(a);
    // The lock goes with a's connection.
    let mut took_over = false;
    for _ in 0..50 {
        if b.try_lead().expect("b") {
            took_over = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(took_over, "b takes over once a is gone");
}

/// Concurrent appends from several connections: every row gets a distinct seq, the
/// seqs are gapless, and a reader never sees a later seq before an earlier one.
#[test]
#[ignore = "needs DISTILLGUARD_TEST_POSTGRES_URL; run by .ci/checks/70-postgres.sh"]
fn postgres_concurrent_appends_keep_the_log_gapless() {
    let database = postgres_database();
    database.open().expect("create");
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let database = database.clone();
            std::thread::spawn(move || {
                let mut store = database.open().expect("open");
                for batch in 0..10 {
                    let exchanges: Vec<Exchange> = (0..20)
                        .map(|i| exchange(&format!("w{w}-b{batch}-{i}"), "acct"))
                        .collect();
                    store.append_exchanges(&exchanges, 0).expect("append");
                }
            })
        })
        .collect();
    for writer in writers {
        writer.join().expect("writer");
    }
    let mut store = database.open().expect("open");
    let seqs: Vec<i64> = replayed(&mut store, 0)
        .into_iter()
        .map(|(s, _)| s)
        .collect();
    assert_eq!(seqs, (1..=800).collect::<Vec<i64>>());
}
