//! DFL4034 `npm-install-with-lockfile`: `npm install` where a lockfile is copied in and
//! `npm ci` would install exactly what it lists.

use crate::Diagnostic;
use crate::Severity;
use crate::fix::{Applicability, Edit, Fix};
use crate::rules::pinning::{Arg, read_args};
use crate::rules::{
    DiagnosticExt, FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus,
};
use crate::semantic::cache::source_covers;
use crate::semantic::compare::Area;
use crate::semantic::{Base, Build, Layer, Source};
use crate::shell::packages::{program, real_commands, subcommand_index};
use crate::syntax::{SyntaxKind, TextRange};

pub static META: RuleMeta = RuleMeta {
    code: "DFL4034",
    name: "npm-install-with-lockfile",
    category: RuleCategory::Reproducibility,
    severity: Severity::Info,
    fix: FixAvailability::Sometimes,
    status: RuleStatus::Preview,
    aliases: &["DF031"],
    summary: "`npm install` runs after a lockfile is copied in, where `npm ci` would install exactly what it lists.",
    docs: r#"## What it does
Opt-in (preview). Checks shell-form `RUN` instructions, and the scripts they give to a shell
(heredocs, quoted `sh -c` strings), for a bare `npm install` (or `npm i`: no package
arguments, not `-g`, not `--no-package-lock`), also behind `sudo` or `env`, in a stage
where an earlier `COPY` or `ADD` of the stage, or of a stage it is built on, brings in a
`package-lock.json` or `npm-shrinkwrap.json`: by name, by a pattern that matches it
(`package*.json`), or by copying the whole build context (`COPY . .`; when the build context
is known, only if it has a lockfile).

## Why is this bad?
`npm install` treats the lockfile as a starting point: when `package.json` and the lockfile
disagree it resolves the ranges again, installs what it finds and rewrites the lockfile, so
the image can hold other versions than the ones that were tested. `npm ci` installs exactly
the versions of the lockfile, starts from an empty `node_modules`, and fails when the
lockfile is missing or does not match `package.json`: a build that is either repeatable or
loud. It is also faster, since it skips the resolution.

## Example
```dockerfile
FROM node:22-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --omit=dev
COPY . .
CMD ["node", "server.js"]
```

## Use instead
```dockerfile
FROM node:22-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev
COPY . .
CMD ["node", "server.js"]
```

## Fix safety
The fix replaces `install` with `ci`. It is unsafe, because it changes what the build does,
which is the point: `npm ci` fails when the lockfile is out of date with `package.json`,
and when no lockfile is there after all (a pattern such as `package*.json` or a whole
context copy does not require one); and it deletes a `node_modules` that an earlier step
filled before it installs. Commands in heredocs and `sh -c` strings are not fixed.

## References
- npm documentation: `npm ci`, `package-lock.json`.
"#,
    fix_changes: &[Area::Commands],
};

/// DFL4034
pub struct NpmInstallWithLockfile;

const LOCKFILES: &[&str] = &["package-lock.json", "npm-shrinkwrap.json"];

/// Options of `npm install` that take a value.
const VALUE_OPTIONS: &[&str] = &[
    "--prefix",
    "-C",
    "--registry",
    "--cache",
    "--userconfig",
    "--loglevel",
    "--omit",
    "--include",
    "--install-strategy",
    "-w",
    "--workspace",
    "--only",
    "--also",
];

/// The lockfile a source brings in, when it does.
fn lockfile_of(source: &Source) -> Option<&'static str> {
    let Source::Context { pattern, files, .. } = source else {
        return None;
    };
    let basename = |p: &str| {
        let p = p.trim_end_matches('/');
        p.rsplit('/').next().unwrap_or(p).to_string()
    };
    let name = basename(pattern);
    let whole_context = matches!(
        pattern.trim_start_matches("./").trim_end_matches('/'),
        "" | "." | "*"
    );
    // A pattern of JSON files in general (`*.json`) says nothing of a lockfile; one written
    // for the manifests (`package*.json`, `*-lock.json`) does.
    let names_manifests = ["package", "lock", "shrinkwrap"]
        .iter()
        .any(|w| name.to_ascii_lowercase().contains(w));
    LOCKFILES.iter().copied().find(|lock| match files {
        Some(files) => files.iter().any(|f| basename(f) == *lock),
        None => whole_context || (names_manifests && source_covers(&name, lock)),
    })
}

/// The first layer of `stage`, or of a stage it is built on, that copies a lockfile and
/// comes before `before`: the layer and the lockfile.
fn copied_lockfile(build: &Build, stage: usize, before: u32) -> Option<(&Layer, &'static str)> {
    let mut seen = Vec::new();
    let mut next = Some(stage);
    while let Some(index) = next {
        if seen.contains(&index) {
            break;
        }
        seen.push(index);
        let s = build.stages.get(index)?;
        let found = s
            .layers
            .iter()
            .filter(|l| matches!(l.kind, SyntaxKind::COPY_INSTR | SyntaxKind::ADD_INSTR))
            .filter(|l| index != stage || l.range.end <= before)
            .find_map(|l| l.sources.iter().find_map(lockfile_of).map(|lock| (l, lock)));
        if found.is_some() {
            return found;
        }
        next = match s.base {
            Base::Stage(base) => Some(base),
            _ => None,
        };
    }
    None
}

