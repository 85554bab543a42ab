//! DFL4033 `unpinned-go-package`: `go install`, `go get` or `go run` of a package without a
//! version.

use crate::Diagnostic;
use crate::Severity;
use crate::rules::pinning::{Arg, pinning_runs, read_args, report, unpinned_values};
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::shell::Word;
use crate::shell::packages::{program, real_commands, subcommand_index};

pub static META: RuleMeta = RuleMeta {
    code: "DFL4033",
    name: "unpinned-go-package",
    category: RuleCategory::Reproducibility,
    severity: Severity::Warning,
    fix: FixAvailability::None,
    status: RuleStatus::Stable,
    aliases: &["DL3062", "DF054"],
    summary: "`go install`, `go get` or `go run` fetches a package without a version.",
    docs: r#"## What it does
Checks shell-form `RUN` instructions of every stage, `ONBUILD RUN` triggers, and the scripts
they give to a shell (heredocs, quoted `sh -c` strings) for `go install`, `go get` and
`go run`, also behind `sudo` or `env`, and flags each package named without a version
(`go install golang.org/x/tools/gopls`) or with a query that moves (`@latest`, `@upgrade`,
`@patch`).

These are fine: `pkg@v1.2.3` (or any other version, branch or commit), local packages and
files (`.`, `./cmd/app`, `/src/app`, `main.go`), standard-library packages and patterns
(`std`, `cmd/...`: no dot in the first path element, so no module to fetch), `pkg@none`
(which removes a dependency), and commands run with `GO111MODULE=off` (GOPATH mode, where
a version cannot be given). For `go run`, only the package is checked: the words after it
are the program's arguments.

A package written with a variable is read through the ARG and ENV values the build engine
knows (`go install "golang.org/x/tools/gopls@$GOPLS_VERSION"` is pinned); a value known only
when the image is built is not flagged.

**Differences from hadolint:** hadolint takes the value of a build flag for a package
(`go install -tags netgo pkg@v1` flags `netgo`), flags `go run main.go`, standard-library
packages, `@none`, commands run in GOPATH mode (`ENV GO111MODULE=off`), the arguments of
the program `go run` starts (`go run gen.go amd64`) and every variable or command
substitution it cannot read; it accepts `@upgrade` and `@patch`, and skips commands behind
`sudo` or run by path (`/usr/local/go/bin/go get ...`). It also reads RUNs under a
PowerShell or `cmd` `SHELL` as POSIX shell; dflint leaves them out.

## Why is this bad?
Without a version, Go fetches the newest release of the module on the day of the build (or,
for `go get`, whatever the module's `go.mod` resolution picks), so two builds of the same
Dockerfile can ship different tools or code, and a breaking release breaks a build that did
not change.

## Example
```dockerfile
FROM golang:1.23
RUN go install github.com/go-delve/delve/cmd/dlv@latest
```

## Use instead
```dockerfile
FROM golang:1.23
RUN go install github.com/go-delve/delve/cmd/dlv@v1.23.1
```

## References
- Go documentation: `go install pkg@version`, module queries.
- hadolint `DL3062`.
"#,
    fix_changes: &[],
};

/// DFL4033
pub struct UnpinnedGoPackage;

/// Go build flags that take a value.
const GO_VALUE_OPTIONS: &[&str] = &[
    "-o",
    "-p",
    "-C",
    "-tags",
    "-ldflags",
    "-gcflags",
    "-asmflags",
    "-gccgoflags",
    "-mod",
    "-modfile",
    "-pkgdir",
    "-toolexec",
    "-exec",
    "-buildmode",
    "-compiler",
    "-installsuffix",
    "-overlay",
    "-pgo",
    "-covermode",
    "-coverpkg",
    "-buildvcs",
];

/// Whether a Go package argument names a module package without a fixed version.
fn unpinned(spec: &str) -> bool {
    let spec = spec.trim();
    if spec.is_empty()
        || spec.starts_with(['.', '/'])
        || std::path::Path::new(spec)
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("go"))
    {
        return false;
    }
    let (path, version) = spec.split_once('@').unwrap_or((spec, ""));
    // No dot in the first element: the standard library (`fmt`, `cmd/...`, `std`), nothing
    // to fetch.
    if !path.split('/').next().unwrap_or(path).contains('.') {
        return false;
    }
    matches!(version, "" | "latest" | "upgrade" | "patch")
}

const HELP: &str = "add a version (`pkg@v1.2.3`): without one, or with `@latest`, each build \
                    fetches whatever release is newest";

