//! DFL4030 `unpinned-pip-package`: `pip install` of a package without a version specifier.

use crate::Diagnostic;
use crate::Severity;
use crate::rules::pinning::{Arg, is_option, pinning_runs, read_args, report, unpinned_values};
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::shell::Command;
use crate::shell::packages::{
    PIP_VALUE_OPTIONS, program, python_module, real_commands, subcommand_index,
};

pub static META: RuleMeta = RuleMeta {
    code: "DFL4030",
    name: "unpinned-pip-package",
    category: RuleCategory::Reproducibility,
    severity: Severity::Warning,
    fix: FixAvailability::None,
    status: RuleStatus::Stable,
    aliases: &["DL3013", "DF051"],
    summary: "`pip install` installs a package without a version specifier.",
    docs: r#"## What it does
Checks shell-form `RUN` instructions of every stage, `ONBUILD RUN` triggers, and the scripts
they give to a shell (heredocs, quoted `sh -c` strings) for `pip install` (`pip`, `pip3`,
`pip3.12`..., `python -m pip`, `uv pip install`, and `pipx install` or `uv tool install`
for applications), also behind `sudo` or `env`, and flags each package named without a
version specifier (`==`, `>=`, `<=`, `~=`, `!=`, `<`, `>`, `===`).

These are not package names and are fine: requirement files (`-r`, `--requirement`), local
paths (`.`, `./pkg`, `.[test]`, `/src`, `dist/*`), archives and wheels (`.whl`, `.tar.gz`,
`.zip`...), URLs to archives, and version-control URLs that name a ref (`git+https://...@v1.2`).
A whole command is fine when a constraints file pins its versions (`-c`, `--constraint`,
`PIP_CONSTRAINT`) or when it installs from local files only (`--no-index`). The values of
`-e`/`--editable` are checked like packages (a path is fine, a VCS URL needs a ref).

A package written with a variable is read through the ARG and ENV values the build engine
knows: `pip install "flask$FLASK_SPEC"` with `ARG FLASK_SPEC===3.0.3` is pinned,
`pip install $PACKAGES` with `ENV PACKAGES="flask requests==2.32.3"` flags `flask`. A value
known only when the image is built is not flagged.

`pip`, `setuptools` and `wheel` themselves are flagged too (`pip install -U pip`): the
installer's version decides how every later package is resolved and built, and new releases
drop behaviours builds rely on (setuptools 58 dropped `use_2to3`, pip 23.1 dropped
`setup.py install`), so an unpinned upgrade is a common reason for an old Dockerfile to stop
building.

**Differences from hadolint:** hadolint skips commands behind `sudo`, the packages of a
command that also has `-r` (`pip install -r requirements.txt gunicorn` installs an unpinned
`gunicorn`), and a marker's `<` counts as a pin for it (`"flask; python_version<'3.8'"`).
It flags local projects with extras (`.[test]`), `.zip` archives, `--no-index` installs
and every variable it cannot read (`pip install $PACKAGES`). dflint also reads `uv pip
install` and `uv tool install`, which hadolint does not know. dflint leaves out RUNs under a PowerShell or
`cmd` `SHELL` (Windows images), whose commands hadolint reads as POSIX shell.

## Why is this bad?
Without a version, pip installs whatever release is newest on the day of the build. Two
builds of the same Dockerfile can ship different code, and a release with a breaking change
breaks a build that has not changed. A pinned version (or a requirements or constraints file
that pins them, kept up to date by a tool such as Renovate or Dependabot) makes the image
repeatable.

## Example
```dockerfile
FROM python:3.12-slim
RUN pip install --no-cache-dir flask gunicorn
```

## Use instead
```dockerfile
FROM python:3.12-slim
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt \
    && pip install --no-cache-dir gunicorn==23.0.0
```

## References
- pip documentation: requirement specifiers, `--constraint`.
- hadolint `DL3013`.
"#,
    fix_changes: &[],
};

/// DFL4030
pub struct UnpinnedPipPackage;

