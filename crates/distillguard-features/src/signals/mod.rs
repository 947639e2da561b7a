//! Per-exchange signals, one file per signal.
//!
//! In: one [`Exchange`]. Out: [`ExchangeSignals`], a few bytes per exchange that the
//! per-account fingerprint folds in. Nothing here looks at other exchanges.

pub mod capability;
pub mod cot;
pub mod lexicon;
pub mod template;

use distillguard_model::{Capability, Exchange};

pub use template::TemplateSketch;

/// What one exchange asks for, in a compact form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExchangeSignals {
    /// The capability the request targets.
    pub capability: Capability,
    /// The prompt asks the model to expose its full reasoning.
    pub cot_elicitation: bool,
    /// Template fingerprint of the prompt (frame hashes; see [`template`]).
    pub template: TemplateSketch,
    /// Hash of the exact prompt text: distinct values count distinct items asked.
    pub content_hash: u64,
    /// Fingerprint of the system prompt (normalised), if any.
    pub system_fp: Option<u64>,
    /// Fingerprint of the tool schema (sorted tool names), if any.
    pub tools_fp: Option<u64>,
}

/// Computes every per-exchange signal of `exchange`.
pub fn extract(exchange: &Exchange) -> ExchangeSignals {
    let prompt = exchange.prompt.as_deref().unwrap_or("");
    let template = template::sketch(prompt);
    let lexicon = lexicon::scan(prompt);
    let cot_elicitation = lexicon.elicits_reasoning;
    let capability = capability::classify_with(exchange, &lexicon.weights);
    let content_hash = crate::hash64(prompt.trim().as_bytes());
    let system_fp = exchange
        .system
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(template::system_fingerprint);
    let tools_fp = template::tools_fingerprint(&exchange.tool_names);
    ExchangeSignals {
        capability,
        cot_elicitation,
        template,
        content_hash,
        system_fp,
        tools_fp,
    }
}
