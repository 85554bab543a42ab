//! DFL5022 `legacy-key-value-format`: `ENV key value` or `LABEL key value` instead of
//! `key=value`.

use crate::Diagnostic;
use crate::ast::{KeyValue, Word};
use crate::fix::{Applicability, Edit, Fix};
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::syntax::{SyntaxElement, SyntaxKind};
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL5022",
    name: "legacy-key-value-format",
    category: RuleCategory::Maintainability,
    severity: Severity::Warning,
    fix: FixAvailability::Sometimes,
    status: RuleStatus::Stable,
    aliases: &["LegacyKeyValueFormat", "DF082"],
    summary: "`ENV` or `LABEL` uses the legacy `key value` form instead of `key=value`.",
    docs: r#"## What it does
Checks `ENV` and `LABEL` instructions written in the legacy whitespace form,
`ENV key value`, where the value is the rest of the line. Instructions wrapped in `ONBUILD`
are checked too.

## Why is this bad?
The legacy form is deprecated and reads differently from the `key=value` form: it sets one
variable whose value runs to the end of the line, spaces included, and the leading spaces
of continuation lines become part of the value. `ENV A 1 B 2` sets `A` to `1 B 2`, not two
variables.

## Example
```dockerfile
FROM alpine:3.20
ENV APP_HOME /srv/app
LABEL description A small web service
```

## Use instead
```dockerfile
FROM alpine:3.20
ENV APP_HOME=/srv/app
LABEL description="A small web service"
```

## Fix safety
The fix rewrites the pair as `key=value`, putting the value in double quotes when it
contains spaces or quotes, so that it expands to the same text: variable references are
kept, a value continued over several lines keeps its layout, and quotes, escapes and `$`
are rewritten for double quotes. The build engine checks
that the environment and the labels stay the same, so the fix is safe. No fix is offered
when comment lines sit inside the instruction, nor inside `ONBUILD`, whose trigger the
image stores as written.

## References
- Dockerfile reference: `ENV`, `LABEL`.
- BuildKit check `LegacyKeyValueFormat`.
"#,
    fix_changes: &[],
};

/// DFL5022
pub struct LegacyKeyValueFormat;

/// Pushes literal text for use inside double quotes.
fn push_literal(out: &mut String, text: &str, escape: char) {
    for c in text.chars() {
        if c == '"' || c == '$' || c == escape {
            out.push(escape);
        }
        out.push(c);
    }
}

/// The value of a legacy pair as a word of the `key=value` form that expands to the same
/// text, or `None` when the word holds something this does not know how to rewrite.
fn rewrite_value(word: Word<'_>, escape: char) -> Option<String> {
    let logical = word.text();
    let plain = !logical.contains(char::is_whitespace)
        && !logical.contains(['"', '\''])
        && !logical.contains(escape);
    if plain {
        return Some(logical);
    }
    // Only text, variables and line continuations: the text can go between double quotes
    // as written, keeping its layout over several lines.
    let simple = word.syntax().children_with_tokens().all(|e| match e {
        SyntaxElement::Node(n) => n.kind().is_line_trivia() || n.kind() == SyntaxKind::VAR,
        SyntaxElement::Token(t) => {
            t.kind() == SyntaxKind::TEXT && !t.text().contains(['"', '$', escape])
        }
    });
    if simple {
        return Some(format!("\"{}\"", word.syntax().text()));
    }
    let mut out = String::from("\"");
    for element in word.syntax().children_with_tokens() {
        match element {
            SyntaxElement::Node(n) if n.kind().is_line_trivia() => {}
            SyntaxElement::Node(n) => match n.kind() {
                SyntaxKind::VAR => out.push_str(&n.logical_text()),
                SyntaxKind::SINGLE_QUOTED => {
                    for inner in n.logical_tokens() {
                        if inner.kind() != SyntaxKind::QUOTE {
                            push_literal(&mut out, inner.text(), escape);
                        }
                    }
                }
                SyntaxKind::DOUBLE_QUOTED => {
                    for inner in n.children_with_tokens() {
                        match inner {
                            SyntaxElement::Token(t) if t.kind() == SyntaxKind::QUOTE => {}
                            SyntaxElement::Token(t) => out.push_str(t.text()),
                            SyntaxElement::Node(m) if m.kind().is_line_trivia() => {}
                            SyntaxElement::Node(m) => out.push_str(&m.logical_text()),
                        }
                    }
                }
                _ => return None,
            },
            SyntaxElement::Token(t) => match t.kind() {
                SyntaxKind::TEXT => push_literal(&mut out, t.text(), escape),
                SyntaxKind::ESCAPE => {
                    // The escape character and the literal character it escapes.
                    let escaped: String = t.text().chars().skip(1).collect();
                    push_literal(&mut out, &escaped, escape);
                }
                _ => return None,
            },
        }
    }
    out.push('"');
    Some(out)
}

