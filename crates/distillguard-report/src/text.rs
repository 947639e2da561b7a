//! Small text helpers shared by the HTML page and the terminal summary: escaping of
//! attacker-controlled strings, number and time formatting, truncation.
//!
//! Everything in a report that came from traffic (account ids, user agents, cluster
//! ids, evidence details) is untrusted: it goes through [`html`] before it enters the
//! page and through [`terminal`] before it reaches a terminal.

use distillguard_model::time::format_timestamp;
use distillguard_model::Millis;

/// Escapes text for HTML element content and double- or single-quoted attributes.
pub fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Makes untrusted text safe for a terminal: control characters (escape sequences,
/// carriage returns, newlines) become `?`.
pub fn terminal(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// `1234567` → `1,234,567`.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// `2026-01-05 14:03 UTC`; `?` for a missing time.
pub fn minute(ms: Option<Millis>) -> String {
    match ms {
        Some(ms) => {
            let full = format_timestamp(ms);
            match (full.get(..10), full.get(11..16)) {
                (Some(date), Some(time)) => format!("{date} {time} UTC"),
                _ => full,
            }
        }
        None => "?".to_string(),
    }
}

/// `2026-01-05`; `?` for a missing time.
pub fn day(ms: Option<Millis>) -> String {
    match ms {
        Some(ms) => {
            let full = format_timestamp(ms);
            full.get(..10).map_or(full.clone(), str::to_string)
        }
        None => "?".to_string(),
    }
}

/// Cuts `text` to at most `width` characters, ending with `…` when cut.
pub fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut out: String = text.chars().take(width - 1).collect();
    out.push('…');
    out
}

/// A float for SVG coordinates: one decimal, no `-0.0`.
pub fn coord(v: f64) -> String {
    let rounded = (v * 10.0).round() / 10.0;
    if rounded == 0.0 || !rounded.is_finite() {
        "0".to_string()
    } else {
        format!("{rounded}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            html(r#"<script>alert("x")</script> & 'y'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
        assert_eq!(html("a\u{1b}[31m"), "a\u{FFFD}[31m");
        assert_eq!(terminal("a\u{1b}[31m\r\nb"), "a?[31m??b");
    }

    #[test]
    fn formats_numbers_and_times() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(1234567), "1,234,567");
        assert_eq!(minute(Some(1_767_571_200_000)), "2026-01-05 00:00 UTC");
        assert_eq!(day(Some(1_767_571_200_000)), "2026-01-05");
        assert_eq!(minute(None), "?");
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
        assert_eq!(coord(-0.04), "0");
        assert_eq!(coord(12.345), "12.3");
    }
}
