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

    /// Kinds whose keys are places on the network on a day (IP-days, subnet-days).
    pub fn is_network(self) -> bool {
        matches!(self, LinkKind::Ip | LinkKind::Subnet)
    }

    /// Kinds that show control of the accounts (payment, network, creation, timing);
    /// the others show shared software or content.
    pub fn is_control(self) -> bool {
        matches!(
            self,
            LinkKind::Payment
                | LinkKind::Ip
                | LinkKind::Subnet
                | LinkKind::Creation
                | LinkKind::Sync
        )
    }
}
