use super::*;
use distillguard_features::fingerprint::Collector;
use distillguard_features::signals::extract;
use distillguard_model::time::{DAY, HOUR};
use distillguard_model::Exchange;

fn exchange(ts: i64, account: &str, prompt: &str, ip: &str, payment: Option<&str>) -> Exchange {
    let mut e = Exchange::new(ts, account);
    e.prompt = Some(prompt.to_string());
    e.ip = ip.parse().ok();
    e.asn = Some(64_500);
    e.user_agent = Some("python-requests/2.31".into());
    e.payment_fp = payment.map(str::to_string);
    e
}

fn population(items: &[Exchange]) -> Vec<distillguard_features::AccountFingerprint> {
    let mut c = Collector::new();
    for e in items {
        c.observe(e, &extract(e));
    }
    c.finish(&[]).accounts
}

#[test]
fn shared_payment_alone_links_accounts() {
    let items = vec![
        exchange(0, "a", "hello there", "198.51.100.1", Some("card-1")),
        exchange(0, "b", "good morning", "203.0.113.9", Some("card-1")),
        exchange(0, "c", "good evening", "192.0.2.7", Some("card-2")),
    ];
    let accounts = population(&items);
    let g = build(&accounts, &GraphConfig::default());
    assert_eq!(g.edges.len(), 1);
    assert_eq!((g.edges[0].a, g.edges[0].b), (0, 1));
    assert_eq!(g.edges[0].evidence.kinds()[0], LinkKind::Payment);
    let clusters = connected_clusters(accounts.len(), &g.edges, 2);
    assert_eq!(clusters.len(), 1);
    assert_eq!(clusters[0].members, vec![0, 1]);
}

#[test]
fn one_shared_nat_address_alone_does_not_link() {
    // Two strangers behind one office NAT on one day: weak, no edge.
    let items = vec![
        exchange(0, "a", "hello there", "198.51.100.1", None),
        exchange(0, "b", "good morning", "198.51.100.1", None),
    ];
    let g = build(&population(&items), &GraphConfig::default());
    assert!(g.edges.is_empty(), "{:?}", g.edges);
}

#[test]
fn template_plus_address_reuse_links_a_hydra() {
    let mut items = Vec::new();
    for acct in 0..6 {
        for i in 0..30i64 {
            let day = i % 3;
            let ip = format!("203.0.113.{}", (acct + i) % 4);
            items.push(exchange(
                day * 86_400_000 + i * 60_000,
                &format!("h{acct}"),
                &format!("Solve the following problem and show every intermediate step: item {} of the pool {}", acct * 100 + i, acct * 7 + i),
                &ip,
                None,
            ));
        }
    }
    let accounts = population(&items);
    let g = build(&accounts, &GraphConfig::default());
    let clusters = connected_clusters(accounts.len(), &g.edges, 2);
    assert_eq!(clusters.len(), 1, "edges: {:?}", g.edges);
    assert_eq!(clusters[0].members.len(), 6);
}

#[test]
fn sync_needs_lift_not_just_overlap() {
    // Two always-on accounts overlap everywhere: lift ~1, no synchrony.
    let all: Vec<u32> = (0..1000).collect();
    assert_eq!(links::sync::strength(&all, &all).0, 0.0);
    // Two accounts switching on together in 50 of 1000 buckets: strong.
    let burst: Vec<u32> = (0..1000).filter(|b| b % 20 == 0).collect();
    assert!(links::sync::strength(&burst, &burst).0 > 0.99);
}

#[test]
fn sync_compares_within_the_span_both_were_active() {
    // Two always-on back-ends that both started in the last fifth of the log share
    // those days, not a schedule: busy in 70% of their buckets each, independently.
    let busy = |seed: u32| -> Vec<u32> {
        (800u32..1000)
            .filter(|&b| (b.wrapping_mul(2_654_435_761) ^ seed).rotate_left(7) % 10 < 7)
            .collect()
    };
    let (a, b) = (busy(1), busy(99));
    let (strength, lift) = links::sync::strength(&a, &b);
    assert_eq!(strength, 0.0, "lift {lift}");
    assert!(lift < 1.5, "lift {lift}");
    // The same accounts switching on together every 20th bucket of that span are
    // synchronised.
    let lockstep: Vec<u32> = (800..1000).filter(|b| b % 20 < 2).collect();
    assert!(links::sync::strength(&lockstep, &lockstep).0 > 0.99);
}

