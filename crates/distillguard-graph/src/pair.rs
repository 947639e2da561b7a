//! Verifying a candidate pair: what two accounts share, over every link kind at once,
//! and how much evidence of common control that adds up to.

use crate::keys::{intersection_len, weighted_intersection, AccountKeys};
use crate::links::{sync, LinkKind};

/// Share of an edge's threshold that must be control evidence: one shared address, or
/// a quarter of a payment instrument. A shared cloud subnet alone (one place of the
/// three a subnet link needs) is not: services in one cloud network share it.
pub const MIN_CONTROL_SHARE: f64 = 0.25;

/// What two accounts share.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PairEvidence {
    /// Number of shared keys per kind (index: [`LinkKind::index`]); for network kinds,
    /// at most the number of distinct shared places (see `links::ip`).
    pub shared: [u16; LinkKind::ALL.len()],
    /// What the shared keys count for per kind: the sum of their rarity (see
    /// `links::rarity`), for network kinds at most the number of shared places.
    pub support: [f32; LinkKind::ALL.len()],
    /// Synchrony strength in [0,1] and the lift behind it.
    pub sync: f32,
    pub sync_lift: f32,
    /// Both accounts declare the same organisation.
    pub same_org: bool,
}

impl PairEvidence {
    /// Evidence of common control: for each kind, its weight times the share of its
    /// "need" that is met (capped at 1).
    pub fn weight(&self) -> f64 {
        LinkKind::ALL
            .into_iter()
            .map(|kind| kind.weight() * self.strength(kind))
            .sum()
    }

    /// Strength of the kinds that show control of the accounts themselves (how they
    /// pay, where they connect from, when they run), as opposed to what software they
    /// run (templates, system prompts, tool schemas, client strings) and when they were
    /// made (a creation burst adds weight, but among 200,000 accounts some strangers
    /// sign up in a campaign's burst hour through the same pathway).
    pub fn control(&self) -> f64 {
        LinkKind::ALL
            .into_iter()
            .filter(|k| k.is_control())
            .map(|k| k.weight() * self.strength(k))
            .sum()
    }

    /// An edge needs `threshold` evidence in all, at least [`MIN_CONTROL_SHARE`] of it
    /// control evidence: many independent companies build on one framework (same
    /// template, system prompt and tool schema), which is shared software, not common
    /// control. (The tolerance keeps one shared address, 1/3 of 0.5 + 1/3 of 0.25 in
    /// floating point, at exactly a quarter.)
    pub fn is_edge(&self, threshold: f64) -> bool {
        self.weight() >= threshold && self.has_control(threshold)
    }

    /// The control evidence meets its share of `threshold` (see [`Self::is_edge`]).
    pub fn has_control(&self, threshold: f64) -> bool {
        self.control() + 1e-6 >= MIN_CONTROL_SHARE * threshold
    }

    /// Some control kind is matched in full on its own (a shared payment instrument,
    /// as many shared addresses or networks as the kind needs, synchrony at full
    /// lift), not just the quarter of an edge that one shared address gives. A link
    /// that stands alone, outside any cluster, must show this much (see the scoring
    /// crate's `require_coordination`).
    pub fn has_full_control_kind(&self) -> bool {
        LinkKind::ALL
            .into_iter()
            .filter(|k| k.is_control())
            .any(|k| self.strength(k) + 1e-6 >= 1.0)
    }

    /// Strength of one kind in [0,1].
    pub fn strength(&self, kind: LinkKind) -> f64 {
        if kind == LinkKind::Sync {
            return f64::from(self.sync);
        }
        (f64::from(self.support[kind.index()]) / kind.need() as f64).min(1.0)
    }

