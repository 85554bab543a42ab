//! DFL3007 `pip-cache-kept`: `pip install` without `--no-cache-dir` leaves its cache.

use crate::Diagnostic;
use crate::fix::{Applicability, Edit, Fix};
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::semantic::compare::Area;
use crate::shell::packages::{
    PIP_VALUE_OPTIONS, RealCommand, image_stages, is_one_of, mount_covers, path_covers, program,
    python_module, real_commands, removes, subcommand,
};
use crate::shell::{Command, Word};
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL3007",
    name: "pip-cache-kept",
    category: RuleCategory::Performance,
    severity: Severity::Info,
    fix: FixAvailability::Sometimes,
    status: RuleStatus::Stable,
    aliases: &["DL3042", "DF030"],
    summary: "`pip install` runs without `--no-cache-dir` and leaves its cache in the image.",
    docs: r#"## What it does
Checks shell-form `RUN` instructions, and the scripts they give to a shell (heredocs, quoted
`sh -c` strings), for `pip install` (`pip`, `pip3`, `pip3.12`..., or `python -m pip`), also
behind `sudo` or `env`, without `--no-cache-dir`. It is not flagged when pip's cache is off
or kept out of the layer:

- `PIP_NO_CACHE_DIR` is set for the command: by `ENV` or `ARG` in the stage or the stages it
  is built on, before the command (`PIP_NO_CACHE_DIR=1 pip install`, `env`), or by an
  earlier `export` in the same `RUN`. Like pip, any value but an empty one counts, even
  `false`;
- a later command of the same `RUN` removes the cache (`pip cache purge`, `rm -rf
  /root/.cache/pip` or `~/.cache`);
- the `RUN` has a cache or tmpfs mount on `/root/.cache/pip`, on a directory ending in
  `.cache/pip` or `.cache`, or on `PIP_CACHE_DIR`.

Only stages that end up in the image are checked: the target stage and the stages it is
built on (`FROM <stage>`; for `FROM base-$TARGETARCH`, every stage the name may stand for).
A builder stage whose files are only copied with `COPY --from` does not ship its cache.

The fix inserts ` --no-cache-dir` after `install`; commands in heredocs and `sh -c` strings
are not fixed.

`RUN` triggers of `ONBUILD` are checked too, as hadolint does: a trigger runs first thing
in the build of every image built `FROM` this one, and leaves its cache in that image. A
trigger is checked when the stage that declares it ends up in the image (the trigger is then
in the image's config, or a stage of the image is built on the declaring stage and runs it),
not when a builder stage declares it. The fix edits a trigger as it edits a `RUN`.

For a trigger, `PIP_NO_CACHE_DIR` and `PIP_CACHE_DIR` are read from the `ENV`s of the
declaring stage, all of them (the child image starts with them, even those set after the
`ONBUILD`); its `ARG`s do not reach the child image.

Differences from hadolint (`DL3042`): dflint does not flag stages that do not ship (a
builder stage's `pip install -r requirements.txt`), exec-form `RUN`s (hadolint does), or a
`RUN` that removes `~/.cache/pip` afterwards; it accepts `--no-cache`, which pip reads as
`--no-cache-dir` (pip accepts unambiguous prefixes of its options) and hadolint does not.
It flags `pip` behind `sudo` and `pip` called by path (`/usr/local/bin/pip3`), which
hadolint misses. hadolint checks the `ONBUILD` triggers of every stage; dflint only those
of stages that end up in the image.

## Why is this bad?
pip keeps every wheel it downloads or builds in `~/.cache/pip`, so that the next install is
faster. An image build installs once: the cache only adds its size, often as much as the
packages themselves, to the image.

## Example
```dockerfile
FROM python:3.12-slim
COPY requirements.txt .
RUN pip install -r requirements.txt
```

## Use instead
```dockerfile
FROM python:3.12-slim
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
```

## References
- pip documentation: caching, `--no-cache-dir`, `PIP_NO_CACHE_DIR`.
- hadolint `DL3042`.
"#,
    fix_changes: &[Area::Config, Area::Commands],
};

/// DFL3007
pub struct PipCacheKept;

const CACHE: &str = "/root/.cache/pip";

/// The command as pip sees it, for `pip ...` and `python -m pip ...`.
fn as_pip(command: &Command) -> Option<Command> {
    let name = program(command)?;
    let version = name.strip_prefix("pip")?;
    if version.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return Some(command.clone());
    }
    None
}

fn pip(command: &Command) -> Option<Command> {
    as_pip(command).or_else(|| python_module(command, "pip"))
}

