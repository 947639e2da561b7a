//! STIX 2.1 patterns for the indicator kinds we share, both ways.
//!
//! In: an [`IndicatorKind`] and a value (an address, an ASN, a hash...). Out: a pattern
//! such as `[ipv4-addr:value = '198.51.100.7']` ([`build`]). And back: a partner's pattern
//! becomes one `(kind, value)` per comparison ([`parse`]).
//!
//! | kind | pattern |
//! |------|---------|
//! | `Ip` | `[ipv4-addr:value = '198.51.100.7']`, `[ipv6-addr:value = '2001:db8::1']` |
//! | `Subnet` | `[ipv4-addr:value ISSUBSET '198.51.100.0/24']` |
//! | `Asn` | `[autonomous-system:number = 64500]` |
//! | `UserAgent` | `[network-traffic:extensions.'http-request-ext'.request_header.'User-Agent' = 'x']` |
//! | `PaymentFpSha256` | `[distillguard-payment-fingerprint:hashes.'SHA-256' = '<64 hex>']` |
//! | `TemplateFp` | `[distillguard-prompt-template:fingerprint = '<hex>']` |
//!
//! The reader understands what partners commonly send for these kinds: one observation or
//! several joined by `OR`, each a comparison or an `OR` of comparisons. Anything narrower
//! (`AND`, `FOLLOWEDBY`, qualifiers, other operators) cannot be matched as a single value,
//! so it is reported as [`PatternProblem::Unsupported`], not misread.

use std::net::IpAddr;

use distillguard_model::IndicatorKind;
use ipnet::IpNet;
use sha2::{Digest, Sha256};

use crate::error::SharingError;
use crate::vocab::{PAYMENT_SCO_TYPE, TEMPLATE_SCO_TYPE};

/// Longest user agent we share or accept, in bytes.
pub const MAX_USER_AGENT_LEN: usize = 1024;
/// Longest template fingerprint, in hex digits.
pub const MAX_TEMPLATE_FP_LEN: usize = 256;

/// The machine name of an indicator kind, for messages.
pub fn kind_name(kind: IndicatorKind) -> &'static str {
    match kind {
        IndicatorKind::Ip => "ip",
        IndicatorKind::Subnet => "subnet",
        IndicatorKind::Asn => "asn",
        IndicatorKind::UserAgent => "user_agent",
        IndicatorKind::PaymentFpSha256 => "payment_fp_sha256",
        IndicatorKind::TemplateFp => "template_fp",
    }
}

/// SHA-256 (lowercase hex) of a raw payment fingerprint: the only form in which payment
/// fingerprints are shared.
pub fn hash_payment_fp(raw: &str) -> String {
    hex::encode(Sha256::digest(raw.as_bytes()))
}

fn invalid(kind: IndicatorKind, value: &str, reason: impl Into<String>) -> SharingError {
    SharingError::IndicatorValue {
        kind: kind_name(kind),
        value: value.to_string(),
        reason: reason.into(),
    }
}

