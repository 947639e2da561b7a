//! `serve --config FILE`: the versioned TOML [`RawConfig`] (unknown fields refused),
//! validated into the [`Config`] the rest of the server sees.
//!
//! ```toml
//! version = 1
//! listen = "127.0.0.1:8080"          # optional; --listen wins
//!
//! [taxii]                            # all optional
//! title = "Example AI intelligence sharing"
//! public_url = "https://intel.example.com"
//! api_root = "api"
//! max_page_size = 1000
//!
//! [sharing]                          # what `intel publish` exports; all optional
//! producer_name = "Example AI"
//! tlp = "amber"
//! min_cluster_score = 0.5
//!
//! [[tokens]]                         # one per partner or service
//! name = "partner-a"
//! token_sha256 = "<64 hex: sha256 of the token>"
//! read = ["distillguard-indicators"]  # TAXII collections
//! write = ["partner-intel"]
//! roles = []                         # live API: ingest, read, analyst, admin
//!
//! [live]                             # all optional; see docs/SERVE.md
//! analyze_every_exchanges = 1000
//! analyze_interval_s = 60
//! max_body_bytes = 16777216
//! synchronous = "full"
//! timeline_len = 50
//! database_url = "postgres://dg@db:5432/dg"  # default: DIR/live.sqlite
//! database_schema = "distillguard"
//!
//! [policy]                           # verdict → action; all optional
//! attack = "block"
//! suspicious = "allow"
//! benign = "allow"
//! retry_after_s = 60
//! max_reasons = 3
//! [policy.degrade]
//! reasoning = "summarize"
//! max_top_logprobs = 0
//! watermark = true
//!
//! [detection]                        # the engine's settings (docs/CONFIG.md)
//! version = 1
//! ```

use std::collections::BTreeSet;
use std::net::SocketAddr;

use distillguard_live::{LiveConfig, Synchronous};
use distillguard_model::check::{Action, Countermeasures, ReasoningPolicy};
use distillguard_sharing::taxii::{Access, TaxiiConfig};
use distillguard_sharing::{ExportOptions, Tlp};
use serde::Deserialize;

use crate::error::ServerError;
use crate::roles::{Role, Roles};

