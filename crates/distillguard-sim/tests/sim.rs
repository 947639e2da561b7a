//! End-to-end checks of the simulator on small scales: determinism, consistency of
//! labels/accounts/events, counts, scaling, every built-in scenario, and the campaign
//! that moves to the new model within 24 hours.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::BufRead;
use std::path::Path;

use distillguard_model::time::HOUR;
use distillguard_model::{AccountRecord, Exchange, Label, LabelKind, ModelRelease};
use distillguard_sim::{generate, scenario, Format, Options, Scenario, Summary};

fn run(scenario: &Scenario, dir: &Path, seed: u64, format: Format) -> Summary {
    let options = Options {
        seed,
        format,
        accounts_per_shard: 64,
        ..Options::default()
    };
    generate(scenario, dir, &options, &|_, _| {}).expect("generation succeeds")
}

fn read_events(dir: &Path) -> Vec<Exchange> {
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .expect("out dir")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            name.starts_with("events")
        })
        .collect();
    names.sort();
    let mut out = Vec::new();
    for path in names {
        let file = std::fs::File::open(&path).expect("open shard");
        let reader: Box<dyn std::io::Read> = if path.extension().is_some_and(|e| e == "zst") {
            Box::new(zstd::stream::Decoder::new(file).expect("zstd"))
        } else {
            Box::new(file)
        };
        for line in std::io::BufReader::new(reader).lines() {
            let line = line.expect("line");
            let exchange: Exchange = serde_json::from_str(&line)
                .unwrap_or_else(|err| panic!("not an Exchange: {err}: {line}"));
            out.push(exchange);
        }
    }
    out
}

fn read_jsonl<T: serde::de::DeserializeOwned>(path: &Path) -> Vec<T> {
    std::fs::read_to_string(path)
        .expect("read")
        .lines()
        .map(|line| serde_json::from_str(line).expect("parse"))
        .collect()
}

fn small(name: &str) -> Scenario {
    scenario::load(name).expect("built-in").scaled(0.05)
}

fn dir_bytes(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .expect("dir")
        .filter_map(|e| e.ok())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).expect("read"),
            )
        })
        .collect()
}

#[test]
fn same_seed_gives_identical_bytes_whatever_the_threads() {
    let scenario = scenario::load("example").expect("built-in").scaled(0.3);
    let a = tempfile::tempdir().expect("tmp");
    let b = tempfile::tempdir().expect("tmp");
    let c = tempfile::tempdir().expect("tmp");
    run(&scenario, a.path(), 7, Format::JsonlZst);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("pool");
    pool.install(|| run(&scenario, b.path(), 7, Format::JsonlZst));
    run(&scenario, c.path(), 8, Format::JsonlZst);
    // Re-running into a used folder replaces its events (no stale shards).
    std::fs::write(c.path().join("events-999.jsonl.zst"), b"stale").expect("write");
    run(&scenario, c.path(), 8, Format::JsonlZst);
    assert!(!c.path().join("events-999.jsonl.zst").exists());
    let (da, db, dc) = (
        dir_bytes(a.path()),
        dir_bytes(b.path()),
        dir_bytes(c.path()),
    );
    assert_eq!(da.keys().collect::<Vec<_>>(), db.keys().collect::<Vec<_>>());
    for (name, bytes) in &da {
        assert!(db.get(name) == Some(bytes), "{name} differs between runs");
    }
    assert_ne!(
        da.get("labels.jsonl"),
        dc.get("labels.jsonl"),
        "another seed changes output"
    );
}