/// The fix for one legacy pair.
fn fix_pair(pair: KeyValue<'_>, escape: char) -> Option<Fix> {
    let has_comments = pair
        .syntax()
        .tokens()
        .any(|t| t.kind() == SyntaxKind::COMMENT);
    if has_comments {
        return None;
    }
    let key = pair.key()?.text();
    let value = rewrite_value(pair.value()?, escape)?;
    Some(Fix::new(
        "Use the `key=value` form",
        Applicability::Safe,
        vec![Edit::replace(pair.range(), format!("{key}={value}"))],
    ))
}

impl Rule for LegacyKeyValueFormat {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for top in ctx.instructions() {
            let instruction = top.onbuild_trigger().unwrap_or(top);
            // A trigger is kept as written in the image config: rewriting it changes the
            // image, so it gets no fix.
            let wrapped = top.kind() == SyntaxKind::ONBUILD_INSTR;
            let keyword = match instruction.kind() {
                SyntaxKind::ENV_INSTR => "ENV",
                SyntaxKind::LABEL_INSTR => "LABEL",
                _ => continue,
            };
            for pair in instruction.key_values() {
                if pair.has_equals() || pair.value().is_none() {
                    continue;
                }
                let Some(key) = pair.key() else { continue };
                out.push(
                    META.diagnostic(
                        key.range(),
                        format!(
                            "`{keyword} {} ...` uses the legacy `key value` form",
                            key.text()
                        ),
                    )
                    .with_help(format!(
                        "write `{keyword} key=value`, quoting the value if it has spaces; the \
                         legacy form is deprecated and takes the rest of the line as the value"
                    ))
                    .with_fix(fix_pair(pair, ctx.escape()).filter(|_| !wrapped)),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{LegacyKeyValueFormat, META};
    use crate::fix::FixMode;
    use crate::rules::test_support::{check, fixed, flagged};
    use crate::semantic::{BuildOptions, evaluate};
    use crate::syntax::parse;

    #[test]
    fn flags_legacy_pairs() {
        for (source, expected) in [
            ("FROM a\nENV A 1\n", vec!["A"]),
            ("FROM a\nlabel desc some text\n", vec!["desc"]),
            ("FROM a\nONBUILD ENV X y\n", vec!["X"]),
        ] {
            let diagnostics = check(&LegacyKeyValueFormat, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
        for source in [
            "FROM a\nENV A=1 B=2\n",
            "FROM a\nLABEL a=\"b c\"\n",
            "FROM a\nARG A\n",
            "FROM a\nENV A\n",
        ] {
            assert!(check(&LegacyKeyValueFormat, source).is_empty(), "{source}");
        }
    }

    fn env_and_labels(source: &str) -> Vec<(String, String)> {
        let build = evaluate(&parse(source), &BuildOptions::default());
        let config = &build.stages[0].config;
        config
            .env
            .iter()
            .chain(&config.labels)
            .map(|(k, v)| (k.clone(), v.display()))
            .collect()
    }

    #[test]
    fn fix_keeps_the_values() {
        for (source, expected) in [
            ("FROM a\nENV A 1\n", "FROM a\nENV A=1\n"),
            ("FROM a\nENV PATH /x:$PATH\n", "FROM a\nENV PATH=/x:$PATH\n"),
            ("FROM a\nLABEL d a  b\n", "FROM a\nLABEL d=\"a  b\"\n"),
            (
                "FROM a\nENV A \\\n  \"b c\" \\\n  d\n",
                "FROM a\nENV A=\"b c   d\"\n",
            ),
            (
                "FROM a\nENV A 'x $y \"z\"' \\$w \\q\n",
                "FROM a\nENV A=\"x \\$y \\\"z\\\" \\$w q\"\n",
            ),
            (
                "FROM a\nENV D \\\n\t\ta \\\n\t\tb\n",
                "FROM a\nENV D=\"a \\\n\t\tb\"\n",
            ),
            (
                "FROM a\nARG V=1\nENV A ${V:-a b} $V\n",
                "FROM a\nARG V=1\nENV A=\"${V:-a b} $V\"\n",
            ),
        ] {
            let out = fixed(source, &check(&LegacyKeyValueFormat, source));
            assert_eq!(out, expected, "{source}");
            assert_eq!(env_and_labels(source), env_and_labels(&out), "{source}");
            let outcome = crate::fix::fix(
                source,
                &|t| check(&LegacyKeyValueFormat, t),
                &|_| META.fix_changes,
                FixMode::Safe,
            );
            assert!(outcome.rejected.is_empty(), "{:?}", outcome.rejected);
            assert_eq!(outcome.output, expected);
        }
        let source = "FROM a\nENV A b \\\n# note\n  c\n";
        assert!(check(&LegacyKeyValueFormat, source)[0].fix.is_none());
        let source = "FROM a\nONBUILD ENV A b\n";
        assert!(check(&LegacyKeyValueFormat, source)[0].fix.is_none());
    }
}
