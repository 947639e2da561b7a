//! Report → STIX 2.1 bundle.
//!
//! In: a [`Report`], [`ExportOptions`] and the export time. Out: one bundle holding
//! - the producer `identity` (and the `distillguard` identity that authored our extension
//!   definitions), the TLP 2.0 `marking-definition` every object is marked with;
//! - one `campaign` per report campaign, and an `intrusion-set` with an `attributed-to`
//!   relationship where several clusters are attributed to one operator;
//! - `attack-pattern`s for the MITRE ATLAS techniques seen, joined by `uses`;
//! - one `indicator` per shared value of the clusters that reach
//!   [`ExportOptions::min_cluster_score`]: IPs, /24 (IPv6: /64) networks holding several of
//!   them, ASNs, user agents, SHA-256 of payment fingerprints, prompt-template sketches;
//!   each `indicates` its campaigns and carries a `sighting` (count, first/last seen);
//! - the `extension-definition`s that declare our custom observable types and the
//!   campaign property extension (the only custom content, so strict validators pass).
//!
//! Privacy, enforced here and tested: no account id, org id, evidence text or prompt text
//! leaves unless [`ExportOptions::include_account_ids`] says so; payment fingerprints only as
//! SHA-256; report ids or user agents that contain an account id are replaced or dropped.
//!
//! Ids are content UUIDs (UUIDv5 bits in v4 form) of the producer name and what the object is (see [`crate::ids`]), so the
//! same report exported again gives the same ids.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::net::IpAddr;

use distillguard_model::report::{CampaignReport, ClusterReport, Report};
use distillguard_model::time::{format_timestamp, Millis, DAY};
use distillguard_model::IndicatorKind;
use ipnet::IpNet;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use crate::ids::stix_id;
use crate::pattern::{self, hash_payment_fp};
use crate::vocab::{self, AtlasTechnique};

/// TLP 2.0 levels, as the OASIS TLP 2.0 extension publishes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tlp {
    Clear,
    Green,
    #[default]
    Amber,
    AmberStrict,
    Red,
}

impl Tlp {
    /// The published marking-definition id.
    pub fn marking_id(self) -> &'static str {
        match self {
            Tlp::Clear => "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
            Tlp::Green => "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
            Tlp::Amber => "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
            Tlp::AmberStrict => "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
            Tlp::Red => "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
        }
    }

    /// The `tlp_2_0` value: `clear`, `green`, `amber`, `amber+strict`, `red`.
    pub fn as_str(self) -> &'static str {
        match self {
            Tlp::Clear => "clear",
            Tlp::Green => "green",
            Tlp::Amber => "amber",
            Tlp::AmberStrict => "amber+strict",
            Tlp::Red => "red",
        }
    }

    /// Reads `amber`, `TLP:AMBER`, `amber+strict`, ... (case-insensitive).
    pub fn parse(text: &str) -> Option<Tlp> {
        let lower = text.trim().to_ascii_lowercase();
        let level = lower.strip_prefix("tlp:").unwrap_or(&lower);
        match level {
            "clear" | "white" => Some(Tlp::Clear),
            "green" => Some(Tlp::Green),
            "amber" => Some(Tlp::Amber),
            "amber+strict" | "amber-strict" => Some(Tlp::AmberStrict),
            "red" => Some(Tlp::Red),
            _ => None,
        }
    }

    /// The marking-definition object exactly as OASIS published it.
    pub fn marking_definition(self) -> Value {
        json!({
            "type": "marking-definition",
            "spec_version": "2.1",
            "id": self.marking_id(),
            "created": vocab::TLP2_CREATED,
            "name": format!("TLP:{}", self.as_str().to_ascii_uppercase()),
            "extensions": {
                vocab::TLP2_EXTENSION_ID: {
                    "extension_type": "property-extension",
                    "tlp_2_0": self.as_str(),
                }
            }
        })
    }
}

