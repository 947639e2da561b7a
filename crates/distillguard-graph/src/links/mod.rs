//! Link kinds: the things two accounts can share that are evidence of common control.
//! One file per kind, each with what it detects, why, and its weight.
//!
//! A kind's *weight* is how much one full match counts towards an edge (an edge needs
//! [`crate::GraphConfig::edge_threshold`], 1.0 by default); its *need* is how many
//! shared keys make a full match; its *max group* is the number of accounts beyond which
//! a shared key is ubiquitous (a mobile carrier's NAT address, a stock phrase) and says
//! nothing about control. Weights are set from what each kind means, not fitted to data:
//! a payment instrument is owned by one party (alone enough); a network address, a
//! client build or a prompt frame can be shared by strangers (two kinds needed).
//!
//! *Rarity*: below the hard cap of the max group, a shared key counts by how rare it is
//! in the population ([`rarity`]): an address, a client string or a template frame held
//! by a handful of accounts says more than one held by a few percent of all accounts,
//! which strangers share through co-location or the same software. A payment
//! instrument is exempt: a card belongs to one party however many accounts it pays
//! for, and forty accounts on one card is as strong a link as there is.

pub mod client;
pub mod creation;
pub mod ip;
pub mod payment;
pub mod subnet;
pub mod sync;
pub mod system;
pub mod template;
pub mod tools;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LinkKind {
    Payment,
    Ip,
    Subnet,
    Client,
    Template,
    System,
    Tools,
    Creation,
    Sync,
}

impl LinkKind {
    /// Kinds that come from shared keys (all but [`LinkKind::Sync`], which is measured
    /// on candidate pairs).
    pub const KEYED: [LinkKind; 8] = [
        LinkKind::Payment,
        LinkKind::Ip,
        LinkKind::Subnet,
        LinkKind::Client,
        LinkKind::Template,
        LinkKind::System,
        LinkKind::Tools,
        LinkKind::Creation,
    ];

    pub const ALL: [LinkKind; 9] = [
        LinkKind::Payment,
        LinkKind::Ip,
        LinkKind::Subnet,
        LinkKind::Client,
        LinkKind::Template,
        LinkKind::System,
        LinkKind::Tools,
        LinkKind::Creation,
        LinkKind::Sync,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LinkKind::Payment => "payment",
            LinkKind::Ip => "ip",
            LinkKind::Subnet => "subnet",
            LinkKind::Client => "client",
            LinkKind::Template => "template",
            LinkKind::System => "system_prompt",
            LinkKind::Tools => "tool_schema",
            LinkKind::Creation => "creation_burst",
            LinkKind::Sync => "sync",
        }
    }

    /// What one shared key of this kind is, for evidence ("3 addresses (same weeks)").
    pub fn noun(self) -> &'static str {
        match self {
            LinkKind::Payment => "payment instrument(s)",
            LinkKind::Ip => "address(es) (same weeks)",
            LinkKind::Subnet => "/24 network(s) (same weeks)",
            LinkKind::Client => "client build(s) (ASN + user agent)",
            LinkKind::Template => "template frame(s)",
            LinkKind::System => "system prompt(s)",
            LinkKind::Tools => "tool schema(s)",
            LinkKind::Creation => "creation hour(s) through the same pathway",
            LinkKind::Sync => "synchronised activity",
        }
    }

    /// The kind's (weight, need, max group), as set and explained in its own file.
    fn spec(self) -> (f64, usize, usize) {
        match self {
            LinkKind::Payment => (payment::WEIGHT, payment::NEED, payment::MAX_GROUP),
            LinkKind::Ip => (ip::WEIGHT, ip::NEED, ip::MAX_GROUP),
            LinkKind::Subnet => (subnet::WEIGHT, subnet::NEED, subnet::MAX_GROUP),
            LinkKind::Client => (client::WEIGHT, client::NEED, client::MAX_GROUP),
            LinkKind::Template => (template::WEIGHT, template::NEED, template::MAX_GROUP),
            LinkKind::System => (system::WEIGHT, system::NEED, system::MAX_GROUP),
            LinkKind::Tools => (tools::WEIGHT, tools::NEED, tools::MAX_GROUP),
            LinkKind::Creation => (creation::WEIGHT, creation::NEED, creation::MAX_GROUP),
            LinkKind::Sync => (sync::WEIGHT, 1, usize::MAX),
        }
    }

    pub fn weight(self) -> f64 {
        self.spec().0
    }

    pub fn need(self) -> usize {
        self.spec().1
    }

    pub fn max_group(self) -> usize {
        self.spec().2
    }

    pub fn index(self) -> usize {
        self as usize
    }

    /// Whether a shared key of this kind counts by its [`rarity`]: the control kinds
    /// strangers share by co-location (network, creation hour), not payment.
    pub fn weighs_rarity(self) -> bool {
        matches!(self, LinkKind::Ip | LinkKind::Subnet | LinkKind::Creation)
    }

    /// Kinds whose keys are places on the network in a week (IP-weeks, subnet-weeks).
    pub fn is_network(self) -> bool {
        matches!(self, LinkKind::Ip | LinkKind::Subnet)
    }

    /// Kinds that show control of the accounts (payment, network, timing); the others
    /// show shared software or content, or, for the creation burst, a coincidence that
    /// a large population makes by chance (see `links::creation`), which adds to an
    /// edge but never makes one.
    pub fn is_control(self) -> bool {
        matches!(
            self,
            LinkKind::Payment | LinkKind::Ip | LinkKind::Subnet | LinkKind::Sync
        )
    }
}

/// Up to this many holders a shared key is as rare as a key can be: a team or a small
/// office shares things among that many, and a smaller group says no more.
pub const RARE_GROUP: f64 = 10.0;

/// How much one shared key counts, in [0,1], when `holders` of the `population`'s
/// accounts hold it: 1 up to [`RARE_GROUP`] holders, then falling with the log of the
/// share of the population that holds it (inverse document frequency), to 0 for a key
/// every account holds. In 26,000 accounts a key held by 48 counts 0.80, by 574 0.49,
/// by 4,000 0.24.
pub fn rarity(holders: u32, population: usize) -> f32 {
    let n = f64::from(holders.max(1));
    if n <= RARE_GROUP {
        return 1.0;
    }
    let population = (population as f64).max(n);
    ((population / n).ln() / (population / RARE_GROUP).ln()).clamp(0.0, 1.0) as f32
}
