//! DFL5040 `cd-in-run`: a `RUN` changes directory with `cd` where `WORKDIR` would do.

use crate::Diagnostic;
use crate::rules::shell_runs::posix_runs;
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::syntax::TextRange;
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL5040",
    name: "cd-in-run",
    category: RuleCategory::Maintainability,
    severity: Severity::Warning,
    fix: FixAvailability::None,
    status: RuleStatus::Stable,
    aliases: &["DL3003", "DS013", "DF008"],
    summary: "A `RUN` changes directory with `cd` instead of `WORKDIR`.",
    docs: r#"## What it does
Checks shell-form `RUN` instructions, including `RUN <<EOF` heredoc scripts, for `cd`
commands. The `cd` word is reported. `ONBUILD` triggers are not checked, as in hadolint.

Not flagged, because `WORKDIR` cannot say the same:
- `cd` inside a subshell, `( cd /src && make )`: the change of directory ends with the
  subshell, deliberately;
- `cd` inside a loop or a function body, which visits several directories;
- `cd` to a directory computed when the script runs (`cd "$(mktemp -d)"`,
  `` cd `dirname $0` ``).

Differences from hadolint: hadolint flags every `cd`, including the cases above, and
reports one finding per `RUN`; this rule reports each `cd`.

## Why is this bad?
A `cd` lasts for one `RUN`; the next one starts in the `WORKDIR` again, which surprises
readers who expect it to carry on, and long `cd a && ... && cd ../b` chains are hard to
follow. `WORKDIR` sets the directory for every later instruction, creates it if needed, and
shows in the image's config.

## Example
```dockerfile
FROM golang:1.23
COPY . /src
RUN cd /src && go build -o /app .
```

## Use instead
```dockerfile
FROM golang:1.23
WORKDIR /src
COPY . .
RUN go build -o /app .
```

## References
- Docker's best practices: `WORKDIR`.
- hadolint `DL3003`; Trivy `DS-0013`.
"#,
    fix_changes: &[],
};

/// DFL5040
pub struct CdInRun;

/// The node kinds inside which a `cd` is deliberate.
const SCOPES: &[&str] = &[
    "subshell",
    "for_statement",
    "c_style_for_statement",
    "while_statement",
    "function_definition",
];

impl Rule for CdInRun {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for run in posix_runs(ctx, &["cd"], false) {
            let script = &run.scripts[0];
            let commands = script.commands();
            if !commands.iter().any(|c| c.is("cd")) {
                continue;
            }
            let scopes: Vec<TextRange> = script
                .nodes()
                .iter()
                .filter(|n| SCOPES.contains(&n.kind))
                .map(|n| n.range)
                .collect();
            for command in commands.iter() {
                if command.recovered || !command.is("cd") {
                    continue;
                }
                let scoped = scopes
                    .iter()
                    .any(|s| s.start <= command.range.start && command.range.end <= s.end);
                let computed = command
                    .args
                    .iter()
                    .any(|a| a.text.contains("$(") || a.text.contains('`'));
                if scoped || computed {
                    continue;
                }
                out.push(
                    META.diagnostic(command.name.range, "`cd` in a `RUN`")
                        .with_help(
                            "the directory change ends with the `RUN`: set the directory with \
                             `WORKDIR`, which lasts and creates it, or scope the `cd` in a \
                             subshell `( cd dir && ... )`",
                        ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CdInRun;
    use crate::rules::test_support::{check, flagged};

    #[test]
    fn flags_cd() {
        for (source, expected) in [
            ("FROM debian\nRUN cd /src && make\n", vec!["cd"]),
            (
                "FROM debian\nRUN make \\\n && cd .. && { cd x; make; }\n",
                vec!["cd", "cd"],
            ),
            ("FROM debian\nRUN <<EOF\ncd /src\nmake\nEOF\n", vec!["cd"]),
            (
                "FROM debian\nRUN cd $HOME && if true; then cd x; fi\n",
                vec!["cd", "cd"],
            ),
        ] {
            let diagnostics = check(&CdInRun, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
    }

    #[test]
    fn accepts_scoped_and_computed_cd() {
        for source in [
            "FROM debian\nRUN (cd /src && make) && make -C /x\n",
            "FROM debian\nRUN for d in a b; do cd $d; make; cd ..; done\n",
            "FROM debian\nRUN build() { cd \"$1\" && make; }; build a\n",
            "FROM debian\nRUN cd \"$(mktemp -d)\" && make\n",
            "FROM debian\nRUN echo cd\n",
            "FROM debian\nONBUILD RUN cd /src\n",
            "FROM debian\nRUN [\"cd\", \"/x\"]\n",
        ] {
            assert!(check(&CdInRun, source).is_empty(), "{source}");
        }
    }
}
