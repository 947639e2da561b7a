//! Field mappings: read logs whose field names are not the canonical ones, without
//! converting them first.
//!
//! In: a TOML config (a built-in one by name, or a file) and source records as
//! `serde_json::Value`. Out: [`Exchange`]s, or a [`RejectReason`] per bad record.
//! This path goes through `Value` and is slower than the canonical fast path; it is for
//! gateway and observability exports (LiteLLM, Helicone, OpenTelemetry GenAI spans).
//!
//! # Format (version 1)
//!
//! ```toml
//! version = 1
//! name = "litellm"                       # optional; defaults to the file stem
//! description = "LiteLLM SpendLogs rows"  # optional
//! records = "resourceSpans[*].scopeSpans[*].spans[*]"  # optional: where the records
//!                                        # are in one line (default: the line is one)
//! keep_unmapped = false                  # copy the record's other top-level keys to
//!                                        # `extra` (default false)
//!
//! [fields]                               # canonical field = where to find it
//! request_id = "request_id"              # a path ...
//! account_id = ["metadata.user_api_key_user_id", "user"]   # ... or the first of several
//! ts = { path = "startTime", time = "auto" }               # ... or a table of options
//! prompt = { path = "messages", convert = "text", roles = ["user"] }
//! turns = { path = "messages", convert = "count" }
//! endpoint = { path = "call_type", map = { acompletion = "chat.completions" } }
//! latency_ms = { path = "endTime", convert = "elapsed_ms", since = "startTime" }
//!
//! [extra]                                # non-canonical values to keep, by name
//! spend = "spend"
//! ```
//!
//! Field options: `path` (one or a list, first non-null wins), `value` (a constant, used
//! when no path gives a value), `convert` (see [`Convert`]), `time` (`auto`, `s`, `ms`,
//! `us`, `ns`: the unit of numeric timestamps; `auto` guesses from the magnitude),
//! `roles` (for `convert = "text"`), `field` (for `convert = "names"`), `since` (for
//! `convert = "elapsed_ms"`), `map` (replace a string value by another; values not in
//! the map pass through). Paths are described in [`path`]. After conversion the value
//! is read as the canonical field's type: integers accept JSON numbers (non-integral
//! ones are rounded) and numeric strings, strings accept numbers, booleans accept
//! `"true"`/`"false"`/0/1. A value of the wrong type rejects the record, naming the field.

pub mod path;

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use chrono::{DateTime, NaiveDateTime};
use distillguard_model::{Exchange, Millis};
use serde::Deserialize;
use serde_json::Value;

use crate::canonical::{float_to_u64, parse_ip};
use crate::error::{IngestError, RejectReason};
pub use path::JsonPath;

/// The built-in mappings, by the name `--mapping` takes.
pub const BUILTIN: &[(&str, &str)] = &[
    ("litellm", include_str!("../../mappings/litellm.toml")),
    ("helicone", include_str!("../../mappings/helicone.toml")),
    ("otel-genai", include_str!("../../mappings/otel-genai.toml")),
];

/// A validated field mapping. Build it with [`Mapping::load`], [`Mapping::builtin`] or
/// [`Mapping::from_toml`].
#[derive(Debug, Clone)]
pub struct Mapping {
    name: String,
    description: String,
    records: Option<JsonPath>,
    keep_unmapped: bool,
    rules: Vec<(Field, Rule)>,
    extra: Vec<(String, JsonPath)>,
    mapped_keys: HashSet<String>,
}

/// How a value found by a path is turned into the canonical field's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Convert {
    /// Use the value as it is (read as the field's type).
    None,
    /// Length of an array (or number of keys of an object).
    Count,
    /// Text of a message list (`[{"role","content"}]`, content as a string or a list of
    /// parts with `text`/`content`; OpenTelemetry `parts` too), joined with newlines,
    /// keeping only messages whose role is in `roles` (all when empty). A plain string
    /// passes through.
    Text { roles: Vec<String> },
    /// Number of image parts (`type` containing `image`) in a message list.
    Images,
    /// Strings at `field` (default `function.name`, then `name`) of each element.
    Names { field: Vec<JsonPath> },
    /// An array of strings joined with newlines.
    Join,
    /// The value as compact JSON text.
    Json,
    /// `true` unless the value is `false`, `0`, `""`, `"none"`, `"disabled"` or an object
    /// whose `type` is `"disabled"`.
    Present,
    /// Milliseconds from the timestamp at `since` to the one at `path`.
    ElapsedMs { since: Vec<JsonPath> },
    /// An HTTP path or URL (`/v1/chat/completions`) as an endpoint name
    /// (`chat.completions`).
    Endpoint,
}

/// The unit of numeric timestamps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeUnit {
    /// Guess from the magnitude: < 1e11 seconds, < 1e14 ms, < 1e17 µs, else ns.
    Auto,
    Seconds,
    Millis,
    Micros,
    Nanos,
}

#[derive(Debug, Clone)]
struct Rule {
    paths: Vec<JsonPath>,
    constant: Option<Value>,
    convert: Convert,
    time: TimeUnit,
    map: BTreeMap<String, String>,
}