fn is_lower_hex(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The canonical form of a value of `kind`: addresses and networks as `std` prints them
/// (networks truncated to their prefix), ASNs as decimal, hashes in lowercase. Rejects
/// values that are not of the kind (e.g. a raw payment fingerprint where a SHA-256 is due).
pub fn normalize(kind: IndicatorKind, value: &str) -> Result<String, SharingError> {
    let trimmed = value.trim();
    match kind {
        IndicatorKind::Ip => trimmed
            .parse::<IpAddr>()
            .map(|ip| ip.to_string())
            .map_err(|_| invalid(kind, value, "not an IPv4 or IPv6 address")),
        IndicatorKind::Subnet => trimmed
            .parse::<IpNet>()
            .map(|net| net.trunc().to_string())
            .map_err(|_| invalid(kind, value, "not a CIDR network such as 198.51.100.0/24")),
        IndicatorKind::Asn => {
            let digits = trimmed
                .strip_prefix("AS")
                .or_else(|| trimmed.strip_prefix("as"))
                .unwrap_or(trimmed);
            digits
                .parse::<u32>()
                .map(|asn| asn.to_string())
                .map_err(|_| invalid(kind, value, "not an AS number"))
        }
        IndicatorKind::UserAgent => {
            if value.is_empty() {
                return Err(invalid(kind, value, "empty"));
            }
            if value.len() > MAX_USER_AGENT_LEN {
                return Err(invalid(
                    kind,
                    value,
                    format!("longer than {MAX_USER_AGENT_LEN} bytes"),
                ));
            }
            if value.chars().any(char::is_control) {
                return Err(invalid(kind, value, "contains control characters"));
            }
            Ok(value.to_string())
        }
        IndicatorKind::PaymentFpSha256 => {
            if trimmed.len() == 64 && is_lower_hex(trimmed) {
                Ok(trimmed.to_ascii_lowercase())
            } else {
                Err(invalid(kind, value, "not a SHA-256 in hex (64 hex digits)"))
            }
        }
        IndicatorKind::TemplateFp => {
            if is_lower_hex(trimmed) && trimmed.len() <= MAX_TEMPLATE_FP_LEN {
                Ok(trimmed.to_ascii_lowercase())
            } else {
                Err(invalid(
                    kind,
                    value,
                    format!("not a hex sketch of at most {MAX_TEMPLATE_FP_LEN} digits"),
                ))
            }
        }
    }
}

/// Quotes text as a STIX pattern string literal (`'` and `\` escaped).
fn quote(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('\'');
    for c in text.chars() {
        if c == '\'' || c == '\\' {
            quoted.push('\\');
        }
        quoted.push(c);
    }
    quoted.push('\'');
    quoted
}

/// The STIX pattern that matches `value` of `kind`. The value is normalised first
/// ([`normalize`]), so equal values give equal patterns (and equal indicator ids).
pub fn build(kind: IndicatorKind, value: &str) -> Result<String, SharingError> {
    let value = normalize(kind, value)?;
    let pattern = match kind {
        IndicatorKind::Ip => {
            let sco = if value.contains(':') {
                "ipv6-addr"
            } else {
                "ipv4-addr"
            };
            format!("[{sco}:value = {}]", quote(&value))
        }
        IndicatorKind::Subnet => {
            let sco = if value.contains(':') {
                "ipv6-addr"
            } else {
                "ipv4-addr"
            };
            format!("[{sco}:value ISSUBSET {}]", quote(&value))
        }
        IndicatorKind::Asn => format!("[autonomous-system:number = {value}]"),
        IndicatorKind::UserAgent => format!(
            "[network-traffic:extensions.'http-request-ext'.request_header.'User-Agent' = {}]",
            quote(&value)
        ),
        IndicatorKind::PaymentFpSha256 => {
            format!("[{PAYMENT_SCO_TYPE}:hashes.'SHA-256' = {}]", quote(&value))
        }
        IndicatorKind::TemplateFp => {
            format!("[{TEMPLATE_SCO_TYPE}:fingerprint = {}]", quote(&value))
        }
    };
    Ok(pattern)
}

/// Why a pattern gave no indicators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatternProblem {
    /// Not a valid STIX pattern (or a value of the wrong form).
    Malformed(String),
    /// Valid, but nothing distillguard can match as a single value.
    Unsupported(String),
}

impl std::fmt::Display for PatternProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PatternProblem::Malformed(reason) => write!(f, "malformed pattern: {reason}"),
            PatternProblem::Unsupported(reason) => write!(f, "unsupported pattern: {reason}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Open,
    Close,
    OpenParen,
    CloseParen,
    Str(String),
    Num(String),
    /// An object path such as `ipv4-addr:value`.
    Path(String),
    /// A keyword or operator: `OR`, `AND`, `=`, `ISSUBSET`, `WITHIN`...
    Word(String),
    /// A typed literal such as `t'2026-01-01T00:00:00Z'`, `h'ff'`, `b'AA=='`.
    Typed(String),
}