#[test]
fn shared_software_alone_is_not_common_control() {
    // Two companies on one app framework: same prompts frame, same client, nothing else.
    let mut items = Vec::new();
    for (acct, ip) in [("co-a", "198.51.100.1"), ("co-b", "203.0.113.1")] {
        for i in 0..30i64 {
            items.push(exchange(
                i * 7_200_000,
                acct,
                &format!("You are the support assistant of the shop. Classify the ticket and answer politely. Ticket {}: my order {} has not arrived", i, i * 31 + ip.len() as i64),
                ip,
                None,
            ));
        }
    }
    let g = build(&population(&items), &GraphConfig::default());
    assert!(g.edges.is_empty(), "{:?}", g.edges);
}

#[test]
fn a_creation_burst_adds_to_an_edge_but_never_makes_one() {
    use crate::pair::PairEvidence;
    // Same template frames, same client, signed up in the same hour through the same
    // pathway: a coding-agent user who joined in a campaign's burst hour. 1.1 in all,
    // but nothing about how they pay, connect or run.
    let mut pair = PairEvidence::default();
    for (kind, support) in [
        (LinkKind::Template, 2.0),
        (LinkKind::Client, 1.0),
        (LinkKind::Creation, 1.0),
    ] {
        pair.shared[kind.index()] = support as u16;
        pair.support[kind.index()] = support;
    }
    assert!(pair.weight() >= 1.0, "{}", pair.weight());
    assert!(!pair.is_edge(1.0));
    // With a shared address (and so its subnet) besides, the burst completes an edge.
    for kind in [LinkKind::Ip, LinkKind::Subnet] {
        pair.shared[kind.index()] = 1;
        pair.support[kind.index()] = 1.0;
    }
    assert!(pair.is_edge(1.0));
}

#[test]
fn one_shared_address_is_control_enough_and_one_shared_cloud_subnet_is_not() {
    // One rare shared address (and so its subnet): a quarter of an edge from control.
    let address = network_evidence(1, |_| "198.51.100.1".to_string());
    assert!(
        address.control() + 1e-6 >= crate::pair::MIN_CONTROL_SHARE,
        "{address:?}"
    );
    // Two services on different addresses of one cloud network: the subnet only.
    let mut items = Vec::new();
    for (acct, ip) in [("svc-a", "198.51.100.7"), ("svc-b", "198.51.100.9")] {
        items.push(exchange(3_600_000, acct, "hello", ip, None));
    }
    let keys: Vec<AccountKeys> = population(&items)
        .iter()
        .map(|a| AccountKeys::of(a, 600_000))
        .collect();
    let mut cloud = pair::compare(&keys[0], &keys[1]);
    assert_eq!(cloud.shared[LinkKind::Subnet.index()], 1);
    assert!(
        cloud.control() < crate::pair::MIN_CONTROL_SHARE,
        "{cloud:?}"
    );
    // Shared software on top (templates, client, tool schema) makes the weight, not the
    // control: still no edge.
    for kind in [
        LinkKind::Template,
        LinkKind::Client,
        LinkKind::Tools,
        LinkKind::System,
    ] {
        cloud.shared[kind.index()] = 2;
        cloud.support[kind.index()] = 2.0;
    }
    assert!(cloud.weight() >= 1.0);
    assert!(!cloud.is_edge(1.0));
}

