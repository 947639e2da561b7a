//! Which upstream API a request speaks, decided from its method and path.
//!
//! The dialect chooses how a request is read ([`crate::request`]), how
//! countermeasures change it ([`crate::countermeasures`]), how its response is read and
//! marked ([`crate::response`], [`crate::sse`]) and the shape of the gateway's own
//! errors ([`crate::error`]).

use axum::http::Method;

/// The APIs the gateway understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// Anthropic Messages API: `POST /v1/messages`.
    Anthropic,
    /// OpenAI Chat Completions: `POST /v1/chat/completions`.
    ChatCompletions,
    /// OpenAI Responses: `POST /v1/responses`.
    Responses,
}

impl Dialect {
    /// The dialect of an API call the gateway inspects, or `None` for pass-through.
    pub fn of_call(method: &Method, path: &str) -> Option<Dialect> {
        if method != Method::POST {
            return None;
        }
        match path.trim_end_matches('/') {
            "/v1/messages" => Some(Dialect::Anthropic),
            "/v1/chat/completions" => Some(Dialect::ChatCompletions),
            "/v1/responses" => Some(Dialect::Responses),
            _ => None,
        }
    }

    /// The error shape for any path: Anthropic's under `/v1/messages` and
    /// `/v1/complete`, OpenAI's elsewhere.
    pub fn of_path_for_errors(path: &str) -> Dialect {
        if path.starts_with("/v1/messages") || path.starts_with("/v1/complete") {
            Dialect::Anthropic
        } else {
            Dialect::ChatCompletions
        }
    }

    /// The `endpoint` value recorded in exchanges.
    pub fn endpoint(self) -> &'static str {
        match self {
            Dialect::Anthropic => "messages",
            Dialect::ChatCompletions => "chat.completions",
            Dialect::Responses => "responses",
        }
    }

    /// Anthropic or OpenAI family (error shapes and identity headers differ by family).
    pub fn is_anthropic(self) -> bool {
        self == Dialect::Anthropic
    }
}
