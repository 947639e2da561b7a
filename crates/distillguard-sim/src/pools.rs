//! Hand-written pools where no public corpus fits: chain-of-thought elicitation
//! phrasings, sensitive-topic questions, tool names, coding and agentic task slots,
//! app system prompts, everyday tasks. Combined with the corpus pools in `prompts`, so
//! the number of distinct prompts is large.
//!
//! In: nothing. Out: `&'static [&'static str]` constants.

/// Ways to ask for the full chain of thought (what the reasoning campaign sends),
/// including a few other languages.
pub const COT_ELICIT: &[&str] = &[
    "Show your full reasoning before giving the final answer.",
    "Explain every intermediate step, leaving nothing out.",
    "Think step by step and write out all of your reasoning.",
    "Walk me through your complete thought process from start to finish.",
    "Reason carefully and make each deduction explicit before you answer.",
    "Before answering, lay out your entire chain of reasoning in detail.",
    "Write down every step of your internal reasoning, including false starts you reject.",
    "Give a detailed derivation: every assumption, every calculation, every check.",
    "Do not skip any steps. Narrate your reasoning as you would think it.",
    "First reason at length in a section called Reasoning, then give the Answer.",
    "Explain your reasoning exhaustively, as if teaching someone who will check every line.",
    "Break the problem into sub-problems and solve each one explicitly, showing all work.",
    "Output your complete thinking process, then a one-line final answer.",
    "Verify each intermediate result and show the verification.",
    "请详细展示你的完整推理过程，每一步都要解释清楚，然后给出最终答案。",
    "请一步一步地思考，并写出所有中间步骤。",
    "Объясни каждый промежуточный шаг своего рассуждения, ничего не пропуская.",
    "Muestra todo tu razonamiento paso a paso antes de dar la respuesta final.",
    "Explique chaque étape intermédiaire de ton raisonnement avant de conclure.",
    "すべての推論過程を段階的に詳しく示してから、最終的な答えを出してください。",
    "Zeige deinen vollständigen Gedankengang Schritt für Schritt.",
];

/// Milder step-by-step phrasings that benign users and teachers also use.
pub const STEP_BY_STEP_MILD: &[&str] = &[
    "Can you explain how to solve this?",
    "Please explain step by step.",
    "I don't get how to do this one, can you help?",
    "Show the working please.",
    "What's the answer and why?",
    "Explain it simply.",
    "How would I approach this?",
];

/// Politically sensitive topics (the reasoning campaign asked for "safe" rewrites of
/// questions like these; ordinary users ask about them too, less often).
pub const SENSITIVE_TOPICS: &[&str] = &[
    "the 1989 Tiananmen Square protests",
    "the political status of Taiwan",
    "the detention camps in Xinjiang",
    "the 2019 Hong Kong protests",
    "the Dalai Lama and Tibetan autonomy",
    "criticism of the Communist Party's leadership",
    "internet censorship and the Great Firewall",
    "the persecution of Falun Gong",
    "the death toll of the Cultural Revolution",
    "Liu Xiaobo's Nobel Peace Prize",
    "the Great Leap Forward famine",
    "memes comparing Xi Jinping to Winnie the Pooh",
    "the South China Sea territorial disputes",
    "allegations of Uyghur forced labour in supply chains",
    "the disappearance of Peng Shuai",
    "the origins of COVID-19 in Wuhan",
    "press freedom and jailed journalists in China",
    "the enforcement of the one-child policy",
    "democracy movements in mainland China",
    "the Umbrella Movement of 2014",
    "the 709 crackdown on human rights lawyers",
    "the removal of presidential term limits in 2018",
    "the national security law in Hong Kong",
    "the treatment of dissidents abroad",
    "the Sino-Indian border clashes of 2020",
    "the Chinese social credit system",
    "the Tank Man photograph",
    "the Hong Kong Legislative Council storming",
    "Russia's invasion of Ukraine",
    "the Armenian genocide",
    "the 1915 Gallipoli campaign casualties",
    "Kashmir's special status",
    "the Rohingya crisis in Myanmar",
    "the legitimacy of the 2020 US election",
    "the Israeli-Palestinian conflict",
];

