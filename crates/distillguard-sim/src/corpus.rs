//! Text pools from real public corpora, vendored under `corpus/` and embedded at build
//! time (never downloaded at run time). See `corpus/SOURCES.md` for licences.
//!
//! In: the embedded files (one JSON string per line; lines starting with `#` are
//! headers). Out: [`corpus()`], parsed once.

use std::sync::OnceLock;

/// Every vendored pool, parsed.
#[derive(Debug)]
pub struct Corpus {
    /// HumanEval function signatures with docstrings (Python).
    pub humaneval: Vec<String>,
    /// MathQA arithmetic word problems.
    pub math: Vec<String>,
    /// StrategyQA yes/no questions needing implicit multi-step reasoning.
    pub strategyqa: Vec<String>,
    /// BIG-bench puzzles: dates, navigation, counting, riddles, misconceptions.
    pub puzzles: Vec<String>,
    /// Social IQa everyday situations with a question.
    pub social: Vec<String>,
    /// Short stories (BIG-bench causal_judgment), used as documents to summarise.
    pub stories: Vec<String>,
    /// Short code snippets (BIG-bench code_line_description, auto_debugging).
    pub code_snippets: Vec<String>,
}

fn parse(text: &'static str) -> Vec<String> {
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .filter_map(|line| serde_json::from_str::<String>(line).ok())
        .collect()
}

/// The corpus, parsed on first use.
pub fn corpus() -> &'static Corpus {
    static CORPUS: OnceLock<Corpus> = OnceLock::new();
    CORPUS.get_or_init(|| Corpus {
        humaneval: parse(include_str!("../corpus/humaneval.jsonl")),
        math: parse(include_str!("../corpus/math_word_problems.jsonl")),
        strategyqa: parse(include_str!("../corpus/strategyqa.jsonl")),
        puzzles: parse(include_str!("../corpus/reasoning_puzzles.jsonl")),
        social: parse(include_str!("../corpus/social_iqa.jsonl")),
        stories: parse(include_str!("../corpus/stories.jsonl")),
        code_snippets: parse(include_str!("../corpus/code_snippets.jsonl")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pool_parses_and_is_non_trivial() {
        let c = corpus();
        assert_eq!(c.humaneval.len(), 164);
        assert!(c.math.len() > 1000);
        assert!(c.strategyqa.len() > 2000);
        assert!(c.puzzles.len() > 2000);
        assert!(c.social.len() > 1000);
        assert!(c.stories.len() > 150);
        assert!(c.code_snippets.len() > 80);
        assert!(c.humaneval.iter().all(|p| p.contains("def ")));
    }
}