fn line_of(source: &str, offset: u32) -> usize {
    source[..offset as usize].matches('\n').count() + 1
}

impl Rule for NpmInstallWithLockfile {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for run in ctx.run_scripts(&["npm"]) {
            let Some((copy, lockfile)) =
                copied_lockfile(ctx.build, run.stage, run.instruction.range().start)
            else {
                continue;
            };
            for &(script, ref real) in real_commands(run) {
                let command = &real.command;
                if command.recovered || program(command) != Some("npm") {
                    continue;
                }
                let Some(index) = subcommand_index(&command.args, VALUE_OPTIONS) else {
                    continue;
                };
                let word = &command.args[index];
                if !matches!(word.value.as_deref(), Some("install" | "i")) {
                    continue;
                }
                let all_args = read_args(&command.args, VALUE_OPTIONS, false);
                let bare = all_args.iter().all(|a| match a {
                    Arg::Operand(w) => w.range == word.range,
                    Arg::Option { name, value } => {
                        let no_lockfile = name == "--package-lock"
                            && value.as_ref().is_some_and(|(v, _)| v == "false");
                        let other = matches!(
                            name.as_str(),
                            "-g" | "--global" | "--no-package-lock" | "--package-lock-only"
                        );
                        !(no_lockfile || other)
                    }
                    Arg::EndOfOptions => true,
                });
                if !bare {
                    continue;
                }
                let fix = run.can_edit(script).then(|| {
                    Fix::new(
                        "Replace `npm install` with `npm ci`",
                        Applicability::Unsafe,
                        vec![Edit::replace(word.range, "ci")],
                    )
                });
                let line = line_of(ctx.source, copy.range.start);
                out.push(
                    META.diagnostic(
                        TextRange::new(command.name.range.start, word.range.end),
                        format!("`npm install` may not install what a `{lockfile}` copied on line {line} lists"),
                    )
                    .with_help(format!(
                        "use `npm ci`: it installs exactly the versions of `{lockfile}` and fails \
                         when it does not match `package.json`, where `npm install` resolves \
                         the ranges again and may rewrite it"
                    ))
                    .with_fix(fix),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::NpmInstallWithLockfile;
    use crate::rules::test_support::{check, fixed, flagged};

    #[test]
    fn flags_bare_install_after_a_lockfile() {
        for source in [
            "FROM node:22\nCOPY package.json package-lock.json ./\nRUN npm install\n",
            "FROM node:22\nCOPY package*.json ./\nRUN npm i --omit=dev --no-audit\n",
            "FROM node:22\nWORKDIR /app\nCOPY . .\nRUN sudo npm install --prefix /app\n",
            "FROM node:22\nCOPY app/npm-shrinkwrap.json app/package.json /app/\nRUN cd /app && npm install\n",
            "FROM node:22 AS base\nCOPY package-lock.json package.json ./\nFROM base\nRUN npm install\n",
        ] {
            let diagnostics = check(&NpmInstallWithLockfile, source);
            assert_eq!(diagnostics.len(), 1, "{source}");
            assert!(
                flagged(source, &diagnostics)[0].starts_with("npm"),
                "{source}"
            );
        }
        let source = "FROM node:22\nCOPY package.json package-lock.json ./\n\nRUN npm install\n";
        assert_eq!(
            check(&NpmInstallWithLockfile, source)[0].message,
            "`npm install` may not install what a `package-lock.json` copied on line 2 lists"
        );
    }

    #[test]
    fn accepts_other_installs() {
        for source in [
            "FROM node:22\nCOPY package.json ./\nRUN npm install\n",
            "FROM node:22\nRUN npm install\nCOPY package-lock.json ./\n",
            "FROM node:22\nCOPY package*.json ./\nRUN npm ci\n",
            "FROM node:22\nCOPY package*.json ./\nRUN npm install express@4\n",
            "FROM node:22\nCOPY . .\nRUN npm install -g . && npm install --no-package-lock\n",
            "FROM node:22 AS deps\nCOPY package-lock.json ./\nFROM node:22\nRUN npm install\n",
            "FROM node:22\nCOPY package*.json ./\nRUN yarn install\n",
            "FROM node:22\nCOPY function/*.json ./\nRUN npm install\n",
        ] {
            let found = check(&NpmInstallWithLockfile, source);
            assert!(found.is_empty(), "{source}: {found:?}");
        }
    }

    #[test]
    fn fix_replaces_install_with_ci() {
        let source = "FROM node:22\nCOPY package*.json ./\nRUN npm install --omit=dev && npm cache clean --force\n";
        let diagnostics = check(&NpmInstallWithLockfile, source);
        assert_eq!(
            fixed(source, &diagnostics),
            "FROM node:22\nCOPY package*.json ./\nRUN npm ci --omit=dev && npm cache clean --force\n"
        );
        let source = "FROM node:22\nCOPY package*.json ./\nRUN sh -c 'npm install'\n";
        assert!(check(&NpmInstallWithLockfile, source)[0].fix.is_none());
    }
}