pub const CONFIG_VERSION: u32 = 1;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    pub version: u32,
    #[serde(default)]
    pub listen: Option<String>,
    #[serde(default)]
    pub taxii: RawTaxii,
    #[serde(default)]
    pub sharing: RawSharing,
    #[serde(default)]
    pub tokens: Vec<RawToken>,
    #[serde(default)]
    pub live: RawLive,
    #[serde(default)]
    pub policy: RawPolicy,
    /// The detection engine's settings (the `analyze --config` format).
    #[serde(default)]
    pub detection: Option<distillguard_scoring::RawConfig>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLive {
    pub analyze_every_exchanges: Option<u64>,
    pub analyze_interval_s: Option<f64>,
    pub max_body_bytes: Option<usize>,
    pub synchronous: Option<String>,
    pub timeline_len: Option<usize>,
    pub database_url: Option<String>,
    pub database_schema: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPolicy {
    pub attack: Option<String>,
    pub suspicious: Option<String>,
    pub benign: Option<String>,
    pub retry_after_s: Option<u64>,
    pub max_reasons: Option<usize>,
    #[serde(default)]
    pub degrade: RawDegrade,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDegrade {
    pub reasoning: Option<String>,
    pub max_top_logprobs: Option<u32>,
    pub watermark: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTaxii {
    pub title: Option<String>,
    pub description: Option<String>,
    pub public_url: Option<String>,
    pub api_root: Option<String>,
    pub max_page_size: Option<usize>,
    pub max_content_length: Option<usize>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSharing {
    pub producer_name: Option<String>,
    pub tlp: Option<String>,
    pub min_cluster_score: Option<f64>,
    pub include_account_ids: Option<bool>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawToken {
    pub name: String,
    pub token_sha256: String,
    #[serde(default)]
    pub read: Vec<String>,
    #[serde(default)]
    pub write: Vec<String>,
    #[serde(default)]
    pub roles: Vec<String>,
}

/// One partner's token (as a digest) and rights.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenGrant {
    pub name: String,
    pub token_sha256: [u8; 32],
    pub read: Access,
    pub write: Access,
    /// Live API roles.
    pub roles: Roles,
}

/// The validated configuration.
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub listen: Option<SocketAddr>,
    pub taxii: TaxiiConfig,
    pub export: ExportOptions,
    pub tokens: Vec<TokenGrant>,
    pub live: LiveConfig,
}

fn parse_action(text: &str, key: &str) -> Result<Action, ServerError> {
    match text {
        "allow" => Ok(Action::Allow),
        "degrade" => Ok(Action::Degrade),
        "throttle" => Ok(Action::Throttle),
        "block" => Ok(Action::Block),
        "verify" => Ok(Action::Verify),
        _ => Err(invalid(format!(
            "policy.{key} {text:?} is not allow, degrade, throttle, block or verify"
        ))),
    }
}

fn validate_live(
    raw: RawLive,
    policy: RawPolicy,
    detection: Option<distillguard_scoring::RawConfig>,
) -> Result<LiveConfig, ServerError> {
    let mut live = LiveConfig::default();
    if let Some(every) = raw.analyze_every_exchanges {
        if every == 0 {
            return Err(invalid("live.analyze_every_exchanges must be at least 1"));
        }
        live.analyze_every_exchanges = every;
    }
    if let Some(seconds) = raw.analyze_interval_s {
        if !(seconds.is_finite() && seconds > 0.0) {
            return Err(invalid("live.analyze_interval_s must be a positive number"));
        }
        live.analyze_interval = std::time::Duration::from_secs_f64(seconds);
    }
    if let Some(bytes) = raw.max_body_bytes {
        if bytes < 1024 {
            return Err(invalid("live.max_body_bytes must be at least 1024"));
        }
        live.max_body_bytes = bytes;
    }
    if let Some(text) = raw.synchronous {
        live.synchronous = Synchronous::parse(&text)
            .ok_or_else(|| invalid(format!("live.synchronous {text:?} is not full or normal")))?;
    }
    if let Some(url) = raw.database_url {
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(invalid(
                "live.database_url must be a postgres:// URL (leave it out for the SQLite file in the data directory)",
            ));
        }
        live.database_url = Some(url);
    }
    if let Some(schema) = raw.database_schema {
        live.database_schema = schema;
    }
    if let Some(len) = raw.timeline_len {
        live.timeline_len = len.clamp(1, 10_000);
    }

    let mut degrade = distillguard_live::config::default_countermeasures();
    if let Some(text) = policy.degrade.reasoning {
        degrade.reasoning = match text.as_str() {
            "full" => ReasoningPolicy::Full,
            "summarize" => ReasoningPolicy::Summarize,
            "omit" => ReasoningPolicy::Omit,
            _ => {
                return Err(invalid(format!(
                    "policy.degrade.reasoning {text:?} is not full, summarize or omit"
                )))
            }
        };
    }
    if let Some(max) = policy.degrade.max_top_logprobs {
        degrade.max_top_logprobs = Some(max);
    }
    if let Some(watermark) = policy.degrade.watermark {
        degrade.watermark = watermark;
    }
    let rule = |text: Option<String>,
                key: &str,
                default: &distillguard_live::Rule,
                degrade: &Countermeasures|
     -> Result<distillguard_live::Rule, ServerError> {
        let action = match text {
            Some(text) => parse_action(&text, key)?,
            None => default.action,
        };
        Ok(distillguard_live::Rule {
            action,
            countermeasures: (action == Action::Degrade).then(|| degrade.clone()),
        })
    };
    let defaults = distillguard_live::Policy::default();
    live.policy.attack = rule(policy.attack, "attack", &defaults.attack, &degrade)?;
    live.policy.suspicious = rule(
        policy.suspicious,
        "suspicious",
        &defaults.suspicious,
        &degrade,
    )?;
    live.policy.benign = rule(policy.benign, "benign", &defaults.benign, &degrade)?;
    if let Some(seconds) = policy.retry_after_s {
        live.policy.retry_after_s = seconds.max(1);
    }
    if let Some(max) = policy.max_reasons {
        live.policy.max_reasons = max;
    }
    if let Some(detection) = detection {
        live.engine = detection
            .validate()
            .map_err(|e| invalid(format!("detection: {e}")))?;
    }
    Ok(live)
}

fn invalid(message: impl Into<String>) -> ServerError {
    ServerError::Config(message.into())
}

impl RawConfig {
    pub fn parse(text: &str) -> Result<RawConfig, ServerError> {
        toml::from_str(text).map_err(|e| invalid(e.to_string()))
    }

    pub fn validate(self) -> Result<Config, ServerError> {
        if self.version != CONFIG_VERSION {
            return Err(invalid(format!(
                "version {} is not supported (expected {CONFIG_VERSION})",
                self.version
            )));
        }
        let listen = self
            .listen
            .map(|text| {
                text.parse::<SocketAddr>()
                    .map_err(|_| invalid(format!("listen {text:?} is not host:port")))
            })
            .transpose()?;

        let mut taxii = TaxiiConfig::default();
        let raw = self.taxii;
        if let Some(title) = raw.title {
            taxii.title = title;
        }
        if let Some(description) = raw.description {
            taxii.description = description;
        }
        if let Some(url) = raw.public_url {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(invalid(format!(
                    "taxii.public_url {url:?} is not an http(s) URL"
                )));
            }
            taxii.public_url = Some(url);
        }
        if let Some(root) = raw.api_root {
            let valid = !root.is_empty()
                && root != "taxii2"
                && root
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if !valid {
                return Err(invalid(format!(
                    "taxii.api_root {root:?} must be one path segment of letters, digits, - or _ (not taxii2)"
                )));
            }
            taxii.api_root = root;
        }
        if let Some(size) = raw.max_page_size {
            if size == 0 {
                return Err(invalid("taxii.max_page_size must be at least 1"));
            }
            taxii.max_page_size = size;
        }
        if let Some(length) = raw.max_content_length {
            taxii.max_content_length = length.max(1024);
        }

        let mut export = ExportOptions::default();
        if let Some(name) = self.sharing.producer_name {
            if name.trim().is_empty() {
                return Err(invalid("sharing.producer_name is empty"));
            }
            export.producer_name = name;
        }
        if let Some(tlp) = self.sharing.tlp {
            export.tlp = Tlp::parse(&tlp).ok_or_else(|| {
                invalid(format!(
                    "sharing.tlp {tlp:?} is not clear, green, amber, amber+strict or red"
                ))
            })?;
        }
        if let Some(score) = self.sharing.min_cluster_score {
            if !(0.0..=1.0).contains(&score) {
                return Err(invalid("sharing.min_cluster_score must be in [0, 1]"));
            }
            export.min_cluster_score = score;
        }
        if let Some(include) = self.sharing.include_account_ids {
            export.include_account_ids = include;
        }

        let mut names = BTreeSet::new();
        let mut tokens = Vec::new();
        for token in self.tokens {
            if !names.insert(token.name.clone()) {
                return Err(invalid(format!(
                    "token name {:?} appears twice",
                    token.name
                )));
            }
            let digest = hex::decode(token.token_sha256.trim())
                .ok()
                .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
                .ok_or_else(|| {
                    invalid(format!(
                        "token {:?}: token_sha256 must be 64 hex digits (sha256sum of the token)",
                        token.name
                    ))
                })?;
            let access = |keys: Vec<String>, what: &str| -> Result<Access, ServerError> {
                for key in &keys {
                    if taxii.collection(key).is_none() {
                        return Err(invalid(format!(
                            "token {:?}: {what} names unknown collection {key:?}",
                            token.name
                        )));
                    }
                }
                Ok(Access::Only(keys.into_iter().collect()))
            };
            let mut roles = Roles::NONE;
            for text in &token.roles {
                let role = Role::parse(text).ok_or_else(|| {
                    invalid(format!(
                        "token {:?}: role {text:?} is not ingest, read, analyst or admin",
                        token.name
                    ))
                })?;
                roles = roles.with(role);
            }
            tokens.push(TokenGrant {
                name: token.name.clone(),
                token_sha256: digest,
                read: access(token.read, "read")?,
                write: access(token.write, "write")?,
                roles,
            });
        }
        let live = validate_live(self.live, self.policy, self.detection)?;
        Ok(Config {
            listen,
            taxii,
            export,
            tokens,
            live,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_config_validates() {
        let digest = hex::encode(crate::auth::token_digest("partner-token"));
        let text = format!(
            r#"
version = 1
listen = "127.0.0.1:9000"
[taxii]
title = "T"
public_url = "https://intel.example.com"
[sharing]
producer_name = "Example AI"
tlp = "TLP:GREEN"
[[tokens]]
name = "partner-a"
token_sha256 = "{digest}"
read = ["distillguard-indicators"]
write = ["partner-intel"]
"#
        );
        let config = RawConfig::parse(&text)
            .and_then(RawConfig::validate)
            .expect("valid");
        assert_eq!(config.export.tlp, Tlp::Green);
        assert_eq!(config.export.producer_name, "Example AI");
        assert_eq!(config.tokens.len(), 1);
        assert_eq!(config.listen.map(|a| a.port()), Some(9000));
    }

    #[test]
    fn the_sample_config_validates_with_its_documented_values() {
        let text = include_str!("../../../docs/serve.sample.toml");
        let config = RawConfig::parse(text)
            .and_then(RawConfig::validate)
            .expect("docs/serve.sample.toml is valid");
        let defaults = LiveConfig::default();
        assert_eq!(
            config.live.analyze_every_exchanges,
            defaults.analyze_every_exchanges
        );
        assert_eq!(config.live.analyze_interval, defaults.analyze_interval);
        assert_eq!(config.live.max_body_bytes, defaults.max_body_bytes);
        assert_eq!(config.live.policy, defaults.policy);
        assert_eq!(config.tokens[0].roles, Roles::of(&[Role::Ingest]));
    }

    #[test]
    fn mistakes_are_explained() {
        for (text, needle) in [
            ("version = 2", "version"),
            ("version = 1\nlisten = \"nowhere\"", "listen"),
            ("version = 1\n[sharing]\ntlp = \"purple\"", "tlp"),
            ("version = 1\nunknown = 1", "unknown"),
            (
                "version = 1\n[[tokens]]\nname = \"a\"\ntoken_sha256 = \"abc\"",
                "64 hex",
            ),
            (
                "version = 1\n[[tokens]]\nname = \"a\"\ntoken_sha256 = \"0000000000000000000000000000000000000000000000000000000000000000\"\nroles = [\"root\"]",
                "role",
            ),
            ("version = 1\n[policy]\nattack = \"nuke\"", "policy.attack"),
            ("version = 1\n[live]\nsynchronous = \"off\"", "synchronous"),
            ("version = 1\n[live]\nanalyze_every_exchanges = 0", "analyze_every"),
            ("version = 1\n[detection]\nversion = 1\n[detection.scoring]\nbogus = 1", "bogus"),
            (
                "version = 1\n[[tokens]]\nname = \"a\"\ntoken_sha256 = \"0000000000000000000000000000000000000000000000000000000000000000\"\nread = [\"nope\"]",
                "unknown collection",
            ),
        ] {
            let err = RawConfig::parse(text)
                .and_then(RawConfig::validate)
                .expect_err(text);
            assert!(err.to_string().contains(needle), "{text}: {err}");
        }
    }
}
