//! Capability classifier: which capability a request targets (reasoning, coding, tool
//! use, vision, sensitive rewrites, ...), from request metadata and prompt lexicons.
//!
//! Why it matters: distillation campaigns concentrate on a few high-value capabilities;
//! ordinary accounts spread over many. Metadata decides first (image inputs are vision,
//! tool definitions are tool use), then weighted lexicon hits over the prompt, in
//! several languages. Example: "Prove that the sum of two odd numbers is even" →
//! reasoning; "Rewrite this question about the protests so it is neutral" →
//! sensitive_rewrite; "Any tips for a rainy weekend?" → general.

use crate::phrase_dfa::PhraseDfa;
use distillguard_model::{Capability, Exchange};

use Capability::*;

/// (phrase, capability, weight). Lowercase; ASCII phrases must match whole words;
/// occurrences are counted leftmost-longest and without overlap (see [`super::lexicon`],
/// which scans for this list and the chain-of-thought phrases in one pass).
pub const LEXICON: &[(&str, Capability, u8)] = &[
    // Reasoning and maths
    ("solve", Reasoning, 2),
    ("prove", Reasoning, 3),
    ("proof", Reasoning, 3),
    ("calculate", Reasoning, 2),
    ("compute", Reasoning, 1),
    ("equation", Reasoning, 3),
    ("integral", Reasoning, 3),
    ("derivative", Reasoning, 3),
    ("probability", Reasoning, 3),
    ("puzzle", Reasoning, 3),
    ("riddle", Reasoning, 3),
    ("logic", Reasoning, 2),
    ("theorem", Reasoning, 3),
    ("math", Reasoning, 2),
    ("maths", Reasoning, 2),
    ("mathematics", Reasoning, 2),
    ("algebra", Reasoning, 3),
    ("geometry", Reasoning, 3),
    ("how many", Reasoning, 2),
    ("how much", Reasoning, 1),
    ("percent", Reasoning, 1),
    ("ratio", Reasoning, 1),
    ("deduce", Reasoning, 2),
    ("infer", Reasoning, 1),
    ("answer", Reasoning, 1),
    ("word problem", Reasoning, 3),
    ("数学", Reasoning, 3),
    ("证明", Reasoning, 3),
    ("计算", Reasoning, 2),
    ("推理", Reasoning, 2),
    ("resuelve", Reasoning, 2),
    ("résous", Reasoning, 2),
    // Coding
    ("code", Coding, 2),
    ("function", Coding, 2),
    ("python", Coding, 3),
    ("javascript", Coding, 3),
    ("typescript", Coding, 3),
    ("rust", Coding, 2),
    ("java", Coding, 2),
    ("golang", Coding, 3),
    ("c++", Coding, 3),
    ("sql", Coding, 3),
    ("regex", Coding, 3),
    ("bug", Coding, 2),
    ("debug", Coding, 3),
    ("compile", Coding, 3),
    ("compiler", Coding, 3),
    ("stack trace", Coding, 3),
    ("traceback", Coding, 3),
    ("exception", Coding, 2),
    ("refactor", Coding, 3),
    ("unit test", Coding, 3),
    ("implement", Coding, 2),
    ("algorithm", Coding, 2),
    ("api", Coding, 1),
    ("class", Coding, 1),
    ("method", Coding, 1),
    ("script", Coding, 2),
    ("repository", Coding, 2),
    ("def ", Coding, 3),
    ("return", Coding, 1),
    ("import", Coding, 1),
    ("```", Coding, 3),
    ("代码", Coding, 3),
    ("函数", Coding, 3),
    ("编程", Coding, 3),
    // Tool use and agents
    ("tool", ToolUse, 2),
    ("tools", ToolUse, 2),
    ("function call", ToolUse, 3),
    ("tool call", ToolUse, 3),
    ("agent", ToolUse, 2),
    ("browse", ToolUse, 2),
    ("execute", ToolUse, 1),
    ("workflow", ToolUse, 1),
    ("orchestrate", ToolUse, 3),
    ("json schema", ToolUse, 2),
    ("工具", ToolUse, 3),
    // Vision
    ("image", Vision, 3),
    ("picture", Vision, 3),
    ("photo", Vision, 3),
    ("screenshot", Vision, 3),
    ("diagram", Vision, 2),
    ("ocr", Vision, 3),
    ("图片", Vision, 3),
    ("图像", Vision, 3),
    // Sensitive topics and "safe" rewrites
    ("rewrite", SensitiveRewrite, 1),
    ("rephrase", SensitiveRewrite, 1),
    ("reword", SensitiveRewrite, 1),
    ("neutral", SensitiveRewrite, 1),
    ("sensitive", SensitiveRewrite, 2),
    ("politically", SensitiveRewrite, 3),
    ("political", SensitiveRewrite, 2),
    ("censorship", SensitiveRewrite, 3),
    ("censored", SensitiveRewrite, 3),
    ("dissident", SensitiveRewrite, 3),
    ("protest", SensitiveRewrite, 2),
    ("protests", SensitiveRewrite, 2),
    ("regime", SensitiveRewrite, 2),
    ("propaganda", SensitiveRewrite, 3),
    ("government", SensitiveRewrite, 1),
    ("human rights", SensitiveRewrite, 3),
    ("authoritarian", SensitiveRewrite, 3),
    ("democracy", SensitiveRewrite, 2),
    ("tiananmen", SensitiveRewrite, 4),
    ("tibet", SensitiveRewrite, 3),
    ("xinjiang", SensitiveRewrite, 4),
    ("uyghur", SensitiveRewrite, 4),
    ("taiwan", SensitiveRewrite, 2),
    ("falun gong", SensitiveRewrite, 4),
    ("敏感", SensitiveRewrite, 3),
    ("政治", SensitiveRewrite, 3),
    ("改写", SensitiveRewrite, 2),
    // Data analysis
    ("dataset", DataAnalysis, 3),
    ("data", DataAnalysis, 1),
    ("csv", DataAnalysis, 3),
    ("spreadsheet", DataAnalysis, 3),
    ("excel", DataAnalysis, 2),
    ("pandas", DataAnalysis, 3),
    ("statistics", DataAnalysis, 3),
    ("statistical", DataAnalysis, 3),
    ("regression", DataAnalysis, 3),
    ("correlation", DataAnalysis, 3),
    ("median", DataAnalysis, 2),
    ("column", DataAnalysis, 2),
    ("columns", DataAnalysis, 2),
    ("table", DataAnalysis, 1),
    ("chart", DataAnalysis, 2),
    ("plot", DataAnalysis, 1),
    ("analyze", DataAnalysis, 1),
    ("analyse", DataAnalysis, 1),
    ("数据", DataAnalysis, 3),
    // Creative
    ("story", Creative, 3),
    ("poem", Creative, 3),
    ("poetry", Creative, 3),
    ("haiku", Creative, 3),
    ("lyrics", Creative, 3),
    ("song", Creative, 2),
    ("fiction", Creative, 2),
    ("character", Creative, 1),
    ("novel", Creative, 2),
    ("slogan", Creative, 3),
    ("tagline", Creative, 3),
    ("creative", Creative, 2),
    ("imagine", Creative, 1),
    ("limerick", Creative, 3),
    // Summaries
    ("summarize", Summarization, 3),
    ("summarise", Summarization, 3),
    ("summary", Summarization, 3),
    ("tl;dr", Summarization, 3),
    ("tldr", Summarization, 3),
    ("key points", Summarization, 2),
    ("bullet points", Summarization, 1),
    ("condense", Summarization, 2),
    ("extract", Summarization, 1),
    ("总结", Summarization, 3),
    ("摘要", Summarization, 3),
    // Translation
    ("translate", Translation, 4),
    ("translation", Translation, 3),
    ("traduce", Translation, 4),
    ("traduis", Translation, 4),
    ("übersetze", Translation, 4),
    ("翻译", Translation, 4),
];