#[test]
fn one_rare_shared_address_is_a_quarter_also_in_a_busy_network() {
    // Two accounts on one address; 40 strangers on other addresses of the same /24 in
    // the same week (a hosting provider's busy network), and 400 accounts elsewhere.
    // The /24 is common, the address is not: the pair's control evidence is still the
    // quarter one shared address gives in a quiet network.
    let mut items = vec![
        exchange(HOUR, "a", "hello there", "198.51.100.1", None),
        exchange(2 * HOUR, "b", "good morning", "198.51.100.1", None),
    ];
    for i in 0..40 {
        let ip = format!("198.51.100.{}", 10 + i);
        items.push(exchange(3 * HOUR, &format!("tenant-{i}"), "hi", &ip, None));
    }
    for i in 0..400 {
        let ip = format!("10.{}.{}.1", i / 200, i % 200);
        items.push(exchange(
            3 * HOUR,
            &format!("elsewhere-{i}"),
            "hi",
            &ip,
            None,
        ));
    }
    let accounts = population(&items);
    let (keys, _, _) = weighed_candidates(&accounts, &GraphConfig::default());
    let index = |id: &str| {
        accounts
            .iter()
            .position(|a| a.stats.account_id == id)
            .expect("account")
    };
    let (a, b) = (&keys[index("a")], &keys[index("b")]);
    // The network alone counts for little: the case this test is about.
    let subnet_rarity = a.rarity(LinkKind::Subnet)[0];
    assert!(subnet_rarity < 0.8, "subnet rarity {subnet_rarity}");
    let pair = pair::compare(a, b);
    assert_eq!(pair.shared[LinkKind::Subnet.index()], 1);
    assert_eq!(pair.shared[LinkKind::Ip.index()], 1);
    assert!(
        pair.has_control(1.0),
        "control {} of a shared rare address in a busy network: {pair:?}",
        pair.control()
    );
    // The fast edge test sees the same control.
    let mut with_software = pair;
    with_software.shared[LinkKind::Template.index()] = 2;
    with_software.support[LinkKind::Template.index()] = 2.0;
    with_software.shared[LinkKind::Client.index()] = 1;
    with_software.support[LinkKind::Client.index()] = 1.0;
    assert!(with_software.is_edge(1.0), "{with_software:?}");
    assert!(pair.is_edge(0.2));
    assert_eq!(pair::edge(a, b, 0.2), Some(pair));
}

