//! What kind of network a request came from: hosting and cloud networks (where scripts,
//! proxies and VPNs run) against the rest (homes, mobile carriers, offices, campuses),
//! by the request's autonomous system number.
//!
//! Why it matters: harvesting at scale runs from rented machines or through proxy
//! exits, most of them in hosting networks, while the people behind ordinary accounts
//! send from home, mobile or office networks. Back-ends of real applications run in
//! clouds too, so this is context for an analyst, not proof (see
//! `distillguard_scoring::detectors::network`).
//!
//! The built-in list ([`BUILTIN`]) holds the large, well-known cloud and hosting
//! providers and the hosting networks proxy resellers are known to rent from; a
//! provider adds its own (`[networks] hosting_asns` in the config, docs/CONFIG.md).
//! Residential proxies (exits on home broadband) are not recognisable by network and
//! are not claimed.

/// Well-known cloud and hosting networks: (ASN, operator).
pub const BUILTIN: &[(u32, &str)] = &[
    (8075, "Microsoft Azure"),
    (8100, "QuadraNet"),
    (9009, "M247"),
    (9370, "Sakura Internet"),
    (12876, "Scaleway"),
    (13335, "Cloudflare"),
    (14061, "DigitalOcean"),
    (14618, "Amazon AWS"),
    (15169, "Google"),
    (16265, "LeaseWeb"),
    (16276, "OVH"),
    (16509, "Amazon AWS"),
    (20473, "Vultr (Choopa)"),
    (21859, "Zenlayer"),
    (24940, "Hetzner"),
    (31898, "Oracle Cloud"),
    (36352, "ColoCrossing"),
    (45102, "Alibaba Cloud"),
    (49981, "WorldStream"),
    (51167, "Contabo"),
    (53667, "FranTech (BuyVM)"),
    (54290, "Hostwinds"),
    (60068, "Datacamp (CDN77)"),
    (60781, "LeaseWeb Netherlands"),
    (62240, "Clouvider"),
    (63949, "Akamai (Linode)"),
    (132203, "Tencent Cloud"),
    (197540, "netcup"),
    (202425, "IP Volume"),
    (212238, "Datacamp"),
    (396982, "Google Cloud"),
];

/// The hosting networks one analysis recognises: the built-in list plus the
/// provider's own, sorted for lookup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostingNetworks {
    asns: Vec<u32>,
}

impl Default for HostingNetworks {
    fn default() -> Self {
        HostingNetworks::with_extra(&[])
    }
}

impl HostingNetworks {
    /// The built-in list and `extra` ASNs.
    pub fn with_extra(extra: &[u32]) -> Self {
        let mut asns: Vec<u32> = BUILTIN
            .iter()
            .map(|&(asn, _)| asn)
            .chain(extra.iter().copied())
            .collect();
        asns.sort_unstable();
        asns.dedup();
        HostingNetworks { asns }
    }

    /// Whether `asn` is a hosting or cloud network.
    pub fn contains(&self, asn: u32) -> bool {
        self.asns.binary_search(&asn).is_ok()
    }

    /// How to name `asn` in evidence: "AS16509 (Amazon AWS)", or "AS64500" for one
    /// the provider listed.
    pub fn describe(asn: u32) -> String {
        match BUILTIN.iter().find(|&&(a, _)| a == asn) {
            Some((_, operator)) => format!("AS{asn} ({operator})"),
            None => format!("AS{asn}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_and_extra_networks_are_hosting_and_others_are_not() {
        let networks = HostingNetworks::with_extra(&[64_500]);
        assert!(networks.contains(16509), "AWS");
        assert!(networks.contains(64_500), "listed by the provider");
        // A residential broadband network and a mobile carrier.
        assert!(!networks.contains(7922), "Comcast");
        assert!(!networks.contains(21928), "T-Mobile US");
        assert!(!HostingNetworks::default().contains(64_500));
        assert_eq!(HostingNetworks::describe(24940), "AS24940 (Hetzner)");
        assert_eq!(HostingNetworks::describe(64_500), "AS64500");
    }

    #[test]
    fn builtin_list_has_no_duplicates() {
        let mut asns: Vec<u32> = BUILTIN.iter().map(|&(a, _)| a).collect();
        asns.sort_unstable();
        let before = asns.len();
        asns.dedup();
        assert_eq!(asns.len(), before);
    }
}
