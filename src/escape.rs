//! Text from workspace files and CSVs shown safely: control characters
//! (an escape sequence could recolour, retitle or rewrite the user's
//! terminal) and invisible characters are written out visibly as
//! `\u{1b}`. JSON output escapes them by JSON's own rules instead.

use std::borrow::Cow;

/// Bidirectional overrides and marks: they reorder what the terminal shows.
fn bidi(c: char) -> bool {
    matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Characters that take no room and show nothing.
fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00ad}' | '\u{200b}' | '\u{2060}'..='\u{2064}' | '\u{feff}'
    )
}

fn escape_if(s: &str, bad: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !s.chars().any(&bad) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if bad(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Output text for a terminal: control characters other than newline, tab
/// and the carriage return of a CRLF line end, and bidirectional controls,
/// escaped.
pub fn visible(s: &str) -> Cow<'_, str> {
    let bad = |c: char| (c.is_control() && c != '\n' && c != '\t') || bidi(c);
    if !s.chars().any(bad) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if bad(c) && !(c == '\r' && chars.peek() == Some(&'\n')) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// One value quoted in a message (a CSV cell, a key): every control
/// character, newlines and tabs included, and invisible characters escaped,
/// so `0.1\u{0}` never reads as `0.1`.
pub fn value(s: &str) -> Cow<'_, str> {
    escape_if(s, |c| c.is_control() || bidi(c) || invisible(c))
}

/// A JSON document for output: serde_json escapes C0 controls already; the
/// rest of what [`visible`] escapes (DEL, C1 controls, bidirectional
/// controls), which can only occur inside strings, becomes `\uXXXX` — still
/// the same JSON string, and safe on a terminal.
pub fn json(s: &str) -> Cow<'_, str> {
    let bad = |c: char| (c.is_control() && c != '\n' && c != '\t') || bidi(c);
    if !s.chars().any(bad) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if bad(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// [`json`] of a value, pretty-printed.
pub fn to_json_pretty<T: serde::Serialize + ?Sized>(value: &T) -> String {
    let text = serde_json::to_string_pretty(value).unwrap_or_default();
    json(&text).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_a_terminal_would_act_on() {
        assert_eq!(visible("plain 中文\n\tok"), "plain 中文\n\tok");
        assert!(matches!(visible("plain"), Cow::Borrowed(_)));
        assert_eq!(visible("a\u{1b}[31mred"), "a\\u{1b}[31mred");
        assert_eq!(visible("x\ry\u{7f}\u{9b}"), "x\\u{d}y\\u{7f}\\u{9b}");
        assert_eq!(visible("\u{202e}abc"), "\\u{202e}abc");
        assert_eq!(visible("crlf\r\nend\r"), "crlf\r\nend\\u{d}");
        assert_eq!(value("0.1\0"), "0.1\\u{0}");
        assert_eq!(value("a\nb\u{200b}"), "a\\u{a}b\\u{200b}");
    }

    #[test]
    fn json_stays_json() {
        let v = serde_json::json!({ "title": "a\u{1b}[2J\u{7f}\u{9b}\u{202e}z" });
        let text = to_json_pretty(&v);
        assert!(!text.chars().any(|c| c.is_control() && c != '\n'), "{text}");
        let back: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(back, v);
        assert_eq!(visible(&text), text);
    }
}