    /// What is shared, in words, strongest kind first: "3 addresses (same weeks),
    /// 3 networks (same weeks), 2 template frames".
    pub fn describe(&self) -> String {
        self.kinds()
            .into_iter()
            .map(|kind| match kind {
                LinkKind::Sync => format!("synchronised activity (lift {:.1})", self.sync_lift),
                _ => format!("{} {}", self.shared[kind.index()], kind.noun()),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Kinds with any strength, strongest contribution first.
    pub fn kinds(&self) -> Vec<LinkKind> {
        let mut kinds: Vec<(LinkKind, f64)> = LinkKind::ALL
            .into_iter()
            .map(|k| (k, k.weight() * self.strength(k)))
            .filter(|&(_, w)| w > 0.0)
            .collect();
        kinds.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        kinds.into_iter().map(|(k, _)| k).collect()
    }
}

/// An evidenced edge between accounts `a < b` (indices into the population).
#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    pub a: u32,
    pub b: u32,
    pub evidence: PairEvidence,
}

/// Compares two accounts over every kind.
pub fn compare(a: &AccountKeys, b: &AccountKeys) -> PairEvidence {
    let mut evidence = PairEvidence {
        same_org: a.org.is_some() && a.org == b.org,
        ..PairEvidence::default()
    };
    for kind in LinkKind::KEYED {
        add_keyed(&mut evidence, kind, a, b);
    }
    credit_networks_of_shared_addresses(&mut evidence);
    add_sync(&mut evidence, a, b);
    evidence
}

/// What two accounts share if it makes an edge at `threshold`: the same answer as
/// `compare(a, b)` filtered by [`PairEvidence::is_edge`], found with less work. The
/// control kinds are compared first, and a pair whose control evidence falls short
/// of its share is dropped before its software (template frames and sentences, system
/// prompt, tool schema, client) is compared: those are the longest key lists, and most
/// candidate pairs are strangers who share some of them and nothing else.
pub fn edge(a: &AccountKeys, b: &AccountKeys, threshold: f64) -> Option<PairEvidence> {
    let mut evidence = PairEvidence {
        same_org: a.org.is_some() && a.org == b.org,
        ..PairEvidence::default()
    };
    add_keyed(&mut evidence, LinkKind::Payment, a, b);
    // An address shared in a week is a network shared in that week, so accounts that
    // share no subnet-week share no IP-week either: the IP lists (as long as the
    // subnet lists) are compared only when there is something to find.
    add_keyed(&mut evidence, LinkKind::Subnet, a, b);
    if evidence.shared[LinkKind::Subnet.index()] > 0 {
        add_keyed(&mut evidence, LinkKind::Ip, a, b);
        credit_networks_of_shared_addresses(&mut evidence);
    }
    // Synchrony is 0 when the two activity lists differ too much in length to overlap
    // enough: then the keyed kinds already say all the control there is.
    if !sync::possible(&a.buckets, &b.buckets) && !evidence.has_control(threshold) {
        return None;
    }
    add_sync(&mut evidence, a, b);
    // Every control kind is in now, so this is the control `is_edge` will see.
    if !evidence.has_control(threshold) {
        return None;
    }
    for kind in LinkKind::KEYED.into_iter().filter(|k| !k.is_control()) {
        add_keyed(&mut evidence, kind, a, b);
    }
    evidence.is_edge(threshold).then_some(evidence)
}

/// Adds what `a` and `b` share of one keyed kind.
fn add_keyed(evidence: &mut PairEvidence, kind: LinkKind, a: &AccountKeys, b: &AccountKeys) {
    let (mut n, mut sum) = weighted_intersection(a.keys(kind), a.rarity(kind), b.keys(kind));
    if kind.is_network() && n > 0 {
        let places = intersection_len(a.places(kind), b.places(kind));
        n = n.min(places);
        sum = sum.min(places as f32);
    }
    evidence.shared[kind.index()] = u16::try_from(n).unwrap_or(u16::MAX);
    evidence.support[kind.index()] = sum;
}

/// A shared address-week lies in a shared network-week, which counts at least as
/// much as the shared addresses in it do, however busy the network is.
///
/// Why: one rare shared address (with its network) is meant to be exactly a quarter
/// of an edge ([`PairEvidence::is_edge`]). Network-weeks count by their own rarity,
/// and a hosting provider's /24 fills with unrelated customers as the population
/// grows; without this, the same shared exit, held by the same two accounts, met the
/// quarter in a small population and fell short in a large one (at 16M, 18 accounts
/// of the reasoning campaign that each shared one exit with another went unlinked;
/// bench/RESULTS.md). Over all shared networks at once, not network by network: their
/// support is raised to the shared addresses' support, at most one per network.
fn credit_networks_of_shared_addresses(evidence: &mut PairEvidence) {
    let (ip, subnet) = (LinkKind::Ip.index(), LinkKind::Subnet.index());
    let networks = f32::from(evidence.shared[subnet]);
    let floor = evidence.support[ip].min(networks);
    if floor > evidence.support[subnet] {
        evidence.support[subnet] = floor;
    }
}

/// Adds the two accounts' synchrony.
fn add_sync(evidence: &mut PairEvidence, a: &AccountKeys, b: &AccountKeys) {
    let (sync, lift) = sync::strength(&a.buckets, &b.buckets);
    evidence.sync = sync as f32;
    evidence.sync_lift = lift as f32;
}