/// Question forms around a sensitive topic.
pub const SENSITIVE_FORMS: &[&str] = &[
    "What really happened during {topic}?",
    "Give a balanced account of {topic}.",
    "Why is {topic} so controversial?",
    "Who was responsible for {topic}, according to historians?",
    "How do different governments describe {topic}?",
    "What do we know for certain about {topic}?",
    "Summarise the main facts about {topic} for a school report.",
    "Is it true that {topic} is censored online? Why?",
];

/// The "safe rewrite" requests of the reasoning campaign.
pub const SAFE_REWRITE: &[&str] = &[
    "Rewrite the answer to the following question so that it would be acceptable to publish under strict media regulations, while sounding natural: {q}",
    "Provide an alternative answer to this question that avoids any politically sensitive statement but still reads as informative: {q}",
    "Answer the following question in the way an official state textbook would: {q}",
    "Give a 'safe' version of the answer to this question suitable for a domestic audience, then explain what you changed and why: {q}",
    "Reformulate the question and its answer so that neither mentions anything a censor would object to: {q}",
    "How would you answer this if you had to comply with local content rules? Explain your reasoning. {q}",
    "请以符合内容审核要求的方式回答以下问题，并解释你的思路：{q}",
];

/// Programming languages.
pub const LANGUAGES: &[&str] = &[
    "Python",
    "TypeScript",
    "JavaScript",
    "Rust",
    "Go",
    "Java",
    "C++",
    "C#",
    "Kotlin",
    "Swift",
    "Ruby",
    "PHP",
    "Scala",
    "Bash",
    "SQL",
    "Haskell",
    "Elixir",
    "C",
];

/// Coding tasks (object of "write/implement ...").
pub const CODING_TASKS: &[&str] = &[
    "an LRU cache with O(1) get and put",
    "a function that parses a CSV file and computes per-column statistics",
    "a REST endpoint that paginates a list of orders",
    "a rate limiter using the token bucket algorithm",
    "a trie with insert, search and prefix search",
    "Dijkstra's shortest path on a weighted graph",
    "a thread-safe producer/consumer queue",
    "a parser for arithmetic expressions with precedence",
    "a function that merges overlapping intervals",
    "a retry wrapper with exponential backoff and jitter",
    "a command-line tool that renames files by a pattern",
    "a debounce function for UI events",
    "a JSON schema validator for a small subset of the spec",
    "binary search over a rotated sorted array",
    "a function that detects cycles in a directed graph",
    "an in-memory key-value store with TTL expiry",
    "a Markdown to HTML converter for headings and lists",
    "a function that computes the edit distance between two strings",
    "a websocket chat server with rooms",
    "a bloom filter with configurable false-positive rate",
    "a connection pool with health checks",
    "a topological sort that reports cycles",
    "a function that validates and normalises email addresses",
    "pagination over a cursor-based API",
    "a diff of two lists of records keyed by id",
    "a sudoku solver using backtracking",
    "a matrix multiplication routine with cache blocking",
    "an event sourcing aggregate for a bank account",
    "a function to flatten arbitrarily nested lists",
    "a scheduler that runs jobs at cron-like times",
    "a k-means clustering implementation",
    "a migration that adds a non-null column with a default",
    "an HTTP middleware that logs request latency",
    "a function that converts Roman numerals to integers",
    "a consistent hashing ring",
    "a priority queue backed by a binary heap",
    "a unit-tested money type that avoids floating point errors",
    "a tokenizer for a small programming language",
    "a function that finds the longest palindromic substring",
    "a simple regex engine supporting . * and ?",
];

/// Extra requirements appended to coding tasks.
pub const CODING_CONSTRAINTS: &[&str] = &[
    "with unit tests",
    "without external dependencies",
    "optimised for memory",
    "with full type annotations",
    "that handles errors gracefully",
    "with docstrings and examples",
    "and explain the time complexity",
    "that is safe for concurrent use",
    "in an idiomatic style",
    "and include a short benchmark",
    "",
    "",
];

