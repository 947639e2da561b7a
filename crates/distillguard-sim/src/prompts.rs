//! Prompt text for each capability: ordinary requests (varied wording, drawn from the
//! corpus and hand-written pools) and harvesting requests (a few templates per campaign
//! with slots filled from large item pools, optionally paraphrased).
//!
//! In: an RNG and a capability (plus a campaign's [`AttackStyle`] for harvesting).
//! Out: a [`Prompt`]: text, images, tool names and the typical output size.

use distillguard_model::Capability;

use crate::corpus::corpus;
use crate::pools::*;
use crate::rng::{self, Rng};

/// What one request asks.
#[derive(Debug, Clone)]
pub struct Prompt {
    pub capability: Capability,
    pub text: String,
    pub images: u32,
    pub tools: Vec<&'static str>,
    /// Median visible output tokens for this kind of request.
    pub out_median: f64,
}

impl Prompt {
    /// A prompt with the capability's typical output size.
    pub fn new(capability: Capability, text: String) -> Prompt {
        Prompt {
            capability,
            text,
            images: 0,
            tools: Vec::new(),
            out_median: out_median(capability),
        }
    }
}

fn out_median(capability: Capability) -> f64 {
    match capability {
        Capability::Reasoning => 450.0,
        Capability::Coding => 650.0,
        Capability::ToolUse => 220.0,
        Capability::Vision => 280.0,
        Capability::SensitiveRewrite => 400.0,
        Capability::DataAnalysis => 420.0,
        Capability::Creative => 330.0,
        Capability::Summarization => 140.0,
        Capability::Translation => 90.0,
        Capability::General => 300.0,
    }
}

fn pick_owned<'a>(rng: &mut Rng, items: &'a [String]) -> &'a str {
    rng::pick(rng, items).map(String::as_str).unwrap_or("")
}