fn gopath_mode(assignments: &[Word], env: Option<Option<String>>) -> bool {
    assignments
        .iter()
        .any(|a| a.value_or_text() == "GO111MODULE=off")
        || env.flatten().as_deref() == Some("off")
}

impl Rule for UnpinnedGoPackage {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for run in pinning_runs(ctx, &["go"]) {
            for (_, real) in real_commands(run) {
                let command = &real.command;
                if command.recovered
                    || program(command) != Some("go")
                    || gopath_mode(&command.assignments, run.env("GO111MODULE"))
                {
                    continue;
                }
                let Some(index) = subcommand_index(&command.args, &[]) else {
                    continue;
                };
                let Some(subcommand) = command.args[index].value.as_deref() else {
                    continue;
                };
                if !matches!(subcommand, "install" | "get" | "run") {
                    continue;
                }
                let mut words: Vec<&Word> =
                    read_args(&command.args[index + 1..], GO_VALUE_OPTIONS, false)
                        .into_iter()
                        .filter_map(|a| match a {
                            Arg::Operand(word) => Some(word),
                            _ => None,
                        })
                        .collect();
                if subcommand == "run" {
                    words.truncate(1);
                }
                for word in words {
                    if let Some(found) = unpinned_values(run, word, unpinned) {
                        report(&META, out, word, &found, &format!("go {subcommand}"), HELP);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{UnpinnedGoPackage, unpinned};
    use crate::rules::test_support::{check, flagged};

    #[test]
    fn classifies_packages() {
        for spec in [
            "github.com/a/b",
            "github.com/a/b@latest",
            "github.com/a/b/...@upgrade",
            "golang.org/x/tools/cmd/goimports@",
        ] {
            assert!(unpinned(spec), "{spec}");
        }
        for spec in [
            "github.com/a/b@v1.2.3",
            "github.com/a/b@master",
            "github.com/a/b@none",
            ".",
            "./cmd/app",
            "./...",
            "/src/app",
            "main.go",
            "std",
            "cmd/...",
            "fmt",
        ] {
            assert!(!unpinned(spec), "{spec}");
        }
    }

    #[test]
    fn flags_unpinned_packages() {
        for (source, expected) in [
            (
                "FROM golang:1.23\nRUN go install github.com/a/b@latest\n",
                vec!["github.com/a/b@latest"],
            ),
            (
                "FROM golang:1.23\nRUN go get -u github.com/a/b github.com/c/d@v1\n",
                vec!["github.com/a/b"],
            ),
            (
                "FROM golang:1.23\nRUN CGO_ENABLED=0 go install -tags netgo -ldflags '-s -w' github.com/a/b\n",
                vec!["github.com/a/b"],
            ),
            (
                "FROM golang:1.23\nRUN go run github.com/a/b github.com/c/d\n",
                vec!["github.com/a/b"],
            ),
            (
                "FROM golang:1.23\nONBUILD RUN go install github.com/a/b\n",
                vec!["github.com/a/b"],
            ),
            (
                "FROM golang:1.23\nRUN sudo go install github.com/a/b\n",
                vec!["github.com/a/b"],
            ),
        ] {
            let diagnostics = check(&UnpinnedGoPackage, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
    }

    #[test]
    fn accepts_pinned_or_local_packages() {
        for source in [
            "FROM golang:1.23\nRUN go install github.com/a/b@v1.2.3 && go install\n",
            "FROM golang:1.23\nRUN go install -v ./... && go run . && go run main.go x.y/z\n",
            "FROM golang:1.23\nRUN go run github.com/a/b@v1 github.com/c/d\n",
            "FROM golang:1.23\nRUN go get -d ./... && go get && go build ./...\n",
            "FROM golang:1.23\nRUN go install std cmd/...\n",
            "FROM golang:1.23\nARG V=v1.2.3\nRUN go install github.com/a/b@$V\n",
            "FROM golang:1.23\nARG PKG\nRUN go install $PKG\n",
            "FROM golang:1.10\nENV GO111MODULE=off\nRUN go get github.com/a/b\n",
            "FROM golang:1.10\nRUN GO111MODULE=off go get github.com/a/b\n",
            "FROM golang:1.23\nRUN go mod download && go get github.com/a/b@none\n",
        ] {
            let found = check(&UnpinnedGoPackage, source);
            assert!(found.is_empty(), "{source}: {found:?}");
        }
    }
}
