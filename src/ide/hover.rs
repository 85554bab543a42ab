//! Hover: instruction, flag, `--mount` key and directive docs; the value a variable has at
//! that point (from the engine); what a FROM starts from, with the image reference
//! normalised; what a stage name refers to; and the docs of a diagnostic's rule.

use std::fmt::Write as _;

use crate::ast::{Flag, KeyValue};
use crate::ide::docs::{directive_doc, flag_doc, instruction_doc, mount_key_doc};
use crate::ide::navigation::{Definition, Namespace, Occurrence, occurrences};
use crate::ide::scope::{Origin, scope_at};
use crate::ide::{Analysis, clamp, enclosing_instruction, token_near};
use crate::semantic::expand::{Segment, Value, expand_word};
use crate::semantic::{Base, Build, ProblemKind};
use crate::syntax::{SyntaxErrorCode, SyntaxKind, SyntaxToken, TextRange};

/// What to show for a position: Markdown text and the range it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hover {
    pub range: TextRange,
    pub markdown: String,
}

/// The hover at `offset`, if there is something to say.
#[must_use]
pub fn hover(source: &str, offset: u32) -> Option<Hover> {
    let offset = clamp(source, offset);
    let analysis = Analysis::new(source);
    let all = occurrences(&analysis);
    let occurrence = all
        .iter()
        .find(|o| o.range.contains(offset))
        .or_else(|| all.iter().find(|o| o.range.end == offset));
    if let Some(o) = occurrence {
        let markdown = match o.namespace {
            Namespace::Variable => variable_hover(&analysis, o),
            Namespace::Stage => stage_hover(&analysis.build, &o.name),
            Namespace::Heredoc(n) => heredoc_hover(&analysis, n),
        };
        return markdown.map(|markdown| Hover {
            range: o.range,
            markdown,
        });
    }
    let token = token_near(&analysis.parse, offset)?;
    let markdown = token_hover(&analysis, token)?;
    let range = match token.kind() {
        SyntaxKind::FLAG_NAME | SyntaxKind::KEYWORD | SyntaxKind::DIRECTIVE_KEY => token.range(),
        _ => token.parent().range(),
    };
    Some(Hover { range, markdown })
}

fn token_hover(analysis: &Analysis, token: SyntaxToken<'_>) -> Option<String> {
    let parent = token.parent();
    match token.kind() {
        SyntaxKind::DIRECTIVE_KEY => {
            let doc = directive_doc(token.text())?;
            Some(format!("**`# {}=`** parser directive\n\n{doc}", token.text().to_ascii_lowercase()))
        }
        SyntaxKind::KEYWORD if parent.kind() == SyntaxKind::STAGE_NAME => {
            Some("**AS** names the stage, for `FROM <name>`, `COPY --from=<name>`, `RUN --mount=from=<name>` and `--target`.".to_string())
        }
        SyntaxKind::KEYWORD if parent.kind() == SyntaxKind::HEALTHCHECK_TYPE => Some(
            if token.text().eq_ignore_ascii_case("NONE") {
                "**NONE** disables any health check inherited from the base image.".to_string()
            } else {
                "**CMD** the command that checks the container's health: exit code 0 is healthy, 1 unhealthy.".to_string()
            },
        ),
        SyntaxKind::KEYWORD => {
            let doc = instruction_doc(parent.kind())?;
            let mut text = format!("**{}**\n\n```dockerfile\n", doc.keyword);
            for form in doc.syntax {
                let _ = writeln!(text, "{form}");
            }
            let _ = write!(text, "```\n\n{}", doc.summary);
            Some(text)
        }
        SyntaxKind::FLAG_NAME => {
            let instruction = enclosing_instruction(token)?;
            let flag = Flag::cast(parent)?;
            let name = flag.name();
            let keyword = instruction.kind().keyword().unwrap_or("this instruction");
            Some(match flag_doc(instruction.kind(), &name) {
                Some(doc) => format!("**`--{name}`** ({keyword})\n\n{doc}"),
                None => format!("`--{name}` is not a flag of {keyword}."),
            })
        }
        _ => {
            // A `--mount` key, or the image of a FROM.
            let word = token.ancestors().find(|n| n.kind() == SyntaxKind::WORD)?;
            let holder = word.parent()?;
            if holder.kind() == SyntaxKind::KEY_VALUE
                && holder.parent().is_some_and(|p| p.kind() == SyntaxKind::MOUNT_OPTIONS)
                && KeyValue::cast(holder)?.key()?.syntax() == word
            {
                let key = word.text();
                let doc = mount_key_doc(key)?;
                return Some(format!("**`{key}`** (`--mount`)\n\n{doc}"));
            }
            if holder.kind() == SyntaxKind::FROM_INSTR {
                let stage = analysis
                    .build
                    .stages
                    .iter()
                    .find(|s| s.from_range == holder.range())?;
                return Some(describe_base(&analysis.build, &stage.base));
            }
            None
        }
    }
}

