//! DFL4032 `unpinned-gem`: `gem install` of a gem without a version.

use crate::Diagnostic;
use crate::Severity;
use crate::rules::pinning::{Arg, is_option, pinning_runs, read_args, report, unpinned_values};
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::shell::Word;
use crate::shell::packages::{program, real_commands, subcommand_index};

pub static META: RuleMeta = RuleMeta {
    code: "DFL4032",
    name: "unpinned-gem",
    category: RuleCategory::Reproducibility,
    severity: Severity::Warning,
    fix: FixAvailability::None,
    status: RuleStatus::Stable,
    aliases: &["DL3028", "DF053"],
    summary: "`gem install` installs a gem without a version.",
    docs: r#"## What it does
Checks shell-form `RUN` instructions of every stage, `ONBUILD RUN` triggers, and the scripts
they give to a shell (heredocs, quoted `sh -c` strings) for `gem install` (or `gem i`), also
behind `sudo` or `env`, and flags each gem named without a version (`gem install rails`).
A gem is pinned by `name:version` (`rails:7.2.1`, `rails:'~> 7.2'`), and a whole command by
`-v`/`--version`. Local `.gem` files and paths are fine, and so are the arguments after
`--`, which go to the gem's build.

A gem written with a variable is read through the ARG and ENV values the build engine knows
(`gem install "bundler:$BUNDLER_VERSION"` is pinned); a value known only when the image is
built is not flagged.

**Differences from hadolint:** hadolint takes the word after any option for the option's
value, so the gem right after a switch such as `--no-document` or `-N` is never checked
(`gem install --no-document rails`); dflint knows which options take a value. hadolint also
skips commands behind `sudo`, and flags local `.gem` files and every variable it cannot read.
It also reads RUNs under a PowerShell or `cmd` `SHELL` as POSIX shell; dflint leaves them
out.

## Why is this bad?
Without a version, RubyGems installs the newest release on the day of the build: two builds
of the same Dockerfile can ship different code, and a breaking release (a new major version
of `bundler` is the classic one) breaks a build that did not change.

## Example
```dockerfile
FROM ruby:3.3-slim
RUN gem install --no-document bundler
```

## Use instead
```dockerfile
FROM ruby:3.3-slim
RUN gem install --no-document bundler:2.5.22
```

## References
- RubyGems documentation: `gem install`, `--version`.
- hadolint `DL3028`.
"#,
    fix_changes: &[],
};

/// DFL4032
pub struct UnpinnedGem;

/// `gem install` options that take a value.
const GEM_VALUE_OPTIONS: &[&str] = &[
    "-v",
    "--version",
    "-i",
    "--install-dir",
    "-n",
    "--bindir",
    "-s",
    "--source",
    "-p",
    "--http-proxy",
    "--platform",
    "-P",
    "--trust-policy",
    "-g",
    "--file",
    "--build-root",
    "--target-rbconfig",
    "--config-file",
    "--bulk-threshold",
];

/// Whether a gem argument names a gem without a version.
fn unpinned(spec: &str) -> bool {
    let spec = spec.trim();
    !(spec.is_empty()
        || spec.contains(':')
        || spec.contains('/')
        || spec.starts_with('.')
        || spec.to_ascii_lowercase().ends_with(".gem"))
}

const HELP: &str = "name a version (`rails:7.2.1`, or `-v '~> 7.2'`): without one, each build \
                    installs whatever release is newest";

impl Rule for UnpinnedGem {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for run in pinning_runs(ctx, &["gem"]) {
            for (_, real) in real_commands(run) {
                let command = &real.command;
                if command.recovered || program(command) != Some("gem") {
                    continue;
                }
                let Some(index) = subcommand_index(&command.args, &["--config-file"]) else {
                    continue;
                };
                if !matches!(command.args[index].value.as_deref(), Some("install" | "i")) {
                    continue;
                }
                let args = read_args(&command.args[index + 1..], GEM_VALUE_OPTIONS, true);
                if args.iter().any(|a| is_option(a, &["-v", "--version"])) {
                    continue;
                }
                let words: Vec<&Word> = args
                    .iter()
                    .take_while(|a| !matches!(a, Arg::EndOfOptions))
                    .filter_map(|a| match a {
                        Arg::Operand(word) => Some(*word),
                        _ => None,
                    })
                    .collect();
                for word in words {
                    if let Some(found) = unpinned_values(run, word, unpinned) {
                        report(&META, out, word, &found, "gem install", HELP);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::UnpinnedGem;
    use crate::rules::test_support::{check, flagged};

    #[test]
    fn flags_unpinned_gems() {
        for (source, expected) in [
            ("FROM ruby:3\nRUN gem install rails\n", vec!["rails"]),
            ("FROM ruby:3\nRUN gem i bundler rails:7\n", vec!["bundler"]),
            (
                "FROM ruby:3\nRUN gem install --no-document rails\n",
                vec!["rails"],
            ),
            (
                "FROM ruby:3\nRUN sudo gem install -N -i /gems rails -- --with-x\n",
                vec!["rails"],
            ),
            (
                "FROM ruby:3\nONBUILD RUN gem install rails\n",
                vec!["rails"],
            ),
        ] {
            let diagnostics = check(&UnpinnedGem, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
    }

    #[test]
    fn accepts_pinned_or_local_gems() {
        for source in [
            "FROM ruby:3\nRUN gem install rails:7.2.1 'puma:~> 6'\n",
            "FROM ruby:3\nRUN gem install rails -v 7.2.1\n",
            "FROM ruby:3\nRUN gem install rails --version='~> 7'\n",
            "FROM ruby:3\nRUN gem install ./pkg.gem vendor/x.gem x.gem\n",
            "FROM ruby:3\nARG V=2.5.22\nRUN gem install bundler:$V\n",
            "FROM ruby:3\nARG GEMS\nRUN gem install $GEMS\n",
            "FROM ruby:3\nRUN gem update --system && gem list rails\n",
        ] {
            let found = check(&UnpinnedGem, source);
            assert!(found.is_empty(), "{source}: {found:?}");
        }
    }
}