#[test]
fn events_labels_and_accounts_are_consistent_and_counts_match() {
    let scenario = small("default");
    let dir = tempfile::tempdir().expect("tmp");
    let summary = run(&scenario, dir.path(), 3, Format::Jsonl);
    let events = read_events(dir.path());
    let labels: Vec<Label> = read_jsonl(&dir.path().join("labels.jsonl"));
    let accounts: Vec<AccountRecord> = read_jsonl(&dir.path().join("accounts.jsonl"));
    let releases: Vec<ModelRelease> =
        serde_json::from_slice(&std::fs::read(dir.path().join("releases.json")).expect("releases"))
            .expect("releases parse");
    assert_eq!(releases.len(), 1);

    let labelled: HashMap<&str, &Label> =
        labels.iter().map(|l| (l.account_id.as_str(), l)).collect();
    let recorded: BTreeSet<&str> = accounts.iter().map(|a| a.account_id.as_str()).collect();
    assert_eq!(labelled.len(), labels.len(), "one label per account");
    assert_eq!(
        recorded.len(),
        accounts.len(),
        "one account row per account"
    );
    for exchange in &events {
        assert!(
            labelled.contains_key(exchange.account_id.as_str()),
            "unlabelled {}",
            exchange.account_id
        );
        assert!(recorded.contains(exchange.account_id.as_str()));
        assert!(exchange.ts >= scenario.start && exchange.ts < scenario.end);
        assert!(exchange.ts >= exchange.account_created.expect("created"));
    }
    for label in &labels {
        assert_eq!(label.label == LabelKind::Attack, label.campaign.is_some());
        assert!(label.population.is_some());
    }

    // Counts: accounts per population/campaign and unique exchanges.
    for population in &scenario.populations {
        let counted = summary
            .populations
            .iter()
            .find(|p| p.name == population.name)
            .expect("population");
        let labelled_count = labels
            .iter()
            .filter(|l| l.population.as_deref() == Some(&population.name))
            .count();
        assert_eq!(
            counted.accounts as usize, labelled_count,
            "{}",
            population.name
        );
        if !population.kind.is_grouped() {
            assert_eq!(counted.accounts, population.count, "{}", population.name);
        } else {
            assert_eq!(counted.groups, population.count);
        }
    }
    for campaign in &scenario.campaigns {
        let counted = summary
            .campaigns
            .iter()
            .find(|c| c.name == campaign.name)
            .expect("campaign");
        assert_eq!(counted.accounts, campaign.accounts);
        let labelled_count = labels
            .iter()
            .filter(|l| l.campaign.as_deref() == Some(&campaign.name))
            .count();
        assert_eq!(counted.accounts as usize, labelled_count);
    }
    let unique: BTreeSet<&str> = events
        .iter()
        .filter_map(|e| e.request_id.as_deref())
        .collect();
    assert_eq!(
        unique.len() as u64,
        summary.exchanges,
        "unique request ids = exchanges"
    );
    assert_eq!(events.len() as u64, summary.exchanges + summary.duplicates);
    assert!(
        summary.exchanges > 2_000,
        "scale 0.05 gives thousands: {}",
        summary.exchanges
    );
    assert!(summary.attack_exchanges > 0 && summary.benign_exchanges > 0);
}

#[test]
fn scale_multiplies_accounts_not_behaviour() {
    let base = scenario::load("default").expect("built-in");
    let small = base.scaled(0.05);
    let larger = base.scaled(0.1);
    let accounts = |s: &Scenario| -> u64 {
        s.populations
            .iter()
            .filter(|p| !p.kind.is_grouped())
            .map(|p| p.count)
            .sum::<u64>()
            + s.campaigns.iter().map(|c| c.accounts).sum::<u64>()
    };
    assert!(accounts(&larger) > accounts(&small) * 18 / 10);
    assert_eq!(
        small.populations[0].exchanges,
        larger.populations[0].exchanges
    );
    let public = base.scaled(distillguard_sim::PUBLIC_SCALE);
    let attack_accounts: u64 = public.campaigns.iter().map(|c| c.accounts).sum();
    assert!(
        (23_000..=25_000).contains(&attack_accounts),
        "{attack_accounts}"
    );
    let attack_exchanges: f64 = public
        .campaigns
        .iter()
        .map(|c| c.accounts as f64 * c.exchanges)
        .sum();
    assert!(
        (15.0e6..18.0e6).contains(&attack_exchanges),
        "{attack_exchanges}"
    );
}

