//! Who is calling: the account id of a request.
//!
//! By default the account is derived from the API key the client sends (`x-api-key`,
//! or `Authorization: Bearer ...`): `key-` followed by the first 16 hex digits of the
//! key's SHA-256, so the gateway never stores or forwards keys in its records. An
//! operator whose front end already knows the billing account can name a trusted
//! header (`--account-header x-distillguard-account`): its value, when present, is the
//! account id, and the header is removed before the request goes upstream. Only trust
//! such a header when the gateway is reachable only through that front end.

use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, HeaderName};
use sha2::{Digest, Sha256};

/// Account id used when a request carries no key and no trusted header.
pub const ANONYMOUS: &str = "anonymous";

/// Longest account id taken from a trusted header.
const MAX_ACCOUNT_LEN: usize = 256;

/// The identity of one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub account_id: String,
    /// `key-<16 hex>` of the API key, if one was sent.
    pub api_key_id: Option<String>,
}

/// The id of an API key: `key-` and the first 16 hex digits of its SHA-256.
pub fn key_id(key: &str) -> String {
    let digest = Sha256::digest(key.as_bytes());
    format!("key-{}", &hex::encode(digest)[..16])
}

fn api_key(headers: &HeaderMap) -> Option<&str> {
    if let Some(key) = headers.get("x-api-key").and_then(|v| v.to_str().ok()) {
        let key = key.trim();
        if !key.is_empty() {
            return Some(key);
        }
    }
    let auth = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = auth.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Identifies a request from its headers.
pub fn identify(headers: &HeaderMap, account_header: Option<&HeaderName>) -> Identity {
    let api_key_id = api_key(headers).map(key_id);
    let trusted = account_header
        .and_then(|name| headers.get(name))
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty() && v.len() <= MAX_ACCOUNT_LEN);
    let account_id = match (trusted, &api_key_id) {
        (Some(account), _) => account.to_string(),
        (None, Some(key)) => key.clone(),
        (None, None) => ANONYMOUS.to_string(),
    };
    Identity {
        account_id,
        api_key_id,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn key_header_bearer_and_trusted_header() {
        let mut headers = HeaderMap::new();
        assert_eq!(identify(&headers, None).account_id, ANONYMOUS);
        headers.insert(AUTHORIZATION, HeaderValue::from_static("Bearer sk-test"));
        let by_bearer = identify(&headers, None);
        assert_eq!(by_bearer.account_id, key_id("sk-test"));
        assert_eq!(by_bearer.account_id.len(), 4 + 16);
        headers.insert("x-api-key", HeaderValue::from_static("sk-other"));
        assert_eq!(identify(&headers, None).account_id, key_id("sk-other"));
        let name = HeaderName::from_static("x-distillguard-account");
        headers.insert(name.clone(), HeaderValue::from_static("acct-7"));
        let trusted = identify(&headers, Some(&name));
        assert_eq!(trusted.account_id, "acct-7");
        assert_eq!(trusted.api_key_id, Some(key_id("sk-other")));
        // Not configured: the header is ignored.
        assert_eq!(identify(&headers, None).account_id, key_id("sk-other"));
    }
}
