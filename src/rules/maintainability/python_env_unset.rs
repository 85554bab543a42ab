//! DFL5091 `python-env-unset`: a Python image without `PYTHONUNBUFFERED` and
//! `PYTHONDONTWRITEBYTECODE`.

use crate::Diagnostic;
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::semantic::{Base, Build, Stage};
use crate::syntax::TextRange;
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL5091",
    name: "python-env-unset",
    category: RuleCategory::Maintainability,
    severity: Severity::Info,
    fix: FixAvailability::None,
    status: RuleStatus::Preview,
    aliases: &["DF032"],
    summary: "The final image is built on a `python` image and sets neither \
              `PYTHONUNBUFFERED` nor `PYTHONDONTWRITEBYTECODE`.",
    docs: r#"## What it does
Opt-in (preview): a judgement call, right for services and wrong for some tools.

Follows the final stage down to its external base image (through `FROM <stage>`). When
that image is an official `python` image (`python:3.12-slim`, `docker.io/library/python`)
or one whose last path component is `python`, it flags the final stage if no stage of the
chain sets `PYTHONUNBUFFERED` or `PYTHONDONTWRITEBYTECODE` with `ENV` (each missing one is
named in the message).

## Why is this bad?
Without `PYTHONUNBUFFERED`, Python buffers what it writes to a pipe, so `docker logs`
shows a service's output late, or never when the container is killed. Without
`PYTHONDONTWRITEBYTECODE`, Python writes `.pyc` files next to the sources at run time, into
the container's writable layer (or fails to, with a read-only root filesystem).

## Example
```dockerfile
FROM python:3.12-slim
COPY app.py /app/
CMD ["python", "/app/app.py"]
```

## Use instead
```dockerfile
FROM python:3.12-slim
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
COPY app.py /app/
CMD ["python", "/app/app.py"]
```

## References
- Python docs: command line and environment, `PYTHONUNBUFFERED`, `PYTHONDONTWRITEBYTECODE`.
- droast `DF032`.
"#,
    fix_changes: &[],
};

/// DFL5091
pub struct PythonEnvUnset;

const VARIABLES: [&str; 2] = ["PYTHONUNBUFFERED", "PYTHONDONTWRITEBYTECODE"];

/// The stages from `stage` down to the one built on an external image, and that image's
/// path when there is one.
fn chain(build: &Build, stage: &Stage) -> (Vec<usize>, Option<String>) {
    let mut stages = vec![stage.index];
    let mut current = stage;
    loop {
        match &current.base {
            Base::Stage(base) if !stages.contains(base) => {
                stages.push(*base);
                current = &build.stages[*base];
            }
            Base::Image(image) => return (stages, Some(image.path().to_string())),
            _ => return (stages, None),
        }
    }
}

impl Rule for PythonEnvUnset {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let build = ctx.build;
        let Some(last) = build.target.and_then(|t| build.stages.get(t)) else {
            return;
        };
        let (stages, image) = chain(build, last);
        let is_python = image.is_some_and(|path| path.rsplit('/').next() == Some("python"));
        if !is_python {
            return;
        }
        let missing: Vec<&str> = VARIABLES
            .into_iter()
            .filter(|var| {
                !stages.iter().any(|&s| {
                    build.stages[s]
                        .config
                        .env
                        .iter()
                        .any(|(name, _)| name == var)
                })
            })
            .collect();
        if missing.is_empty() {
            return;
        }
        let start = last.from_range.start;
        let names = missing
            .iter()
            .map(|v| format!("`{v}`"))
            .collect::<Vec<_>>()
            .join(" and ");
        out.push(
            META.diagnostic(
                TextRange::new(start, start + 4),
                format!("the Python image sets no {names}"),
            )
            .with_help(
                "add `ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1`: logs then reach \
                 `docker logs` at once, and no `.pyc` files are written at run time",
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::PythonEnvUnset;
    use crate::rules::test_support::{check, flagged};

    #[test]
    fn flags_python_images_without_the_variables() {
        let source = "FROM python:3.12\nCMD [\"python\"]\n";
        let d = check(&PythonEnvUnset, source);
        assert_eq!(flagged(source, &d), ["FROM"]);
        assert_eq!(
            d[0].message,
            "the Python image sets no `PYTHONUNBUFFERED` and `PYTHONDONTWRITEBYTECODE`"
        );
        let source = "FROM python:3.12 AS base\nENV PYTHONUNBUFFERED=1\nFROM base\n";
        let d = check(&PythonEnvUnset, source);
        assert_eq!(
            d[0].message,
            "the Python image sets no `PYTHONDONTWRITEBYTECODE`"
        );
        let source = "FROM docker.io/library/python:3.12-slim\n";
        assert_eq!(check(&PythonEnvUnset, source).len(), 1);
        let source = "FROM ghcr.io/acme/python\n";
        assert_eq!(check(&PythonEnvUnset, source).len(), 1);
    }

    #[test]
    fn accepts_other_images_and_set_variables() {
        for source in [
            "FROM python:3.12\nENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1\n",
            // Set in the stage the final one is built on.
            "FROM python:3.12 AS base\nENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1\n\
             FROM base\nCMD [\"python\"]\n",
            // A builder stage on Python, a final image on something else.
            "FROM python:3.12 AS build\nRUN pip wheel .\nFROM alpine\n",
            "FROM pythonista:1\n",
            "FROM acme/python-tools:1\n",
            "FROM scratch\n",
        ] {
            assert!(check(&PythonEnvUnset, source).is_empty(), "{source}");
        }
    }
}