/// Replaces `{name}` slots.
fn fill(template: &str, slots: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    // Empty slots take their leading space with them ("in {lang} {extra}." -> "in Go.").
    for (name, value) in slots {
        if value.is_empty() {
            out = out.replace(&format!(" {{{name}}}"), "");
        }
    }
    for (name, value) in slots {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// A reasoning item: a word problem, puzzle or multi-step question. Numbers in word
/// problems are sometimes perturbed, as item generators do, so items rarely repeat.
pub fn reasoning_item(rng: &mut Rng, perturb: f64) -> String {
    let c = corpus();
    let item = match rng::weighted(rng, &[0.5, 0.25, 0.25]) {
        0 => pick_owned(rng, &c.math).to_string(),
        1 => pick_owned(rng, &c.puzzles).to_string(),
        _ => pick_owned(rng, &c.strategyqa).to_string(),
    };
    if rng::chance(rng, perturb) {
        perturb_numbers(rng, &item)
    } else {
        item
    }
}

/// Replaces each integer in the text with a nearby one.
pub fn perturb_numbers(rng: &mut Rng, text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut digits = String::new();
    let flush = |digits: &mut String, out: &mut String, rng: &mut Rng| {
        if digits.is_empty() {
            return;
        }
        match digits.parse::<u64>() {
            Ok(n) if digits.len() <= 6 => {
                let spread = (n / 3).max(2);
                let m = rng::range(rng, n.saturating_sub(spread).max(1), n + spread);
                out.push_str(&m.to_string());
            }
            _ => out.push_str(digits),
        }
        digits.clear();
    };
    for ch in text.chars() {
        if ch.is_ascii_digit() {
            digits.push(ch);
        } else {
            flush(&mut digits, &mut out, rng);
            out.push(ch);
        }
    }
    flush(&mut digits, &mut out, rng);
    out
}

fn coding_slot_text(rng: &mut Rng) -> String {
    fill(
        rng::pick_str(rng, CODING_ASKS),
        &[
            ("task", rng::pick_str(rng, CODING_TASKS)),
            ("lang", rng::pick_str(rng, LANGUAGES)),
            ("extra", rng::pick_str(rng, CODING_CONSTRAINTS)),
        ],
    )
}

fn agent_task_text(rng: &mut Rng) -> String {
    fill(
        rng::pick_str(rng, AGENT_TASKS),
        &[
            ("area", rng::pick_str(rng, AGENT_AREAS)),
            ("lib", rng::pick_str(rng, AGENT_LIBS)),
            ("feature", rng::pick_str(rng, AGENT_FEATURES)),
        ],
    )
}

/// A small random table in CSV.
pub fn data_table(rng: &mut Rng) -> (String, &'static str, &'static str) {
    let dim = rng::pick_str(rng, DATA_DIMS);
    let metric = rng::pick_str(rng, DATA_METRICS);
    let rows = rng::range(rng, 4, 14);
    let months = ["2025-09", "2025-10", "2025-11", "2025-12", "2026-01"];
    let mut table = format!("month,{dim},{metric}\n");
    let base = rng::range(rng, 10, 50_000) as f64;
    for _ in 0..rows {
        let month = rng::pick_str(rng, &months);
        let value = rng::pick_str(rng, DATA_VALUES);
        let amount = (base * (0.5 + rng::unit(rng))).round();
        table.push_str(&format!("{month},{value},{amount}\n"));
    }
    (table, dim, metric)
}

fn tools_from(rng: &mut Rng, pool: &[&'static str], lo: u64, hi: u64) -> Vec<&'static str> {
    let count = rng::range(rng, lo, hi).min(pool.len() as u64) as usize;
    let start = rng::range(rng, 0, pool.len() as u64 - 1) as usize;
    let step = [1usize, 3, 5, 7]
        .into_iter()
        .find(|s| !pool.len().is_multiple_of(*s))
        .unwrap_or(1);
    let mut tools: Vec<&'static str> = (0..count)
        .filter_map(|i| pool.get((start + i * step) % pool.len()).copied())
        .collect();
    tools.dedup();
    tools
}

/// Files an IDE or agent client inlines into the user turn (open editors, context).
pub fn code_context(rng: &mut Rng) -> String {
    let c = corpus();
    let mut out = String::new();
    for _ in 0..rng::range(rng, 1, 3) {
        let area = rng::pick_str(rng, AGENT_AREAS).replace(' ', "_");
        let body = if rng::chance(rng, 0.7) {
            pick_owned(rng, &c.humaneval)
        } else {
            pick_owned(rng, &c.code_snippets)
        };
        out.push_str(&format!(
            "\n\n<file path=\"{area}/{}.py\">\n{body}</file>",
            rng::token(rng::range(rng, 0, 5_000), 6)
        ));
    }
    out
}

/// Order and policy context a support back-end retrieves and sends with the message.
fn support_context(rng: &mut Rng, n: &str) -> String {
    const CARRIERS: &[&str] = &["UPS", "DHL", "FedEx", "Royal Mail", "USPS", "La Poste"];
    const STATES: &[&str] = &["processing", "shipped", "delivered", "returned", "on hold"];
    const POLICIES: &[&str] = &[
        "Returns are accepted within 30 days of delivery for unused items in original packaging. Refunds go to the original payment method within 5-10 business days. Final-sale items cannot be returned.",
        "Orders ship within 2 business days. Tracking updates can lag up to 48 hours. If a parcel shows no movement for 7 days, open a carrier investigation before offering a replacement.",
        "Duplicate charges are usually authorisation holds that drop off within 3 days. Only refund a confirmed second capture, and only after checking the payments dashboard.",
        "Discount codes cannot be combined and exclude gift cards. Expired codes may be honoured once per customer at the agent's discretion if expired within 7 days.",
        "Account access: send a password reset link; if the email bounces, verify identity with the last four digits of the card and the postcode before changing the email address.",
    ];
    let mut out = format!(
        "\n\n[Order {n}] {} item(s), status {}, carrier {}, placed {} days ago. Customer since {}, {} previous orders.",
        rng::range(rng, 1, 6),
        rng::pick_str(rng, STATES),
        rng::pick_str(rng, CARRIERS),
        rng::range(rng, 1, 40),
        rng::range(rng, 2015, 2025),
        rng::range(rng, 0, 60),
    );
    // Retrieval returns the one to three policy passages that matched best.
    let first = rng::range(rng, 0, POLICIES.len() as u64 - 1) as usize;
    for i in 0..rng::range(rng, 1, 3) as usize {
        if let Some(policy) = POLICIES.get((first + i) % POLICIES.len()) {
            out.push_str("\n[Policy] ");
            out.push_str(policy);
        }
    }
    out
}

/// The tool set of a coding assistant (stable per client: callers keep it).
pub fn coding_toolset(rng: &mut Rng) -> Vec<&'static str> {
    tools_from(rng, CODING_TOOLS, 8, 18)
}

/// An ordinary request for a capability.
pub fn benign(rng: &mut Rng, capability: Capability) -> Prompt {
    let c = corpus();
    let opener = rng::pick_str(rng, CASUAL_OPENERS);
    let mut prompt = match capability {
        Capability::Reasoning => {
            let item = reasoning_item(rng, 0.1);
            let text = if rng::chance(rng, 0.3) {
                format!("{opener}{item}\n{}", rng::pick_str(rng, STEP_BY_STEP_MILD))
            } else if rng::chance(rng, 0.04) {
                format!("{item}\n{}", rng::pick_str(rng, &COT_ELICIT[..8]))
            } else {
                format!("{opener}{item}")
            };
            Prompt::new(capability, text)
        }
        Capability::Coding => {
            let text = match rng::weighted(rng, &[0.5, 0.3, 0.2]) {
                0 => format!("{opener}{}", coding_slot_text(rng)),
                1 => fill(
                    rng::pick_str(rng, HUMANEVAL_ASKS),
                    &[("code", pick_owned(rng, &c.humaneval))],
                ),
                _ => fill(
                    rng::pick_str(rng, SNIPPET_ASKS),
                    &[("code", pick_owned(rng, &c.code_snippets))],
                ),
            };
            let mut prompt = Prompt::new(capability, text);
            if rng::chance(rng, 0.4) {
                prompt.text.push_str(&code_context(rng));
            }
            prompt
        }
        Capability::ToolUse => {
            let mut prompt = Prompt::new(capability, agent_task_text(rng));
            prompt.tools = if rng::chance(rng, 0.5) {
                coding_toolset(rng)
            } else {
                tools_from(rng, ORCHESTRATION_TOOLS, 3, 10)
            };
            prompt
        }
        Capability::Vision => {
            let mut text = format!("{opener}{}", rng::pick_str(rng, VISION_ASKS));
            if rng::chance(rng, 0.4) {
                // What the user already knows about the picture.
                text.push_str(" For context: ");
                text.push_str(pick_owned(rng, &c.social));
            }
            let mut prompt = Prompt::new(capability, text);
            prompt.images = if rng::chance(rng, 0.85) { 1 } else { 2 };
            prompt
        }
        Capability::SensitiveRewrite => Prompt::new(
            capability,
            fill(
                rng::pick_str(rng, SENSITIVE_FORMS),
                &[("topic", rng::pick_str(rng, SENSITIVE_TOPICS))],
            ),
        ),
        Capability::DataAnalysis => {
            let (table, dim, metric) = data_table(rng);
            let ask = fill(
                rng::pick_str(rng, DATA_ASKS),
                &[("dim", dim), ("metric", metric)],
            );
            Prompt::new(capability, format!("{opener}{ask}\n\n{table}"))
        }
        Capability::Creative => {
            let tone = rng::pick_str(rng, CREATIVE_TONES);
            let mut text = format!(
                "{opener}Write {} about {}.",
                rng::pick_str(rng, CREATIVE_FORMS),
                rng::pick_str(rng, CREATIVE_SUBJECTS)
            );
            if !tone.is_empty() {
                text.push_str(&format!(" Make it {tone}."));
            }
            if rng::chance(rng, 0.4) {
                // Background the user gives for the piece.
                text.push_str("\n\nSome background: ");
                text.push_str(pick_owned(rng, &c.social));
                text.push(' ');
                text.push_str(rng::pick_str(rng, EVERYDAY));
            }
            Prompt::new(capability, text)
        }
        Capability::Summarization => Prompt::new(
            capability,
            fill(
                rng::pick_str(rng, SUMMARY_ASKS),
                &[("text", pick_owned(rng, &c.stories))],
            ),
        ),
        Capability::Translation => {
            let source = if rng::chance(rng, 0.5) {
                pick_owned(rng, &c.social)
            } else {
                pick_owned(rng, &c.strategyqa)
            };
            Prompt::new(
                capability,
                fill(
                    rng::pick_str(rng, TRANSLATE_ASKS),
                    &[("lang", rng::pick_str(rng, TRANSLATE_TO)), ("text", source)],
                ),
            )
        }
        Capability::General => {
            let text = match rng::weighted(rng, &[0.35, 0.25, 0.25, 0.15]) {
                0 => rng::pick_str(rng, EVERYDAY).to_string(),
                1 => format!("{opener}{}", pick_owned(rng, &c.strategyqa)),
                2 => format!("{opener}{}", pick_owned(rng, &c.social)),
                _ => format!("{opener}{}", pick_owned(rng, &c.puzzles)),
            };
            let mut prompt = Prompt::new(capability, text);
            if rng::chance(rng, 0.55) {
                // People paste the situation or document they are asking about.
                let pasted = if rng::chance(rng, 0.5) {
                    pick_owned(rng, &c.stories)
                } else {
                    pick_owned(rng, &c.social)
                };
                prompt.text = format!("{}\n\n{pasted}", prompt.text);
            }
            prompt
        }
    };
    prompt.text = prompt.text.trim().to_string();
    prompt
}

/// Follow-up messages in a chat.
pub const FOLLOW_UPS: &[&str] = &[
    "Thanks! Can you make it shorter?",
    "Can you explain the second part again?",
    "What if the numbers were different?",
    "ok and how would I do that in practice?",
    "That doesn't look right to me, can you check?",
    "Great. Now give me an example.",
    "Can you put that in a table?",
    "Why?",
    "Could you rewrite it more formally?",
    "And what are the downsides?",
];

/// A campaign's fixed choices: which templates and elicitation phrasings it uses.
#[derive(Debug, Clone)]
pub struct AttackStyle {
    pub reasoning_templates: Vec<&'static str>,
    pub coding_templates: Vec<&'static str>,
    pub agent_templates: Vec<&'static str>,
    pub vision_templates: Vec<&'static str>,
    pub rewrite_templates: Vec<&'static str>,
    pub cot: Vec<&'static str>,
    pub toolset: Vec<&'static str>,
    /// Output-format specifications appended to requests (what a data pipeline needs).
    pub formats: Vec<&'static str>,
    pub paraphrase: f64,
    pub multilingual: f64,
}

fn choose_some(rng: &mut Rng, pool: &[&'static str], count: u64) -> Vec<&'static str> {
    let mut chosen: Vec<&'static str> = Vec::new();
    let want = (count as usize).clamp(1, pool.len().max(1));
    let mut guard = 0;
    while chosen.len() < want && guard < 1000 {
        guard += 1;
        let candidate = rng::pick_str(rng, pool);
        if !chosen.contains(&candidate) {
            chosen.push(candidate);
        }
    }
    chosen
}

impl AttackStyle {
    /// Draws a campaign's style from its RNG.
    pub fn draw(rng: &mut Rng, templates: u64, paraphrase: f64, multilingual: f64) -> AttackStyle {
        let english_cot = &COT_ELICIT[..14];
        let mut toolset = tools_from(rng, CODING_TOOLS, 6, 12);
        toolset.extend(tools_from(rng, ORCHESTRATION_TOOLS, 3, 8));
        AttackStyle {
            reasoning_templates: choose_some(rng, REASONING_TEMPLATES, templates),
            coding_templates: choose_some(rng, CODING_TEMPLATES, templates),
            agent_templates: choose_some(rng, AGENT_TEMPLATES, templates),
            vision_templates: choose_some(rng, VISION_HARVEST, templates),
            rewrite_templates: choose_some(rng, SAFE_REWRITE, templates),
            cot: choose_some(rng, english_cot, (templates / 2).max(1)),
            formats: choose_some(rng, OUTPUT_FORMATS, (templates / 2).max(1)),
            toolset,
            paraphrase,
            multilingual,
        }
    }

    fn cot(&self, rng: &mut Rng) -> &'static str {
        if rng::chance(rng, self.multilingual) {
            return rng::pick_str(rng, &COT_ELICIT[14..]);
        }
        if rng::chance(rng, self.paraphrase) {
            return rng::pick_str(rng, COT_ELICIT);
        }
        rng::pick_str(rng, &self.cot)
    }
}

/// Rewrites some words with synonyms (what a paraphrasing harvester does to its
/// templates so that they do not look identical).
pub fn paraphrase(rng: &mut Rng, text: &str) -> String {
    let mut out = text.to_string();
    for (word, alternatives) in PARAPHRASES {
        if out.contains(word) && rng::chance(rng, 0.7) {
            let alt = rng::pick(rng, alternatives).copied().unwrap_or(word);
            out = out.replacen(word, alt, 1);
        }
    }
    if rng::chance(rng, 0.3) {
        out = format!("{}{}", rng::pick_str(rng, CASUAL_OPENERS), out);
    }
    if rng::chance(rng, 0.2) {
        out = out.to_lowercase();
    }
    out
}

/// A harvesting request for a capability, in the campaign's style.
pub fn attack(rng: &mut Rng, style: &AttackStyle, capability: Capability, serial: u64) -> Prompt {
    let c = corpus();
    let serial_text = serial.to_string();
    let mut prompt = match capability {
        Capability::Reasoning => {
            let item = reasoning_item(rng, 0.6);
            let cot = style.cot(rng);
            let template = rng::pick_str(rng, &style.reasoning_templates);
            Prompt::new(
                capability,
                fill(template, &[("q", &item), ("cot", cot), ("n", &serial_text)]),
            )
        }
        Capability::SensitiveRewrite => {
            let question = fill(
                rng::pick_str(rng, SENSITIVE_FORMS),
                &[("topic", rng::pick_str(rng, SENSITIVE_TOPICS))],
            );
            let template = rng::pick_str(rng, &style.rewrite_templates);
            let mut text = fill(template, &[("q", &question)]);
            if rng::chance(rng, 0.5) {
                text.push(' ');
                text.push_str(style.cot(rng));
            }
            Prompt::new(capability, text)
        }
        Capability::Coding => {
            let template = rng::pick_str(rng, &style.coding_templates);
            let original = pick_owned(rng, &c.humaneval);
            let code = perturb_names(rng, original);
            let mut prompt = Prompt::new(
                capability,
                fill(
                    template,
                    &[
                        ("task", rng::pick_str(rng, CODING_TASKS)),
                        ("lang", rng::pick_str(rng, LANGUAGES)),
                        ("extra", rng::pick_str(rng, CODING_CONSTRAINTS)),
                        ("code", &code),
                    ],
                ),
            );
            if rng::chance(rng, 0.8) {
                prompt.text.push_str(&code_context(rng));
            }
            prompt
        }
        Capability::ToolUse => {
            let template = rng::pick_str(rng, &style.agent_templates);
            let mut prompt = Prompt::new(
                capability,
                fill(template, &[("agent", &agent_task_text(rng))]),
            );
            if rng::chance(rng, 0.8) {
                prompt.text.push_str(&code_context(rng));
            }
            prompt.tools = style.toolset.clone();
            prompt
        }
        Capability::Vision => {
            let template = rng::pick_str(rng, &style.vision_templates);
            let mut prompt = Prompt::new(
                capability,
                fill(template, &[("q", pick_owned(rng, &c.strategyqa))]),
            );
            prompt.images = rng::range(rng, 1, 4) as u32;
            prompt
        }
        Capability::DataAnalysis => {
            let (table, dim, metric) = data_table(rng);
            let ask = fill(
                rng::pick_str(rng, DATA_ASKS),
                &[("dim", dim), ("metric", metric)],
            );
            Prompt::new(capability, format!("{ask} {}\n\n{table}", style.cot(rng)))
        }
        other => benign(rng, other),
    };
    if rng::chance(rng, 0.7) && capability != Capability::ToolUse {
        prompt.text.push_str("\n\n");
        prompt.text.push_str(rng::pick_str(rng, &style.formats));
    }
    if rng::chance(rng, style.paraphrase) {
        prompt.text = paraphrase(rng, &prompt.text);
    }
    prompt.out_median *= 1.8;
    prompt
}

/// Renames the function in a HumanEval prompt (item generators vary names so that
/// outputs are not memorised benchmark answers).
fn perturb_names(rng: &mut Rng, code: &str) -> String {
    const SUFFIXES: &[&str] = &[
        "", "", "_v2", "_impl", "_fast", "_checked", "_list", "_util",
    ];
    let suffix = rng::pick_str(rng, SUFFIXES);
    if suffix.is_empty() {
        return code.to_string();
    }
    match code
        .find("def ")
        .and_then(|at| code[at..].find('(').map(|paren| (at + 4, at + paren)))
    {
        Some((name_start, name_end)) if name_end > name_start => {
            let name = &code[name_start..name_end];
            code.replace(name, &format!("{name}{suffix}"))
        }
        _ => code.to_string(),
    }
}

/// An end-user request to an app back-end of the given kind.
pub fn app_request(rng: &mut Rng, kind: &str, brand: &str) -> Prompt {
    let c = corpus();
    let n = rng::range(rng, 10_000, 999_999).to_string();
    match kind {
        "support" => {
            let mut text = fill(rng::pick_str(rng, SUPPORT_ISSUES), &[("n", &n)]);
            text.push_str(&support_context(rng, &n));
            let mut prompt = Prompt::new(Capability::General, text);
            prompt.out_median = 120.0;
            prompt
        }
        "summarize" => {
            let mut prompt = Prompt::new(
                Capability::Summarization,
                pick_owned(rng, &c.stories).to_string(),
            );
            prompt.out_median = 120.0;
            prompt
        }
        "extract" => {
            let person = rng::pick_str(rng, PEOPLE);
            let company = rng::pick_str(rng, COMPANIES);
            let first = person.split(' ').next().unwrap_or(person).to_lowercase();
            let text = format!(
                "Hi, this is {person} from {company}. We spoke last week about {}. Could you send the quote for {} seats to {first}@{}.example and call me at +1 555 {}? Thanks, {person}",
                rng::pick_str(rng, AGENT_FEATURES),
                rng::range(rng, 5, 500),
                company.to_lowercase().replace(' ', ""),
                rng::range(rng, 1000, 9999)
            );
            // Mail threads arrive with the quoted earlier message.
            let text = format!(
                "{text}\n\n> On {} {}, {} wrote:\n> {}",
                rng::pick_str(rng, &["Mon", "Tue", "Wed", "Thu", "Fri"]),
                rng::range(rng, 1, 28),
                rng::pick_str(rng, PEOPLE),
                pick_owned(rng, &c.social)
            );
            let mut prompt = Prompt::new(Capability::Summarization, text);
            prompt.out_median = 60.0;
            prompt
        }
        "tutor" => {
            let item = reasoning_item(rng, 0.2);
            let earlier = reasoning_item(rng, 0.0);
            let attempt = perturb_numbers(rng, &earlier);
            Prompt::new(
                Capability::Reasoning,
                format!(
                    "{}{item}\n\nMy attempt so far: I tried to set it up like the last exercise ({attempt}) but I get a different number every time. {}",
                    rng::pick_str(rng, CASUAL_OPENERS),
                    rng::pick_str(rng, STEP_BY_STEP_MILD)
                ),
            )
        }
        "classify" => {
            let text = format!(
                "Ticket from customer {n}: {}{}",
                fill(rng::pick_str(rng, SUPPORT_ISSUES), &[("n", &n)]),
                support_context(rng, &n)
            );
            let mut prompt = Prompt::new(Capability::General, text);
            prompt.out_median = 25.0;
            prompt
        }
        "codereview" => {
            let snippet = if rng::chance(rng, 0.7) {
                pick_owned(rng, &c.humaneval)
            } else {
                pick_owned(rng, &c.code_snippets)
            };
            let text = format!(
                "diff --git a/src/{brand}.py b/src/{brand}.py\n@@ -1,6 +1,8 @@\n{}\n",
                snippet
                    .lines()
                    .map(|line| format!("+{line}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            );
            Prompt::new(Capability::Coding, text)
        }
        "copy" => {
            let text = format!(
                "Product: {} by {brand}. SKU {n}. Features: {}, {}. Audience: {}. Price band: {}. Previous description (rewrite, keep facts): {}",
                rng::pick_str(rng, CREATIVE_SUBJECTS),
                rng::pick_str(rng, AGENT_FEATURES),
                rng::pick_str(rng, CREATIVE_TONES),
                rng::pick_str(rng, DATA_VALUES),
                rng::pick_str(rng, &["budget", "mid-range", "premium"]),
                pick_owned(rng, &c.social)
            );
            Prompt::new(Capability::Creative, text)
        }
        "translate" => {
            let text = if rng::chance(rng, 0.5) {
                pick_owned(rng, &c.stories).to_string()
            } else {
                pick_owned(rng, &c.social).to_string()
            };
            Prompt::new(Capability::Translation, text)
        }
        _ => benign(rng, Capability::General),
    }
}

/// A benchmark item as an evaluation firm formats it (items come from a fixed suite).
pub fn eval_item(suite: u64, item: u64) -> (String, Capability) {
    let c = corpus();
    let format_index = (suite as usize) % EVAL_FORMATS.len();
    let format = EVAL_FORMATS.get(format_index).copied().unwrap_or("{q}");
    let (pool, capability): (&[String], Capability) = match format_index {
        2 => (&c.strategyqa, Capability::Reasoning),
        3 => (&c.humaneval, Capability::Coding),
        4 => (&c.puzzles, Capability::Reasoning),
        _ => (&c.math, Capability::Reasoning),
    };
    let question = if pool.is_empty() {
        ""
    } else {
        pool[(item as usize * 7 + suite as usize * 131) % pool.len()].as_str()
    };
    const HEADER: &str = "You are being evaluated on a fixed benchmark. Follow the output format exactly. Do not ask clarifying questions; if the problem is ambiguous, state your assumption and continue. Answers are graded automatically, so any text after the final answer line is ignored.\n\n";
    let body = format.replace("{q}", question).replace("{{}}", "{}");
    if suite.is_multiple_of(3) {
        (body, capability)
    } else {
        (format!("{HEADER}{body}"), capability)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{rng_for, Stream};

    const SLOT_NAMES: &[&str] = &[
        "{q}",
        "{cot}",
        "{task}",
        "{lang}",
        "{extra}",
        "{code}",
        "{agent}",
        "{area}",
        "{lib}",
        "{feature}",
        "{topic}",
        "{text}",
        "{dim}",
        "{metric}",
        "{n}",
        "{brand}",
    ];

    #[test]
    fn every_capability_yields_real_text() {
        let mut rng = rng_for(3, Stream::Traffic, 0);
        for cap in Capability::ALL {
            for _ in 0..50 {
                let p = benign(&mut rng, cap);
                assert!(p.text.len() > 10, "{cap}: {:?}", p.text);
                for slot in SLOT_NAMES {
                    assert!(!p.text.contains(slot), "unfilled slot in {:?}", p.text);
                }
            }
        }
    }

    #[test]
    fn attack_prompts_fill_every_slot_and_vary() {
        let mut rng = rng_for(4, Stream::Campaign, 0);
        let style = AttackStyle::draw(&mut rng, 3, 0.0, 0.0);
        let mut distinct = std::collections::HashSet::new();
        for i in 0..500 {
            let p = attack(&mut rng, &style, Capability::Reasoning, i);
            for slot in SLOT_NAMES {
                assert!(!p.text.contains(slot), "unfilled slot in {:?}", p.text);
            }
            distinct.insert(p.text);
        }
        assert!(
            distinct.len() > 450,
            "items should rarely repeat: {}",
            distinct.len()
        );
    }

    #[test]
    fn perturbation_changes_numbers_only() {
        let mut rng = rng_for(5, Stream::Traffic, 0);
        let out = perturb_numbers(&mut rng, "a train goes 120 km in 3 hours");
        assert!(out.starts_with("a train goes "));
        assert!(out.ends_with(" hours"));
    }
}
