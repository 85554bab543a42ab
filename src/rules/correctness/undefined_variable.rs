//! DFL1042 `undefined-variable`: the builder expands a variable that no ARG or ENV in scope
//! defines.

use std::collections::BTreeSet;

use crate::Diagnostic;
use crate::ast::{Instruction, Word};
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::semantic::Base;
use crate::syntax::{SyntaxKind, TextRange};
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL1042",
    name: "undefined-variable",
    category: RuleCategory::Correctness,
    severity: Severity::Warning,
    fix: FixAvailability::None,
    status: RuleStatus::Stable,
    aliases: &["UndefinedVar", "DF087"],
    summary: "The builder expands a variable that no `ARG` or `ENV` in scope defines.",
    docs: r#"## What it does
Checks the variables the builder itself expands: in `ENV`, `LABEL`, `ARG` defaults, `COPY`
and `ADD` (sources, destination and flags), `WORKDIR`, `USER`, `EXPOSE`, `VOLUME`,
`STOPSIGNAL` and the flags of `RUN`. The commands of shell-form `RUN`, `CMD` and
`ENTRYPOINT` are left alone: the shell expands those, with the whole environment of the
container. A variable is defined when an `ARG` or `ENV` earlier in the stage, or in the
stage it is built on, declares it (an `ARG` without a default counts, since a build
argument can set it). A global `ARG`, declared before the first `FROM`, is not visible
inside a stage until the stage declares it again with `ARG NAME`. References that handle
an unset variable themselves (`${NAME:-default}`, `${NAME+alt}`, `${NAME:?message}`) and
the proxy variables the builder predefines (`HTTP_PROXY`, ...) are not flagged. `FROM`
is not checked here.

BuildKit knows the environment of the base image; dflint does not. So the rule reports
every undefined variable only in stages whose environment is fully known: stages built
`FROM scratch`, or on a stage of this Dockerfile that is. In a stage built on an external
image, whose `ENV` may define anything, it reports a variable only when it is a likely typo
of a name in scope (or of `PATH`): a name of the same length, one changed character or one
swap of neighbours away (`$VERSOIN` for `$VERSION`, `$PAHT` for `$PATH`).

## Why is this bad?
The builder replaces an undefined variable with an empty string and carries on:
`COPY app-$VERSOIN.jar /app/` copies `app-.jar`, and `WORKDIR /srv/$APP` puts the files in
`/srv/`. The build may succeed and produce the wrong image.

## Example
```dockerfile
FROM alpine:3.20
ARG VERSION=1.2.3
COPY app-$VERSOIN.jar /app/
```

## Use instead
```dockerfile
FROM alpine:3.20
ARG VERSION=1.2.3
COPY app-$VERSION.jar /app/
```

## References
- Dockerfile reference: environment replacement, `ARG` scope.
- BuildKit check `UndefinedVar`.
"#,
    fix_changes: &[],
};

/// DFL1042
pub struct UndefinedVariable;

/// Variables the builder provides without a declaration.
const PREDEFINED: &[&str] = &[
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "FTP_PROXY",
    "ftp_proxy",
    "NO_PROXY",
    "no_proxy",
    "ALL_PROXY",
    "all_proxy",
];

/// Names commonly set by base images, offered as suggestions in stages whose base
/// environment is not known.
const COMMON_IMAGE_ENV: &[&str] = &["PATH"];

/// The variables visible at a point of a stage.
#[derive(Clone, Default)]
struct Scope {
    names: BTreeSet<String>,
    /// Whether every variable the stage can see is known (no external base image).
    complete: bool,
}

/// The edit distance between two names, counting a swap of neighbours as one edit
/// (optimal string alignment), ignoring case.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_ascii_lowercase().chars().collect();
    let b: Vec<char> = b.to_ascii_lowercase().chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

/// The closest candidate that is a likely typo of `name`.
fn suggestion<'c>(name: &str, candidates: impl Iterator<Item = &'c str>) -> Option<&'c str> {
    // Short names are too close to each other for a distance to mean a typo.
    let allowed = match name.chars().count() {
        0..=2 => 0,
        3..=4 => 1,
        _ => 2,
    };
    candidates
        .filter(|c| *c != name)
        .map(|c| (distance(name, c), c))
        .filter(|(d, _)| *d <= allowed)
        .min()
        .map(|(_, c)| c)
}

