//! Token authentication: `Authorization: Bearer <token>`, or HTTP Basic with the token as
//! the password (what TAXII clients such as taxii2-client send; the user name is only
//! logged). Tokens are kept as SHA-256 digests and compared in constant time.
//!
//! In: request headers. Out: the caller's [`Principal`] (TAXII rights) and [`Caller`]
//! (live API roles) in the request extensions, or a 401 with a TAXII error body.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::AUTHORIZATION;
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use distillguard_sharing::taxii::Principal;
use sha2::{Digest, Sha256};

use crate::config::TokenGrant;
use crate::error::ServerError;
use crate::roles::{Caller, Roles};

/// The known tokens (as digests) and whom they stand for.
pub struct TokenRegistry {
    entries: Vec<([u8; 32], Principal, Roles)>,
}

/// SHA-256 of a token, as stored in configs (`token_sha256`).
pub fn token_digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

fn constant_time_eq(a: &[u8; 32], b: &[u8; 32]) -> bool {
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The token a request presents, if any.
fn presented_token(headers: &HeaderMap) -> Result<String, ServerError> {
    let value = headers
        .get(AUTHORIZATION)
        .ok_or_else(|| ServerError::Unauthenticated("no Authorization header".into()))?
        .to_str()
        .map_err(|_| ServerError::Unauthenticated("Authorization header is not text".into()))?
        .trim();
    let (scheme, credentials) = value
        .split_once(' ')
        .ok_or_else(|| ServerError::Unauthenticated("Authorization has no scheme".into()))?;
    let credentials = credentials.trim();
    if scheme.eq_ignore_ascii_case("bearer") {
        return Ok(credentials.to_string());
    }
    if scheme.eq_ignore_ascii_case("basic") {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(credentials)
            .map_err(|_| ServerError::Unauthenticated("Basic credentials are not base64".into()))?;
        let text = String::from_utf8(decoded)
            .map_err(|_| ServerError::Unauthenticated("Basic credentials are not UTF-8".into()))?;
        let (user, password) = text.split_once(':').unwrap_or((text.as_str(), ""));
        // The token is the password; a client that can only send a user name may send it there.
        let token = if password.is_empty() { user } else { password };
        return Ok(token.to_string());
    }
    Err(ServerError::Unauthenticated(format!(
        "unsupported scheme {scheme:?}; use Bearer or Basic"
    )))
}

impl TokenRegistry {
    /// The admin token (all rights) plus the configured grants.
    pub fn new(admin_token: &str, grants: &[TokenGrant]) -> TokenRegistry {
        let mut entries = vec![(
            token_digest(admin_token),
            Principal::admin("admin"),
            Roles::ALL,
        )];
        for grant in grants {
            let principal = if grant.roles.is_admin() {
                Principal::admin(&grant.name)
            } else {
                Principal {
                    name: grant.name.clone(),
                    read: grant.read.clone(),
                    write: grant.write.clone(),
                    admin: false,
                }
            };
            entries.push((grant.token_sha256, principal, grant.roles));
        }
        TokenRegistry { entries }
    }

    /// Who presents these headers.
    pub fn authenticate(&self, headers: &HeaderMap) -> Result<Principal, ServerError> {
        self.identify(headers).map(|(principal, _)| principal)
    }

    /// Who presents these headers: TAXII rights and live API roles.
    pub fn identify(&self, headers: &HeaderMap) -> Result<(Principal, Caller), ServerError> {
        let token = presented_token(headers)?;
        let digest = token_digest(&token);
        // Check every entry, so timing does not tell which one matched.
        let mut found = None;
        for (known, principal, roles) in &self.entries {
            if constant_time_eq(known, &digest) && found.is_none() {
                found = Some((principal, *roles));
            }
        }
        let (principal, roles) =
            found.ok_or_else(|| ServerError::Unauthenticated("unknown token".into()))?;
        let caller = Caller {
            name: principal.name.clone(),
            roles,
        };
        Ok((principal.clone(), caller))
    }
}

/// Middleware: puts the caller's principal into the request, or answers 401.
pub async fn require_token(
    State(tokens): State<Arc<TokenRegistry>>,
    mut request: Request,
    next: Next,
) -> Response {
    match tokens.identify(request.headers()) {
        Ok((principal, caller)) => {
            tracing::debug!(caller = %principal.name, path = %request.uri().path(), "authenticated");
            request.extensions_mut().insert(principal);
            request.extensions_mut().insert(caller);
            next.run(request).await
        }
        Err(err) => {
            tracing::info!(path = %request.uri().path(), reason = %err, "request refused");
            err.into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn with_auth(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(AUTHORIZATION, value);
        }
        headers
    }

    #[test]
    fn bearer_and_basic_both_work() {
        let registry = TokenRegistry::new("s3cret-admin", &[]);
        let basic = base64::engine::general_purpose::STANDARD.encode("anyone:s3cret-admin");
        for header in ["Bearer s3cret-admin".to_string(), format!("Basic {basic}")] {
            let principal = registry
                .authenticate(&with_auth(&header))
                .expect("known token");
            assert!(principal.admin);
        }
    }

    #[test]
    fn wrong_missing_or_odd_credentials_are_refused() {
        let registry = TokenRegistry::new("s3cret-admin", &[]);
        let wrong = base64::engine::general_purpose::STANDARD.encode("admin:guess");
        for header in [
            "Bearer guess".to_string(),
            format!("Basic {wrong}"),
            "Basic !!!".to_string(),
            "Digest abc".to_string(),
            "Bearer".to_string(),
        ] {
            assert!(
                registry.authenticate(&with_auth(&header)).is_err(),
                "{header}"
            );
        }
        assert!(registry.authenticate(&HeaderMap::new()).is_err());
    }
}