/// What an export contains and how it is marked.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportOptions {
    /// Name of the producing organisation (the `identity` every object is created by).
    pub producer_name: String,
    pub tlp: Tlp,
    /// Clusters scoring below this share no indicators.
    pub min_cluster_score: f64,
    /// Indicators stay valid this long after the later of the export and the last sighting.
    pub valid_for: Millis,
    /// A /24 (IPv6 /64) network is shared when at least this many shared addresses fall in it.
    pub min_ips_per_subnet: usize,
    pub include_ips: bool,
    pub include_subnets: bool,
    pub include_asns: bool,
    pub include_user_agents: bool,
    /// Shared as SHA-256 only, whatever this says.
    pub include_payment_fps: bool,
    /// Hex sketches only; anything that is not hex is never shared.
    pub include_template_fps: bool,
    /// Customer identifiers: account ids go out (in the campaign extension) only if set.
    pub include_account_ids: bool,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions {
            producer_name: "distillguard".to_string(),
            tlp: Tlp::Amber,
            min_cluster_score: 0.5,
            valid_for: 90 * DAY,
            min_ips_per_subnet: 2,
            include_ips: true,
            include_subnets: true,
            include_asns: true,
            include_user_agents: true,
            include_payment_fps: true,
            include_template_fps: true,
            include_account_ids: false,
        }
    }
}

/// The date our extension definitions were first published; fixed so their objects never
/// change version.
const EXTENSIONS_CREATED: &str = "2026-01-01T00:00:00.000Z";

/// How much a shared value of each kind says about the operator, relative to the cluster's
/// score: an address or payment instrument is specific, an ASN or user agent is shared by
/// many innocent users too.
fn kind_confidence_factor(kind: IndicatorKind) -> f64 {
    match kind {
        IndicatorKind::Ip | IndicatorKind::PaymentFpSha256 => 1.0,
        IndicatorKind::TemplateFp => 0.9,
        IndicatorKind::Subnet => 0.8,
        IndicatorKind::UserAgent => 0.6,
        IndicatorKind::Asn => 0.5,
    }
}

fn kind_label(kind: IndicatorKind) -> &'static str {
    match kind {
        IndicatorKind::Ip => "IP address",
        IndicatorKind::Subnet => "network",
        IndicatorKind::Asn => "autonomous system",
        IndicatorKind::UserAgent => "user agent",
        IndicatorKind::PaymentFpSha256 => "payment instrument (SHA-256 of fingerprint)",
        IndicatorKind::TemplateFp => "prompt template fingerprint",
    }
}

/// Score in [0,1] → STIX confidence 0..=100.
fn confidence(score: f64) -> u64 {
    if !score.is_finite() {
        return 0;
    }
    (score.clamp(0.0, 1.0) * 100.0).round() as u64
}

/// Text safe to publish as a label: unchanged unless it contains an identifier we must
/// not share, in which case a short hash stands in for it.
struct PrivacyScreen {
    /// Account ids (3 characters or more: shorter ones would match everything).
    secrets: HashSet<Vec<u8>>,
    /// The distinct lengths of the secrets, ascending.
    lengths: Vec<usize>,
}

impl PrivacyScreen {
    fn new(report: &Report) -> Self {
        let mut secrets: HashSet<Vec<u8>> = HashSet::new();
        let ids = report
            .accounts
            .iter()
            .map(|a| &a.account_id)
            .chain(report.clusters.iter().flat_map(|c| &c.accounts));
        for id in ids.filter(|id| id.len() >= 3) {
            secrets.insert(id.as_bytes().to_vec());
        }
        let lengths: BTreeSet<usize> = secrets.iter().map(Vec::len).collect();
        PrivacyScreen {
            secrets,
            lengths: lengths.into_iter().collect(),
        }
    }

    /// Whether any secret occurs in `text`: every window of `text` as long as some
    /// secret is looked up (a few lengths times the text's length, however many
    /// accounts there are).
    fn leaks(&self, text: &str) -> bool {
        let bytes = text.as_bytes();
        self.lengths
            .iter()
            .take_while(|&&len| len <= bytes.len())
            .any(|&len| bytes.windows(len).any(|w| self.secrets.contains(w)))
    }

    fn label(&self, text: &str) -> String {
        if self.leaks(text) {
            let digest = hex::encode(Sha256::digest(text.as_bytes()));
            format!("ref-{}", &digest[..12])
        } else {
            text.to_string()
        }
    }
}

/// One shared value, merged over the clusters that share it.
struct IndicatorDraft {
    kind: IndicatorKind,
    value: String,
    pattern: String,
    score: f64,
    clusters: usize,
    accounts: usize,
    exchanges: u64,
    first_seen: Option<Millis>,
    last_seen: Option<Millis>,
    /// Indices into the report's campaigns.
    campaigns: BTreeSet<usize>,
}

fn min_opt(a: Option<Millis>, b: Option<Millis>) -> Option<Millis> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

fn max_opt(a: Option<Millis>, b: Option<Millis>) -> Option<Millis> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