/// The words of an instruction the builder expands.
fn expanded_words(instruction: Instruction<'_>) -> Vec<Word<'_>> {
    let mut words = Vec::new();
    for flag in instruction.flags() {
        if flag.name() == "from" {
            continue;
        }
        words.extend(flag.value());
        words.extend(
            flag.mount_options()
                .filter(|o| {
                    o.key()
                        .is_none_or(|k| !k.text().eq_ignore_ascii_case("from"))
                })
                .filter_map(|o| o.value()),
        );
    }
    match instruction.kind() {
        SyntaxKind::COPY_INSTR
        | SyntaxKind::ADD_INSTR
        | SyntaxKind::WORKDIR_INSTR
        | SyntaxKind::USER_INSTR
        | SyntaxKind::EXPOSE_INSTR
        | SyntaxKind::VOLUME_INSTR
        | SyntaxKind::STOPSIGNAL_INSTR => words.extend(instruction.words()),
        _ => {}
    }
    words
}

/// The names a word's variables refer to that are not defined in `scope`, with their
/// ranges. References nested in another one's argument, and references that handle an
/// unset variable, are skipped.
fn undefined_in(word: Word<'_>, scope: &Scope) -> Vec<(String, TextRange)> {
    word.variables()
        .filter(|v| {
            v.syntax()
                .parent()
                .is_none_or(|p| p.kind() != SyntaxKind::VAR_ARGUMENT)
        })
        .filter(|v| !v.operator().is_some_and(|op| op.contains(['-', '+', '?'])))
        .filter_map(|v| Some((v.name()?.to_string(), v.range())))
        .filter(|(name, _)| !scope.names.contains(name) && !PREDEFINED.contains(&name.as_str()))
        .collect()
}

struct Walk<'r, 'c> {
    ctx: &'r RuleContext<'c>,
    globals: BTreeSet<String>,
    /// The scope each stage ended with, by index.
    ends: Vec<Scope>,
    out: &'r mut Vec<Diagnostic>,
}

impl Walk<'_, '_> {
    fn report(&mut self, word: Word<'_>, scope: &Scope) {
        for (name, range) in undefined_in(word, scope) {
            let candidates = scope
                .names
                .iter()
                .map(String::as_str)
                .chain(COMMON_IMAGE_ENV.iter().copied().filter(|_| !scope.complete));
            let close = suggestion(&name, candidates).filter(|close| {
                // Without the base image's environment, only a swap or a changed character
                // in a name of the same length is taken for a typo: a longer or shorter
                // name (`GOPATH` and `PATH`) is more often a variable of the base image.
                scope.complete
                    || (close.chars().count() == name.chars().count()
                        && distance(&name, close) == 1
                        && name.chars().count() > 3)
            });
            let global = self.globals.contains(&name);
            if !scope.complete && close.is_none() {
                continue;
            }
            let message = match close {
                Some(close) => format!("`${name}` is not defined (did you mean `${close}`?)"),
                None => format!("`${name}` is not defined"),
            };
            let help = if global {
                format!(
                    "`{name}` is a global `ARG`, which a stage does not see: declare it again \
                     with `ARG {name}` in the stage; the builder expands an undefined variable \
                     to an empty string"
                )
            } else {
                format!(
                    "declare it with `ARG {name}` or `ENV {name}=...` before it is used, or fix \
                     the name; the builder expands an undefined variable to an empty string"
                )
            };
            self.out
                .push(META.diagnostic(range, message).with_help(help));
        }
    }

    /// The scope a stage starts with.
    fn start(&self, instruction: Instruction<'_>) -> Scope {
        let Some(stage) = self
            .ctx
            .build
            .stages
            .iter()
            .find(|s| s.from_range == instruction.range())
        else {
            return Scope::default();
        };
        match stage.base {
            // The builder gives a scratch stage only the default `PATH`.
            Base::Scratch => Scope {
                names: BTreeSet::from(["PATH".to_string()]),
                complete: true,
            },
            Base::Stage(i) => self.ends.get(i).cloned().unwrap_or_default(),
            _ => Scope::default(),
        }
    }
}

impl Rule for UndefinedVariable {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let escape = ctx.escape();
        let mut walk = Walk {
            ctx,
            globals: ctx
                .build
                .global_args
                .iter()
                .map(|a| a.name.clone())
                .collect(),
            ends: Vec::new(),
            out,
        };
        let mut scope: Option<Scope> = None;
        for instruction in ctx.instructions() {
            match instruction.kind() {
                SyntaxKind::FROM_INSTR => {
                    if let Some(done) = scope.take() {
                        walk.ends.push(done);
                    }
                    scope = Some(walk.start(instruction));
                    continue;
                }
                SyntaxKind::ONBUILD_INSTR | SyntaxKind::ERROR => continue,
                _ => {}
            }
            let Some(current) = scope.as_mut() else {
                continue;
            };
            for word in expanded_words(instruction) {
                walk.report(word, current);
            }
            match instruction.kind() {
                SyntaxKind::ARG_INSTR => {
                    for pair in instruction.key_values() {
                        if let Some(value) = pair.value() {
                            walk.report(value, current);
                        }
                        if let Some(key) = pair.key() {
                            current.names.insert(key.unquoted(escape));
                        }
                    }
                }
                SyntaxKind::ENV_INSTR | SyntaxKind::LABEL_INSTR => {
                    let pairs: Vec<_> = instruction.key_values().collect();
                    for pair in &pairs {
                        walk.report_pair(*pair, current);
                    }
                    if instruction.kind() == SyntaxKind::ENV_INSTR {
                        for key in pairs.iter().filter_map(|p| p.key()) {
                            current.names.insert(key.unquoted(escape));
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

impl Walk<'_, '_> {
    fn report_pair(&mut self, pair: crate::ast::KeyValue<'_>, scope: &Scope) {
        if let Some(key) = pair.key() {
            self.report(key, scope);
        }
        if let Some(value) = pair.value() {
            self.report(value, scope);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{UndefinedVariable, distance};
    use crate::rules::test_support::{check, flagged};

    #[test]
    fn distances() {
        assert_eq!(distance("PAHT", "PATH"), 1);
        assert_eq!(distance("VERSOIN", "VERSION"), 1);
        assert_eq!(distance("path", "PATH"), 0);
        assert_eq!(distance("A", "BCD"), 3);
    }

    #[test]
    fn flags_undefined_variables_in_known_stages() {
        for (source, expected) in [
            ("FROM scratch\nCOPY $SRC /x\n", vec!["$SRC"]),
            ("FROM scratch\nENV A=1 B=$A\n", vec!["$A"]),
            ("FROM scratch\nWORKDIR /srv/${APP}\n", vec!["${APP}"]),
            (
                "ARG VERSION=1\nFROM scratch\nLABEL v=$VERSION\n",
                vec!["$VERSION"],
            ),
            (
                "FROM scratch AS base\nARG A\nFROM base\nUSER $A:$B\n",
                vec!["$B"],
            ),
            (
                "FROM scratch\nRUN --mount=type=cache,target=$CACHE true\n",
                vec!["$CACHE"],
            ),
            ("FROM scratch\nENV PAHT=$PAHT:/x\n", vec!["$PAHT"]),
        ] {
            let diagnostics = check(&UndefinedVariable, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
        let d = check(&UndefinedVariable, "FROM scratch\nENV X=$PAHT\n");
        assert_eq!(
            d[0].message,
            "`$PAHT` is not defined (did you mean `$PATH`?)"
        );
        let d = check(&UndefinedVariable, "ARG V=1\nFROM scratch\nLABEL v=$V\n");
        assert!(d[0].help.as_deref().unwrap().contains("global `ARG`"));
    }

    #[test]
    fn flags_only_typos_on_external_bases() {
        for (source, expected) in [
            (
                "FROM alpine\nARG VERSION=1\nCOPY app-$VERSOIN.jar /app/\n",
                vec!["$VERSOIN"],
            ),
            ("FROM alpine\nENV PATH=/x:$PAHT\n", vec!["$PAHT"]),
            ("FROM alpine\nCOPY $UNKNOWN_THING /x\n", vec![]),
            ("FROM alpine\nENV A=$JAVA_HOME\n", vec![]),
        ] {
            let diagnostics = check(&UndefinedVariable, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
    }

    #[test]
    fn accepts_defined_shell_and_guarded_variables() {
        for source in [
            "FROM scratch\nARG A\nCOPY $A /x\n",
            "FROM scratch\nENV A=1\nENV B=$A\n",
            "FROM scratch\nENV P=$PATH\n",
            "FROM scratch\nRUN echo $UNDEFINED\n",
            "FROM scratch\nCMD echo $UNDEFINED\n",
            "FROM scratch\nCOPY ${A:-x} ${B-y} ${C:+z} /x/\n",
            "FROM scratch\nLABEL a='$NOT_EXPANDED'\n",
            "FROM scratch\nENV A=\\$ESCAPED\n",
            "FROM scratch\nARG A=1 B=$A\n",
            "FROM scratch\nCOPY $http_proxy /x\n",
            "FROM scratch\nONBUILD COPY $LATER /x\n",
            "FROM scratch\nCOPY --from=$STAGE /a /b\n",
            "FROM scratch AS a\nENV X=1\nFROM a\nWORKDIR /$X\n",
            "ARG BASE=alpine\nFROM $BASE\nCOPY $ANYTHING /x\n",
        ] {
            assert!(check(&UndefinedVariable, source).is_empty(), "{source}");
        }
    }
}