/// What a stage starts from, for a FROM's image word.
fn describe_base(build: &Build, base: &Base) -> String {
    match base {
        Base::Scratch => "**scratch**: an empty filesystem and an empty image config.".to_string(),
        Base::Stage(s) => {
            let label = build.stages.get(*s).map_or(s.to_string(), |st| st.label());
            format!("Builds on stage {s} (`{label}`).")
        }
        Base::Image(image) => {
            let mut text = format!("**Image** `{}`", image.normalized());
            let _ = write!(
                text,
                "\n\n- registry: `{}`\n- repository: `{}`",
                image.registry(),
                image.path()
            );
            if let Some(tag) = image.tag() {
                let _ = write!(text, "\n- tag: `{tag}`");
            } else if image.digest().is_none() {
                text.push_str("\n- tag: `latest` (implied)");
            }
            if let Some(digest) = image.digest() {
                let _ = write!(text, "\n- digest: `{digest}`");
            }
            text
        }
        Base::Symbolic(text) => {
            format!(
                "**Image** `{text}`: depends on build arguments whose values are known only at build time."
            )
        }
        Base::Invalid { text, error } => format!("Invalid image reference `{text}`: {error}."),
    }
}

fn stage_hover(build: &Build, name: &str) -> Option<String> {
    let stage = build
        .stages
        .iter()
        .find(|s| s.name.as_deref() == Some(name))?;
    let base = match &stage.base {
        Base::Image(image) => format!("FROM `{}`", image.normalized()),
        Base::Stage(s) => format!(
            "FROM stage `{}`",
            build.stages.get(*s).map_or(s.to_string(), |st| st.label())
        ),
        Base::Scratch => "FROM `scratch`".to_string(),
        Base::Symbolic(text) | Base::Invalid { text, .. } => format!("FROM `{text}`"),
    };
    let layers = stage.layers.len();
    Some(format!(
        "**Stage {}** `{name}`: {base}, {layers} layer{}{}",
        stage.index,
        if layers == 1 { "" } else { "s" },
        if stage.needed {
            ""
        } else {
            " (not needed by the target)"
        }
    ))
}

/// Shows a value, naming the parts known only at build time.
fn show_value(value: &Value) -> String {
    let unknown: Vec<&str> = value
        .segments()
        .iter()
        .filter_map(|s| match s {
            Segment::Unknown(u) => Some(u.as_str()),
            Segment::Text(_) => None,
        })
        .collect();
    if unknown.is_empty() {
        format!("`{}`", value.display())
    } else {
        format!(
            "`{}` (known at build time: {})",
            value.display(),
            unknown.join(", ")
        )
    }
}

/// A heredoc's name: how long its body is and how the builder reads it.
fn heredoc_hover(analysis: &Analysis, n: usize) -> Option<String> {
    let (marker, heredoc) = crate::ide::navigation::nth_heredoc(analysis, n)?;
    let escape = analysis.parse.escape();
    let name = marker.name(escape)?;
    let lines = heredoc.raw_body().lines().count();
    let mut text = format!(
        "**heredoc** `{name}`: {lines} line{}",
        if lines == 1 { "" } else { "s" }
    );
    text.push_str(if heredoc.terminator().is_some() {
        ", up to the line that reads the name."
    } else {
        ", to the end of the file: no line ends it."
    });
    text.push_str(if marker.expands(escape) {
        "\n\n`$` variables in it are expanded."
    } else {
        "\n\nIts name is quoted, so it is taken as written: `$` is not expanded."
    });
    if marker.chomp() {
        text.push_str(
            "\n\n`<<-`: leading tabs are removed from each line and from the line that ends it.",
        );
    }
    Some(text)
}

fn variable_hover(analysis: &Analysis, occurrence: &Occurrence) -> Option<String> {
    let name = &occurrence.name;
    let scope = scope_at(analysis, occurrence.instruction, occurrence.range.start);
    if let Some(definition) = occurrence.definition {
        return Some(definition_hover(analysis, occurrence, definition, &scope));
    }
    Some(match scope.lookup(name) {
        Some(v) => match (&v.value, &v.origin) {
            (_, Origin::Automatic) => {
                format!("`${name}`: set by the builder for the target or build platform")
            }
            (Some(value), Origin::GlobalArg) => {
                format!("`${name}` = {} (global ARG)", show_value(value))
            }
            (Some(value), _) => format!("`${name}` = {}", show_value(value)),
            (None, _) => format!(
                "`${name}` is declared without a value: empty unless set with `--build-arg {name}=...`"
            ),
        },
        None if scope.image_base => {
            format!(
                "`${name}` is not set in this Dockerfile here; the base image's environment may set it"
            )
        }
        None => format!("`${name}` is not set here and expands to an empty string"),
    })
}