/// The (kind, value) pairs a cluster shares, filtered by the options and privacy rules.
fn shared_values(
    cluster: &ClusterReport,
    opts: &ExportOptions,
    screen: &PrivacyScreen,
) -> Vec<(IndicatorKind, String)> {
    let shared = &cluster.shared;
    let mut values = Vec::new();
    let mut addresses: Vec<IpAddr> = Vec::new();
    for ip in &shared.ips {
        if let Ok(addr) = ip.trim().parse::<IpAddr>() {
            addresses.push(addr);
            if opts.include_ips {
                values.push((IndicatorKind::Ip, addr.to_string()));
            }
        } else if let Ok(net) = ip.trim().parse::<IpNet>() {
            if opts.include_subnets {
                values.push((IndicatorKind::Subnet, net.trunc().to_string()));
            }
        } else {
            tracing::warn!(cluster = %cluster.id, value = %ip, "shared ip is neither an address nor a network; not exported");
        }
    }
    if opts.include_subnets {
        let mut per_network: BTreeMap<IpNet, usize> = BTreeMap::new();
        for addr in &addresses {
            let prefix = if addr.is_ipv4() { 24 } else { 64 };
            if let Ok(net) = IpNet::new(*addr, prefix) {
                *per_network.entry(net.trunc()).or_default() += 1;
            }
        }
        for (net, count) in per_network {
            if count >= opts.min_ips_per_subnet.max(1) {
                values.push((IndicatorKind::Subnet, net.to_string()));
            }
        }
    }
    if opts.include_asns {
        values.extend(
            shared
                .asns
                .iter()
                .map(|asn| (IndicatorKind::Asn, asn.to_string())),
        );
    }
    if opts.include_user_agents {
        for ua in &shared.user_agents {
            if screen.leaks(ua) {
                tracing::warn!(cluster = %cluster.id, "user agent contains an account id; not exported");
                continue;
            }
            values.push((IndicatorKind::UserAgent, ua.clone()));
        }
    }
    if opts.include_payment_fps {
        values.extend(
            shared
                .payment_fps
                .iter()
                .filter(|fp| !fp.is_empty())
                .map(|fp| (IndicatorKind::PaymentFpSha256, hash_payment_fp(fp))),
        );
    }
    if opts.include_template_fps {
        values.extend(
            shared
                .template_fps
                .iter()
                .map(|fp| (IndicatorKind::TemplateFp, fp.clone())),
        );
    }
    values
}

/// Builds STIX objects with the common properties filled in.
struct Builder<'a> {
    opts: &'a ExportOptions,
    now: String,
    producer_id: String,
    marking: [&'static str; 1],
    objects: Vec<Value>,
}

impl Builder<'_> {
    /// `type`, `spec_version`, `id`, `created`, `modified`, `created_by_ref`,
    /// `object_marking_refs`, then `fields`.
    fn sdo(&mut self, stix_type: &str, key: &str, fields: Value) -> String {
        let id = stix_id(stix_type, &format!("{}|{key}", self.opts.producer_name));
        let mut object = Map::new();
        object.insert("type".into(), json!(stix_type));
        object.insert("spec_version".into(), json!("2.1"));
        object.insert("id".into(), json!(id));
        object.insert("created".into(), json!(self.now));
        object.insert("modified".into(), json!(self.now));
        object.insert("created_by_ref".into(), json!(self.producer_id));
        if let Value::Object(fields) = fields {
            object.extend(fields);
        }
        object.insert("object_marking_refs".into(), json!(self.marking));
        self.objects.push(Value::Object(object));
        id
    }

    fn relationship(&mut self, source: &str, relationship_type: &str, target: &str) {
        let key = format!("{source}|{relationship_type}|{target}");
        self.sdo(
            "relationship",
            &key,
            json!({
                "relationship_type": relationship_type,
                "source_ref": source,
                "target_ref": target,
            }),
        );
    }
}

/// Campaign label for names: the report's id unless it would reveal an account.
fn campaign_label(campaign: &CampaignReport, screen: &PrivacyScreen) -> String {
    screen.label(&campaign.id)
}

/// The ATLAS techniques a campaign shows.
fn techniques_of(campaign: &CampaignReport, clusters: &[&ClusterReport]) -> Vec<AtlasTechnique> {
    let mut techniques = vec![vocab::EXTRACT_AI_MODEL, vocab::INFERENCE_API_ACCESS];
    let shares_infrastructure = clusters
        .iter()
        .any(|c| !c.shared.ips.is_empty() || !c.shared.asns.is_empty());
    if shares_infrastructure {
        techniques.push(vocab::AI_SERVICE_PROXIES);
    }
    if campaign.accounts >= 2 {
        techniques.push(vocab::ESTABLISH_ACCOUNTS);
    }
    techniques
}

