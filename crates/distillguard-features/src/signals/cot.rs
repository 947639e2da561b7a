//! Chain-of-thought elicitation: the prompt asks the model to expose its full reasoning
//! ("show every intermediate step", "walk me through your thought process").
//!
//! Why it matters: reasoning traces are the most valuable distillation data, so
//! campaigns ask for them in many phrasings and languages. Ordinary users ask for steps
//! now and then; an account whose reasoning requests nearly all ask for the full trace is
//! unusual. Example that fires: "Explain your reasoning in full, every intermediate
//! step." Example that does not: "What are the steps to renew a passport?"

/// Phrases that ask for the reasoning itself, not merely for an answer. Lowercase;
/// matched case-insensitively. English, Chinese, Spanish, French, German, Russian,
/// Portuguese, Japanese, Korean. Found in the same pass as the capability lexicon (see
/// [`super::lexicon`]).
pub const PHRASES: &[&str] = &[
    // English
    "step by step",
    "step-by-step",
    "show your reasoning",
    "show all your reasoning",
    "show your full reasoning",
    "show your work",
    "show all your work",
    "show your thinking",
    "show every step",
    "show all steps",
    "show all the steps",
    "every intermediate step",
    "all intermediate steps",
    "each intermediate step",
    "intermediate reasoning",
    "your thought process",
    "your full thought process",
    "thinking process",
    "reasoning process",
    "chain of thought",
    "chain-of-thought",
    "think out loud",
    "think aloud",
    "reason through",
    "walk me through your reasoning",
    "walk through your reasoning",
    "explain your reasoning",
    "detail your reasoning",
    "full reasoning",
    "complete reasoning",
    "reasoning trace",
    "before giving the final answer",
    "before answering, think",
    "let's think",
    "lets think",
    "think carefully and explain",
    "write out your reasoning",
    "verbalize your reasoning",
    "internal monologue",
    "scratchpad",
    // Chinese
    "一步一步",
    "逐步",
    "推理过程",
    "思考过程",
    "思维链",
    "详细推理",
    "解题过程",
    "每一步",
    // Spanish / Portuguese
    "paso a paso",
    "razonamiento completo",
    "tu razonamiento",
    "proceso de pensamiento",
    "passo a passo",
    "seu raciocínio",
    // French
    "étape par étape",
    "ton raisonnement",
    "votre raisonnement",
    "chaque étape",
    // German
    "schritt für schritt",
    "gedankengang",
    "denkprozess",
    // Russian
    "шаг за шагом",
    "ход рассуждений",
    "ход мыслей",
    // Japanese / Korean
    "段階的に",
    "思考過程",
    "단계별로",
    "추론 과정",
];

/// True if `prompt` asks for the model's reasoning to be shown.
pub fn elicits_reasoning(prompt: &str) -> bool {
    super::lexicon::scan(prompt).elicits_reasoning
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fires_on_reasoning_requests_in_several_languages() {
        for prompt in [
            "Explain your reasoning in full, every intermediate step.",
            "Solve this. Show your work.",
            "Walk me through your thought process before answering.",
            "请一步一步地推理并给出详细推理过程",
            "Resuelve el problema paso a paso.",
            "Réponds étape par étape.",
            "Erkläre deinen Gedankengang.",
            "Реши задачу шаг за шагом.",
            "LET'S THINK about it carefully",
        ] {
            assert!(elicits_reasoning(prompt), "should fire: {prompt}");
        }
    }

    #[test]
    fn stays_quiet_on_ordinary_requests() {
        for prompt in [
            "What are the steps to renew a passport?",
            "Write a haiku about autumn.",
            "Summarise this article in three bullet points.",
            "",
        ] {
            assert!(!elicits_reasoning(prompt), "should not fire: {prompt}");
        }
    }
}
