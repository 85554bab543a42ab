//! DFL1020 `workdir-relative-path`: a relative WORKDIR resolves against the base image's
//! working directory.

use crate::Diagnostic;
use crate::fix::{Applicability, Edit, Fix};
use crate::rules::instructions::{initial_working_dir, is_windows_absolute};
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::semantic::Field;
use crate::semantic::compare::Area;
use crate::semantic::expand::{Segment, Value};
use crate::syntax::SyntaxKind;
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL1020",
    name: "workdir-relative-path",
    category: RuleCategory::Correctness,
    severity: Severity::Error,
    fix: FixAvailability::Sometimes,
    status: RuleStatus::Stable,
    aliases: &[
        "DL3000",
        "WorkdirRelativePath",
        "DS009",
        "CKV_DOCKER_10",
        "DF009",
    ],
    summary: "A relative `WORKDIR` resolves against a working directory the base image decides.",
    docs: r#"## What it does
Checks each `WORKDIR` of every stage, with its path as the build engine expands it (ARG and
ENV values substituted, quotes removed). A path is absolute when it starts with `/`, or, for
Windows images, with a drive (`C:\`, `c:/`) or `\`. A relative path is flagged when it
resolves against a working directory this Dockerfile does not set: no absolute `WORKDIR`
came before it in the stage, nor in the stages it is built on (`FROM <stage>`), so the
working directory comes from the external base image.

Only the first such `WORKDIR` of a stage is flagged: a later relative one resolves against
it, and fixing the first fixes both. A path whose value is not known (`WORKDIR $HOME/app`,
with `HOME` from the base image) is not flagged.

Differences from hadolint: hadolint (DL3000) flags every relative `WORKDIR`, also after an
absolute one (`WORKDIR /app` then `WORKDIR src` is well defined: `/app/src`), and treats any
path starting with `$` as absolute, even when the variable holds a relative path. Like
BuildKit's `WorkdirRelativePath`, dflint flags only the relative `WORKDIR` that depends on
the base image; unlike BuildKit it follows the stage chain, and it does not flag `FROM
scratch` stages, whose working directory is always `/`.

## Why is this bad?
A relative `WORKDIR` is joined to the working directory of the image at that point. When
that comes from the base image, the files land wherever the base image's maintainers chose,
and a new version of the base image can move them without any change to the Dockerfile.

## Example
```dockerfile
FROM node:22
WORKDIR app
COPY . .
```

## Use instead
```dockerfile
FROM node:22
WORKDIR /app
COPY . .
```

## Fix safety
The fix anchors the path at `/`. That is where it lands when the base image leaves the
working directory at `/`, as most images do, but a base image with another working directory
puts it elsewhere, so the fix is unsafe.

## References
- Dockerfile reference: `WORKDIR`.
- BuildKit build checks: `WorkdirRelativePath`.
"#,
    fix_changes: &[Area::Files, Area::Config],
};

/// DFL1020
pub struct WorkdirRelativePath;

/// The relative path a WORKDIR asked for, when the engine resolved it against the inherited
/// working directory (it shows it as `$WORKDIR/<path>`).
fn relative_to_inherited(destination: &Value) -> Option<&str> {
    match destination.segments() {
        [Segment::Unknown(text)] => text.strip_prefix("$WORKDIR/"),
        _ => None,
    }
}

impl Rule for WorkdirRelativePath {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let instructions = ctx.stage_instructions();
        for stage in &ctx.build.stages {
            let mut state = initial_working_dir(ctx.build, stage);
            for step in stage
                .steps
                .iter()
                .filter(|s| s.kind == SyntaxKind::WORKDIR_INSTR)
            {
                let Some(destination) = step
                    .layer
                    .and_then(|l| stage.layers.get(l))
                    .and_then(|l| l.destination.clone())
                else {
                    continue;
                };
                let inherited = matches!(state, Field::Inherited);
                state = Field::Set(destination.clone());
                if !inherited {
                    continue;
                }
                let Some(path) = relative_to_inherited(&destination) else {
                    continue;
                };
                if path.is_empty() || is_windows_absolute(path) {
                    continue;
                }
                let Some(word) = instructions
                    .iter()
                    .find(|(_, i)| i.range() == step.range)
                    .and_then(|(_, i)| i.words().next())
                else {
                    continue;
                };
                let fix = (!word.has_variables()).then(|| {
                    let text = word.text();
                    let quoted = text.starts_with(['"', '\'']);
                    let at = word.range().start + u32::from(quoted);
                    Fix::new(
                        format!("Anchor the path at `/`: `/{path}`"),
                        Applicability::Unsafe,
                        vec![Edit::insert(at, "/")],
                    )
                });
                out.push(
                    META.diagnostic(
                        word.range(),
                        format!(
                            "relative `WORKDIR {path}` resolves against the base image's \
                             working directory"
                        ),
                    )
                    .with_help(
                        "use an absolute path: where a relative one lands depends on the base \
                         image, which can change it",
                    )
                    .with_fix(fix),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::WorkdirRelativePath;
    use crate::rules::test_support::{check, fixed, flagged};

    #[test]
    fn flags_the_first_relative_workdir_on_an_image() {
        for (source, expected) in [
            ("FROM alpine\nWORKDIR app\n", vec!["app"]),
            ("FROM alpine\nWORKDIR \"app\"\n", vec!["\"app\""]),
            ("FROM alpine\nWORKDIR ./app\nWORKDIR sub\n", vec!["./app"]),
            ("FROM alpine\nARG DIR=src\nWORKDIR $DIR\n", vec!["$DIR"]),
            (
                "FROM alpine AS base\nRUN true\nFROM base\nWORKDIR app\n",
                vec!["app"],
            ),
            (
                "FROM alpine AS a\nWORKDIR /a\nFROM debian:12\nWORKDIR b\n",
                vec!["b"],
            ),
        ] {
            let diagnostics = check(&WorkdirRelativePath, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
    }

    #[test]
    fn accepts_absolute_and_anchored_paths() {
        for source in [
            "FROM alpine\nWORKDIR /app\n",
            "FROM alpine\nWORKDIR /app\nWORKDIR src\n",
            "FROM alpine\nWORKDIR \"/app\"\n",
            "FROM alpine\nWORKDIR $HOME/app\n",
            "FROM alpine\nARG DIR=/srv\nWORKDIR ${DIR}\n",
            "FROM alpine\nARG DIR\nWORKDIR $DIR\n",
            "FROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nWORKDIR C:\\\\app\n",
            "FROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nWORKDIR c:/app\n",
            "FROM scratch\nWORKDIR app\n",
            "FROM alpine AS base\nWORKDIR /app\nFROM base\nWORKDIR sub\n",
            "FROM alpine\nONBUILD WORKDIR app\n",
        ] {
            assert!(check(&WorkdirRelativePath, source).is_empty(), "{source}");
        }
    }

    #[test]
    fn fix_anchors_the_path() {
        let source = "FROM alpine\nWORKDIR app\n";
        let d = check(&WorkdirRelativePath, source);
        assert_eq!(
            d[0].message,
            "relative `WORKDIR app` resolves against the base image's working directory"
        );
        assert_eq!(fixed(source, &d), "FROM alpine\nWORKDIR /app\n");
        let source = "FROM alpine\nWORKDIR 'app'\n";
        let d = check(&WorkdirRelativePath, source);
        assert_eq!(fixed(source, &d), "FROM alpine\nWORKDIR '/app'\n");
        let source = "FROM alpine\nARG DIR=src\nWORKDIR $DIR\n";
        assert!(check(&WorkdirRelativePath, source)[0].fix.is_none());
    }
}