/// Exports a report as a STIX 2.1 bundle. Pure: `now` is the export time (`created`,
/// `modified`, and the start of validity windows).
pub fn export_bundle(report: &Report, opts: &ExportOptions, now: Millis) -> Value {
    let screen = PrivacyScreen::new(report);
    let producer_id = stix_id("identity", &format!("producer|{}", opts.producer_name));
    let project_id = stix_id("identity", "distillguard-project");
    let now_text = format_timestamp(now);
    let mut b = Builder {
        opts,
        now: now_text.clone(),
        producer_id: producer_id.clone(),
        marking: [opts.tlp.marking_id()],
        objects: Vec::new(),
    };

    // Who made this, and how it may be shared.
    b.objects.push(json!({
        "type": "identity",
        "spec_version": "2.1",
        "id": producer_id,
        "created": now_text,
        "modified": now_text,
        "name": opts.producer_name,
        "identity_class": "organization",
        "object_marking_refs": [opts.tlp.marking_id()],
    }));
    b.objects.push(opts.tlp.marking_definition());
    b.objects.push(json!({
        "type": "identity",
        "spec_version": "2.1",
        "id": project_id,
        "created": EXTENSIONS_CREATED,
        "modified": EXTENSIONS_CREATED,
        "name": "distillguard",
        "description": "Open-source detector of distillation attacks on LLM APIs; author of the extension definitions used here.",
        "identity_class": "system",
    }));
    let campaign_extension_id = stix_id(
        "extension-definition",
        vocab::CAMPAIGN_PROPERTY_EXTENSION_KEY,
    );
    let extension_definitions = [
        (
            vocab::PAYMENT_SCO_EXTENSION_KEY,
            "distillguard payment fingerprint",
            format!("New observable type '{}': a payment instrument known only by the SHA-256 (property hashes.'SHA-256') of the provider's opaque payment fingerprint. Raw fingerprints are never shared.", vocab::PAYMENT_SCO_TYPE),
            "payment-fingerprint.json",
            "new-sco",
        ),
        (
            vocab::TEMPLATE_SCO_EXTENSION_KEY,
            "distillguard prompt template",
            format!("New observable type '{}': a prompt template known only by a locality-sensitive hex sketch (property fingerprint) of its structure. Prompt text is never shared.", vocab::TEMPLATE_SCO_TYPE),
            "prompt-template.json",
            "new-sco",
        ),
        (
            vocab::CAMPAIGN_PROPERTY_EXTENSION_KEY,
            "distillguard campaign facts",
            "Property extension on campaign and intrusion-set: capabilities targeted (targets), and counts of accounts, clusters and exchanges.".to_string(),
            "campaign.json",
            "property-extension",
        ),
    ];
    for (key, name, description, schema, extension_type) in extension_definitions {
        b.objects.push(json!({
            "type": "extension-definition",
            "spec_version": "2.1",
            "id": stix_id("extension-definition", key),
            "created": EXTENSIONS_CREATED,
            "modified": EXTENSIONS_CREATED,
            "created_by_ref": project_id,
            "name": name,
            "description": description,
            "schema": format!("{}/{schema}", vocab::SCHEMA_BASE_URL),
            "version": "1.0.0",
            "extension_types": [extension_type],
        }));
    }

    let cluster_by_id: BTreeMap<&str, &ClusterReport> =
        report.clusters.iter().map(|c| (c.id.as_str(), c)).collect();
    let mut campaigns_of_cluster: BTreeMap<&str, BTreeSet<usize>> = BTreeMap::new();
    for (index, campaign) in report.campaigns.iter().enumerate() {
        for cluster in &campaign.clusters {
            campaigns_of_cluster
                .entry(cluster.as_str())
                .or_default()
                .insert(index);
        }
    }

    // Campaigns, their operators and their techniques.
    let mut campaign_ids: Vec<String> = Vec::with_capacity(report.campaigns.len());
    let mut technique_ids: BTreeMap<&'static str, String> = BTreeMap::new();
    for campaign in &report.campaigns {
        let clusters: Vec<&ClusterReport> = campaign
            .clusters
            .iter()
            .filter_map(|id| cluster_by_id.get(id.as_str()).copied())
            .collect();
        let score = clusters.iter().map(|c| c.score).fold(0.0_f64, f64::max);
        let first_seen = clusters
            .iter()
            .fold(None, |acc, c| min_opt(acc, c.first_seen));
        let last_seen = clusters
            .iter()
            .fold(None, |acc, c| max_opt(acc, c.last_seen));
        let label = campaign_label(campaign, &screen);
        let mut facts = json!({
            "extension_type": "property-extension",
            "targets": campaign.targets,
            "accounts": campaign.accounts,
            "clusters": campaign.clusters.len(),
            "exchanges": campaign.exchanges,
        });
        if opts.include_account_ids {
            let accounts: BTreeSet<&str> = clusters
                .iter()
                .flat_map(|c| c.accounts.iter().map(String::as_str))
                .collect();
            facts["account_ids"] = json!(accounts);
        }
        let description = format!(
            "Distillation campaign: {} accounts in {} clusters made {} exchanges aimed at {}.",
            campaign.accounts,
            campaign.clusters.len(),
            campaign.exchanges,
            if campaign.targets.is_empty() {
                "no single capability".to_string()
            } else {
                campaign.targets.join(", ")
            }
        );
        let mut fields = json!({
            "name": format!("Distillation campaign {label}"),
            "description": description,
            "objective": "Harvest model outputs at scale to train a competing model.",
            "confidence": confidence(score),
            "extensions": { campaign_extension_id.clone(): facts.clone() },
        });
        if let Some(first) = first_seen {
            fields["first_seen"] = json!(format_timestamp(first));
        }
        if let Some(last) = last_seen {
            fields["last_seen"] = json!(format_timestamp(last));
        }
        let campaign_id = b.sdo("campaign", &format!("campaign|{}", campaign.id), fields);

        for technique in techniques_of(campaign, &clusters) {
            let technique_id = technique_ids
                .entry(technique.external_id)
                .or_insert_with(|| {
                    b.sdo(
                        "attack-pattern",
                        &format!("atlas|{}", technique.external_id),
                        json!({
                            "name": technique.name,
                            "description": format!("{} See {}.", technique.description, technique.url()),
                            "external_references": [{
                                "source_name": "mitre-atlas",
                                "external_id": technique.external_id,
                            }],
                        }),
                    )
                })
                .clone();
            b.relationship(&campaign_id, "uses", &technique_id);
        }

        if clusters.len() >= 2 {
            let mut fields = json!({
                "name": format!("Operator of distillation campaign {label}"),
                "description": format!(
                    "{} account clusters attributed to one operator: they share infrastructure, payment instruments or prompt templates, and act in concert.",
                    clusters.len()
                ),
                "resource_level": "organization",
                "primary_motivation": "organizational-gain",
                "confidence": confidence(score),
                "extensions": { campaign_extension_id.clone(): facts },
            });
            if let Some(first) = first_seen {
                fields["first_seen"] = json!(format_timestamp(first));
            }
            if let Some(last) = last_seen {
                fields["last_seen"] = json!(format_timestamp(last));
            }
            let set_id = b.sdo(
                "intrusion-set",
                &format!("intrusion-set|{}", campaign.id),
                fields,
            );
            b.relationship(&campaign_id, "attributed-to", &set_id);
        }
        campaign_ids.push(campaign_id);
    }

    // Indicators: one per shared value, merged over clusters.
    let mut drafts: BTreeMap<String, IndicatorDraft> = BTreeMap::new();
    for cluster in &report.clusters {
        // NaN scores share nothing.
        let shares = cluster.score >= opts.min_cluster_score;
        if !shares {
            continue;
        }
        let campaigns = campaigns_of_cluster
            .get(cluster.id.as_str())
            .cloned()
            .unwrap_or_default();
        let mut seen_in_cluster: BTreeSet<String> = BTreeSet::new();
        for (kind, value) in shared_values(cluster, opts, &screen) {
            let pattern = match pattern::build(kind, &value) {
                Ok(pattern) => pattern,
                Err(err) => {
                    tracing::warn!(cluster = %cluster.id, error = %err, "value not exported");
                    continue;
                }
            };
            if !seen_in_cluster.insert(pattern.clone()) {
                continue;
            }
            let value = pattern::normalize(kind, &value).unwrap_or(value);
            let draft = drafts
                .entry(pattern.clone())
                .or_insert_with(|| IndicatorDraft {
                    kind,
                    value,
                    pattern,
                    score: 0.0,
                    clusters: 0,
                    accounts: 0,
                    exchanges: 0,
                    first_seen: None,
                    last_seen: None,
                    campaigns: BTreeSet::new(),
                });
            draft.score = draft.score.max(cluster.score);
            draft.clusters += 1;
            draft.accounts += cluster.accounts.len();
            draft.exchanges = draft.exchanges.saturating_add(cluster.exchanges);
            draft.first_seen = min_opt(draft.first_seen, cluster.first_seen);
            draft.last_seen = max_opt(draft.last_seen, cluster.last_seen);
            draft.campaigns.extend(campaigns.iter().copied());
        }
    }

    for draft in drafts.values() {
        let valid_from = draft.first_seen.unwrap_or(now).min(now);
        let valid_until = draft.last_seen.unwrap_or(now).max(now) + opts.valid_for.max(DAY);
        let indicator_type = match draft.kind {
            IndicatorKind::Asn | IndicatorKind::UserAgent => "anomalous-activity",
            _ => "malicious-activity",
        };
        let shown_value = match draft.kind {
            IndicatorKind::UserAgent if draft.value.chars().count() > 80 => {
                let short: String = draft.value.chars().take(77).collect();
                format!("{short}...")
            }
            _ => draft.value.clone(),
        };
        let indicator_id = b.sdo(
            "indicator",
            &format!("indicator|{}", draft.pattern),
            json!({
                "name": format!("Distillation {}: {}", kind_label(draft.kind), shown_value),
                "description": format!(
                    "Shared inside {} account cluster(s) of {} accounts in total that harvested model outputs ({} exchanges).",
                    draft.clusters, draft.accounts, draft.exchanges
                ),
                "indicator_types": [indicator_type],
                "pattern": draft.pattern,
                "pattern_type": "stix",
                "pattern_version": "2.1",
                "valid_from": format_timestamp(valid_from),
                "valid_until": format_timestamp(valid_until),
                "confidence": confidence(draft.score * kind_confidence_factor(draft.kind)),
                "labels": ["distillation", pattern::kind_name(draft.kind)],
            }),
        );
        for &campaign_index in &draft.campaigns {
            if let Some(campaign_id) = campaign_ids.get(campaign_index) {
                b.relationship(&indicator_id, "indicates", campaign_id);
            }
        }
        let mut sighting = json!({
            "sighting_of_ref": indicator_id,
            "count": draft.exchanges.min(999_999_999),
            "where_sighted_refs": [producer_id],
            "summary": false,
        });
        if let (Some(first), Some(last)) = (draft.first_seen, draft.last_seen) {
            sighting["first_seen"] = json!(format_timestamp(first.min(last)));
            sighting["last_seen"] = json!(format_timestamp(last.max(first)));
        }
        b.sdo("sighting", &format!("sighting|{indicator_id}"), sighting);
    }

    let objects = b.objects;
    let bundle_key: String = objects
        .iter()
        .filter_map(|o| o.get("id").and_then(Value::as_str))
        .collect::<Vec<_>>()
        .join(",");
    json!({
        "type": "bundle",
        "id": stix_id("bundle", &format!("{}|{now}|{bundle_key}", opts.producer_name)),
        "objects": objects,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use distillguard_model::report::{
        AccountReport, CampaignReport, ClusterReport, InputSummary, SharedIndicators,
    };
    use distillguard_model::{Evidence, Verdict};

    pub(crate) fn sample_report() -> Report {
        let accounts = ["acct_hydra_001", "acct_hydra_002", "acct_hydra_003"];
        Report {
            version: 1,
            input: InputSummary::default(),
            accounts: accounts
                .iter()
                .map(|a| AccountReport {
                    account_id: a.to_string(),
                    score: 0.9,
                    verdict: Verdict::Attack,
                    cluster: Some("c1".into()),
                    exchanges: 10,
                    evidence: vec![Evidence::new(
                        "template",
                        "Solve step by step: SECRET PROMPT",
                        "prompt text SECRET PROMPT repeated",
                    )],
                })
                .collect(),
            clusters: vec![
                ClusterReport {
                    id: "c1".into(),
                    accounts: accounts[..2].iter().map(|a| a.to_string()).collect(),
                    score: 0.9,
                    exchanges: 20,
                    first_seen: Some(1_767_225_600_000),
                    last_seen: Some(1_767_312_000_000),
                    targets: vec!["reasoning".into()],
                    shared: SharedIndicators {
                        ips: vec!["198.51.100.7".into(), "198.51.100.8".into()],
                        asns: vec![64500],
                        payment_fps: vec!["pm_raw_fp_1".into()],
                        templates: 1,
                        template_fps: vec!["ab12cd34".into()],
                        user_agents: vec!["python-httpx/0.27".into(), "bot acct_hydra_001".into()],
                    },
                    evidence: vec![],
                    links: vec![],
                },
                ClusterReport {
                    id: "cluster-of-acct_hydra_003".into(),
                    accounts: vec![accounts[2].to_string()],
                    score: 0.7,
                    exchanges: 5,
                    first_seen: Some(1_767_225_600_000),
                    last_seen: Some(1_767_312_000_000),
                    targets: vec!["coding".into()],
                    shared: SharedIndicators {
                        ips: vec!["198.51.100.7".into()],
                        ..SharedIndicators::default()
                    },
                    evidence: vec![],
                    links: vec![],
                },
            ],
            campaigns: vec![CampaignReport {
                id: "acct_hydra_001-campaign".into(),
                clusters: vec!["c1".into(), "cluster-of-acct_hydra_003".into()],
                accounts: 3,
                exchanges: 25,
                targets: vec!["reasoning".into(), "coding".into()],
                evidence: vec![],
                models: vec![],
            }],
            settings: None,
            timelines: vec![],
        }
    }

    fn objects_of<'a>(bundle: &'a Value, stix_type: &str) -> Vec<&'a Value> {
        bundle["objects"]
            .as_array()
            .map(|objects| objects.iter().filter(|o| o["type"] == stix_type).collect())
            .unwrap_or_default()
    }

    #[test]
    fn export_is_deterministic() {
        let report = sample_report();
        let opts = ExportOptions::default();
        let a = export_bundle(&report, &opts, 1_767_400_000_000);
        let b = export_bundle(&report, &opts, 1_767_400_000_000);
        assert_eq!(a, b);
        // Later export: same ids, new timestamps.
        let c = export_bundle(&report, &opts, 1_767_500_000_000);
        let ids = |bundle: &Value| -> Vec<String> {
            bundle["objects"]
                .as_array()
                .map(|o| o.iter().map(|x| x["id"].to_string()).collect())
                .unwrap_or_default()
        };
        assert_eq!(ids(&a), ids(&c));
    }

    #[test]
    fn the_privacy_screen_finds_an_account_id_anywhere_in_a_text() {
        let report = sample_report();
        let screen = PrivacyScreen::new(&report);
        let id = &report.accounts[0].account_id;
        assert!(screen.leaks(id));
        assert!(screen.leaks(&format!("client/1.0 ({id})")));
        assert!(screen.leaks(&format!("{id}-worker")));
        assert!(!screen.leaks("client/1.0"));
        assert!(!screen.leaks(&id[..id.len() - 1]));
        assert!(!screen.leaks(""));
        assert!(screen.label(&format!("camp of {id}")).starts_with("ref-"));
        assert_eq!(screen.label("coding campaign"), "coding campaign");
    }

    #[test]
    fn nothing_identifying_leaves_by_default() {
        let report = sample_report();
        let bundle = export_bundle(&report, &ExportOptions::default(), 1_767_400_000_000);
        let text = bundle.to_string();
        for account in &report.accounts {
            assert!(
                !text.contains(&account.account_id),
                "account id {} leaked",
                account.account_id
            );
        }
        assert!(!text.contains("SECRET PROMPT"), "prompt text leaked");
        assert!(
            !text.contains("pm_raw_fp_1"),
            "raw payment fingerprint leaked"
        );
        assert!(text.contains(&hash_payment_fp("pm_raw_fp_1")));
        // With the option, account ids go out.
        let opts = ExportOptions {
            include_account_ids: true,
            ..ExportOptions::default()
        };
        let text = export_bundle(&report, &opts, 1_767_400_000_000).to_string();
        assert!(text.contains("acct_hydra_002"));
    }

    #[test]
    fn bundle_has_the_expected_shape() {
        let report = sample_report();
        let bundle = export_bundle(&report, &ExportOptions::default(), 1_767_400_000_000);
        assert_eq!(objects_of(&bundle, "campaign").len(), 1);
        assert_eq!(objects_of(&bundle, "intrusion-set").len(), 1);
        assert_eq!(objects_of(&bundle, "attack-pattern").len(), 4);
        let patterns: BTreeSet<&str> = objects_of(&bundle, "indicator")
            .iter()
            .filter_map(|i| i["pattern"].as_str())
            .collect();
        for expected in [
            "[ipv4-addr:value = '198.51.100.7']",
            "[ipv4-addr:value ISSUBSET '198.51.100.0/24']",
            "[autonomous-system:number = 64500]",
            "[network-traffic:extensions.'http-request-ext'.request_header.'User-Agent' = 'python-httpx/0.27']",
            "[distillguard-prompt-template:fingerprint = 'ab12cd34']",
        ] {
            assert!(patterns.contains(expected), "missing {expected}: {patterns:?}");
        }
        // The shared IP is merged over both clusters: one indicator, one sighting of 25.
        let ip_indicator = objects_of(&bundle, "indicator")
            .into_iter()
            .find(|i| i["pattern"] == "[ipv4-addr:value = '198.51.100.7']")
            .expect("ip indicator");
        let sighting = objects_of(&bundle, "sighting")
            .into_iter()
            .find(|s| s["sighting_of_ref"] == ip_indicator["id"])
            .expect("sighting");
        assert_eq!(sighting["count"], 25);
        assert_eq!(ip_indicator["confidence"], 90);
        let marking = Tlp::Amber.marking_id();
        for object in bundle["objects"].as_array().expect("objects") {
            if object["type"] == "indicator" {
                assert_eq!(object["object_marking_refs"][0], marking);
            }
        }
        let relationship_types: BTreeSet<&str> = objects_of(&bundle, "relationship")
            .iter()
            .filter_map(|r| r["relationship_type"].as_str())
            .collect();
        assert_eq!(
            relationship_types,
            BTreeSet::from(["attributed-to", "indicates", "uses"])
        );
    }

    #[test]
    fn low_scoring_clusters_share_nothing() {
        let mut report = sample_report();
        for cluster in &mut report.clusters {
            cluster.score = 0.2;
        }
        let bundle = export_bundle(&report, &ExportOptions::default(), 1_767_400_000_000);
        assert!(objects_of(&bundle, "indicator").is_empty());
        assert_eq!(objects_of(&bundle, "campaign").len(), 1);
    }

    proptest::proptest! {
        /// Whatever the report's shared values, export never panics and every indicator it
        /// writes reads back as exactly the values shared (quotes, backslashes, IPv6...).
        #[test]
        fn every_exported_indicator_imports_back(
            user_agents in proptest::collection::vec("[ -~]{1,40}", 0..4),
            asns in proptest::collection::vec(proptest::prelude::any::<u32>(), 0..3),
            octets in proptest::collection::vec(proptest::prelude::any::<[u8; 4]>(), 0..4),
            templates in proptest::collection::vec("[0-9a-f]{8,32}", 0..3),
        ) {
            let mut report = sample_report();
            report.accounts.clear();
            report.clusters[0].accounts = vec!["acct_x".into()];
            let shared = &mut report.clusters[0].shared;
            shared.user_agents = user_agents;
            shared.asns = asns;
            shared.ips = octets.iter().map(|o| std::net::Ipv4Addr::from(*o).to_string()).collect();
            shared.template_fps = templates;
            let bundle = export_bundle(&report, &ExportOptions::default(), 1_767_400_000_000);
            let indicators = objects_of(&bundle, "indicator").len();
            let result = crate::import::import_bundle_at(&bundle, "x", 1_767_400_000_000);
            proptest::prop_assert!(result.errors.is_empty(), "{:?}", result.errors);
            proptest::prop_assert!(result.skipped.is_empty(), "{:?}", result.skipped);
            proptest::prop_assert_eq!(result.indicators.len(), indicators);
            for ua in &report.clusters[0].shared.user_agents {
                if ua.contains("acct_x") {
                    continue;
                }
                proptest::prop_assert!(result
                    .indicators
                    .iter()
                    .any(|i| i.kind == IndicatorKind::UserAgent && &i.value == ua));
            }
        }
    }

    #[test]
    fn tlp_is_configurable() {
        let opts = ExportOptions {
            tlp: Tlp::Green,
            ..ExportOptions::default()
        };
        let bundle = export_bundle(&sample_report(), &opts, 1_767_400_000_000);
        let markings = objects_of(&bundle, "marking-definition");
        assert_eq!(markings.len(), 1);
        assert_eq!(markings[0]["name"], "TLP:GREEN");
        assert_eq!(Tlp::parse("TLP:AMBER+STRICT"), Some(Tlp::AmberStrict));
        assert_eq!(Tlp::parse("purple"), None);
    }
}