/// Options of `pip install`, `uv pip install`, `pipx install` and `uv tool install` that
/// take a value (besides [`PIP_VALUE_OPTIONS`]).
const INSTALL_VALUE_OPTIONS: &[&str] = &[
    "-r",
    "--requirement",
    "-c",
    "--constraint",
    "--override",
    "-b",
    "--build-constraint",
    "--build-constraints",
    "-e",
    "--editable",
    "-t",
    "--target",
    "--platform",
    "--python-version",
    "--python-platform",
    "--implementation",
    "--abi",
    "--root",
    "--prefix",
    "--src",
    "--upgrade-strategy",
    "-C",
    "--config-settings",
    "--config-setting",
    "--global-option",
    "--install-option",
    "--build-option",
    "--no-binary",
    "--only-binary",
    "--progress-bar",
    "--root-user-action",
    "--report",
    "-i",
    "--index-url",
    "--extra-index-url",
    "--index",
    "--default-index",
    "-f",
    "--find-links",
    "--group",
    "-p",
    "--python",
    "--index-strategy",
    "--resolution",
    "--prerelease",
    "--exclude-newer",
    "--link-mode",
    "--directory",
    "--project",
    "--config-file",
    "-P",
    "--upgrade-package",
    "--reinstall-package",
    "--refresh-package",
    "--no-build-isolation-package",
    "--extra",
    "--suffix",
    "--pip-args",
    "--with",
    "-w",
];

/// The install command as pip reads it (the arguments after the program and its global
/// options up to `install`), for `pip`, `pipX`, `python -m pip`, `uv pip`, `pipx` and
/// `uv tool`.
fn pip_install(command: &Command) -> Option<Vec<crate::shell::Word>> {
    let (args, global_options): (&[crate::shell::Word], &[&str]) = match program(command)? {
        "pipx" => (&command.args, &["--python"]),
        "uv" => {
            let first = subcommand_index(&command.args, UV_GLOBAL)?;
            if !matches!(command.args[first].value.as_deref(), Some("pip" | "tool")) {
                return None;
            }
            (&command.args[first + 1..], UV_GLOBAL)
        }
        name if is_pip_name(name) => (&command.args, PIP_VALUE_OPTIONS),
        _ => {
            let module = python_module(command, "pip")?;
            return install_args(&module.args, PIP_VALUE_OPTIONS);
        }
    };
    install_args(args, global_options)
}

const UV_GLOBAL: &[&str] = &[
    "--cache-dir",
    "--directory",
    "--project",
    "--config-file",
    "--color",
    "--python",
    "-p",
];

fn install_args(
    args: &[crate::shell::Word],
    global_options: &[&str],
) -> Option<Vec<crate::shell::Word>> {
    let index = subcommand_index(args, global_options)?;
    args[index]
        .is("install")
        .then(|| args[index + 1..].to_vec())
}