fn read_quoted(chars: &[char], start: usize) -> Result<(String, usize), PatternProblem> {
    // chars[start] is the opening quote.
    let mut text = String::new();
    let mut i = start + 1;
    while i < chars.len() {
        match chars[i] {
            '\\' => {
                let next = chars
                    .get(i + 1)
                    .ok_or_else(|| PatternProblem::Malformed("dangling backslash".into()))?;
                if *next != '\'' && *next != '\\' {
                    return Err(PatternProblem::Malformed(format!(
                        "invalid escape \\{next} in string literal"
                    )));
                }
                text.push(*next);
                i += 2;
            }
            '\'' => return Ok((text, i + 1)),
            c => {
                text.push(c);
                i += 1;
            }
        }
    }
    Err(PatternProblem::Malformed(
        "unterminated string literal".into(),
    ))
}

fn tokenize(pattern: &str) -> Result<Vec<Token>, PatternProblem> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        match c {
            '[' => {
                tokens.push(Token::Open);
                i += 1;
            }
            ']' => {
                tokens.push(Token::Close);
                i += 1;
            }
            '(' => {
                tokens.push(Token::OpenParen);
                i += 1;
            }
            ')' => {
                tokens.push(Token::CloseParen);
                i += 1;
            }
            '\'' => {
                let (text, next) = read_quoted(&chars, i)?;
                tokens.push(Token::Str(text));
                i = next;
            }
            '=' | '!' | '<' | '>' => {
                let mut op = String::from(c);
                if chars.get(i + 1) == Some(&'=') {
                    op.push('=');
                    i += 1;
                }
                if op == "!" {
                    return Err(PatternProblem::Malformed("'!' without '='".into()));
                }
                tokens.push(Token::Word(op));
                i += 1;
            }
            '-' | '0'..='9' => {
                let start = i;
                i += 1;
                while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                    i += 1;
                }
                tokens.push(Token::Num(chars[start..i].iter().collect()));
            }
            c if c.is_ascii_alphabetic() => {
                let start = i;
                while i < chars.len()
                    && (chars[i].is_ascii_alphanumeric() || chars[i] == '-' || chars[i] == '_')
                {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                if chars.get(i) == Some(&'\'') && matches!(word.as_str(), "t" | "h" | "b") {
                    let (text, next) = read_quoted(&chars, i)?;
                    tokens.push(Token::Typed(format!("{word}'{text}'")));
                    i = next;
                } else if chars.get(i) == Some(&':') {
                    // An object path: type ':' property path with dots, quoted keys and
                    // list indices.
                    let mut path = word;
                    path.push(':');
                    i += 1;
                    loop {
                        match chars.get(i) {
                            Some('\'') => {
                                let (key, next) = read_quoted(&chars, i)?;
                                path.push('\'');
                                path.push_str(&key);
                                path.push('\'');
                                i = next;
                            }
                            Some('[') => {
                                let close =
                                    chars[i..].iter().position(|&x| x == ']').ok_or_else(|| {
                                        PatternProblem::Malformed("unclosed list index".into())
                                    })?;
                                path.extend(&chars[i..=i + close]);
                                i += close + 1;
                            }
                            Some(&x)
                                if x.is_ascii_alphanumeric() || matches!(x, '_' | '-' | '.') =>
                            {
                                path.push(x);
                                i += 1;
                            }
                            _ => break,
                        }
                    }
                    tokens.push(Token::Path(path));
                } else {
                    tokens.push(Token::Word(word.to_ascii_uppercase()));
                }
            }
            other => {
                return Err(PatternProblem::Malformed(format!(
                    "unexpected character {other:?}"
                )))
            }
        }
    }
    Ok(tokens)
}

/// Splits `type:prop.'quoted key'.x` into the type and the unquoted property segments.
fn split_path(path: &str) -> Result<(&str, Vec<String>), PatternProblem> {
    let (object_type, rest) = path
        .split_once(':')
        .ok_or_else(|| PatternProblem::Malformed(format!("{path:?} has no ':'")))?;
    let mut segments = Vec::new();
    let mut current = String::new();
    let mut in_quote = false;
    for c in rest.chars() {
        match c {
            '\'' => in_quote = !in_quote,
            '.' if !in_quote => segments.push(std::mem::take(&mut current)),
            c => current.push(c),
        }
    }
    segments.push(current);
    if segments.iter().any(String::is_empty) {
        return Err(PatternProblem::Malformed(format!(
            "{path:?} has an empty property name"
        )));
    }
    Ok((object_type, segments))
}