/// The canonical fields, and the type each is read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Ts,
    AccountId,
    RequestId,
    OrgId,
    ApiKeyId,
    Ip,
    Asn,
    Country,
    UserAgent,
    Model,
    Endpoint,
    Prompt,
    System,
    Turns,
    InputTokens,
    OutputTokens,
    MaxTokens,
    Thinking,
    Tools,
    ToolNames,
    Images,
    Logprobs,
    ReasoningTokens,
    Stream,
    Status,
    LatencyMs,
    AccountCreated,
    AccountType,
    PaymentFp,
}

impl Field {
    const ALL: [Field; 29] = [
        Field::Ts,
        Field::AccountId,
        Field::RequestId,
        Field::OrgId,
        Field::ApiKeyId,
        Field::Ip,
        Field::Asn,
        Field::Country,
        Field::UserAgent,
        Field::Model,
        Field::Endpoint,
        Field::Prompt,
        Field::System,
        Field::Turns,
        Field::InputTokens,
        Field::OutputTokens,
        Field::MaxTokens,
        Field::Thinking,
        Field::Tools,
        Field::ToolNames,
        Field::Images,
        Field::Logprobs,
        Field::ReasoningTokens,
        Field::Stream,
        Field::Status,
        Field::LatencyMs,
        Field::AccountCreated,
        Field::AccountType,
        Field::PaymentFp,
    ];

    fn name(self) -> &'static str {
        match self {
            Field::Ts => "ts",
            Field::AccountId => "account_id",
            Field::RequestId => "request_id",
            Field::OrgId => "org_id",
            Field::ApiKeyId => "api_key_id",
            Field::Ip => "ip",
            Field::Asn => "asn",
            Field::Country => "country",
            Field::UserAgent => "user_agent",
            Field::Model => "model",
            Field::Endpoint => "endpoint",
            Field::Prompt => "prompt",
            Field::System => "system",
            Field::Turns => "turns",
            Field::InputTokens => "input_tokens",
            Field::OutputTokens => "output_tokens",
            Field::MaxTokens => "max_tokens",
            Field::Thinking => "thinking",
            Field::Tools => "tools",
            Field::ToolNames => "tool_names",
            Field::Images => "images",
            Field::Logprobs => "logprobs",
            Field::ReasoningTokens => "reasoning_tokens",
            Field::Stream => "stream",
            Field::Status => "status",
            Field::LatencyMs => "latency_ms",
            Field::AccountCreated => "account_created",
            Field::AccountType => "account_type",
            Field::PaymentFp => "payment_fp",
        }
    }

    fn from_name(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.name() == name)
    }

    fn is_time(self) -> bool {
        matches!(self, Field::Ts | Field::AccountCreated)
    }
}

// ---------------------------------------------------------------------------------
// Config: raw TOML → validated Mapping

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMapping {
    version: u32,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    records: Option<String>,
    #[serde(default)]
    keep_unmapped: bool,
    #[serde(default)]
    fields: BTreeMap<String, toml::Value>,
    #[serde(default)]
    extra: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    #[serde(default)]
    path: Option<OneOrMany>,
    #[serde(default)]
    value: Option<toml::Value>,
    #[serde(default)]
    convert: Option<String>,
    #[serde(default)]
    time: Option<String>,
    #[serde(default)]
    roles: Option<Vec<String>>,
    #[serde(default)]
    field: Option<OneOrMany>,
    #[serde(default)]
    since: Option<OneOrMany>,
    #[serde(default)]
    map: BTreeMap<String, String>,
}

fn parse_paths(paths: Vec<String>) -> Result<Vec<JsonPath>, String> {
    paths.iter().map(|p| JsonPath::parse(p)).collect()
}

impl RawRule {
    fn validate(self, field: Field) -> Result<Rule, String> {
        let paths = parse_paths(self.path.map(OneOrMany::into_vec).unwrap_or_default())?;
        let constant = match self.value {
            Some(v) => Some(serde_json::to_value(v).map_err(|e| e.to_string())?),
            None => None,
        };
        if paths.is_empty() && constant.is_none() {
            return Err("needs `path` or `value`".to_string());
        }
        let time = match self.time.as_deref() {
            None | Some("auto") => TimeUnit::Auto,
            Some("s") => TimeUnit::Seconds,
            Some("ms") => TimeUnit::Millis,
            Some("us") => TimeUnit::Micros,
            Some("ns") => TimeUnit::Nanos,
            Some(other) => return Err(format!("time = {other:?}: use auto, s, ms, us or ns")),
        };
        let convert = match self.convert.as_deref() {
            None | Some("none") => Convert::None,
            Some("count") => Convert::Count,
            Some("text") => Convert::Text {
                roles: self.roles.unwrap_or_default(),
            },
            Some("images") => Convert::Images,
            Some("names") => Convert::Names {
                field: parse_paths(
                    self.field
                        .map(OneOrMany::into_vec)
                        .unwrap_or_else(|| vec!["function.name".to_string(), "name".to_string()]),
                )?,
            },
            Some("join") => Convert::Join,
            Some("json") => Convert::Json,
            Some("present") => Convert::Present,
            Some("elapsed_ms") => Convert::ElapsedMs {
                since: parse_paths(
                    self.since
                        .map(OneOrMany::into_vec)
                        .ok_or("convert = \"elapsed_ms\" needs `since`")?,
                )?,
            },
            Some("endpoint") => Convert::Endpoint,
            Some(other) => {
                return Err(format!(
                    "convert = {other:?}: use none, count, text, images, names, join, json, \
                     present, elapsed_ms or endpoint"
                ))
            }
        };
        if field.is_time() && !matches!(convert, Convert::None) {
            return Err("a timestamp field takes no `convert` (use `time`)".to_string());
        }
        Ok(Rule {
            paths,
            constant,
            convert,
            time,
            map: self.map,
        })
    }
}

