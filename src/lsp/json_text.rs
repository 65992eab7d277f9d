//! One string of a JSON message, found in the raw bytes and decoded where it lies. A large
//! `didOpen` is megabytes of text inside a small message: decoding the whole message into a
//! `serde_json::Value` would copy the text once more, so `large_text.rs` finds the text here,
//! and decodes it over the message's own buffer (decoding only shrinks).
//!
//! The scanner is exact for valid JSON and may be fooled by invalid JSON; the caller therefore
//! checks the rest of the message with serde_json before it trusts a span found here.

use std::ops::Range;

/// The span, quotes included, of the string at `path` (keys of nested objects) in the JSON
/// object `body`. `None` when the value is not there or not a string, when a key on the way
/// appears twice (which of the two counts would then depend on the reader), or when the
/// string's escapes are not JSON's.
pub fn find_string(body: &[u8], path: &[&str]) -> Option<Range<usize>> {
    let mut s = Scan { b: body, i: 0 };
    s.ws();
    let span = s.member(path)?;
    s.ws();
    (s.i == body.len()).then_some(span)
}

/// Decodes the JSON string content `buf[src]` (escapes as [`find_string`] accepts them) to
/// `buf[to..]`, `to <= src.start`, and returns where the decoded text ends. A lone surrogate
/// (`\ud83d` alone, as JavaScript writes half an emoji) becomes U+FFFD, as the transport makes
/// of it elsewhere.
pub fn decode(buf: &mut [u8], src: Range<usize>, mut to: usize) -> usize {
    let (mut r, end) = (src.start, src.end);
    while r < end {
        let run = buf[r..end]
            .iter()
            .position(|&b| b == b'\\')
            .unwrap_or(end - r);
        if to != r {
            buf.copy_within(r..r + run, to);
        }
        to += run;
        r += run;
        if r == end {
            break;
        }
        let (c, len) = escape(&buf[r..end]);
        // Each escape is at least as long as its character in UTF-8, so the write stays
        // behind the bytes not yet read.
        to += c.encode_utf8(&mut buf[to..r + len]).len();
        r += len;
    }
    to
}

/// The character of the escape at the start of `s`, and the escape's length.
fn escape(s: &[u8]) -> (char, usize) {
    let c = match s.get(1) {
        Some(b'b') => '\u{8}',
        Some(b'f') => '\u{c}',
        Some(b'n') => '\n',
        Some(b'r') => '\r',
        Some(b't') => '\t',
        Some(b'u') => {
            return match unit(s) {
                Some(hi @ 0xD800..=0xDBFF) => match unit(&s[6..]) {
                    Some(lo @ 0xDC00..=0xDFFF) => {
                        let c = 0x10000 + ((u32::from(hi) - 0xD800) << 10) + u32::from(lo) - 0xDC00;
                        (char::from_u32(c).unwrap_or('\u{fffd}'), 12)
                    }
                    _ => ('\u{fffd}', 6),
                },
                Some(u) => (char::from_u32(u32::from(u)).unwrap_or('\u{fffd}'), 6),
                // Not JSON (find_string refuses it): the backslash stays as it is.
                None => ('\\', 1),
            };
        }
        Some(&b) if b.is_ascii() => char::from(b),
        _ => return ('\\', 1),
    };
    (c, 2)
}

/// The UTF-16 unit of a `\uXXXX` escape at the start of `s`.
fn unit(s: &[u8]) -> Option<u16> {
    let hex = s.get(..6)?.strip_prefix(b"\\u")?;
    u16::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()
}

struct Scan<'a> {
    b: &'a [u8],
    i: usize,
}

