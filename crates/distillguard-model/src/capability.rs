//! [`Capability`]: what a request tries to get out of the model.
//!
//! Distillation campaigns focus on a few capabilities (step-by-step reasoning, coding,
//! agentic tool use, vision, "safe" rewrites of sensitive questions); ordinary traffic
//! spreads over many. The features crate assigns one capability per exchange.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Capability {
    /// Step-by-step reasoning, maths, logic puzzles.
    Reasoning,
    /// Writing, fixing or explaining code.
    Coding,
    /// Agentic work: tool definitions, multi-step tool orchestration.
    ToolUse,
    /// Image understanding.
    Vision,
    /// Rewriting or answering politically or otherwise sensitive questions "safely".
    SensitiveRewrite,
    /// Tables, statistics, data wrangling.
    DataAnalysis,
    /// Stories, poems, marketing copy.
    Creative,
    /// Summaries and extraction from given text.
    Summarization,
    /// Translation between languages.
    Translation,
    /// Everything else: everyday questions, advice, chat.
    General,
}

impl Capability {
    pub const COUNT: usize = 10;
    pub const ALL: [Capability; Capability::COUNT] = [
        Capability::Reasoning,
        Capability::Coding,
        Capability::ToolUse,
        Capability::Vision,
        Capability::SensitiveRewrite,
        Capability::DataAnalysis,
        Capability::Creative,
        Capability::Summarization,
        Capability::Translation,
        Capability::General,
    ];

    /// Dense index in `0..COUNT`, for per-capability counters.
    pub fn index(self) -> usize {
        self as usize
    }

    pub fn from_index(index: usize) -> Option<Capability> {
        Capability::ALL.get(index).copied()
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Capability::Reasoning => "reasoning",
            Capability::Coding => "coding",
            Capability::ToolUse => "tool_use",
            Capability::Vision => "vision",
            Capability::SensitiveRewrite => "sensitive_rewrite",
            Capability::DataAnalysis => "data_analysis",
            Capability::Creative => "creative",
            Capability::Summarization => "summarization",
            Capability::Translation => "translation",
            Capability::General => "general",
        }
    }

    pub fn parse(text: &str) -> Option<Capability> {
        Capability::ALL.into_iter().find(|c| c.as_str() == text)
    }

    /// The capabilities the public distillation campaigns went after.
    pub fn is_distillation_target(self) -> bool {
        matches!(
            self,
            Capability::Reasoning
                | Capability::Coding
                | Capability::ToolUse
                | Capability::Vision
                | Capability::SensitiveRewrite
                | Capability::DataAnalysis
        )
    }
}

impl std::fmt::Display for Capability {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_and_name_round_trip() {
        for (i, cap) in Capability::ALL.into_iter().enumerate() {
            assert_eq!(cap.index(), i);
            assert_eq!(Capability::from_index(i), Some(cap));
            assert_eq!(Capability::parse(cap.as_str()), Some(cap));
        }
        assert_eq!(Capability::parse("nope"), None);
    }
}