/// `pip`, `pip3`, `pip3.12`.
fn is_pip_name(name: &str) -> bool {
    name.strip_prefix("pip")
        .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// Whether one requirement (a package argument's value) names a package without a version.
fn unpinned(spec: &str) -> bool {
    let spec = spec.trim();
    if spec.is_empty() {
        return false;
    }
    // A direct reference: `name @ url`.
    let (name, url) = match spec.split_once('@') {
        Some((name, url)) if url.contains("://") && !name.contains("://") => {
            (name.trim(), url.trim())
        }
        _ => (spec, ""),
    };
    if !url.is_empty() {
        return url_unpinned(url);
    }
    if name.contains("://") || is_vcs(name) {
        return url_unpinned(name);
    }
    if name.starts_with(['.', '/', '~']) || name.contains('/') || is_archive(name) {
        return false;
    }
    // Environment markers follow `;`: their comparisons are no version.
    let requirement = name.split(';').next().unwrap_or(name);
    !requirement.contains(['=', '<', '>', '@'])
}

fn is_vcs(spec: &str) -> bool {
    ["git+", "hg+", "svn+", "bzr+"]
        .iter()
        .any(|p| spec.to_ascii_lowercase().starts_with(p))
}

fn is_archive(path: &str) -> bool {
    let path = path
        .split(['#', '?'])
        .next()
        .unwrap_or(path)
        .to_ascii_lowercase();
    [
        ".whl", ".tar.gz", ".tgz", ".zip", ".tar.bz2", ".tbz", ".tar.xz", ".txz", ".tar",
    ]
    .iter()
    .any(|e| path.ends_with(e))
}

/// Whether a URL requirement moves: a VCS URL without `@ref` in its path. A URL of an
/// archive is a file.
fn url_unpinned(url: &str) -> bool {
    let without_fragment = url.split('#').next().unwrap_or(url);
    let vcs = is_vcs(url) || url.starts_with("git://") || without_fragment.ends_with(".git");
    if !vcs {
        return false;
    }
    // The path after the host: `git@` before it is a user, not a ref.
    let after_scheme = without_fragment
        .split_once("://")
        .map_or(without_fragment, |(_, rest)| rest);
    let path = after_scheme.split_once('/').map_or("", |(_, path)| path);
    !path.contains('@')
}

const HELP: &str = "pin a version (`flask==3.0.3`, or a range such as `flask~=3.0`), or install \
                    from a requirements or constraints file that pins it: without one, each \
                    build installs whatever release is newest";

impl Rule for UnpinnedPipPackage {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for run in pinning_runs(ctx, &["pip", "uv"]) {
            if run
                .env("PIP_CONSTRAINT")
                .is_some_and(|v| v.is_none_or(|v| !v.is_empty()))
            {
                continue;
            }
            for (_, real) in real_commands(run) {
                let command = &real.command;
                if command.recovered
                    || command
                        .assignments
                        .iter()
                        .any(|a| a.value_or_text().starts_with("PIP_CONSTRAINT="))
                {
                    continue;
                }
                let Some(args) = pip_install(command) else {
                    continue;
                };
                let args = read_args(
                    &args,
                    &[PIP_VALUE_OPTIONS, INSTALL_VALUE_OPTIONS].concat(),
                    true,
                );
                if args
                    .iter()
                    .any(|a| is_option(a, &["-c", "--constraint", "--override", "--no-index"]))
                {
                    continue;
                }
                for arg in &args {
                    let word = match arg {
                        Arg::Operand(word) => *word,
                        Arg::Option {
                            name,
                            value: Some((value, word)),
                        } if matches!(name.as_str(), "-e" | "--editable") => {
                            if word.value_or_text().starts_with('-') {
                                // Attached (`--editable=url`): the value is part of the word.
                                if unpinned(value) {
                                    report(
                                        &META,
                                        out,
                                        word,
                                        std::slice::from_ref(value),
                                        "pip install",
                                        HELP,
                                    );
                                }
                                continue;
                            }
                            *word
                        }
                        _ => continue,
                    };
                    if let Some(found) = unpinned_values(run, word, unpinned) {
                        report(&META, out, word, &found, "pip install", HELP);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{UnpinnedPipPackage, unpinned};
    use crate::rules::test_support::{check, flagged};

    #[test]
    fn classifies_requirements() {
        for spec in [
            "flask",
            "Flask-Login",
            "flask[async]",
            "flask; python_version<'3.8'",
            "git+https://github.com/a/b.git",
            "git+ssh://git@github.com/a/b.git#egg=b",
            "b @ git+https://github.com/a/b.git",
        ] {
            assert!(unpinned(spec), "{spec}");
        }
        for spec in [
            "flask==3.0.3",
            "flask>=3",
            "flask~=3.0",
            "flask!=2",
            "flask<4",
            "pip==23.*",
            "flask[async]==3",
            ".",
            ".[test]",
            "./pkg",
            "pkg/",
            "/src",
            "dist/*",
            "*.whl",
            "foo-1.0.tar.gz",
            "foo.zip",
            "https://example.com/foo-1.0.tar.gz",
            "git+https://github.com/a/b.git@v1.2",
            "git+https://github.com/a/b.git@v1#egg=b",
            "b @ git+https://github.com/a/b.git@v1",
            "b @ https://example.com/b-1.0.whl",
        ] {
            assert!(!unpinned(spec), "{spec}");
        }
    }

    #[test]
    fn flags_unpinned_packages() {
        for (source, expected) in [
            ("FROM python:3\nRUN pip install flask\n", vec!["flask"]),
            (
                "FROM python:3\nRUN pip install -U pip setuptools==70 wheel\n",
                vec!["pip", "wheel"],
            ),
            (
                "FROM python:3\nRUN python3 -m pip install --no-cache-dir -i https://x/simple flask\n",
                vec!["flask"],
            ),
            (
                "FROM python:3\nRUN sudo -H pip3.12 install --user flask==3 requests\n",
                vec!["requests"],
            ),
            (
                "FROM python:3\nRUN pip install -r requirements.txt gunicorn\n",
                vec!["gunicorn"],
            ),
            (
                "FROM python:3\nRUN pip install -Ur requirements.txt gunicorn\n",
                vec!["gunicorn"],
            ),
            (
                "FROM python:3\nRUN pip install -e git+https://github.com/a/b.git#egg=b\n",
                vec!["git+https://github.com/a/b.git#egg=b"],
            ),
            (
                "FROM python:3\nRUN uv pip install --system flask\n",
                vec!["flask"],
            ),
            ("FROM python:3\nRUN pipx install black\n", vec!["black"]),
            (
                "FROM python:3\nONBUILD RUN pip install flask\n",
                vec!["flask"],
            ),
            (
                "FROM python:3\nRUN bash -c 'pip install flask'\n",
                vec!["flask"],
            ),
            (
                "FROM python:3\nRUN <<EOF\npip install \\\n  flask\nEOF\n",
                vec!["flask"],
            ),
            (
                "FROM python:3\nENV PACKAGES=\"flask requests==2\"\nRUN pip install $PACKAGES\n",
                vec!["$PACKAGES"],
            ),
            (
                "FROM python:3 AS build\nRUN pip wheel -w /w flask==3 && pip install flask\nFROM scratch\n",
                vec!["flask"],
            ),
        ] {
            let diagnostics = check(&UnpinnedPipPackage, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
        let source =
            "FROM python:3\nENV PACKAGES=\"flask requests==2\"\nRUN pip install $PACKAGES\n";
        assert_eq!(
            check(&UnpinnedPipPackage, source)[0].message,
            "`pip install` installs `flask` (from `$PACKAGES`) without a pinned version"
        );
    }

    #[test]
    fn accepts_pinned_or_unknown_packages() {
        for source in [
            "FROM python:3\nRUN pip install flask==3.0.3 'gunicorn>=23,<24'\n",
            "FROM python:3\nRUN pip install -r requirements.txt\n",
            "FROM python:3\nRUN pip install --requirement=requirements.txt\n",
            "FROM python:3\nRUN pip install -c constraints.txt flask\n",
            "FROM python:3\nENV PIP_CONSTRAINT=/c.txt\nRUN pip install flask\n",
            "FROM python:3\nRUN pip install --no-index --find-links=/wheels flask\n",
            "FROM python:3\nRUN pip install . && pip install -e .[dev] && pip install ./pkg\n",
            "FROM python:3\nRUN pip install /wheels/*.whl\n",
            "FROM python:3\nRUN pip install --target /x --prefix /y flask==3\n",
            "FROM python:3\nARG V=3.0.3\nRUN pip install flask==$V\n",
            "FROM python:3\nARG SPEC===3.0.3\nRUN pip install \"flask${SPEC}\"\n",
            "FROM python:3\nARG PACKAGE\nRUN pip install $PACKAGE\n",
            "FROM python:3\nENV B2_VERSION=4.7.1\nRUN pip install \"b2 == $B2_VERSION\"\n",
            "FROM python:3\nRUN P=flask; pip install $P\n",
            "FROM python:3\nRUN pip install $(cat packages.txt)\n",
            "FROM python:3\nRUN pip download flask && pip wheel flask\n",
            "FROM python:3\nRUN pipenv install flask || pip show flask\n",
            "FROM python:3\nRUN [\"pip\", \"install\", \"flask\"]\n",
        ] {
            let found = check(&UnpinnedPipPackage, source);
            assert!(found.is_empty(), "{source}: {found:?}");
        }
    }
}