#[test]
fn every_builtin_parses_and_differs() {
    let mut seen = BTreeSet::new();
    for name in scenario::builtin_names() {
        let s = scenario::load(name).unwrap_or_else(|err| panic!("{name}: {err}"));
        assert!(
            !s.campaigns.is_empty() && !s.populations.is_empty(),
            "{name}"
        );
        seen.insert(format!("{:?} {:?}", s.campaigns, s.populations));
    }
    assert_eq!(
        seen.len(),
        scenario::builtin_names().len(),
        "scenarios differ"
    );
    assert!(Scenario::from_toml("name = \"x\"\nbogus = 1").is_err());
    let filler = scenario::load("default")
        .expect("default")
        .with_filler(0.7)
        .expect("valid");
    assert!(filler.campaigns.iter().all(|c| c.filler == 0.7));
    assert!(scenario::load("default")
        .expect("default")
        .with_filler(1.5)
        .is_err());
}

#[test]
fn every_builtin_generates_at_small_scale() {
    for name in ["evasive", "lowslow", "hard-benign"] {
        let dir = tempfile::tempdir().expect("tmp");
        let s = scenario::load(name).expect("built-in").scaled(0.01);
        let summary = run(&s, dir.path(), 1, Format::JsonlZst);
        assert!(
            summary.attack_exchanges > 0 && summary.benign_exchanges > 0,
            "{name}"
        );
    }
}

#[test]
fn the_coding_campaign_moves_half_its_traffic_to_the_release_within_a_day() {
    let mut scenario = scenario::load("default").expect("default").scaled(0.05);
    scenario.populations.clear();
    scenario.campaigns.retain(|c| c.name == "agentic-coding");
    let dir = tempfile::tempdir().expect("tmp");
    run(&scenario, dir.path(), 11, Format::JsonlZst);
    let events = read_events(dir.path());
    let release = scenario.release.clone().expect("release");
    let share = |from: i64, to: i64| -> (usize, f64) {
        let window: Vec<&Exchange> = events
            .iter()
            .filter(|e| e.ts >= from && e.ts < to)
            .collect();
        let new = window
            .iter()
            .filter(|e| e.model.as_deref() == Some(release.model.as_str()))
            .count();
        (window.len(), new as f64 / window.len().max(1) as f64)
    };
    let (before, before_share) = share(scenario.start, release.at);
    assert!(
        before > 0 && before_share == 0.0,
        "nobody uses a model before its release"
    );
    // The two days after the first: synchronised waves can leave a single day empty
    // when a campaign has only a few accounts.
    let (n, day_after) = share(release.at + 24 * HOUR, release.at + 72 * HOUR);
    assert!(
        n > 50,
        "enough traffic in the two days after the first: {n}"
    );
    assert!(
        (0.35..0.65).contains(&day_after),
        "about half moved: {day_after}"
    );
}

#[test]
fn prompts_have_a_realistic_length() {
    // The speed bench measures at the simulator's prompt lengths; issue 4 asks for a
    // median of about 600 bytes. Short chats and long inlined files both occur. (This
    // seed and scale: median 519 bytes; 469 before inlined files, retrieved passages
    // and earlier support turns lengthened the prompts.)
    let dir = tempfile::tempdir().expect("tmp");
    run(&small("default"), dir.path(), 5, Format::JsonlZst);
    let mut lengths: Vec<usize> = read_events(dir.path())
        .iter()
        .map(|e| e.prompt.as_deref().map_or(0, str::len))
        .collect();
    assert!(lengths.len() > 1_000, "{} exchanges", lengths.len());
    lengths.sort_unstable();
    let at = |q: f64| lengths[((lengths.len() - 1) as f64 * q) as usize];
    let (p10, median, p90) = (at(0.1), at(0.5), at(0.9));
    assert!((500..800).contains(&median), "median prompt {median} bytes");
    assert!(p10 < 250, "short prompts exist: 10th percentile {p10}");
    assert!(p90 > 1_000, "long prompts exist: 90th percentile {p90}");
}