impl Scan<'_> {
    fn ws(&mut self) {
        while matches!(self.b.get(self.i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        self.ws();
        (self.b.get(self.i) == Some(&c)).then(|| self.i += 1)
    }

    /// The value at `path` inside the object starting here; the object is read to its end.
    fn member(&mut self, path: &[&str]) -> Option<Range<usize>> {
        self.eat(b'{')?;
        let mut found = None;
        if self.eat(b'}').is_some() {
            return None;
        }
        loop {
            self.ws();
            let key = self.string()?;
            self.eat(b':')?;
            self.ws();
            if self.is_key(key, path[0]) {
                if found.is_some() {
                    return None;
                }
                found = Some(match path {
                    [_] if self.b.get(self.i) == Some(&b'"') => self.string()?,
                    [_] => return None,
                    [_, rest @ ..] => self.member(rest)?,
                    [] => return None,
                });
            } else {
                self.skip()?;
            }
            if self.eat(b',').is_none() {
                self.eat(b'}')?;
                return found;
            }
        }
    }

    /// Whether the key at `span` is `name` once decoded (`"t\u0065xt"` is `text`).
    fn is_key(&self, span: Range<usize>, name: &str) -> bool {
        let raw = &self.b[span.start + 1..span.end - 1];
        if !raw.contains(&b'\\') {
            return raw == name.as_bytes();
        }
        let mut key = raw.to_vec();
        let len = decode(&mut key, 0..raw.len(), 0);
        key[..len] == *name.as_bytes()
    }

    /// The string starting here, quotes included, checked as JSON's: escapes from the list, four
    /// hex digits after `\u`, no control character.
    fn string(&mut self) -> Option<Range<usize>> {
        let start = self.i;
        (self.b.get(self.i) == Some(&b'"')).then_some(())?;
        self.i += 1;
        loop {
            let rest = self.b.get(self.i..)?;
            let n = rest
                .iter()
                .position(|&b| b == b'"' || b == b'\\' || b < 0x20)?;
            self.i += n;
            match self.b[self.i] {
                b'"' => {
                    self.i += 1;
                    return Some(start..self.i);
                }
                b'\\' => match self.b.get(self.i + 1)? {
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => self.i += 2,
                    b'u' => {
                        let hex = self.b.get(self.i + 2..self.i + 6)?;
                        hex.iter().all(u8::is_ascii_hexdigit).then_some(())?;
                        self.i += 6;
                    }
                    _ => return None,
                },
                _ => return None,
            }
        }
    }

    /// Steps over one value. Loose inside arrays and objects: what is skipped stays in the
    /// message that serde_json reads afterwards.
    fn skip(&mut self) -> Option<()> {
        let mut depth = 0usize;
        loop {
            self.ws();
            match *self.b.get(self.i)? {
                b'"' => {
                    self.string()?;
                }
                b'{' | b'[' => {
                    depth += 1;
                    self.i += 1;
                    continue;
                }
                b'}' | b']' => {
                    depth = depth.checked_sub(1)?;
                    self.i += 1;
                }
                b',' | b':' if depth > 0 => {
                    self.i += 1;
                    continue;
                }
                _ => {
                    let n = self.b[self.i..]
                        .iter()
                        .position(|b| !(b.is_ascii_alphanumeric() || b"+-.".contains(b)))
                        .unwrap_or(self.b.len() - self.i);
                    (n > 0).then_some(())?;
                    self.i += n;
                }
            }
            if depth == 0 {
                return Some(());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PATH: &[&str] = &["params", "textDocument", "text"];

    /// The decoded text at PATH in `json`, as `large_text.rs` takes it.
    fn text_of(json: &str) -> Option<String> {
        let span = find_string(json.as_bytes(), PATH)?;
        let mut buf = json.as_bytes().to_vec();
        let end = decode(&mut buf, span.start + 1..span.end - 1, 0);
        buf.truncate(end);
        Some(String::from_utf8(buf).unwrap())
    }

    #[test]
    fn escapes_are_decoded_as_serde_json_decodes_them() {
        let text = "行一\n\t\"引号\" \\ / \u{8}\u{c}\r 😀 \u{1} é 项目";
        let json = serde_json::json!({"params": {"textDocument": {"text": text}}}).to_string();
        assert_eq!(text_of(&json).as_deref(), Some(text));
        let json = r#"{"params":{"textDocument":{"text":"\u0041\u00e9\u7ee9\ud83d\ude00\/"}}}"#;
        assert_eq!(text_of(json).as_deref(), Some("Aé绩😀/"));
    }

    #[test]
    fn a_lone_surrogate_becomes_a_replacement_character() {
        let json = r#"{"params":{"textDocument":{"text":"a\ud83d\\ud83d\ud83d\ude00\udc00\ud83d\u0041b\ud83d"}}}"#;
        assert_eq!(
            text_of(json).as_deref(),
            Some("a\u{fffd}\\ud83d😀\u{fffd}\u{fffd}Ab\u{fffd}")
        );
    }

    #[test]
    fn keys_in_any_order_with_any_whitespace() {
        let json = " {\"jsonrpc\" : \"2.0\",\r\n\t\"params\":{ \"textDocument\" :{\"uri\":\"file:///a\",\n\"text\" : \"x\\\"}\" , \"version\":[1,{\"text\":\"no\"}]} },\"method\":\"m\"} \n";
        assert_eq!(text_of(json).as_deref(), Some("x\"}"));
        let json = r#"{"method":"m","params":{"other":{"text":"no","a":[{"b":"}"}]},"textDocument":{"t\u0065xt":"yes"}}}"#;
        assert_eq!(text_of(json).as_deref(), Some("yes"));
    }

    #[test]
    fn anything_else_is_not_found() {
        for json in [
            r#"{"params":{"textDocument":{"text":1}}}"#,
            r#"{"params":{"textDocument":{"text":null}}}"#,
            r#"{"params":{"textDocument":{"text":["x"]}}}"#,
            r#"{"params":{"textDocument":{"uri":"x"}}}"#,
            r#"{"params":{"textDocument":"text"}}"#,
            r#"{"params":[{"textDocument":{"text":"x"}}]}"#,
            r#"{"params":{"textDocument":{"text":"x","text":"y"}}}"#,
            r#"{"params":{"textDocument":{"text":"x","t\u0065xt":"y"}}}"#,
            r#"{"params":{"textDocument":{"text":"x"}},"params":{}}"#,
            r#"{"params":{"textDocument":{"text":"x\q"}}}"#,
            r#"{"params":{"textDocument":{"text":"x\u12"}}}"#,
            "{\"params\":{\"textDocument\":{\"text\":\"x\ny\"}}}",
            r#"{"params":{"textDocument":{"text":"x"}}} junk"#,
            r#"{"params":{"textDocument":{"text":"x"}}"#,
            r#"{"params":{"textDocument":{"text":"x}}}"#,
            r#"{"a":,"params":{"textDocument":{"text":"x"}}}"#,
            r#"["params"]"#,
            "",
        ] {
            assert_eq!(text_of(json), None, "{json}");
        }
    }
}