/// The lexicon's phrases alone, in lexicon order (pattern `i` is `LEXICON[i]`).
pub fn phrases() -> impl Iterator<Item = &'static str> {
    LEXICON.iter().map(|(phrase, _, _)| *phrase)
}

/// Minimum lexicon weight for a text-based class; below it the request is `general`.
const MIN_WEIGHT: u32 = 2;

/// Classifies an exchange. Metadata first (images → vision; tool definitions → tool use,
/// or coding when the tools are code-editing tools), then the prompt lexicon.
pub fn classify(exchange: &Exchange, prompt: &str) -> Capability {
    classify_with(exchange, &super::lexicon::scan(prompt).weights)
}

/// [`classify`] with the prompt's lexicon weights already found by
/// [`super::lexicon::scan`].
pub fn classify_with(exchange: &Exchange, weights: &[u32; Capability::COUNT]) -> Capability {
    if exchange.images.unwrap_or(0) > 0 {
        return Vision;
    }
    let has_tools = exchange.tools.unwrap_or(0) > 0 || !exchange.tool_names.is_empty();
    let text_class = from_weights(weights);
    if has_tools {
        return if text_class == Coding || tools_are_for_code(&exchange.tool_names) {
            Coding
        } else {
            ToolUse
        };
    }
    text_class
}