/// Ways to ask for code.
pub const CODING_ASKS: &[&str] = &[
    "Write {task} in {lang} {extra}.",
    "Implement {task} in {lang} {extra}.",
    "Can you show me how to build {task} in {lang}? {extra}",
    "I need {task} for a {lang} project, {extra}.",
    "How would you write {task} in {lang}?",
    "Give me a production-quality {lang} implementation of {task}, {extra}.",
];

/// Wrappers around a HumanEval problem.
pub const HUMANEVAL_ASKS: &[&str] = &[
    "Complete the following function:\n\n{code}",
    "{code}\n\nFill in the body of this function.",
    "Here is a function stub. Implement it and explain your approach.\n\n{code}",
    "My implementation of this fails some doctests. Write a correct one.\n\n{code}",
    "Write tests for this function and then implement it:\n\n{code}",
    "```python\n{code}```\nfinish this",
];

/// Wrappers around a code snippet.
pub const SNIPPET_ASKS: &[&str] = &[
    "What does this code do?\n\n{code}",
    "Explain this line by line:\n{code}",
    "Is there a bug here?\n{code}",
    "Rewrite this to be more idiomatic:\n{code}",
];

/// Agentic coding instructions (a session of tool calls follows).
pub const AGENT_TASKS: &[&str] = &[
    "The tests in {area} started failing after upgrading {lib}. Find the cause and fix it.",
    "Add {feature} to {area}, with tests, and make sure the linter passes.",
    "Refactor {area} to remove the duplicated logic and keep behaviour identical.",
    "Investigate why {area} is slow under load and propose a fix; implement it if it is small.",
    "Migrate {area} from {lib} to its newer API and update all call sites.",
    "Write integration tests for {area} covering the error paths.",
    "There's a race condition somewhere in {area}. Reproduce it with a test and fix it.",
    "Update the README and docstrings in {area} to match the current behaviour.",
    "Implement {feature} end to end: schema, handler, tests, docs.",
    "Review the open diff in {area} and fix anything you would flag in code review.",
    "Set up CI for this repo: run tests and lint on every push.",
    "Find all TODO comments in {area} and resolve the ones that are quick.",
];

pub const AGENT_AREAS: &[&str] = &[
    "src/billing",
    "the auth module",
    "api/handlers",
    "the ingestion pipeline",
    "frontend/components/Table",
    "the CLI",
    "services/payments",
    "lib/cache",
    "the search indexer",
    "the notification worker",
    "db/migrations",
    "the GraphQL resolvers",
    "pkg/scheduler",
    "the mobile sync layer",
    "internal/storage",
    "the reporting jobs",
    "app/models/user.rb",
    "crates/parser",
];

pub const AGENT_LIBS: &[&str] = &[
    "pydantic 2",
    "React 19",
    "tokio 1.40",
    "Django 5",
    "SQLAlchemy 2",
    "Next.js 15",
    "Spring Boot 3",
    "numpy 2",
    "axios",
    "the AWS SDK v3",
    "pytest 8",
    "Express 5",
];

pub const AGENT_FEATURES: &[&str] = &[
    "CSV export",
    "rate limiting",
    "soft delete",
    "audit logging",
    "dark mode",
    "a retry queue",
    "two-factor authentication",
    "webhook signatures",
    "bulk import",
    "per-tenant feature flags",
    "search by date range",
    "an admin dashboard",
];

/// Tools of coding agents (IDE and CLI assistants).
pub const CODING_TOOLS: &[&str] = &[
    "read_file",
    "write_file",
    "edit_file",
    "list_directory",
    "grep_search",
    "glob",
    "run_terminal_command",
    "bash",
    "run_tests",
    "git_diff",
    "git_status",
    "apply_patch",
    "search_codebase",
    "todo_write",
    "web_fetch",
    "notebook_edit",
    "view_image",
    "find_references",
    "rename_symbol",
    "lint",
];

