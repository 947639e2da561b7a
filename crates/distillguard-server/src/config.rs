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
//! [[tokens]]                         # one per partner
//! name = "partner-a"
//! token_sha256 = "<64 hex: sha256 of the token>"
//! read = ["distillguard-indicators"]
//! write = ["partner-intel"]
//! ```

use std::collections::BTreeSet;
use std::net::SocketAddr;

use distillguard_sharing::taxii::{Access, TaxiiConfig};
use distillguard_sharing::{ExportOptions, Tlp};
use serde::Deserialize;

use crate::error::ServerError;

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
}

/// One partner's token (as a digest) and rights.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenGrant {
    pub name: String,
    pub token_sha256: [u8; 32],
    pub read: Access,
    pub write: Access,
}

/// The validated configuration.
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub listen: Option<SocketAddr>,
    pub taxii: TaxiiConfig,
    pub export: ExportOptions,
    pub tokens: Vec<TokenGrant>,
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
            tokens.push(TokenGrant {
                name: token.name.clone(),
                token_sha256: digest,
                read: access(token.read, "read")?,
                write: access(token.write, "write")?,
            });
        }
        Ok(Config {
            listen,
            taxii,
            export,
            tokens,
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