impl Mapping {
    /// Parses and validates a mapping config. `origin` names it in errors and is its
    /// name where the config gives none.
    pub fn from_toml(text: &str, origin: &str) -> Result<Mapping, IngestError> {
        let fail = |message: String| IngestError::Mapping {
            name: origin.to_string(),
            message,
        };
        let raw: RawMapping = toml::from_str(text).map_err(|e| fail(e.to_string()))?;
        if raw.version != 1 {
            return Err(fail(format!(
                "version {} is not supported (use 1)",
                raw.version
            )));
        }
        let records = match raw.records {
            Some(p) => Some(JsonPath::parse(&p).map_err(fail)?),
            None => None,
        };
        let mut rules = Vec::new();
        for (name, value) in raw.fields {
            let field = Field::from_name(&name).ok_or_else(|| {
                fail(format!(
                    "[fields] {name:?} is not a canonical field (see events.md)"
                ))
            })?;
            let raw_rule = match value {
                toml::Value::String(p) => RawRule::from_paths(vec![p]),
                toml::Value::Array(items) => {
                    let paths = items
                        .into_iter()
                        .map(|item| match item {
                            toml::Value::String(s) => Ok(s),
                            other => Err(format!("{name}: paths must be strings, not {other}")),
                        })
                        .collect::<Result<Vec<_>, _>>()
                        .map_err(&fail)?;
                    RawRule::from_paths(paths)
                }
                table @ toml::Value::Table(_) => table
                    .try_into::<RawRule>()
                    .map_err(|e| fail(format!("{name}: {e}")))?,
                other => {
                    return Err(fail(format!(
                        "{name}: expected a path, a list of paths or a table, not {other}"
                    )))
                }
            };
            let rule = raw_rule
                .validate(field)
                .map_err(|e| fail(format!("{name}: {e}")))?;
            rules.push((field, rule));
        }
        for required in [Field::Ts, Field::AccountId] {
            if !rules.iter().any(|(f, _)| *f == required) {
                return Err(fail(format!("[fields] must map {}", required.name())));
            }
        }
        // Keep the canonical field order, so records are built the same way every time.
        rules.sort_by_key(|(f, _)| Field::ALL.iter().position(|x| x == f));
        let extra = raw
            .extra
            .into_iter()
            .map(|(name, p)| JsonPath::parse(&p).map(|path| (name, path)))
            .collect::<Result<Vec<_>, _>>()
            .map_err(fail)?;
        let mapped_keys = rules
            .iter()
            .flat_map(|(_, rule)| {
                let mut paths: Vec<&JsonPath> = rule.paths.iter().collect();
                if let Convert::ElapsedMs { since } = &rule.convert {
                    paths.extend(since.iter());
                }
                paths
            })
            .chain(extra.iter().map(|(_, p)| p))
            .filter_map(|p| p.first_key().map(str::to_string))
            .collect();
        Ok(Mapping {
            name: raw.name.unwrap_or_else(|| origin.to_string()),
            description: raw.description.unwrap_or_default(),
            records,
            keep_unmapped: raw.keep_unmapped,
            rules,
            extra,
            mapped_keys,
        })
    }

    /// A built-in mapping by name (`litellm`, `helicone`, `otel-genai`).
    pub fn builtin(name: &str) -> Result<Mapping, IngestError> {
        let (_, text) =
            BUILTIN
                .iter()
                .find(|(n, _)| *n == name)
                .ok_or_else(|| IngestError::Mapping {
                    name: name.to_string(),
                    message: format!(
                        "no built-in mapping of that name (built in: {})",
                        BUILTIN
                            .iter()
                            .map(|(n, _)| *n)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                })?;
        Mapping::from_toml(text, name)
    }

    /// A built-in mapping by name, or else a TOML file at that path.
    pub fn load(name_or_path: &str) -> Result<Mapping, IngestError> {
        if BUILTIN.iter().any(|(n, _)| *n == name_or_path) {
            return Mapping::builtin(name_or_path);
        }
        let path = Path::new(name_or_path);
        let text = std::fs::read_to_string(path).map_err(|e| IngestError::open(path, e))?;
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| name_or_path.to_string());
        Mapping::from_toml(&text, &stem)
    }