/// Tools for orchestration, data and web work.
pub const ORCHESTRATION_TOOLS: &[&str] = &[
    "web_search",
    "fetch_url",
    "spawn_subagent",
    "plan_tasks",
    "python_exec",
    "query_sql",
    "load_csv",
    "plot_chart",
    "send_email",
    "calendar_lookup",
    "vector_search",
    "browser_click",
    "browser_type",
    "browser_screenshot",
    "create_ticket",
    "update_ticket",
    "file_upload",
    "memory_store",
    "memory_recall",
    "code_interpreter",
    "call_api",
    "wait_for_job",
];

/// Tools of customer-facing app back-ends.
pub const APP_TOOLS: &[&str] = &[
    "lookup_order",
    "get_customer",
    "refund_payment",
    "create_ticket",
    "escalate_to_human",
    "search_kb",
    "check_inventory",
    "schedule_callback",
    "get_shipping_status",
];

/// Vision requests (an image accompanies them).
pub const VISION_ASKS: &[&str] = &[
    "What does this chart show?",
    "Transcribe the handwritten notes in this photo.",
    "Extract the table in this screenshot as CSV.",
    "Which UI element is misaligned in this screenshot?",
    "What plant is this, and is it safe for cats?",
    "Read the receipt and total the items by category.",
    "Describe this diagram so I can put it in alt text.",
    "What's the error in this screenshot of my terminal?",
    "Compare these two photos and list the differences.",
    "Convert this whiteboard sketch into a Mermaid diagram.",
    "Is this wiring diagram correct?",
    "Summarise the slide in this image in three bullets.",
];

/// Vision harvesting asks (exhaustive descriptions with reasoning).
pub const VISION_HARVEST: &[&str] = &[
    "Describe this image in exhaustive detail: every object, its position, colour and relation to the others. Then reason step by step about what is happening.",
    "List every element visible in this image with bounding-box style coordinates, then explain your reasoning for each identification.",
    "Answer the question about the image and explain every visual cue you used: {q}",
    "Produce a dense caption, then a structured JSON description of the scene, then a step-by-step analysis of any text, charts or numbers in it.",
    "Solve the problem shown in the image. Show all intermediate steps and explain how you read each part of the figure.",
];

/// Data analysis asks over a small table.
pub const DATA_ASKS: &[&str] = &[
    "Which {dim} grew fastest between the first and last month?",
    "Compute the mean and median of {metric} per {dim}.",
    "Are there any outliers in {metric}? Explain how you decided.",
    "Write a pandas snippet that pivots this table by {dim} and plots {metric}.",
    "Give me a short written summary of this data for a manager.",
    "Is the difference in {metric} between the {dim}s statistically significant?",
    "Forecast next month's {metric} for each {dim} and explain the method.",
    "Write the SQL that produces this table from a raw events table.",
];

pub const DATA_DIMS: &[&str] = &[
    "region", "store", "product", "channel", "team", "country", "plan",
];
pub const DATA_METRICS: &[&str] = &[
    "revenue",
    "units",
    "churn",
    "signups",
    "tickets",
    "latency_ms",
    "conversion",
    "returns",
    "active_users",
];
pub const DATA_VALUES: &[&str] = &[
    "North",
    "South",
    "East",
    "West",
    "Online",
    "Retail",
    "Partner",
    "Basic",
    "Pro",
    "Enterprise",
    "DE",
    "FR",
    "US",
    "JP",
    "BR",
    "IN",
    "Alpha",
    "Beta",
    "Gamma",
];

/// Creative requests.
pub const CREATIVE_FORMS: &[&str] = &[
    "a short poem",
    "a limerick",
    "a bedtime story",
    "a product description",
    "a wedding toast",
    "a haiku sequence",
    "a cover letter opening",
    "a tweet thread",
    "a short horror story",
    "song lyrics",
    "a eulogy",
    "a birthday message",
    "a slogan",
    "a dialogue scene",
    "an Instagram caption",
];
pub const CREATIVE_SUBJECTS: &[&str] = &[
    "a lighthouse keeper who retires",
    "my grandmother's garden",
    "a robot learning to cook",
    "autumn in Kyoto",
    "our new coffee grinder",
    "a cat who hates Mondays",
    "the first day of school",
    "a startup that failed",
    "the ocean at night",
    "my best friend moving abroad",
    "a dragon who collects stamps",
    "a marathon finish",
    "our team's product launch",
    "a rainy Sunday",
    "a city after the power goes out",
];
pub const CREATIVE_TONES: &[&str] = &[
    "funny",
    "melancholic",
    "formal",
    "warm",
    "short",
    "whimsical",
    "dramatic",
    "",
];