fn sets_no_cache(assignment: &Word) -> bool {
    assignment
        .value_or_text()
        .strip_prefix("PIP_NO_CACHE_DIR=")
        .is_some_and(|v| !v.is_empty())
}

/// Whether a path removes pip's cache: `.../.cache/pip`, `~/.cache` or `cache_dir`.
fn removes_cache(path: &str, cache_dir: Option<&str>) -> bool {
    let p = path.trim_end_matches('*').trim_end_matches('/');
    path_covers(path, CACHE)
        || p.ends_with(".cache/pip")
        || p.ends_with("/.cache")
        || p == "~/.cache"
        || cache_dir.is_some_and(|d| path_covers(path, d))
}

/// Whether a command removes pip's cache.
fn cleans(command: &Command, cache_dir: Option<&str>) -> bool {
    removes(command, |p| removes_cache(p, cache_dir))
        || pip(command).is_some_and(|pip| {
            is_one_of(subcommand(&pip, PIP_VALUE_OPTIONS), &["cache"])
                && pip.args.iter().any(|a| a.is("purge") || a.is("remove"))
        })
}

fn is_exported(commands: &[(usize, RealCommand)]) -> bool {
    commands.iter().any(|(_, c)| {
        program(&c.command) == Some("export") && c.command.args.iter().any(sets_no_cache)
    })
}