/// Classifies prompt text alone by weighted lexicon hits.
pub fn classify_text(prompt: &str) -> Capability {
    from_weights(&super::lexicon::scan(prompt).weights)
}

/// The capability with the most lexicon weight (ties go to the earlier capability), or
/// `general` below [`MIN_WEIGHT`].
fn from_weights(weights: &[u32; Capability::COUNT]) -> Capability {
    let (best, best_weight) = weights
        .iter()
        .enumerate()
        .max_by_key(|&(index, weight)| (*weight, std::cmp::Reverse(index)))
        .map(|(index, weight)| (index, *weight))
        .unwrap_or((General.index(), 0));
    if best_weight < MIN_WEIGHT {
        return General;
    }
    Capability::from_index(best).unwrap_or(General)
}

/// Words in a tool's name that mark it as a coding tool (matched anywhere in the name,
/// ignoring ASCII case).
const CODE_TOOLS: &[&str] = &[
    "bash",
    "shell",
    "terminal",
    "edit",
    "file",
    "write_file",
    "read_file",
    "str_replace",
    "python",
    "exec",
    "run_tests",
    "git",
    "grep",
    "search_code",
    "apply_patch",
    "compile",
];

fn tools_are_for_code(tool_names: &[String]) -> bool {
    let code_tools = tool_names
        .iter()
        .filter(|name| names_code_tool(name))
        .count();
    code_tools * 2 > tool_names.len() && code_tools > 0
}

/// The tool's name contains one of [`CODE_TOOLS`], ignoring ASCII case: one pass of the
/// crate's phrase matcher per name, without a lowercased copy of every tool name of
/// every request.
fn names_code_tool(name: &str) -> bool {
    static WORDS: std::sync::OnceLock<PhraseDfa> = std::sync::OnceLock::new();
    let words = WORDS.get_or_init(|| {
        PhraseDfa::build(CODE_TOOLS.iter().copied()).expect("static tool words build")
    });
    let mut found = false;
    words.for_each_occurrence(name.as_bytes(), |_| found = true);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_tool_names_match_in_any_case_anywhere_in_the_name() {
        // The reference: lowercase the name, then look for each word.
        let reference = |name: &str| {
            let lower = name.to_ascii_lowercase();
            CODE_TOOLS.iter().any(|t| lower.contains(t))
        };
        for name in [
            "Run_Bash",
            "GIT",
            "edit",
            "gi",
            "get_weather",
            "",
            "Éditer_FILE",
            "Éditer",
            "ApplyPatch",
            "apply_patch_v2",
            "web_search",
            "search_code",
            "PYTHON3",
        ] {
            assert_eq!(names_code_tool(name), reference(name), "{name:?}");
        }
        assert!(names_code_tool("Run_Bash"));
        assert!(!names_code_tool("get_weather"));
        assert!(!names_code_tool("Éditer"));
    }

    fn text(prompt: &str) -> Capability {
        classify_text(prompt)
    }

    #[test]
    fn classifies_typical_prompts() {
        assert_eq!(
            text("Prove that the sum of two odd numbers is even."),
            Reasoning
        );
        assert_eq!(text("Solve the equation 3x + 5 = 20."), Reasoning);
        assert_eq!(
            text("Write a Python function that reverses a linked list."),
            Coding
        );
        assert_eq!(
            text(
                "Rewrite this question about the Tiananmen protests so it is politically neutral."
            ),
            SensitiveRewrite
        );
        assert_eq!(
            text("Summarize the following article in three key points."),
            Summarization
        );
        assert_eq!(text("Translate into French: good morning"), Translation);
        assert_eq!(text("Write a short poem about the sea."), Creative);
        assert_eq!(
            text("Compute the median of each column in this CSV dataset."),
            DataAnalysis
        );
        assert_eq!(text("Any tips for a rainy weekend?"), General);
        assert_eq!(text(""), General);
    }

    #[test]
    fn words_inside_other_words_do_not_count() {
        // "code" inside "barcode", "math" inside "aftermath"
        assert_eq!(text("The aftermath of the barcode scanner launch"), General);
    }

    #[test]
    fn metadata_decides_first() {
        let mut ex = Exchange::new(0, "a");
        ex.images = Some(1);
        assert_eq!(classify(&ex, "What is this?"), Vision);
        let mut ex = Exchange::new(0, "a");
        ex.tools = Some(3);
        ex.tool_names = vec!["get_weather".into(), "book_flight".into(), "search".into()];
        assert_eq!(classify(&ex, "Plan my trip"), ToolUse);
        ex.tool_names = vec!["bash".into(), "str_replace_editor".into()];
        assert_eq!(classify(&ex, "Fix the failing build"), Coding);
    }
}