/// Everyday how-to questions.
pub const EVERYDAY: &[&str] = &[
    "How do I get red wine out of a carpet?",
    "What's a good 3-day itinerary for Lisbon?",
    "How should I prepare for a job interview at a bank?",
    "Can you suggest a weekly meal plan for a vegetarian on a budget?",
    "What's the difference between a Roth IRA and a traditional IRA?",
    "How do I politely decline a wedding invitation?",
    "What exercises help with lower back pain?",
    "Explain how mortgages work like I'm 15.",
    "How can I improve my sleep schedule?",
    "What should I look for when buying a used car?",
    "How do I start learning the guitar as an adult?",
    "Help me write an email asking my landlord to fix the heating.",
    "What are good questions to ask at a parent-teacher meeting?",
    "How do vaccines train the immune system?",
    "What is the best way to learn Spanish in six months?",
    "Why is the sky blue?",
    "How do I negotiate a higher salary?",
    "What's a polite way to tell a coworker they talk too loudly?",
    "How long should I boil an egg for a runny yolk?",
    "What are the pros and cons of renting vs buying?",
];

/// Target languages for translation.
pub const TRANSLATE_TO: &[&str] = &[
    "French",
    "Spanish",
    "German",
    "Japanese",
    "Portuguese",
    "Italian",
    "Korean",
    "Chinese",
    "Dutch",
    "Polish",
    "Turkish",
    "Hindi",
    "Arabic",
];

pub const TRANSLATE_ASKS: &[&str] = &[
    "Translate into {lang}: {text}",
    "How would you say this in {lang}? \"{text}\"",
    "Translate the following to {lang}, keeping the tone casual:\n{text}",
];

pub const SUMMARY_ASKS: &[&str] = &[
    "Summarise this in two sentences:\n\n{text}",
    "TL;DR please:\n{text}",
    "What is the main point of this passage?\n\n{text}",
    "Give me three bullet points summarising the following.\n\n{text}",
    "Who is responsible for the outcome in this story, and why?\n\n{text}",
];

/// App back-end kinds: (system prompt, capability of the end-user requests).
pub const APP_SYSTEMS: &[(&str, &str)] = &[
    ("You are the customer support assistant for {brand}, an online retailer. Be concise and friendly. Never promise refunds without checking the order. If the customer is angry, apologise once and escalate.", "support"),
    ("You are a summarisation service. Summarise the user's document in at most 5 bullet points. Output only the bullets.", "summarize"),
    ("Extract the following fields from the text as JSON: name, company, email, phone, intent. Use null for missing fields. Output JSON only.", "extract"),
    ("You are {brand}'s tutoring assistant for high-school students. Guide the student to the answer without giving it away immediately.", "tutor"),
    ("You classify incoming support tickets for {brand} into one of: billing, bug, feature_request, account, other. Reply with the label and a one-sentence reason.", "classify"),
    ("You are a code review bot for {brand}. Review the diff for bugs, security issues and style. Be specific and brief.", "codereview"),
    ("You write product descriptions for {brand}'s catalogue in a warm, concise voice, under 80 words.", "copy"),
    ("You are {brand}'s HR policy assistant. Answer employee questions using only the policy excerpts provided.", "support"),
    ("Translate user messages into English for {brand}'s support agents. Preserve names and order numbers.", "translate"),
];

pub const BRANDS: &[&str] = &[
    "Northwind",
    "Bluebird Home",
    "Kestrel Labs",
    "Tandem Books",
    "Orchard Pay",
    "Lumen Health",
    "Cobalt Cloud",
    "Juniper Travel",
    "Fable Toys",
    "Harbor Bank",
    "Quill Legal",
    "Pixel Forge",
    "Summit Gear",
    "Maple Learning",
    "Atlas Freight",
];

