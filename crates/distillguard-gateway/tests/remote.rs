//! `RemoteDecider` against a real `distillguard serve` application (the server's own
//! router, on a TCP port, with its data directory and admin token): records arrive and
//! become durable, checks answer the engine's decision including analyst actions, and
//! a wrong token or an unreachable engine give the errors the gateway fails open or
//! closed on.

use std::sync::Arc;
use std::time::Duration;

use distillguard_gateway::decider::DecideError;
use distillguard_gateway::{http_client, Decider, Metrics, RemoteConfig, RemoteDecider};
use distillguard_live::decisions::AnalystAction;
use distillguard_live::service::Side;
use distillguard_model::check::{Action, CheckRequest};
use distillguard_model::Exchange;
use distillguard_server::{app, AppState, DataDir, RawConfig};

fn exchange(i: usize) -> Exchange {
    Exchange {
        ts: 1_793_500_000_000 + i as i64,
        account_id: "acct-remote".into(),
        request_id: Some(format!("remote-{i}")),
        model: Some("m-1".into()),
        ..Exchange::default()
    }
}

fn check(account: &str) -> CheckRequest {
    CheckRequest {
        account_id: account.into(),
        request: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remote_decider_records_and_checks_against_a_real_serve() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = DataDir::open(dir.path()).expect("data dir");
    let admin = data.admin_token().expect("admin token").token;
    let mut config = RawConfig::parse("version = 1")
        .expect("parse")
        .validate()
        .expect("config");
    config.live.analyze_every_exchanges = u64::MAX;
    let state = AppState::open_live(&config, &data, Side::default()).expect("live");
    let live = state.live.clone().expect("live service");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app(state)).await });

    let remote = RemoteConfig {
        batch_wait: Duration::from_millis(20),
        check_timeout: Duration::from_secs(5),
        ..RemoteConfig::new(&base, &admin)
    };
    let metrics = Arc::new(Metrics::default());
    let decider =
        RemoteDecider::start(remote, http_client(), Arc::clone(&metrics)).expect("decider");

    // Records: queued, batched, acknowledged by serve only once committed.
    for i in 0..3 {
        decider.record(exchange(i));
    }
    decider.record(exchange(0)); // a redelivery: stored once
    let mut stored = 0;
    for _ in 0..200 {
        stored = live.pending();
        if stored >= 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(stored, 3, "three distinct exchanges reached serve's log");

    // Checks: the engine's answer, then an analyst's block.
    let answer = decider.check(&check("acct-remote")).await.expect("check");
    assert_eq!(answer.action, Action::Allow);
    assert_eq!(answer.account_id, "acct-remote");
    let blocking = Arc::clone(&live);
    tokio::task::spawn_blocking(move || {
        blocking.apply_action("acct-remote", AnalystAction::Block, "ring", "alice")
    })
    .await
    .expect("join")
    .expect("block");
    let answer = decider.check(&check("acct-remote")).await.expect("check");
    assert_eq!(answer.action, Action::Block);
    assert!(!answer.reasons.is_empty(), "a block says why: {answer:?}");

    // A wrong token: serve's 401, passed on as such.
    let wrong = RemoteDecider::start(
        RemoteConfig::new(&base, "not-the-token"),
        http_client(),
        Arc::new(Metrics::default()),
    )
    .expect("decider");
    match wrong.check(&check("acct-remote")).await {
        Err(DecideError::Status { status, .. }) => assert_eq!(status, 401),
        other => panic!("wrong token gave {other:?}"),
    }

    // Nothing listening: unreachable (or timed out), never a decision.
    let gone = RemoteDecider::start(
        RemoteConfig::new("http://127.0.0.1:9", &admin),
        http_client(),
        Arc::new(Metrics::default()),
    )
    .expect("decider");
    assert!(matches!(
        gone.check(&check("acct-remote")).await,
        Err(DecideError::Unreachable(_) | DecideError::Timeout(_))
    ));
}