    /// The identity mapping: canonical field names, `ts` as RFC 3339 or epoch
    /// milliseconds, other keys kept in `extra`. Used for Parquet rows and whole-file
    /// JSON documents, which arrive as values rather than text.
    pub fn canonical() -> Mapping {
        let rules = Field::ALL
            .into_iter()
            .map(|field| {
                let rule = Rule {
                    paths: vec![JsonPath::key(field.name())],
                    constant: None,
                    convert: Convert::None,
                    time: TimeUnit::Millis,
                    map: BTreeMap::new(),
                };
                (field, rule)
            })
            .collect();
        Mapping {
            name: "canonical".to_string(),
            description: "the canonical field names of events.md".to_string(),
            records: None,
            keep_unmapped: true,
            rules,
            extra: Vec::new(),
            mapped_keys: Field::ALL.iter().map(|f| f.name().to_string()).collect(),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn description(&self) -> &str {
        &self.description
    }

    /// Whether one line may hold several records (the config has a `records` path).
    pub fn has_records_path(&self) -> bool {
        self.records.is_some()
    }

    /// Every record of one parsed JSON value (a line, a document, a Parquet row), each
    /// an exchange or the reason it was rejected, in order.
    pub fn records_from_value(&self, root: &Value) -> Vec<Result<Exchange, RejectReason>> {
        let mut out = Vec::with_capacity(1);
        self.apply(root, &mut out);
        out
    }

    /// [`Mapping::records_from_value`], appending to `out`.
    pub(crate) fn apply(&self, root: &Value, out: &mut Vec<Result<Exchange, RejectReason>>) {
        match &self.records {
            None => out.push(self.record_to_exchange(root, root, &[])),
            Some(records_path) => {
                if !records_path.first_key_present(root) {
                    out.push(Err(RejectReason::BadField {
                        field: "records".to_string(),
                        message: format!("no {records_path} in this line"),
                    }));
                    return;
                }
                for (bindings, record) in records_path.expand(root) {
                    out.push(self.record_to_exchange(record, root, &bindings));
                }
            }
        }
    }

    fn record_to_exchange(
        &self,
        record: &Value,
        root: &Value,
        bindings: &[usize],
    ) -> Result<Exchange, RejectReason> {
        let Value::Object(record_map) = record else {
            return Err(RejectReason::NotJson(
                "the record is not a JSON object".to_string(),
            ));
        };
        let mut ex = Exchange::default();
        let mut ts = None;
        let mut account_id = None;
        for (field, rule) in &self.rules {
            let bad = |message: String| RejectReason::BadField {
                field: field.name().to_string(),
                message,
            };
            if field.is_time() {
                let Some(value) = rule.first_value(record, root, bindings) else {
                    continue;
                };
                let ms = parse_time(&value, rule.time).map_err(bad)?;
                match field {
                    Field::Ts => ts = ms,
                    _ => ex.account_created = ms,
                }
                continue;
            }
            let Some(value) = rule.extract(record, root, bindings).map_err(bad)? else {
                continue;
            };
            assign(&mut ex, &mut account_id, *field, &value).map_err(bad)?;
        }
        for (name, path) in &self.extra {
            if let Some(value) = path.resolve(record, root, bindings) {
                ex.extra.insert(name.clone(), value.into_owned());
            }
        }
        if self.keep_unmapped {
            for (key, value) in record_map {
                if !self.mapped_keys.contains(key) && !ex.extra.contains_key(key) {
                    ex.extra.insert(key.clone(), value.clone());
                }
            }
        }
        let Some(ts) = ts else {
            return Err(RejectReason::Missing("ts"));
        };
        let account_id = match account_id {
            Some(id) if !id.is_empty() => id,
            _ => return Err(RejectReason::Missing("account_id")),
        };
        Ok(Exchange {
            ts,
            account_id,
            ..ex
        })
    }
}

impl RawRule {
    fn from_paths(paths: Vec<String>) -> RawRule {
        RawRule {
            path: Some(OneOrMany::Many(paths)),
            value: None,
            convert: None,
            time: None,
            roles: None,
            field: None,
            since: None,
            map: BTreeMap::new(),
        }
    }
}

impl Rule {
    /// The values the paths give, in order (null and `""` skipped), then the constant.
    fn candidates<'v>(
        &'v self,
        record: &'v Value,
        root: &'v Value,
        bindings: &'v [usize],
    ) -> impl Iterator<Item = Cow<'v, Value>> + 'v {
        self.paths
            .iter()
            .filter_map(move |p| p.resolve(record, root, bindings))
            .filter(|v| v.as_str() != Some(""))
            .chain(self.constant.iter().map(Cow::Borrowed))
    }

    /// The first value of [`Rule::candidates`].
    fn first_value<'v>(
        &'v self,
        record: &'v Value,
        root: &'v Value,
        bindings: &'v [usize],
    ) -> Option<Cow<'v, Value>> {
        self.candidates(record, root, bindings).next()
    }

    /// The value after conversion and value mapping; `None` where absent. A candidate
    /// that converts to nothing (or to empty text) gives way to the next one.
    fn extract<'v>(
        &'v self,
        record: &'v Value,
        root: &'v Value,
        bindings: &'v [usize],
    ) -> Result<Option<Cow<'v, Value>>, String> {
        for value in self.candidates(record, root, bindings) {
            match self.convert_one(value, record, root, bindings)? {
                Some(v) if v.as_str() != Some("") => return Ok(Some(self.map_value(v))),
                _ => continue,
            }
        }
        Ok(None)
    }

    fn convert_one<'v>(
        &'v self,
        value: Cow<'v, Value>,
        record: &'v Value,
        root: &'v Value,
        bindings: &[usize],
    ) -> Result<Option<Cow<'v, Value>>, String> {
        let converted = match &self.convert {
            Convert::None => Some(value),
            Convert::Count => count(&value)?.map(|n| Cow::Owned(Value::from(n))),
            Convert::Text { roles } => {
                message_text(&value, roles).map(|t| Cow::Owned(Value::String(t)))
            }
            Convert::Images => Some(Cow::Owned(Value::from(count_images(&value)))),
            Convert::Names { field } => Some(Cow::Owned(Value::Array(
                names(&value, field)
                    .into_iter()
                    .map(Value::String)
                    .collect(),
            ))),
            Convert::Join => join(&value).map(|t| Cow::Owned(Value::String(t))),
            Convert::Json => Some(Cow::Owned(Value::String(value.to_string()))),
            Convert::Present => Some(Cow::Owned(Value::Bool(present(&value)))),
            Convert::ElapsedMs { since } => {
                let start = since.iter().find_map(|p| p.resolve(record, root, bindings));
                match (parse_time(&value, self.time)?, start) {
                    (Some(end), Some(start)) => match parse_time(&start, self.time)? {
                        Some(start) if end >= start => Some(Cow::Owned(Value::from(end - start))),
                        _ => None,
                    },
                    _ => None,
                }
            }
            Convert::Endpoint => value
                .as_str()
                .and_then(endpoint_from_path)
                .map(|e| Cow::Owned(Value::String(e))),
        };
        Ok(converted)
    }

    /// Replaces a value found in `map`; others pass through.
    fn map_value<'v>(&self, converted: Cow<'v, Value>) -> Cow<'v, Value> {
        if self.map.is_empty() {
            return converted;
        }
        let key = match &*converted {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        };
        match key.and_then(|k| self.map.get(&k)) {
            Some(mapped) => Cow::Owned(Value::String(mapped.clone())),
            None => converted,
        }
    }
}