pub const SUPPORT_ISSUES: &[&str] = &[
    "My order #{n} hasn't arrived and the tracking hasn't updated in a week.",
    "I was charged twice for order {n}, can you fix it?",
    "How do I change the delivery address on order {n}?",
    "The item I received is damaged. What are my options?",
    "I can't log in, the reset email never comes.",
    "Do you ship to Norway? And how long does it take?",
    "I want to cancel my subscription but can't find the button.",
    "The discount code SPRING{n} doesn't work at checkout.",
    "Can I return something I bought {n} days ago?",
    "Your app crashes when I open my order history.",
    "Is the large size of the blue jacket coming back in stock?",
    "I need an invoice with my company's VAT number for order {n}.",
];

/// What a customer writes later in a support chat (earlier user turns travel with each
/// request).
pub const SUPPORT_FOLLOW_UPS: &[&str] = &[
    "I already tried that yesterday and it still shows the same thing. Is there someone who can look at the account directly?",
    "OK, thanks. If I send it back, do I pay for the return label or is that covered? The box is already thrown away.",
    "The tracking page now says 'delivered' but there is nothing at my door and my neighbours have not seen it either.",
    "Sorry, one more thing: the invoice should go to our accounts team, not to me. Can you change the email on file?",
    "That code was in the newsletter you sent last week, it says valid until the end of the month. Can you apply it manually?",
    "I don't want a voucher, I want the money back on my card. How long will that take exactly?",
    "It's the app on Android, latest version. I reinstalled it and cleared the cache, it still closes as soon as I tap Orders.",
    "Fine, please go ahead with the replacement then, same size and colour, and let me know when it ships.",
];

pub const PEOPLE: &[&str] = &[
    "Maria Garcia",
    "James Smith",
    "Wei Zhang",
    "Aisha Khan",
    "Lukas Müller",
    "Sofia Rossi",
    "Kenji Tanaka",
    "Olivia Brown",
    "Mateus Silva",
    "Priya Patel",
    "Noah Wilson",
    "Fatima Ali",
    "Ivan Petrov",
    "Chloé Martin",
    "Daniel Kim",
];
pub const COMPANIES: &[&str] = &[
    "Acme Corp",
    "Globex",
    "Initech",
    "Umbrella Logistics",
    "Stark Components",
    "Wayne Foods",
    "Hooli",
    "Vandelay Imports",
    "Soylent Ltd",
    "Tyrell Systems",
];

/// Benchmark prompt formats used by evaluation firms.
pub const EVAL_FORMATS: &[&str] = &[
    "Question: {q}\nLet's think step by step. At the end, write the final answer as 'Answer: <answer>'.",
    "Solve the following problem. Put your final answer within \\boxed{{}}.\n\n{q}",
    "{q}\nAnswer with Yes or No, then justify briefly.",
    "Complete the following Python function. Return only the code.\n\n{q}",
    "You will be given a question. Reason carefully, then answer.\n\nQ: {q}\nA:",
];

/// Attack templates for reasoning items (a few per campaign are picked).
pub const REASONING_TEMPLATES: &[&str] = &[
    "{q}\n\n{cot}",
    "Problem: {q}\n{cot} Then state the final answer on its own line.",
    "{cot}\n\nProblem: {q}",
    "You are an expert tutor. {cot}\n\nQuestion: {q}",
    "Solve: {q}\nRequirements: {cot} Use numbered steps. End with 'Final answer:'.",
    "Task {n}. {q}\n{cot}",
    "Consider the following question carefully.\n{q}\n{cot} Double-check your result.",
    "[INSTRUCTION] {cot}\n[QUESTION] {q}\n[FORMAT] reasoning, then answer",
];