/// One comparison `path op literal`, mapped onto an indicator kind.
fn comparison_to_indicator(
    path: &str,
    op: &str,
    literal: &Token,
) -> Result<(IndicatorKind, String), PatternProblem> {
    let (object_type, segments) = split_path(path)?;
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    let literal_text = match literal {
        Token::Str(text) | Token::Num(text) => text.as_str(),
        Token::Typed(text) => {
            return Err(PatternProblem::Unsupported(format!(
                "typed literal {text} on {path}"
            )))
        }
        other => {
            return Err(PatternProblem::Malformed(format!(
                "expected a value after {path} {op}, found {other:?}"
            )))
        }
    };
    let unsupported_op = || {
        PatternProblem::Unsupported(format!(
            "operator {op} on {path} (only = is matched{})",
            if object_type.ends_with("-addr") {
                " and ISSUBSET for addresses"
            } else {
                ""
            }
        ))
    };
    let malformed_value = |err: SharingError| PatternProblem::Malformed(err.to_string());
    let kind_and_value = match (object_type, segments.as_slice()) {
        ("ipv4-addr" | "ipv6-addr", ["value"]) => {
            if op != "=" && op != "ISSUBSET" {
                return Err(unsupported_op());
            }
            if literal_text.contains('/') {
                let net: IpNet = literal_text.parse().map_err(|_| {
                    PatternProblem::Malformed(format!("{literal_text:?} is not a CIDR network"))
                })?;
                if net.prefix_len() == net.max_prefix_len() {
                    (IndicatorKind::Ip, net.addr().to_string())
                } else {
                    (IndicatorKind::Subnet, net.trunc().to_string())
                }
            } else {
                let value = normalize(IndicatorKind::Ip, literal_text).map_err(malformed_value)?;
                (IndicatorKind::Ip, value)
            }
        }
        ("autonomous-system", ["number"]) => {
            if op != "=" {
                return Err(unsupported_op());
            }
            let value = normalize(IndicatorKind::Asn, literal_text).map_err(malformed_value)?;
            (IndicatorKind::Asn, value)
        }
        ("network-traffic", ["extensions", "http-request-ext", "request_header", header])
            if header.eq_ignore_ascii_case("user-agent") =>
        {
            if op != "=" {
                return Err(unsupported_op());
            }
            let value =
                normalize(IndicatorKind::UserAgent, literal_text).map_err(malformed_value)?;
            (IndicatorKind::UserAgent, value)
        }
        (PAYMENT_SCO_TYPE, ["hashes", algorithm])
            if algorithm.eq_ignore_ascii_case("sha-256")
                || algorithm.eq_ignore_ascii_case("sha256") =>
        {
            if op != "=" {
                return Err(unsupported_op());
            }
            let value =
                normalize(IndicatorKind::PaymentFpSha256, literal_text).map_err(malformed_value)?;
            (IndicatorKind::PaymentFpSha256, value)
        }
        (TEMPLATE_SCO_TYPE, ["fingerprint"]) => {
            if op != "=" {
                return Err(unsupported_op());
            }
            let value =
                normalize(IndicatorKind::TemplateFp, literal_text).map_err(malformed_value)?;
            (IndicatorKind::TemplateFp, value)
        }
        _ => {
            return Err(PatternProblem::Unsupported(format!(
                "{path} is not an indicator kind distillguard matches"
            )))
        }
    };
    Ok(kind_and_value)
}