impl Rule for PipCacheKept {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let shipped = image_stages(ctx.build);
        for run in ctx.all_run_scripts(&["pip"]) {
            if !shipped.contains(&run.stage) {
                continue;
            }
            // Any value turns the cache off for pip; an unknown one may too: never guess.
            if run
                .env_in(ctx.build, "PIP_NO_CACHE_DIR")
                .is_some_and(|v| v.is_none_or(|v| !v.is_empty()))
            {
                continue;
            }
            let cache_dir = run.env_in(ctx.build, "PIP_CACHE_DIR").flatten();
            let cache_dir = cache_dir.as_deref();
            let mounts = run.cache_mounts(ctx.escape());
            if mount_covers(&mounts, CACHE)
                || cache_dir.is_some_and(|d| mount_covers(&mounts, d))
                || mounts
                    .iter()
                    .any(|t| t.ends_with(".cache/pip") || t.ends_with("/.cache"))
            {
                continue;
            }
            let commands = real_commands(run);
            for (i, (script, real)) in commands.iter().enumerate() {
                if real.command.recovered {
                    continue;
                }
                let Some(pip) = pip(&real.command) else {
                    continue;
                };
                let Some(install) = subcommand(&pip, PIP_VALUE_OPTIONS)
                    .filter(|s| is_one_of(Some(s), &["install"]))
                else {
                    continue;
                };
                if pip.has_flag(None, Some("no-cache-dir"))
                    || pip.has_flag(None, Some("no-cache"))
                    || pip.assignments.iter().any(sets_no_cache)
                    || is_exported(&commands[..i])
                    || commands[i + 1..]
                        .iter()
                        .any(|(_, c)| cleans(&c.command, cache_dir))
                {
                    continue;
                }
                let fix = run.can_edit(*script).then(|| {
                    Fix::new(
                        "Add `--no-cache-dir` to `pip install`",
                        Applicability::Safe,
                        vec![Edit::insert(install.range.end, " --no-cache-dir")],
                    )
                });
                out.push(
                    META.diagnostic(
                        install.range,
                        "`pip install` without `--no-cache-dir` keeps its cache in the image",
                    )
                    .with_help(
                        "add `--no-cache-dir` (or set `ENV PIP_NO_CACHE_DIR=1`): the wheels pip \
                         caches are never used again and only make the image bigger",
                    )
                    .with_fix(fix),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::PipCacheKept;
    use crate::rules::test_support::{check, fixed, flagged};

    #[test]
    fn flags_pip_install_with_cache() {
        for (source, expected) in [
            ("FROM python\nRUN pip install flask\n", vec!["install"]),
            (
                "FROM python\nRUN pip3 install -U pip && python3 -m pip install -r req.txt\n",
                vec!["install", "install"],
            ),
            (
                "FROM python\nRUN sudo -H pip3.12 --disable-pip-version-check install x\n",
                vec!["install"],
            ),
            (
                "FROM python\nRUN pip --proxy http://p:3128 install x\n",
                vec!["install"],
            ),
            (
                "FROM python\nRUN rm -rf /root/.cache/pip && pip install x\n",
                vec!["install"],
            ),
            (
                "FROM python\nENV PIP_NO_CACHE_DIR=\nRUN pip install x\n",
                vec!["install"],
            ),
            (
                "FROM python\nRUN pip install x\nENV PIP_NO_CACHE_DIR=1\n",
                vec!["install"],
            ),
            (
                "FROM python\nRUN <<EOF\npip install x\nEOF\n",
                vec!["install"],
            ),
            (
                "FROM python AS base\nRUN pip install x\nFROM base\nCMD [\"x\"]\n",
                vec!["install"],
            ),
        ] {
            let diagnostics = check(&PipCacheKept, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
    }

    #[test]
    fn accepts_pip_without_cache() {
        for source in [
            "FROM python\nRUN pip install --no-cache-dir flask\n",
            "FROM python\nRUN pip --no-cache-dir install flask\n",
            "FROM python\nRUN python -m pip install --no-cache flask\n",
            "FROM python\nENV PIP_NO_CACHE_DIR=1\nRUN pip install flask\n",
            "FROM python\nENV PIP_NO_CACHE_DIR=off\nRUN pip install flask\n",
            "FROM python\nARG PIP_NO_CACHE_DIR=true\nRUN pip install flask\n",
            "FROM python AS base\nENV PIP_NO_CACHE_DIR=1\nFROM base\nRUN pip install flask\n",
            "FROM python\nRUN PIP_NO_CACHE_DIR=1 pip install flask\n",
            "FROM python\nRUN env PIP_NO_CACHE_DIR=1 pip install flask\n",
            "FROM python\nRUN export PIP_NO_CACHE_DIR=1 && pip install flask\n",
            "FROM python\nRUN pip install flask && pip cache purge\n",
            "FROM python\nRUN pip install flask && rm -rf ~/.cache/pip\n",
            "FROM python\nRUN pip install flask && rm -rf /root/.cache\n",
            "FROM python\nRUN --mount=type=cache,target=/root/.cache/pip pip install flask\n",
            "FROM python\nRUN --mount=type=cache,target=/home/app/.cache/pip pip install flask\n",
            "FROM python\nRUN --mount=type=cache,target=/root/.cache pip install flask\n",
            "FROM python\nENV PIP_CACHE_DIR=/pipcache\nRUN --mount=type=cache,target=/pipcache pip install x\n",
            "FROM python AS build\nRUN pip install flask\nFROM scratch\nCOPY --from=build /x /x\n",
            "FROM python\nRUN pipx install black && pipenv install\n",
            "FROM python\nRUN pip download x && pip wheel x\n",
            "FROM python\nRUN [\"pip\", \"install\", \"x\"]\n",
        ] {
            assert!(check(&PipCacheKept, source).is_empty(), "{source}");
        }
    }

    #[test]
    fn fix_adds_no_cache_dir_after_install() {
        for (source, expected) in [
            (
                "FROM python\nRUN pip install flask\n",
                "FROM python\nRUN pip install --no-cache-dir flask\n",
            ),
            (
                "FROM python\nRUN python3 -m pip install \\\n      -r requirements.txt \\\n  && echo ok\n",
                "FROM python\nRUN python3 -m pip install --no-cache-dir \\\n      -r requirements.txt \\\n  && echo ok\n",
            ),
        ] {
            let diagnostics = check(&PipCacheKept, source);
            assert_eq!(fixed(source, &diagnostics), expected, "{source}");
            assert!(check(&PipCacheKept, expected).is_empty());
        }
        let source = "FROM python\nRUN bash <<EOF\npip install x\nEOF\n";
        assert!(check(&PipCacheKept, source)[0].fix.is_none());
    }

    #[test]
    fn onbuild_triggers_of_shipped_stages() {
        use crate::rules::test_support::fixed_by_loop;
        let source = "FROM python:3.12\nONBUILD RUN pip install -r requirements.txt\n";
        assert_eq!(flagged(source, &check(&PipCacheKept, source)), ["install"]);
        assert_eq!(
            fixed_by_loop("DFL3007", source),
            "FROM python:3.12\nONBUILD RUN pip install --no-cache-dir -r requirements.txt\n"
        );
        // An ARG is not passed on to the child image.
        let source = "FROM python:3.12\nARG PIP_NO_CACHE_DIR=1\nONBUILD RUN pip install x\n";
        assert_eq!(flagged(source, &check(&PipCacheKept, source)), ["install"]);
        for source in [
            "FROM python:3.12\nONBUILD RUN pip install --no-cache-dir x\n",
            // The child image has the ENV of the whole stage.
            "FROM python:3.12\nONBUILD RUN pip install x\nENV PIP_NO_CACHE_DIR=1\n",
            "FROM python:3.12 AS build\nONBUILD RUN pip install x\n\
             FROM python:3.12-slim\nCOPY --from=build /a /a\n",
        ] {
            assert!(check(&PipCacheKept, source).is_empty(), "{source}");
        }
    }
}