fn definition_hover(
    analysis: &Analysis,
    occurrence: &Occurrence,
    definition: Definition,
    scope: &crate::ide::scope::Scope,
) -> String {
    let name = &occurrence.name;
    let keyword = if definition == Definition::Env {
        "ENV"
    } else {
        "ARG"
    };
    if occurrence.scope.is_none() {
        let arg = analysis.build.global_args.iter().find(|a| {
            a.range.start <= occurrence.range.start && occurrence.range.end <= a.range.end
        });
        return match arg.and_then(|a| a.value.as_ref()) {
            Some(value) => format!("global ARG `{name}` = {}", show_value(value)),
            None => format!(
                "global ARG `{name}`, without a value: set it with `--build-arg {name}=...`"
            ),
        };
    }
    // The pair's value, expanded with the variables the instruction sees.
    let value_word = analysis.file().and_then(|file| {
        crate::ide::descendants(file.syntax(), SyntaxKind::KEY_VALUE)
            .filter_map(KeyValue::cast)
            .find(|p| {
                p.key()
                    .is_some_and(|k| k.range().start == occurrence.range.start)
            })?
            .value()
    });
    match value_word {
        Some(word) => {
            let env = scope.env();
            match expand_word(word, analysis.parse.escape(), &env) {
                Ok(expansion) => format!("{keyword} `{name}` = {}", show_value(&expansion.value)),
                Err(error) => format!("{keyword} `{name}`: {error}"),
            }
        }
        None if definition == (Definition::Arg { has_value: false }) => {
            let global = analysis
                .build
                .global_args
                .iter()
                .rev()
                .find(|a| &a.name == name);
            match global.and_then(|a| a.value.as_ref()) {
                Some(value) => {
                    format!("ARG `{name}` = {} (from the global ARG)", show_value(value))
                }
                None => {
                    format!("ARG `{name}`, without a value: set it with `--build-arg {name}=...`")
                }
            }
        }
        None => format!("{keyword} `{name}` = `` (empty)"),
    }
}