/// Reads a pattern into the `(kind, value)` pairs it matches: one per comparison, any of
/// which matching means the indicator matches.
pub fn parse(pattern: &str) -> Result<Vec<(IndicatorKind, String)>, PatternProblem> {
    let tokens = tokenize(pattern)?;
    if tokens.is_empty() {
        return Err(PatternProblem::Malformed("empty pattern".into()));
    }
    let mut found = Vec::new();
    let mut i = 0;
    let mut expect_observation = true;
    while i < tokens.len() {
        if !expect_observation {
            match &tokens[i] {
                Token::Word(word) if word == "OR" => {
                    expect_observation = true;
                    i += 1;
                    continue;
                }
                Token::Word(word) => {
                    return Err(PatternProblem::Unsupported(format!(
                        "{word} between observations"
                    )))
                }
                other => {
                    return Err(PatternProblem::Malformed(format!(
                        "expected OR between observations, found {other:?}"
                    )))
                }
            }
        }
        match &tokens[i] {
            Token::Open => i += 1,
            Token::OpenParen => {
                return Err(PatternProblem::Unsupported(
                    "parenthesised observation expressions".into(),
                ))
            }
            other => {
                return Err(PatternProblem::Malformed(format!(
                    "expected '[', found {other:?}"
                )))
            }
        }
        // Inside one observation: comparison (OR comparison)* ']'
        loop {
            let path = match tokens.get(i) {
                Some(Token::Path(path)) => path,
                Some(Token::OpenParen) => {
                    return Err(PatternProblem::Unsupported(
                        "parenthesised comparison expressions".into(),
                    ))
                }
                Some(Token::Word(word)) if word == "NOT" => {
                    return Err(PatternProblem::Unsupported("NOT comparisons".into()))
                }
                Some(other) => {
                    return Err(PatternProblem::Malformed(format!(
                        "expected an object path, found {other:?}"
                    )))
                }
                None => return Err(PatternProblem::Malformed("pattern ends early".into())),
            };
            let op = match tokens.get(i + 1) {
                Some(Token::Word(op)) => op,
                _ => {
                    return Err(PatternProblem::Malformed(format!(
                        "expected an operator after {path}"
                    )))
                }
            };
            if op == "NOT" {
                return Err(PatternProblem::Unsupported("NOT comparisons".into()));
            }
            let literal = tokens
                .get(i + 2)
                .ok_or_else(|| PatternProblem::Malformed("pattern ends early".into()))?;
            if matches!(literal, Token::OpenParen) {
                return Err(PatternProblem::Unsupported(format!(
                    "set literal after {path} {op}"
                )));
            }
            found.push(comparison_to_indicator(path, op, literal)?);
            i += 3;
            match tokens.get(i) {
                Some(Token::Close) => {
                    i += 1;
                    break;
                }
                Some(Token::Word(word)) if word == "OR" => i += 1,
                Some(Token::Word(word)) if word == "AND" => {
                    return Err(PatternProblem::Unsupported(
                        "AND inside an observation (all conditions at once)".into(),
                    ))
                }
                Some(other) => {
                    return Err(PatternProblem::Malformed(format!(
                        "expected ']' or OR, found {other:?}"
                    )))
                }
                None => return Err(PatternProblem::Malformed("missing ']'".into())),
            }
        }
        expect_observation = false;
    }
    if expect_observation {
        return Err(PatternProblem::Malformed("pattern ends after OR".into()));
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn round_trip(kind: IndicatorKind, value: &str) -> (IndicatorKind, String) {
        let pattern = build(kind, value).expect("buildable");
        let parsed = parse(&pattern).unwrap_or_else(|e| panic!("{pattern}: {e}"));
        assert_eq!(parsed.len(), 1, "{pattern}");
        parsed[0].clone()
    }

    #[test]
    fn every_kind_round_trips() {
        let cases = [
            (IndicatorKind::Ip, "198.51.100.7", "198.51.100.7"),
            (IndicatorKind::Ip, "2001:DB8::1", "2001:db8::1"),
            (IndicatorKind::Subnet, "198.51.100.77/24", "198.51.100.0/24"),
            (
                IndicatorKind::Subnet,
                "2001:db8:1:2::/64",
                "2001:db8:1:2::/64",
            ),
            (IndicatorKind::Asn, "AS64500", "64500"),
            (
                IndicatorKind::UserAgent,
                "python-requests/2.31 (it's \\ odd)",
                "python-requests/2.31 (it's \\ odd)",
            ),
            (
                IndicatorKind::PaymentFpSha256,
                &hash_payment_fp("card-1"),
                &hash_payment_fp("card-1"),
            ),
            (IndicatorKind::TemplateFp, "A1B2c3d4", "a1b2c3d4"),
        ];
        for (kind, input, expected) in cases {
            assert_eq!(round_trip(kind, input), (kind, expected.to_string()));
        }
    }

    #[test]
    fn patterns_look_like_stix() {
        assert_eq!(
            build(IndicatorKind::Ip, "198.51.100.7").expect("ip"),
            "[ipv4-addr:value = '198.51.100.7']"
        );
        assert_eq!(
            build(IndicatorKind::Asn, "64500").expect("asn"),
            "[autonomous-system:number = 64500]"
        );
        assert_eq!(
            build(IndicatorKind::UserAgent, "a'b").expect("ua"),
            "[network-traffic:extensions.'http-request-ext'.request_header.'User-Agent' = 'a\\'b']"
        );
    }

    #[test]
    fn raw_payment_fingerprints_are_refused() {
        assert!(build(IndicatorKind::PaymentFpSha256, "pm_card_visa_4242").is_err());
        assert!(build(IndicatorKind::TemplateFp, "Write a story about").is_err());
    }

    #[test]
    fn partner_forms_are_read() {
        let parsed = parse(
            "[ipv4-addr:value = '203.0.113.5' OR ipv4-addr:value = '203.0.113.0/24'] OR [autonomous-system:number = 64501]",
        )
        .expect("valid");
        assert_eq!(
            parsed,
            vec![
                (IndicatorKind::Ip, "203.0.113.5".to_string()),
                (IndicatorKind::Subnet, "203.0.113.0/24".to_string()),
                (IndicatorKind::Asn, "64501".to_string()),
            ]
        );
        let ua = parse("[network-traffic:extensions.'http-request-ext'.request_header.'user-agent' = 'curl/8']")
            .expect("ua");
        assert_eq!(ua, vec![(IndicatorKind::UserAgent, "curl/8".to_string())]);
        let host = parse("[ipv4-addr:value = '203.0.113.9/32']").expect("host");
        assert_eq!(host, vec![(IndicatorKind::Ip, "203.0.113.9".to_string())]);
    }

    #[test]
    fn narrow_or_foreign_patterns_are_unsupported_not_misread() {
        for pattern in [
            "[ipv4-addr:value = '1.2.3.4' AND ipv4-addr:value = '1.2.3.5']",
            "[ipv4-addr:value = '1.2.3.4'] FOLLOWEDBY [ipv4-addr:value = '1.2.3.5']",
            "[ipv4-addr:value != '1.2.3.4']",
            "[file:hashes.'SHA-256' = 'aa']",
            "[domain-name:value = 'example.com']",
        ] {
            assert!(
                matches!(parse(pattern), Err(PatternProblem::Unsupported(_))),
                "{pattern}: {:?}",
                parse(pattern)
            );
        }
    }

    #[test]
    fn broken_patterns_are_malformed() {
        for pattern in [
            "",
            "ipv4-addr:value = '1.2.3.4'",
            "[ipv4-addr:value = '1.2.3.4'",
            "[ipv4-addr:value = 'not-an-ip']",
            "[ipv4-addr:value = 'unterminated]",
            "[autonomous-system:number = 'AS-x']",
            "[ipv4-addr:value = '1.2.3.4'] OR",
        ] {
            assert!(
                matches!(parse(pattern), Err(PatternProblem::Malformed(_))),
                "{pattern}: {:?}",
                parse(pattern)
            );
        }
    }

    proptest! {
        #[test]
        fn parse_never_panics(text in ".{0,200}") {
            let _ = parse(&text);
        }

        #[test]
        fn user_agents_round_trip(ua in "[ -~]{1,80}") {
            prop_assert_eq!(round_trip(IndicatorKind::UserAgent, &ua), (IndicatorKind::UserAgent, ua.clone()));
        }

        #[test]
        fn ipv4_round_trips(a: u8, b: u8, c: u8, d: u8) {
            let ip = format!("{a}.{b}.{c}.{d}");
            prop_assert_eq!(round_trip(IndicatorKind::Ip, &ip), (IndicatorKind::Ip, ip.clone()));
        }
    }
}