// ---------------------------------------------------------------------------------
// Reading a value as a canonical field's type

fn assign(
    ex: &mut Exchange,
    account_id: &mut Option<String>,
    field: Field,
    value: &Value,
) -> Result<(), String> {
    match field {
        Field::Ts | Field::AccountCreated => {}
        Field::AccountId => *account_id = as_text(value)?,
        Field::RequestId => ex.request_id = as_text(value)?,
        Field::OrgId => ex.org_id = as_text(value)?,
        Field::ApiKeyId => ex.api_key_id = as_text(value)?,
        Field::Ip => {
            if let Some(raw) = as_text(value)? {
                match parse_ip(&raw) {
                    Some(ip) => ex.ip = Some(ip),
                    None if raw.is_empty() => {}
                    None => {
                        ex.extra.insert("ip".to_string(), Value::String(raw));
                    }
                }
            }
        }
        Field::Asn => ex.asn = as_int(value)?,
        Field::Country => ex.country = as_text(value)?,
        Field::UserAgent => ex.user_agent = as_text(value)?,
        Field::Model => ex.model = as_text(value)?,
        Field::Endpoint => ex.endpoint = as_text(value)?,
        Field::Prompt => ex.prompt = as_text(value)?,
        Field::System => ex.system = as_text(value)?,
        Field::Turns => ex.turns = as_int(value)?,
        Field::InputTokens => ex.input_tokens = as_int(value)?,
        Field::OutputTokens => ex.output_tokens = as_int(value)?,
        Field::MaxTokens => ex.max_tokens = as_int(value)?,
        Field::Thinking => ex.thinking = as_bool(value)?,
        Field::Tools => ex.tools = as_int(value)?,
        Field::ToolNames => ex.tool_names = as_text_list(value)?,
        Field::Images => ex.images = as_int(value)?,
        Field::Logprobs => ex.logprobs = as_int(value)?,
        Field::ReasoningTokens => ex.reasoning_tokens = as_int(value)?,
        Field::Stream => ex.stream = as_bool(value)?,
        Field::Status => ex.status = as_int(value)?,
        Field::LatencyMs => ex.latency_ms = as_int(value)?,
        Field::AccountType => ex.account_type = as_text(value)?,
        Field::PaymentFp => ex.payment_fp = as_text(value)?,
    }
    Ok(())
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn as_text(value: &Value) -> Result<Option<String>, String> {
    match value {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s.clone())),
        Value::Number(n) => Ok(Some(n.to_string())),
        other => Err(format!("expected a string, got {}", kind_of(other))),
    }
}

fn as_int<T: TryFrom<u64>>(value: &Value) -> Result<Option<T>, String> {
    let n = match value {
        Value::Null => return Ok(None),
        Value::Number(n) => n
            .as_u64()
            .or_else(|| n.as_f64().and_then(|f| float_to_u64(f.round())))
            .ok_or_else(|| format!("expected a non-negative integer, got {n}"))?,
        Value::String(s) => {
            let t = s.trim();
            t.parse::<u64>()
                .ok()
                .or_else(|| t.parse::<f64>().ok().and_then(|f| float_to_u64(f.round())))
                .ok_or_else(|| format!("expected a non-negative integer, got {s:?}"))?
        }
        other => return Err(format!("expected an integer, got {}", kind_of(other))),
    };
    T::try_from(n)
        .map(Some)
        .map_err(|_| format!("{n} is out of range"))
}

