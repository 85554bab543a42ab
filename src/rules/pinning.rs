//! What the rules about unpinned language packages (`pip`, `npm`, `gem`, `go`) share: the
//! RUN scripts they read (ONBUILD triggers included, as hadolint does), the values of package
//! arguments (through ARG and ENV values the build engine knows), and the report.

use crate::Diagnostic;
use crate::rules::{DiagnosticExt, RuleContext, RuleMeta};
use crate::semantic::expand::{VarValue, expand_text};
use crate::shell::Word;
use crate::shell::packages::RunScripts;

/// The scripts of every shell-form RUN of every stage whose text contains one of `mentions`,
/// and those of the RUNs wrapped in `ONBUILD`, in source order (see [`RuleContext::all_run_scripts`]). A builder stage counts too: what it installs
/// goes into the files the image copies from it.
pub(crate) fn pinning_runs<'c, 't>(
    ctx: &'c RuleContext<'t>,
    mentions: &[&str],
) -> Vec<&'c RunScripts<'t, 't>> {
    ctx.all_run_scripts(mentions)
}

/// What a package argument stands for.
pub(crate) enum ArgValue {
    /// A literal word, or one whose variables the engine knows: the values, split into the
    /// words the shell passes (an unquoted `$PACKAGES` may hold several).
    Known(Vec<String>),
    /// A word with a value known only at build time (an ARG without a default, a variable
    /// the script sets, a command substitution).
    Unknown,
}

/// The value of `word`, expanding the ARG and ENV values the RUN sees when the build engine
/// knows them. A variable the engine does not know (set by the script itself, or with a value
/// known only at build time) leaves the value unknown.
pub(crate) fn arg_value(run: &RunScripts<'_, '_>, word: &Word) -> ArgValue {
    if let Some(value) = &word.value {
        return ArgValue::Known(vec![value.clone()]);
    }
    let text = &word.text;
    let unknown = || ArgValue::Unknown;
    if text.contains("$(") || text.contains('`') {
        return unknown();
    }
    let Some(layer) = run.layer else {
        return unknown();
    };
    let env: Vec<(String, VarValue)> = layer
        .env
        .iter()
        .map(|(name, value)| {
            let value = value.known().map_or(VarValue::Unknown, VarValue::Known);
            (name.clone(), value)
        })
        .collect();
    let Ok(expansion) = expand_text(text, '\\', &env) else {
        return unknown();
    };
    if expansion.references.iter().any(|r| !r.set) {
        return unknown();
    }
    match expansion.value.known() {
        // The shell splits the value of an unquoted variable into words.
        Some(value) if has_unquoted_variable(text) => {
            ArgValue::Known(value.split_whitespace().map(str::to_string).collect())
        }
        Some(value) => ArgValue::Known(vec![value]),
        None => unknown(),
    }
}

/// Whether shell word `text` has a `$` outside quotes.
fn has_unquoted_variable(text: &str) -> bool {
    let mut quote = None;
    let mut escaped = false;
    for c in text.chars() {
        match (c, quote) {
            _ if escaped => escaped = false,
            ('\\', q) if q != Some('\'') => escaped = true,
            ('\'' | '"', None) => quote = Some(c),
            (c, Some(q)) if c == q => quote = None,
            ('$', None) => return true,
            _ => {}
        }
    }
    false
}

/// The unpinned packages among the values of `word`, as `unpinned` tells for one value;
/// `None` when the value is not known until the build runs (never reported: the variable may
/// hold a pinned spec).
pub(crate) fn unpinned_values(
    run: &RunScripts<'_, '_>,
    word: &Word,
    unpinned: impl Fn(&str) -> bool,
) -> Option<Vec<String>> {
    match arg_value(run, word) {
        ArgValue::Known(values) => Some(values.into_iter().filter(|v| unpinned(v)).collect()),
        ArgValue::Unknown => None,
    }
}

/// Reports the unpinned packages `found` of `word` (nothing when it is empty) in one
/// diagnostic on the word: installed by `tool` (such as `pip install`).
pub(crate) fn report(
    meta: &'static RuleMeta,
    out: &mut Vec<Diagnostic>,
    word: &Word,
    found: &[String],
    tool: &str,
    help: &str,
) {
    if found.is_empty() {
        return;
    }
    let names = found
        .iter()
        .map(|p| format!("`{p}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let message = if word.value.is_some() {
        format!("`{tool}` installs {names} without a pinned version")
    } else {
        format!(
            "`{tool}` installs {names} (from `{}`) without a pinned version",
            word.text
        )
    };
    out.push(meta.diagnostic(word.range, message).with_help(help));
}

/// One argument of a command, read with the command's table of options that take a value.
#[derive(Debug)]
pub(crate) enum Arg<'w> {
    /// An option (`-r`, `--requirement`, `-tags`), with its value when it takes one: the
    /// value and the word that holds it (the option's own word when attached, as in
    /// `--requirement=r.txt` or `-rr.txt`).
    Option {
        name: String,
        value: Option<(String, &'w Word)>,
    },
    /// `--`: the options end.
    EndOfOptions,
    /// A word that is not an option nor the value of one.
    Operand(&'w Word),
}

/// The arguments `args` as options and operands. `value_options` lists the options that take
/// the next word as their value (`--name=value` needs no listing). With `clusters`, a
/// single-dash word is a cluster of one-letter options (`-Ur` is `-U -r`, and the letters
/// after a value option are its value, as in `-rreq.txt`); without, it is one option (`-tags`,
/// `-ldflags=...`, as Go and npm read them).
pub(crate) fn read_args<'w>(
    args: &'w [Word],
    value_options: &[&str],
    clusters: bool,
) -> Vec<Arg<'w>> {
    let mut out = Vec::new();
    let mut i = 0;
    let mut options_ended = false;
    while let Some(word) = args.get(i) {
        i += 1;
        let v = word.value_or_text();
        if options_ended || v == "-" || !v.starts_with('-') {
            out.push(Arg::Operand(word));
            continue;
        }
        if v == "--" {
            options_ended = true;
            out.push(Arg::EndOfOptions);
            continue;
        }
        let long = v.starts_with("--") || !clusters;
        if long {
            if let Some((name, value)) = v.split_once('=') {
                out.push(Arg::Option {
                    name: name.to_string(),
                    value: Some((value.to_string(), word)),
                });
                continue;
            }
            let value = if value_options.contains(&v) {
                let next = args.get(i);
                i += 1;
                next.map(|n| (n.value_or_text().to_string(), n))
            } else {
                None
            };
            out.push(Arg::Option {
                name: v.to_string(),
                value,
            });
            continue;
        }
        let letters = &v[1..];
        for (k, c) in letters.char_indices() {
            let name = format!("-{c}");
            if !value_options.contains(&name.as_str()) {
                out.push(Arg::Option { name, value: None });
                continue;
            }
            let rest = &letters[k + c.len_utf8()..];
            let value = if rest.is_empty() {
                let next = args.get(i);
                i += 1;
                next.map(|n| (n.value_or_text().to_string(), n))
            } else {
                Some((rest.trim_start_matches('=').to_string(), word))
            };
            out.push(Arg::Option { name, value });
            break;
        }
    }
    out
}

/// Whether `arg` is one of the options `names`.
pub(crate) fn is_option(arg: &Arg<'_>, names: &[&str]) -> bool {
    matches!(arg, Arg::Option { name, .. } if names.contains(&name.as_str()))
}