/// The documentation of the rule, syntax error or build problem a diagnostic code names, as
/// Markdown; `None` for an unknown code.
#[must_use]
pub fn rule_hover(code: &str) -> Option<String> {
    if let Some(rule) = crate::rules::find(code) {
        let meta = rule.meta();
        return Some(format!(
            "**{}** `{}`\n\n{}",
            meta.code,
            meta.name,
            meta.docs.trim()
        ));
    }
    if let Some(error) = SyntaxErrorCode::ALL
        .iter()
        .find(|c| c.code() == code || c.name() == code)
    {
        return Some(format!(
            "**{}** `{}` (syntax error)\n\n{}",
            error.code(),
            error.name(),
            error.summary()
        ));
    }
    if let Some(problem) = ProblemKind::ALL
        .iter()
        .find(|k| k.code() == code || k.as_str() == code)
    {
        return Some(format!(
            "**{}** `{}` (build problem)\n\n{}",
            problem.code(),
            problem.as_str(),
            problem.summary()
        ));
    }
    if let Some(p) = crate::PRAGMA_CODES
        .iter()
        .find(|p| p.code == code || p.name == code)
    {
        return Some(format!("**{}** `{}`\n\n{}", p.code, p.name, p.summary));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hover_at(source: &str, needle: &str, shift: u32) -> Hover {
        let offset = crate::ide::to_u32(source.find(needle).expect("needle")) + shift;
        hover(source, offset).unwrap_or_else(|| panic!("no hover at {needle:?}"))
    }

    const SOURCE: &str = "# syntax=docker/dockerfile:1\nARG TAG=3.19\nFROM alpine:$TAG AS base\n\
ARG TAG\nENV DIR=/srv/$TAG\nRUN --mount=type=cache,target=/root echo $DIR $HOME\n\
FROM base\nCOPY --from=base --chown=app /x $DIR/\n";

    #[test]
    fn variables_show_the_value_they_have_there() {
        let h = hover_at(SOURCE, "$TAG AS", 1);
        assert_eq!(h.markdown, "`$TAG` = `3.19` (global ARG)");
        assert_eq!(&SOURCE[h.range.as_usize()], "TAG");
        assert_eq!(
            hover_at(SOURCE, "$DIR $HOME", 2).markdown,
            "`$DIR` = `/srv/3.19`"
        );
        // The stage built on `base` sees its ENV.
        assert_eq!(
            hover_at(SOURCE, "$DIR/", 1).markdown,
            "`$DIR` = `/srv/3.19`"
        );
        assert!(hover_at(SOURCE, "$HOME", 1).markdown.contains("base image"));
        assert_eq!(
            hover_at(SOURCE, "DIR=", 0).markdown,
            "ENV `DIR` = `/srv/3.19`"
        );
        assert_eq!(
            hover_at(SOURCE, "TAG\nENV", 0).markdown,
            "ARG `TAG` = `3.19` (from the global ARG)"
        );
        assert_eq!(
            hover_at(SOURCE, "TAG=", 0).markdown,
            "global ARG `TAG` = `3.19`"
        );
    }

    #[test]
    fn heredoc_names_say_how_the_body_is_read() {
        let source = "FROM a\nRUN <<EOF\necho $HOME\nEOF\nCOPY <<-'X' /a\n\t$Y\n\tX\nCOPY <<Z /b\n";
        let h = hover_at(source, "EOF\necho", 1);
        assert_eq!(
            h.markdown,
            "**heredoc** `EOF`: 1 line, up to the line that reads the name.\n\n`$` variables in it are expanded."
        );
        assert_eq!(&source[h.range.as_usize()], "EOF");
        let h = hover_at(source, "\tX\n", 1);
        assert!(h.markdown.contains("quoted"), "{}", h.markdown);
        assert!(h.markdown.contains("leading tabs"), "{}", h.markdown);
        assert!(
            hover_at(source, "Z /b", 0)
                .markdown
                .contains("to the end of the file")
        );
    }

    #[test]
    fn unknown_values_are_named() {
        let source = "ARG V\nFROM alpine:$V\nARG X=$TARGETARCH\nRUN echo $X\n";
        let h = hover_at(source, "$V", 1);
        assert!(h.markdown.contains("without a value"), "{}", h.markdown);
        let h = hover_at(source, "$X", 1);
        assert!(h.markdown.contains("known at build time"), "{}", h.markdown);
    }

    #[test]
    fn keywords_flags_images_stages_and_directives() {
        let h = hover_at(SOURCE, "RUN", 0);
        assert!(
            h.markdown
                .starts_with("**RUN**\n\n```dockerfile\nRUN [--mount"),
            "{}",
            h.markdown
        );
        assert_eq!(&SOURCE[h.range.as_usize()], "RUN");
        assert!(
            hover_at(SOURCE, "--mount", 3)
                .markdown
                .contains("Mounts a filesystem")
        );
        assert!(hover_at(SOURCE, "--chown", 0).markdown.contains("(COPY)"));
        assert!(
            hover_at(SOURCE, "target=", 1)
                .markdown
                .contains("Where the mount appears")
        );
        let image = hover_at(SOURCE, "alpine", 2).markdown;
        assert!(
            image.starts_with("**Image** `docker.io/library/alpine:"),
            "{image}"
        );
        assert!(
            hover_at(SOURCE, "base\nCOPY", 0)
                .markdown
                .starts_with("**Stage 0** `base`: FROM `docker.io/library/alpine:")
        );
        assert!(
            hover_at(SOURCE, "base --chown", 0)
                .markdown
                .contains("Stage 0")
        );
        assert!(hover_at(SOURCE, "syntax", 0).markdown.contains("frontend"));
        assert!(
            hover_at(SOURCE, "AS", 0)
                .markdown
                .contains("names the stage")
        );
        assert!(
            hover_at("FROM a\nRUN --bogus x\n", "--bogus", 0)
                .markdown
                .contains("not a flag of RUN")
        );
        assert_eq!(hover("FROM a\n\n", 7), None);
    }

    #[test]
    fn rule_docs_by_code() {
        let rule = crate::rules::registry::RULES[0].meta();
        let text = rule_hover(rule.code).unwrap();
        assert!(text.starts_with(&format!("**{}** `{}`", rule.code, rule.name)));
        assert!(text.contains("## What it does"));
        assert!(rule_hover("DFL0001").unwrap().contains("syntax error"));
        assert!(rule_hover("DFL0103").unwrap().contains("build problem"));
        assert!(rule_hover("DFL0202").is_some());
        assert_eq!(rule_hover("NOPE"), None);
    }
}