fn as_bool(value: &Value) -> Result<Option<bool>, String> {
    match value {
        Value::Null => Ok(None),
        Value::Bool(b) => Ok(Some(*b)),
        Value::Number(n) if n.as_u64() == Some(0) => Ok(Some(false)),
        Value::Number(n) if n.as_u64() == Some(1) => Ok(Some(true)),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" => Ok(Some(true)),
            "false" => Ok(Some(false)),
            _ => Err(format!("expected a boolean, got {s:?}")),
        },
        other => Err(format!("expected a boolean, got {}", kind_of(other))),
    }
}

fn as_text_list(value: &Value) -> Result<Vec<String>, String> {
    match value {
        Value::Null => Ok(Vec::new()),
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(items) => items
            .iter()
            .filter(|item| !item.is_null())
            .map(|item| as_text(item)?.ok_or_else(|| "expected strings in the list".to_string()))
            .collect(),
        other => Err(format!(
            "expected a list of strings, got {}",
            kind_of(other)
        )),
    }
}

/// Reads a timestamp: RFC 3339, `YYYY-MM-DD HH:MM:SS[.fff]` (UTC), or a number (or a
/// string of digits) in `unit`.
pub(crate) fn parse_time(value: &Value, unit: TimeUnit) -> Result<Option<Millis>, String> {
    match value {
        Value::Null => Ok(None),
        Value::Number(n) => {
            let as_float = n
                .as_f64()
                .ok_or_else(|| format!("{n} is not a timestamp"))?;
            match n.as_i64() {
                Some(i) => scale_integer(i, unit).map(Some),
                None => scale_float(as_float, unit).map(Some),
            }
        }
        Value::String(s) => {
            let t = s.trim();
            if t.is_empty() {
                return Ok(None);
            }
            if t.bytes().all(|b| b.is_ascii_digit() || b == b'-') && t != "-" {
                if let Ok(i) = t.parse::<i64>() {
                    return scale_integer(i, unit).map(Some);
                }
            }
            if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
                return Ok(Some(dt.timestamp_millis()));
            }
            for format in ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"] {
                if let Ok(naive) = NaiveDateTime::parse_from_str(t, format) {
                    return Ok(Some(naive.and_utc().timestamp_millis()));
                }
            }
            if let Ok(f) = t.parse::<f64>() {
                return scale_float(f, unit).map(Some);
            }
            Err(format!("{s:?} is not a timestamp"))
        }
        other => Err(format!("expected a timestamp, got {}", kind_of(other))),
    }
}

fn guess_unit(magnitude: f64) -> TimeUnit {
    if magnitude < 1e11 {
        TimeUnit::Seconds
    } else if magnitude < 1e14 {
        TimeUnit::Millis
    } else if magnitude < 1e17 {
        TimeUnit::Micros
    } else {
        TimeUnit::Nanos
    }
}

fn scale_integer(i: i64, unit: TimeUnit) -> Result<Millis, String> {
    let unit = match unit {
        TimeUnit::Auto => guess_unit(i.unsigned_abs() as f64),
        u => u,
    };
    match unit {
        TimeUnit::Seconds => i
            .checked_mul(1000)
            .ok_or_else(|| format!("{i} s is out of range")),
        TimeUnit::Millis | TimeUnit::Auto => Ok(i),
        TimeUnit::Micros => Ok(i.div_euclid(1_000)),
        TimeUnit::Nanos => Ok(i.div_euclid(1_000_000)),
    }
}

fn scale_float(f: f64, unit: TimeUnit) -> Result<Millis, String> {
    if !f.is_finite() {
        return Err(format!("{f} is not a timestamp"));
    }
    let unit = match unit {
        TimeUnit::Auto => guess_unit(f.abs()),
        u => u,
    };
    let ms = match unit {
        TimeUnit::Seconds => f * 1e3,
        TimeUnit::Millis | TimeUnit::Auto => f,
        TimeUnit::Micros => f / 1e3,
        TimeUnit::Nanos => f / 1e6,
    };
    if ms.abs() < 9.0e18 {
        Ok(ms.floor() as i64)
    } else {
        Err(format!("{f} is out of range"))
    }
}

// ---------------------------------------------------------------------------------
// Conversions

/// Arrays and objects stored as JSON text read as what they hold.
fn decoded(value: &Value) -> Cow<'_, Value> {
    if let Value::String(s) = value {
        let t = s.trim_start();
        if t.starts_with('[') || t.starts_with('{') {
            if let Ok(v) = serde_json::from_str::<Value>(s) {
                return Cow::Owned(v);
            }
        }
    }
    Cow::Borrowed(value)
}

fn count(value: &Value) -> Result<Option<u64>, String> {
    match &*decoded(value) {
        Value::Null => Ok(None),
        Value::Array(items) => Ok(Some(items.len() as u64)),
        Value::Object(map) => Ok(Some(map.len() as u64)),
        other => Err(format!("cannot count {}", kind_of(other))),
    }
}

