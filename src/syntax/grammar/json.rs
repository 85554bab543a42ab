//! Recognises the JSON array of exec form, as Go's `json.Unmarshal` into a slice accepts it.

use nom::branch::alt;
use nom::bytes::complete::{tag, take_while, take_while_m_n};
use nom::character::complete::{char, digit1, one_of};
use nom::combinator::{opt, recognize, value};
use nom::multi::many0;
use nom::sequence::{delimited, preceded};
use nom::{IResult, Parser};

/// One element of a JSON array, as a byte range relative to the array text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct JsonElement {
    pub start: usize,
    pub end: usize,
    pub is_string: bool,
}

/// The layout of a valid JSON array: where its brackets, elements and commas are.
#[derive(Debug, Default)]
pub(crate) struct JsonArray {
    pub elements: Vec<JsonElement>,
    pub commas: Vec<usize>,
    pub close: usize,
}

fn json_ws(i: &str) -> IResult<&str, &str> {
    take_while(|c| matches!(c, ' ' | '\t' | '\n' | '\r'))(i)
}

fn json_string(i: &str) -> IResult<&str, &str> {
    let escape = preceded(
        char('\\'),
        alt((
            value((), one_of("\"\\/bfnrt")),
            value(
                (),
                preceded(
                    char('u'),
                    take_while_m_n(4, 4, |c: char| c.is_ascii_hexdigit()),
                ),
            ),
        )),
    );
    let plain = take_while_m_n(1, usize::MAX, |c: char| c != '"' && c != '\\' && c >= ' ');
    recognize(delimited(
        char('"'),
        many0(alt((value((), plain), escape))),
        char('"'),
    ))
    .parse(i)
}

fn json_number(i: &str) -> IResult<&str, &str> {
    recognize((
        opt(char('-')),
        alt((
            tag("0"),
            recognize((
                one_of("123456789"),
                take_while(|c: char| c.is_ascii_digit()),
            )),
        )),
        opt((char('.'), digit1)),
        opt((one_of("eE"), opt(one_of("+-")), digit1)),
    ))
    .parse(i)
}

fn json_value(i: &str) -> IResult<&str, &str> {
    alt((
        json_string,
        json_number,
        tag("true"),
        tag("false"),
        tag("null"),
        json_nested_array,
        json_object,
    ))
    .parse(i)
}

fn json_nested_array(i: &str) -> IResult<&str, &str> {
    recognize((
        char('['),
        json_ws,
        opt((json_value, many0((json_ws, char(','), json_ws, json_value)))),
        json_ws,
        char(']'),
    ))
    .parse(i)
}

fn json_object(i: &str) -> IResult<&str, &str> {
    let member = |i| (json_string, json_ws, char(':'), json_ws, json_value).parse(i);
    recognize((
        char('{'),
        json_ws,
        opt((member, many0((json_ws, char(','), json_ws, member)))),
        json_ws,
        char('}'),
    ))
    .parse(i)
}

/// Parses `text` (already trimmed of surrounding white space) as a complete JSON array.
/// Returns `None` when it is not valid JSON, which BuildKit then reads as shell form.
pub(crate) fn parse_array(text: &str) -> Option<JsonArray> {
    let offset = |rest: &str| text.len() - rest.len();
    let (mut rest, _) = char::<_, nom::error::Error<&str>>('[').parse(text).ok()?;
    let mut array = JsonArray::default();
    (rest, _) = json_ws(rest).ok()?;
    if let Ok((after, _)) = char::<_, nom::error::Error<&str>>(']').parse(rest) {
        array.close = offset(rest);
        return after.is_empty().then_some(array);
    }
    loop {
        let start = offset(rest);
        let (after, v) = json_value(rest).ok()?;
        array.elements.push(JsonElement {
            start,
            end: start + v.len(),
            is_string: v.starts_with('"'),
        });
        (rest, _) = json_ws(after).ok()?;
        if let Ok((after, _)) = char::<_, nom::error::Error<&str>>(',').parse(rest) {
            array.commas.push(offset(rest));
            (rest, _) = json_ws(after).ok()?;
            continue;
        }
        let (after, _) = char::<_, nom::error::Error<&str>>(']').parse(rest).ok()?;
        array.close = offset(rest);
        return after.is_empty().then_some(array);
    }
}

/// Decodes a JSON string token (quotes included) into its value.
#[must_use]
pub fn decode_string(token: &str) -> Option<String> {
    let inner = token.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'u' => {
                let hex: String = chars.by_ref().take(4).collect();
                let mut code = u32::from_str_radix(&hex, 16).ok()?;
                if (0xD800..0xDC00).contains(&code) {
                    // A surrogate pair: Go decodes it, a lone surrogate becomes U+FFFD.
                    let rest = chars.as_str();
                    if let Some(low) = rest
                        .strip_prefix("\\u")
                        .and_then(|r| r.get(..4))
                        .and_then(|h| u32::from_str_radix(h, 16).ok())
                        && (0xDC00..0xE000).contains(&low)
                    {
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                        chars = rest[6..].chars();
                    }
                }
                out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
            }
            other => out.push(other),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_and_invalid_arrays() {
        let a = parse_array(r#"["a", "b\"c"]"#).unwrap();
        assert_eq!(a.elements.len(), 2);
        assert!(a.elements.iter().all(|e| e.is_string));
        assert_eq!(a.commas, vec![4]);
        assert!(parse_array("[]").unwrap().elements.is_empty());
        let mixed = parse_array(r#"["a", 1, {"k": [true]}]"#).unwrap();
        assert_eq!(mixed.elements.iter().filter(|e| !e.is_string).count(), 2);
        for bad in [
            "['a']",
            r#"["a",]"#,
            r#"["a""#,
            r#"["a"] x"#,
            r#"["\q"]"#,
            "[\"\t\"]",
            "[01]",
        ] {
            assert!(parse_array(bad).is_none(), "{bad} should be invalid");
        }
    }

    #[test]
    fn decodes_escapes() {
        assert_eq!(
            decode_string(r#""a\"b\\c\u00e9\n""#).unwrap(),
            "a\"b\\c\u{e9}\n"
        );
        assert_eq!(decode_string(r#""\ud83d\udc33""#).unwrap(), "\u{1F433}");
    }
}
