//! TAXII 2.1 media types and `Accept` / `Content-Type` negotiation (TAXII 2.1 §1.6.8).
//!
//! Every TAXII response is `application/taxii+json;version=2.1`. A request whose `Accept`
//! names no media type we serve is answered 406; a POST whose `Content-Type` is not TAXII
//! JSON is answered 415.

use axum::extract::Request;
use axum::http::header::{ACCEPT, CONTENT_TYPE};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;

use crate::error::SharingError;

pub const TAXII_MEDIA_TYPE: &str = "application/taxii+json;version=2.1";
pub const STIX_MEDIA_TYPE: &str = "application/stix+json;version=2.1";

/// Whether one media range (`type/subtype; params`) covers TAXII 2.1 JSON.
fn range_accepts_taxii(range: &str) -> bool {
    let mut parts = range.split(';').map(str::trim);
    let essence = parts.next().unwrap_or_default().to_ascii_lowercase();
    let mut version: Option<String> = None;
    let mut quality_zero = false;
    for param in parts {
        let Some((name, value)) = param.split_once('=') else {
            continue;
        };
        let value = value.trim().trim_matches('"');
        match name.trim().to_ascii_lowercase().as_str() {
            "version" => version = Some(value.to_string()),
            "q" => quality_zero = value.parse::<f32>().is_ok_and(|q| q <= 0.0),
            _ => {}
        }
    }
    if quality_zero {
        return false;
    }
    match essence.as_str() {
        "*/*" | "application/*" => true,
        "application/taxii+json" => version.is_none_or(|v| v == "2.1"),
        _ => false,
    }
}

/// Whether a request with these headers accepts TAXII 2.1 JSON. No `Accept` means yes.
pub fn accepts_taxii(headers: &HeaderMap) -> bool {
    let values: Vec<&str> = headers
        .get_all(ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    if values.is_empty() {
        return true;
    }
    values
        .iter()
        .flat_map(|v| v.split(','))
        .any(range_accepts_taxii)
}

/// Whether a POST body's `Content-Type` is TAXII 2.1 JSON.
pub fn is_taxii_content(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let mut parts = value.split(';').map(str::trim);
    let essence = parts.next().unwrap_or_default().to_ascii_lowercase();
    if essence != "application/taxii+json" {
        return false;
    }
    parts.all(|param| match param.split_once('=') {
        Some((name, value)) if name.trim().eq_ignore_ascii_case("version") => {
            value.trim().trim_matches('"') == "2.1"
        }
        _ => true,
    })
}

/// Middleware: answers 406 (as a TAXII error) when the client accepts nothing we serve.
pub async fn negotiate(request: Request, next: Next) -> Response {
    if !accepts_taxii(request.headers()) {
        let accept = request
            .headers()
            .get(ACCEPT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        return super::error_response(&SharingError::NotAcceptable(format!(
            "this server answers with {TAXII_MEDIA_TYPE}; Accept was {accept:?}"
        )));
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(name: axum::http::HeaderName, value: &'static str) -> HeaderMap {
        let mut map = HeaderMap::new();
        map.insert(name, HeaderValue::from_static(value));
        map
    }

    #[test]
    fn accept_negotiation() {
        assert!(accepts_taxii(&HeaderMap::new()));
        for ok in [
            "application/taxii+json;version=2.1",
            "application/taxii+json",
            "application/json, */*;q=0.1",
            "application/taxii+json; version=\"2.1\"",
        ] {
            assert!(accepts_taxii(&headers(ACCEPT, ok)), "{ok}");
        }
        for bad in [
            "application/json",
            "application/taxii+json;version=2.0",
            "text/html",
            "*/*;q=0",
        ] {
            assert!(!accepts_taxii(&headers(ACCEPT, bad)), "{bad}");
        }
    }

    #[test]
    fn content_type_check() {
        assert!(is_taxii_content(&headers(
            CONTENT_TYPE,
            "application/taxii+json;version=2.1"
        )));
        assert!(is_taxii_content(&headers(
            CONTENT_TYPE,
            "application/taxii+json"
        )));
        assert!(!is_taxii_content(&headers(
            CONTENT_TYPE,
            "application/json"
        )));
        assert!(!is_taxii_content(&headers(
            CONTENT_TYPE,
            "application/taxii+json;version=2.0"
        )));
        assert!(!is_taxii_content(&HeaderMap::new()));
    }
}