fn push_text(out: &mut String, text: &str) {
    if text.is_empty() {
        return;
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out.push_str(text);
}

/// Text of message content: a string, or parts (`{"type":"text","text":..}`,
/// `{"type":"text","content":..}`, plain strings).
fn content_text(content: &Value, out: &mut String) {
    match content {
        Value::String(s) => push_text(out, s),
        Value::Array(parts) => {
            for part in parts {
                match part {
                    Value::String(s) => push_text(out, s),
                    Value::Object(p) => {
                        let kind = p.get("type").and_then(Value::as_str).unwrap_or("text");
                        if !kind.contains("text") {
                            continue;
                        }
                        if let Some(t) = p.get("text").and_then(Value::as_str) {
                            push_text(out, t);
                        } else if let Some(t) = p.get("content").and_then(Value::as_str) {
                            push_text(out, t);
                        }
                    }
                    _ => {}
                }
            }
        }
        _ => {}
    }
}

fn message_text(value: &Value, roles: &[String]) -> Option<String> {
    let value = decoded(value);
    match &*value {
        Value::String(s) => Some(s.clone()),
        Value::Array(messages) => {
            let mut out = String::new();
            for message in messages {
                match message {
                    Value::Object(m) if m.contains_key("role") => {
                        let role = m.get("role").and_then(Value::as_str).unwrap_or("");
                        if !roles.is_empty() && !roles.iter().any(|r| r == role) {
                            continue;
                        }
                        if let Some(content) = m.get("content") {
                            content_text(content, &mut out);
                        }
                        if let Some(parts) = m.get("parts") {
                            content_text(parts, &mut out);
                        }
                    }
                    // A content block list (Anthropic `system`): no roles to filter on.
                    other => content_text(&Value::Array(vec![other.clone()]), &mut out),
                }
            }
            Some(out)
        }
        Value::Object(m) => m.get("content").or_else(|| m.get("text")).map(|c| {
            let mut out = String::new();
            content_text(c, &mut out);
            out
        }),
        _ => None,
    }
}

fn count_images(value: &Value) -> u64 {
    fn parts_images(parts: &Value) -> u64 {
        parts.as_array().map_or(0, |parts| {
            parts
                .iter()
                .filter(|p| {
                    p.get("type")
                        .and_then(Value::as_str)
                        .is_some_and(|t| t.contains("image"))
                })
                .count() as u64
        })
    }
    match &*decoded(value) {
        Value::Array(messages) => messages
            .iter()
            .map(|m| {
                m.get("content").map_or(0, parts_images) + m.get("parts").map_or(0, parts_images)
            })
            .sum(),
        _ => 0,
    }
}

fn names(value: &Value, field: &[JsonPath]) -> Vec<String> {
    match &*decoded(value) {
        Value::Array(items) => items
            .iter()
            .filter_map(|item| match item {
                Value::String(s) => Some(s.clone()),
                Value::Object(_) => field
                    .iter()
                    .find_map(|p| p.resolve(item, item, &[]))
                    .and_then(|v| v.as_str().map(str::to_string)),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn join(value: &Value) -> Option<String> {
    match &*decoded(value) {
        Value::String(s) => Some(s.clone()),
        Value::Array(items) => Some(
            items
                .iter()
                .filter_map(|i| match i {
                    Value::String(s) => Some(s.clone()),
                    Value::Null => None,
                    other => Some(other.to_string()),
                })
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        _ => None,
    }
}

fn present(value: &Value) -> bool {
    match value {
        Value::Null | Value::Bool(false) => false,
        Value::Number(n) => n.as_f64() != Some(0.0),
        Value::String(s) => !matches!(
            s.trim().to_ascii_lowercase().as_str(),
            "" | "none" | "disabled" | "false" | "null"
        ),
        Value::Object(m) => m.get("type").and_then(Value::as_str) != Some("disabled"),
        Value::Array(items) => !items.is_empty(),
        Value::Bool(true) => true,
    }
}

/// `/v1/chat/completions` → `chat.completions`; `https://host/v1/messages?x` →
/// `messages`.
fn endpoint_from_path(path: &str) -> Option<String> {
    let mut rest = path.trim();
    if let Some(after_scheme) = rest.split_once("://").map(|(_, r)| r) {
        rest = after_scheme.find('/').map_or("", |i| &after_scheme[i..]);
    }
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    let segments: Vec<&str> = rest
        .split('/')
        .filter(|s| !s.is_empty())
        .skip_while(|s| {
            s.len() >= 2 && s.starts_with('v') && s[1..2].bytes().all(|b| b.is_ascii_digit())
        })
        .collect();
    if segments.is_empty() {
        None
    } else {
        Some(segments.join("."))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn one(mapping: &Mapping, line: &Value) -> Result<Exchange, RejectReason> {
        let mut out = Vec::new();
        mapping.apply(line, &mut out);
        assert_eq!(out.len(), 1, "{out:?}");
        out.pop().unwrap_or(Err(RejectReason::EmptyFile))
    }

    #[test]
    fn builtins_and_canonical_are_valid() {
        for (name, _) in BUILTIN {
            let m = Mapping::builtin(name).expect("built-in mapping parses");
            assert_eq!(m.name(), *name);
            assert!(!m.description().is_empty());
        }
        assert!(Mapping::builtin("nope").is_err());
        let c = Mapping::canonical();
        assert_eq!(c.rules.len(), Field::ALL.len());
    }

    #[test]
    fn config_errors_are_reported() {
        for (text, needle) in [
            ("version = 2\n[fields]\nts='a'\naccount_id='b'", "version"),
            ("version = 1\n[fields]\nts='a'", "account_id"),
            (
                "version = 1\n[fields]\nts='a'\naccount_id='b'\nfoo='c'",
                "foo",
            ),
            (
                "version = 1\n[fields]\nts='a'\naccount_id={path='b', bogus=1}",
                "bogus",
            ),
            ("version = 1\n[fields]\nts='a'\naccount_id='b[x'", "b[x"),
            (
                "version = 1\n[fields]\nts='a'\naccount_id='b'\nturns={path='m', convert='sum'}",
                "sum",
            ),
            (
                "version = 1\nnonsense = 1\n[fields]\nts='a'\naccount_id='b'",
                "nonsense",
            ),
        ] {
            let err = Mapping::from_toml(text, "t").expect_err(text).to_string();
            assert!(err.contains(needle), "{err} should mention {needle}");
        }
    }

    #[test]
    fn conversions() {
        let m = Mapping::from_toml(
            r#"
version = 1
[fields]
ts = { path = "t", time = "s" }
account_id = ["missing", "u.id"]
prompt = { path = "msgs", convert = "text", roles = ["user"] }
system = { path = "msgs", convert = "text", roles = ["system"] }
turns = { path = "msgs", convert = "count" }
images = { path = "msgs", convert = "images" }
tool_names = { path = "tools", convert = "names" }
tools = { path = "tools", convert = "count" }
thinking = { path = "effort", convert = "present" }
endpoint = { path = "url", convert = "endpoint" }
latency_ms = { path = "end", convert = "elapsed_ms", since = "t", time = "s" }
status = { path = "ok", map = { "true" = "200", "false" = "500" } }
model = { value = "fixed" }
input_tokens = "usage.in"
[extra]
cost = "cost"
"#,
            "t",
        )
        .expect("valid");
        let line = json!({
            "t": 1700000000, "end": "1700000001.5", "u": {"id": 7},
            "msgs": "[{\"role\":\"system\",\"content\":\"sys\"},{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"a\"},{\"type\":\"image_url\",\"image_url\":{}}]},{\"role\":\"user\",\"content\":\"b\"}]",
            "tools": [{"type":"function","function":{"name":"f1"}},{"name":"f2"}],
            "effort": "high", "url": "https://api.x.com/v1/chat/completions?a=1",
            "ok": true, "usage": {"in": 12.0}, "cost": 0.5
        });
        let ex = one(&m, &line).expect("valid");
        assert_eq!(ex.ts, 1_700_000_000_000);
        assert_eq!(ex.account_id, "7");
        assert_eq!(ex.prompt.as_deref(), Some("a\nb"));
        assert_eq!(ex.system.as_deref(), Some("sys"));
        assert_eq!(ex.turns, Some(3));
        assert_eq!(ex.images, Some(1));
        assert_eq!(ex.tool_names, vec!["f1", "f2"]);
        assert_eq!(ex.tools, Some(2));
        assert_eq!(ex.thinking, Some(true));
        assert_eq!(ex.endpoint.as_deref(), Some("chat.completions"));
        assert_eq!(ex.latency_ms, Some(1500));
        assert_eq!(ex.status, Some(200));
        assert_eq!(ex.model.as_deref(), Some("fixed"));
        assert_eq!(ex.input_tokens, Some(12));
        assert_eq!(ex.extra.get("cost"), Some(&json!(0.5)));

        let bad = one(&m, &json!({"t": 1, "u": {"id": "a"}, "msgs": 5})).expect_err("count");
        assert!(matches!(bad, RejectReason::BadField { ref field, .. } if field == "turns"));
        let missing = one(&m, &json!({"u": {"id": "a"}})).expect_err("no ts");
        assert_eq!(missing, RejectReason::Missing("ts"));
    }

    #[test]
    fn time_forms() {
        let ms = 1_769_904_000_000;
        for (value, unit) in [
            (json!("2026-02-01T00:00:00Z"), TimeUnit::Auto),
            (json!("2026-02-01 00:00:00"), TimeUnit::Auto),
            (json!("2026-02-01T01:00:00.000+01:00"), TimeUnit::Auto),
            (json!(1_769_904_000), TimeUnit::Auto),
            (json!(1_769_904_000_000_i64), TimeUnit::Auto),
            (json!("1769904000000000000"), TimeUnit::Auto),
            (json!("1769904000000000000"), TimeUnit::Nanos),
            (json!(1_769_904_000.0), TimeUnit::Seconds),
            (json!(1_769_904_000_000_i64), TimeUnit::Millis),
        ] {
            assert_eq!(parse_time(&value, unit), Ok(Some(ms)), "{value} {unit:?}");
        }
        assert!(parse_time(&json!("soon"), TimeUnit::Auto).is_err());
        assert!(parse_time(&json!([1]), TimeUnit::Auto).is_err());
    }

    #[test]
    fn endpoints() {
        assert_eq!(
            endpoint_from_path("/v1/messages").as_deref(),
            Some("messages")
        );
        assert_eq!(
            endpoint_from_path("/v1beta/models/x:generateContent").as_deref(),
            Some("models.x:generateContent")
        );
        assert_eq!(endpoint_from_path("/").as_deref(), None);
    }
}
