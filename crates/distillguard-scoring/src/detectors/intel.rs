//! Partner intelligence: the account's traffic matches an indicator another provider
//! shared (imported from STIX with `distillguard intel import`).
//!
//! Why: campaigns run against several providers at once; an address, client, payment
//! instrument or prompt template already seen in a partner's campaign corroborates
//! local evidence. Each matched kind counts a fixed amount, never enough alone to flag.
//! Example: "its IP 203.0.113.8 matches indicator--4f1… shared by partner-x".

use std::net::IpAddr;

use distillguard_features::fingerprint::AccountFingerprint;
use distillguard_model::{Evidence, IndicatorKind, PartnerIndicator};
use sha2::{Digest, Sha256};

use super::{Finding, Group};

/// Surprise added by one matched indicator kind.
pub const MATCH_SURPRISE: f64 = 2.0;

pub struct Intel {
    indicators: Vec<PartnerIndicator>,
}

/// SHA-256 (hex) of a payment fingerprint, as shared between providers.
pub fn payment_fp_sha256(fp: &str) -> String {
    hex::encode(Sha256::digest(fp.as_bytes()))
}

/// The shareable hex form of a template frame key.
pub fn template_fp_hex(key: u64) -> String {
    format!("{key:016x}")
}

fn in_subnet(ip: IpAddr, cidr: &str) -> bool {
    let Some((net, bits)) = cidr.split_once('/') else {
        return false;
    };
    let (Ok(net), Ok(bits)) = (net.parse::<IpAddr>(), bits.parse::<u32>()) else {
        return false;
    };
    match (ip, net) {
        (IpAddr::V4(ip), IpAddr::V4(net)) if bits <= 32 => {
            let mask = if bits == 0 {
                0
            } else {
                u32::MAX << (32 - bits)
            };
            u32::from(ip) & mask == u32::from(net) & mask
        }
        (IpAddr::V6(ip), IpAddr::V6(net)) if bits <= 128 => {
            let mask = if bits == 0 {
                0
            } else {
                u128::MAX << (128 - bits)
            };
            u128::from(ip) & mask == u128::from(net) & mask
        }
        _ => false,
    }
}

impl Intel {
    pub fn new(indicators: &[PartnerIndicator]) -> Intel {
        Intel {
            indicators: indicators.to_vec(),
        }
    }

    fn matches(ind: &PartnerIndicator, a: &AccountFingerprint) -> Option<String> {
        let s = &a.stats;
        match ind.kind {
            IndicatorKind::Ip => {
                let ip: IpAddr = ind.value.parse().ok()?;
                s.ips.items.contains(&ip).then(|| format!("its IP {ip}"))
            }
            IndicatorKind::Subnet => s
                .ips
                .items
                .iter()
                .find(|ip| in_subnet(**ip, &ind.value))
                .map(|ip| format!("its IP {ip} in {}", ind.value)),
            IndicatorKind::Asn => {
                let asn: u32 = ind.value.trim_start_matches("AS").parse().ok()?;
                s.asns
                    .items
                    .contains(&asn)
                    .then(|| format!("its network AS{asn}"))
            }
            IndicatorKind::UserAgent => s
                .user_agents
                .items
                .iter()
                .any(|ua| ua == &ind.value)
                .then(|| format!("its client \"{}\"", ind.value)),
            IndicatorKind::PaymentFpSha256 => s
                .payment_fps
                .items
                .iter()
                .any(|fp| payment_fp_sha256(fp).eq_ignore_ascii_case(&ind.value))
                .then(|| "its payment instrument (hashed)".to_string()),
            IndicatorKind::TemplateFp => {
                let key = u64::from_str_radix(&ind.value, 16).ok()?;
                let has = s
                    .heads
                    .entries()
                    .iter()
                    .chain(s.tails.entries().iter())
                    .any(|(k, _)| *k == key);
                has.then(|| format!("its prompt template {}", ind.value))
            }
        }
    }

    pub fn assess(&self, a: &AccountFingerprint) -> Vec<Finding> {
        let mut out: Vec<Finding> = Vec::new();
        let mut kinds_seen: Vec<IndicatorKind> = Vec::new();
        for ind in &self.indicators {
            let Some(what) = Intel::matches(ind, a) else {
                continue;
            };
            let surprise = if kinds_seen.contains(&ind.kind) {
                0.0
            } else {
                MATCH_SURPRISE
            };
            kinds_seen.push(ind.kind);
            out.push(Finding {
                group: Group::Intel,
                surprise,
                evidence: Evidence::new(
                    "partner_indicator",
                    ind.stix_id.as_str(),
                    format!(
                        "{what} matches indicator {} shared by {}",
                        ind.stix_id, ind.source
                    ),
                )
                .with_weight(surprise),
            });
            if out.len() >= 8 {
                break;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subnet_matching() {
        let ip: IpAddr = "203.0.113.77".parse().expect("ip");
        assert!(in_subnet(ip, "203.0.113.0/24"));
        assert!(!in_subnet(ip, "203.0.112.0/24"));
        assert!(!in_subnet(ip, "garbage"));
        let v6: IpAddr = "2001:db8::1".parse().expect("ip");
        assert!(in_subnet(v6, "2001:db8::/32"));
    }
}