#[test]
fn two_dense_groups_bridged_by_one_link_come_apart() {
    use crate::pair::{Edge, PairEvidence};
    let strong = PairEvidence {
        shared: [1, 0, 0, 0, 0, 0, 0, 0, 0],
        support: [1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
        ..PairEvidence::default()
    };
    let mut edges = Vec::new();
    for group in [0u32..25, 25..50] {
        let members: Vec<u32> = group.collect();
        for (i, &a) in members.iter().enumerate() {
            for &b in members.iter().skip(i + 1) {
                edges.push(Edge {
                    a,
                    b,
                    evidence: strong,
                });
            }
        }
    }
    edges.push(Edge {
        a: 3,
        b: 40,
        evidence: strong,
    });
    let components = connected_clusters(50, &edges, 3);
    assert_eq!(components.len(), 1);
    let refined = clusters::refine(components, &edges, &|e| e.evidence.weight());
    assert_eq!(
        refined.len(),
        2,
        "{:?}",
        refined.iter().map(|c| c.members.len()).collect::<Vec<_>>()
    );
    assert!(refined.iter().all(|c| c.members.len() == 25));
}

#[test]
fn a_chain_linked_group_stays_whole() {
    use crate::pair::{Edge, PairEvidence};
    let strong = PairEvidence {
        shared: [1, 0, 0, 0, 0, 0, 0, 0, 0],
        support: [1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
        ..PairEvidence::default()
    };
    // Each account linked to its next three: a long, thin campaign.
    let edges: Vec<Edge> = (0..60u32)
        .flat_map(|a| (1..=3).map(move |d| (a, a + d)))
        .filter(|&(_, b)| b < 60)
        .map(|(a, b)| Edge {
            a,
            b,
            evidence: strong,
        })
        .collect();
    let refined = clusters::refine(connected_clusters(60, &edges, 3), &edges, &|e| {
        e.evidence.weight()
    });
    assert!(
        refined
            .iter()
            .all(|c| c.members.len() >= clusters::MIN_COMMUNITY),
        "{:?}",
        refined.iter().map(|c| c.members.len()).collect::<Vec<_>>()
    );
    assert_eq!(refined.iter().map(|c| c.members.len()).sum::<usize>(), 60);
}

/// Network evidence of two accounts that each call once a day for `days` days, from
/// the addresses `ip(day)` gives.
fn network_evidence(days: i64, ip: impl Fn(i64) -> String) -> PairEvidence {
    let calls: Vec<(i64, String)> = (0..days).map(|day| (day, ip(day))).collect();
    let calls: Vec<(i64, &str)> = calls.iter().map(|(d, a)| (*d, a.as_str())).collect();
    evidence_on_days(&calls, &calls)
}

#[test]
fn one_shared_place_for_many_days_is_co_location_not_coordination() {
    // Two tenants behind one NAT address for ten days: one place, however long.
    let nat = network_evidence(10, |_| "198.51.100.1".to_string());
    assert_eq!(nat.shared[LinkKind::Ip.index()], 1);
    assert_eq!(nat.shared[LinkKind::Subnet.index()], 1);
    assert!(nat.strength(LinkKind::Ip) < 0.5, "{nat:?}");
    assert!(nat.control() < 0.5, "{nat:?}");

    // Two accounts rotated together through a pool: a new shared address every day.
    let pool = network_evidence(10, |day| format!("203.0.{}.{}", 113 + day, 7 + day));
    assert_eq!(pool.shared[LinkKind::Ip.index()], 10);
    assert_eq!(pool.strength(LinkKind::Ip), 1.0);
    assert_eq!(pool.strength(LinkKind::Subnet), 1.0);
}

/// Network evidence of two accounts `a` and `b`, each calling once per (day, address)
/// in its list (days from the epoch, a Thursday), at 03:00 UTC.
fn evidence_on_days(a: &[(i64, &str)], b: &[(i64, &str)]) -> PairEvidence {
    let mut items = Vec::new();
    for (acct, calls) in [("a", a), ("b", b)] {
        for (i, (day, ip)) in calls.iter().enumerate() {
            items.push(exchange(
                day * DAY + 3 * HOUR,
                acct,
                &format!("question {i} from {acct}"),
                ip,
                None,
            ));
        }
    }
    let keys: Vec<AccountKeys> = population(&items)
        .iter()
        .map(|a| AccountKeys::of(a, 600_000))
        .collect();
    pair::compare(&keys[0], &keys[1])
}

#[test]
fn a_pool_shared_on_different_days_of_one_week_links_and_across_weeks_does_not() {
    let pool = ["203.0.113.8", "198.51.100.9", "192.0.2.41"];
    // Days 0-6 are one seven-day period; `b` uses the pool's exits after `a` did.
    let a: Vec<(i64, &str)> = (0..3).map(|i| (i, pool[i as usize])).collect();
    let same_week: Vec<(i64, &str)> = (0..3).map(|i| (i + 4, pool[i as usize])).collect();
    let linked = evidence_on_days(&a, &same_week);
    assert_eq!(linked.shared[LinkKind::Ip.index()], 3, "{linked:?}");
    assert_eq!(linked.strength(LinkKind::Ip), 1.0, "{linked:?}");
    assert_eq!(linked.strength(LinkKind::Subnet), 1.0, "{linked:?}");

    // The same addresses a week later: they may have changed hands since.
    let next_week: Vec<(i64, &str)> = (0..3).map(|i| (i + 7, pool[i as usize])).collect();
    let later = evidence_on_days(&a, &next_week);
    assert_eq!(later.shared[LinkKind::Ip.index()], 0, "{later:?}");
    assert_eq!(later.strength(LinkKind::Ip), 0.0, "{later:?}");
    assert_eq!(later.strength(LinkKind::Subnet), 0.0, "{later:?}");
}

#[test]
fn rarity_counts_a_small_group_fully_and_a_common_key_little() {
    use links::rarity;
    assert_eq!(rarity(2, 26_000), 1.0);
    assert_eq!(rarity(10, 26_000), 1.0);
    assert!((rarity(48, 26_000) - 0.80).abs() < 0.01);
    assert!((rarity(574, 26_000) - 0.49).abs() < 0.01);
    assert!((rarity(4_000, 26_000) - 0.24).abs() < 0.01);
    assert_eq!(rarity(26_000, 26_000), 0.0);
    let mut last = 1.0;
    for n in (10..26_000).step_by(97) {
        let r = rarity(n, 26_000);
        assert!(r <= last, "rarity rose from {last} to {r} at {n}");
        last = r;
    }
}

/// The keys of two accounts created at the same instant through the same pathway.
fn two_accounts_created_at(created: i64) -> Vec<AccountKeys> {
    let items: Vec<Exchange> = ["a", "b"]
        .iter()
        .map(|acct| exchange(0, acct, "hello", "198.51.100.1", None))
        .collect();
    let mut accounts = population(&items);
    for a in &mut accounts {
        a.stats.account_created = Some(created);
    }
    accounts
        .iter()
        .map(|a| AccountKeys::of(a, 600_000))
        .collect()
}

#[test]
fn a_creation_hour_shared_by_hundreds_counts_less_than_one_shared_by_a_few() {
    let mut keys = two_accounts_created_at(2 * HOUR + 17_000);
    let creation = keys[0].keys(LinkKind::Creation)[0];
    let support = |keys: &[AccountKeys]| {
        pair::compare(&keys[0], &keys[1]).support[LinkKind::Creation.index()]
    };
    assert_eq!(support(&keys), 1.0, "unweighed keys count fully");

    let mut few = keys::KeyStats::default();
    few.record(LinkKind::Creation, creation, 5);
    let mut many = keys::KeyStats::default();
    many.record(LinkKind::Creation, creation, 574);
    for k in &mut keys {
        k.weigh(&few, 26_000);
    }
    assert_eq!(
        support(&keys),
        1.0,
        "a burst of five in 26,000 accounts is rare"
    );
    for k in &mut keys {
        k.weigh(&many, 26_000);
    }
    let s = support(&keys);
    assert!(
        (s - 0.49).abs() < 0.01,
        "a burst of 574 counts about half: {s}"
    );
}

#[test]
fn a_creation_date_without_a_time_is_no_creation_burst() {
    let creation_keys = |keys: &[AccountKeys]| -> Vec<usize> {
        keys.iter()
            .map(|k| k.keys(LinkKind::Creation).len())
            .collect()
    };
    // Both created 2026-01-03, stored as a date: nothing says they were made together.
    let midnight = 20_456 * DAY;
    assert_eq!(
        creation_keys(&two_accounts_created_at(midnight)),
        vec![0, 0]
    );
    // One millisecond later it is a real time, and the same hour links them.
    let keys = two_accounts_created_at(midnight + 1);
    assert_eq!(creation_keys(&keys), vec![1, 1]);
    let pair = pair::compare(&keys[0], &keys[1]);
    assert_eq!(pair.support[LinkKind::Creation.index()], 1.0);
}

#[test]
fn a_card_behind_most_accounts_still_links_them() {
    // 40 of 41 accounts on one card: common as keys go, yet one party pays for all.
    let mut items: Vec<Exchange> = (0..40)
        .map(|i| {
            exchange(
                0,
                &format!("p{i}"),
                "hello",
                &format!("198.51.{i}.1"),
                Some("card-1"),
            )
        })
        .collect();
    items.push(exchange(0, "other", "hello", "192.0.2.7", Some("card-2")));
    let accounts = population(&items);
    let g = build(&accounts, &GraphConfig::default());
    let clusters = connected_clusters(accounts.len(), &g.edges, 2);
    assert_eq!(clusters.len(), 1, "{:?}", g.edges.len());
    assert_eq!(clusters[0].members.len(), 40);
}

/// Fingerprints of a built-in scenario at scale 0.05 (a few hundred accounts), folded
/// as `analyze` folds them.
fn simulated_population(
    scenario: &str,
    seed: u64,
) -> Vec<distillguard_features::AccountFingerprint> {
    use distillguard_sim::plan::Plan;
    use distillguard_sim::traffic::account_traffic;
    let scenario = distillguard_sim::load(scenario)
        .expect("built-in scenario")
        .scaled(0.05);
    let plan = Plan::build(&scenario, seed);
    let mut collector = Collector::new();
    for index in 0..plan.len() as u64 {
        for e in account_traffic(&scenario, &plan, seed, index).1 {
            collector.observe(&e, &extract(&e));
        }
    }
    collector.finish(&[]).accounts
}

#[test]
fn the_early_exit_edge_test_decides_exactly_what_the_full_comparison_decides() {
    // Every candidate pair of a small simulated population (campaigns with shared cards,
    // proxies and templates; teams, classes, back-ends and evaluation firms), at
    // thresholds around the default: `pair::edge` must keep the same pairs with the
    // same evidence as comparing every kind and asking `is_edge`.
    let accounts = simulated_population("default", 11);
    let (keys, candidates, _) = weighed_candidates(&accounts, &GraphConfig::default());
    let (mut edges, mut dropped_early) = (0, 0);
    for threshold in [0.5, 1.0, 2.0] {
        for &(a, b) in &candidates {
            let full = pair::compare(&keys[a as usize], &keys[b as usize]);
            let expected = full.is_edge(threshold).then_some(full);
            let fast = pair::edge(&keys[a as usize], &keys[b as usize], threshold);
            assert_eq!(fast, expected, "pair ({a}, {b}) at threshold {threshold}");
            edges += usize::from(expected.is_some());
            dropped_early += usize::from(!full.has_control(threshold));
        }
    }
    // Both branches were taken: real edges, and pairs dropped for want of control.
    assert!(edges > 50, "{edges} edges");
    assert!(dropped_early > 50, "{dropped_early} pairs dropped early");
}

/// A shared key: its kind, the key, and how many accounts hold it.
type SharedKey = (LinkKind, u64, u32);

/// Candidate pairs as first written: one map of key → holders per kind, pairs
/// collected in a set. The sorted version must find exactly these.
fn candidates_by_map(keys: &[AccountKeys], neighbours: usize) -> (Vec<(u32, u32)>, Vec<SharedKey>) {
    let mut shared = Vec::new();
    let mut pairs = std::collections::BTreeSet::new();
    for kind in LinkKind::KEYED {
        let mut index: std::collections::HashMap<u64, Vec<u32>> = Default::default();
        for (i, k) in keys.iter().enumerate() {
            for &key in k.keys(kind) {
                index.entry(key).or_default().push(i as u32);
            }
        }
        for (key, mut members) in index {
            if members.len() < 2 {
                continue;
            }
            shared.push((kind, key, members.len() as u32));
            if members.len() > kind.max_group() {
                continue;
            }
            members.sort_unstable_by_key(|&m| (order_hash(m, key), m));
            for (pos, &a) in members.iter().enumerate() {
                for &b in members.iter().skip(pos + 1).take(neighbours) {
                    pairs.insert((a.min(b), a.max(b)));
                }
            }
        }
    }
    (pairs.into_iter().collect(), shared)
}

#[test]
fn candidate_pairs_and_key_counts_are_those_of_the_plain_map() {
    let accounts = simulated_population("hard-benign", 12);
    let keys: Vec<AccountKeys> = accounts
        .iter()
        .map(|a| AccountKeys::of(a, GraphConfig::default().sync_bucket_ms))
        .collect();
    for neighbours in [1, 3] {
        let (pairs, stats) = candidates(&keys, neighbours);
        let (expected_pairs, shared) = candidates_by_map(&keys, neighbours);
        assert!(pairs.len() > 100, "{} pairs", pairs.len());
        assert_eq!(pairs, expected_pairs, "neighbours {neighbours}");
        for kind in LinkKind::KEYED {
            let of_kind: Vec<_> = shared.iter().filter(|s| s.0 == kind).collect();
            assert_eq!(stats.shared_keys[kind.index()], of_kind.len() as u64);
            let ubiquitous = of_kind.iter().filter(|s| s.2 as usize > kind.max_group());
            assert_eq!(
                stats.ubiquitous_keys[kind.index()],
                ubiquitous.count() as u64
            );
        }
        for &(kind, key, holders) in &shared {
            assert_eq!(stats.accounts_sharing(kind, key), holders);
        }
    }
}

proptest::proptest! {
    #[test]
    fn synchrony_the_lengths_rule_out_is_zero(
        a in proptest::collection::btree_set(0u32..2000, 0..150),
        keep in proptest::collection::vec(proptest::bool::weighted(0.3), 150),
        extra in proptest::collection::btree_set(0u32..2000, 0..150),
    ) {
        // `b` is part of `a` (so that the pair is often synchronised) plus other buckets.
        let b: std::collections::BTreeSet<u32> = a
            .iter()
            .zip(&keep)
            .filter(|(_, &k)| k)
            .map(|(&x, _)| x)
            .chain(extra)
            .collect();
        let (a, b): (Vec<u32>, Vec<u32>) = (a.into_iter().collect(), b.into_iter().collect());
        if !links::sync::possible(&a, &b) {
            proptest::prop_assert_eq!(links::sync::strength(&a, &b).0, 0.0);
        }
    }
}

#[test]
fn the_keyed_control_kinds_are_the_three_the_edge_test_compares_by_name() {
    // `pair::edge` compares payment, subnet and (only when a subnet-week is shared) IP
    // by name before anything else; a new keyed control kind must be added there.
    let control: Vec<LinkKind> = LinkKind::KEYED
        .into_iter()
        .filter(|k| k.is_control())
        .collect();
    assert_eq!(control, [LinkKind::Payment, LinkKind::Ip, LinkKind::Subnet]);
}

/// Four accounts paid with one card, each calling through its own three exits of one
/// pool with its own client build, plus `extra`: accounts that make a few requests each
/// through the given exits, with prompts from the given frame and the given user agent,
/// and no card.
fn pool_population(
    extra: &[(&str, &[&str], &str, &str)],
) -> Vec<distillguard_features::AccountFingerprint> {
    let mut items = Vec::new();
    for member in 0..4i64 {
        for i in 0..30i64 {
            let ip = format!("203.0.113.{}", member * 10 + i % 3);
            let mut e = exchange(
                (i % 5) * DAY + member * HOUR + i * 60_000,
                &format!("h{member}"),
                &format!("Solve the following problem and show every intermediate step: item {} of the pool {}", member * 100 + i, member * 7 + i),
                &ip,
                Some("card-9"),
            );
            e.user_agent = Some(format!("python-requests/2.3{member}"));
            items.push(e);
        }
    }
    for (account, ips, prompt, user_agent) in extra {
        for i in 0..9i64 {
            let mut e = exchange(
                (i % 5) * DAY + 5 * HOUR + i * 60_000,
                account,
                &format!("{prompt} {} of the pool {}", 900 + i, 31 * i),
                ips[i as usize % ips.len()],
                None,
            );
            e.user_agent = Some(user_agent.to_string());
            items.push(e);
        }
    }
    population(&items)
}

const POOL_FRAME: &str = "Solve the following problem and show every intermediate step: item";

#[test]
fn an_account_using_several_exits_of_a_clusters_pool_is_attached() {
    // The late account shares one exit with each of three members: with none of them
    // enough for an edge (one address is the least control evidence, and with the
    // templates it stays under the threshold), with the pool three addresses.
    let late = (
        "late",
        &["203.0.113.0", "203.0.113.10", "203.0.113.20"][..],
        POOL_FRAME,
        "curl/8.5.0",
    );
    let accounts = pool_population(&[late]);
    let config = GraphConfig::default();
    let mut g = build(&accounts, &config);
    let index = |id: &str| {
        accounts
            .iter()
            .position(|a| a.stats.account_id == id)
            .expect("account") as u32
    };
    let late = index("late");
    assert!(
        g.edges.iter().all(|e| e.a != late && e.b != late),
        "the late account links to a member on its own: {:?}",
        g.edges
    );
    let clusters = connected_clusters(accounts.len(), &g.edges, 2);
    assert_eq!(clusters.len(), 1);
    let attached = attach(&mut g, &clusters, config.edge_threshold);
    assert_eq!(attached.len(), 1, "{attached:?}");
    assert_eq!((attached[0].account, attached[0].cluster), (late, 0));
    let evidence = &attached[0].evidence;
    assert_eq!(evidence.shared[LinkKind::Ip.index()], 3);
    assert!(evidence.shared[LinkKind::Template.index()] > 0);
    assert!(
        evidence.describe().contains("3 address(es)"),
        "{}",
        evidence.describe()
    );
}

#[test]
fn one_exit_of_a_pool_or_its_places_without_anything_else_attach_no_one() {
    // A stranger on one exit of the pool with the pool's templates and one member's
    // client build: with the pool's keys pooled that adds up to an edge's weight, but
    // one address of a pool is as likely by chance as the pool is large, so it takes
    // two. And a neighbour on three of its exits asking its own questions (places
    // alone are co-location, as between two accounts).
    let one_exit = (
        "one-exit",
        &["203.0.113.0"][..],
        POOL_FRAME,
        "python-requests/2.31",
    );
    let neighbour = (
        "neighbour",
        &["203.0.113.0", "203.0.113.10", "203.0.113.20"][..],
        "Draft a friendly reminder to the team about the quarterly planning meeting, note",
        "curl/8.5.0",
    );
    let accounts = pool_population(&[one_exit, neighbour]);
    let config = GraphConfig::default();
    let mut g = build(&accounts, &config);
    let clusters = connected_clusters(accounts.len(), &g.edges, 2);
    assert_eq!(clusters.len(), 1);
    assert_eq!(clusters[0].members.len(), 4, "{:?}", g.edges);
    let attached = attach(&mut g, &clusters, config.edge_threshold);
    assert!(attached.is_empty(), "{attached:?}");
}