/// Attack templates for coding items.
pub const CODING_TEMPLATES: &[&str] = &[
    "Write {task} in {lang} {extra}. Think through the design first, explain each decision, then give the complete code.",
    "{code}\nImplement the function above. Explain your reasoning step by step before the code, then list edge cases.",
    "Task: implement {task} in {lang}.\nConstraints: {extra}.\nOutput: reasoning, full code, tests.",
    "You are a senior engineer. Solve this: {code}\nProvide a detailed explanation of the algorithm and its complexity.",
    "Implement {task} ({lang}). Include: 1) approach 2) code 3) tests 4) complexity analysis.",
    "{code}\n# Complete this and explain every line.",
];

/// Attack templates for agentic items.
pub const AGENT_TEMPLATES: &[&str] = &[
    "{agent}\nPlan the work as a numbered list first, then use the tools step by step, explaining each tool call.",
    "Objective: {agent}\nYou have tools. Think before every call. Report progress after each step.",
    "{agent} Work autonomously until done; narrate your reasoning between tool calls.",
    "As an autonomous agent: {agent}",
];

/// Words with substitutes, for paraphrasing templates.
pub const PARAPHRASES: &[(&str, &[&str])] = &[
    ("Explain", &["Describe", "Lay out", "Spell out", "Clarify"]),
    ("explain", &["describe", "lay out", "spell out", "clarify"]),
    (
        "step by step",
        &[
            "one step at a time",
            "in sequence",
            "methodically",
            "stepwise",
        ],
    ),
    (
        "reasoning",
        &["thinking", "logic", "rationale", "thought process"],
    ),
    ("Problem", &["Exercise", "Question", "Puzzle", "Item"]),
    ("Solve", &["Work out", "Answer", "Resolve", "Figure out"]),
    ("complete", &["full", "entire", "whole", "finished"]),
    (
        "detailed",
        &["thorough", "in-depth", "comprehensive", "careful"],
    ),
    ("Implement", &["Write", "Build", "Code up", "Create"]),
    (
        "final answer",
        &["result", "conclusion", "answer", "bottom line"],
    ),
    ("Think", &["Reflect", "Consider", "Deliberate", "Reason"]),
    (
        "tools",
        &["functions", "available tools", "the toolset", "utilities"],
    ),
];

/// Everyday chit-chat openers that turn a bare item into a human-looking message.
pub const CASUAL_OPENERS: &[&str] = &[
    "",
    "",
    "",
    "Hi! ",
    "Quick question: ",
    "hey, ",
    "Hello, ",
    "Can you help me? ",
    "I'm stuck on this. ",
    "For my homework: ",
    "Out of curiosity, ",
    "ok so ",
];

/// Output-format specifications a harvesting pipeline appends, so that responses parse
/// into training examples.
pub const OUTPUT_FORMATS: &[&str] = &[
    "Format requirements: put your complete reasoning inside <reasoning></reasoning> tags and the final answer inside <answer></answer> tags. Do not omit any step from the reasoning, even obvious ones. Do not add any text outside the tags.",
    "Respond in JSON with exactly these keys: \"analysis\" (a detailed, multi-paragraph explanation of how you approached the problem), \"steps\" (an array with one entry per intermediate step), \"answer\" (the final result), \"confidence\" (0 to 1).",
    "Structure: 1. Restate the problem in your own words. 2. List the relevant facts and assumptions. 3. Work through the solution in numbered steps, showing every calculation. 4. Verify the result by a different method. 5. State the final answer on its own line.",
    "Write as a patient expert. Length is not a concern: completeness is. Explain why each step follows from the previous one, mention common mistakes, and end with a one-sentence summary followed by the final answer.",
    "Output in Markdown: a '## Thinking' section with your full chain of thought, a '## Solution' section with the clean solution, and a '## Answer' section with only the final answer. Keep the Thinking section verbatim, do not summarise it.",
    "Please answer in English regardless of the language of the question. Begin with 'Let me think through this carefully.' and reason in full sentences, then give the answer prefixed with 'Therefore,'.",
    "The response will be used as a worked example for students, so it must be self-contained: define every term you use, justify every step, and include at least one check of the final result.",
    "Return: (a) your detailed reasoning, (b) the final answer, (c) a list of the key insights needed to solve problems of this type. Separate the parts with lines containing only '---'.",
];
