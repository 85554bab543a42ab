//! The real-world corpus in `../shared/corpus` (skipped with a notice when it is absent):
//! every file round-trips through the parser, the main set has no syntax error except in
//! files BuildKit itself rejects, and unknown instructions are found on the right lines.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use dflint::syntax::{SyntaxErrorCode, parse};

/// Files of the main set that BuildKit rejects, with the syntax errors dflint reports for
/// them: (sha256 prefix, error names, origin, why BuildKit rejects it).
const REJECTED_BY_BUILDKIT: &[(&str, &[&str], &str, &str)] = &[
    (
        "01fe244a4cab",
        &["invalid-flag-value"],
        "containers/buildah tests/bud/verify-cleanup/Dockerfile",
        "buildah-only `z` mount option: BuildKit fails with `invalid field 'z' must be a key=value pair`",
    ),
    (
        "0878436f39ae",
        &["bad-substitution"],
        "microsoft/vscode-dev-containers containers/perl/.devcontainer/Dockerfile",
        "devcontainer template placeholder `${templateOption:...}`: BuildKit fails with `unsupported modifier in substitution`",
    ),
    (
        "08d42c0aba15",
        &["unknown-flag"],
        "moby/buildkit frontend/dockerfile/parser/testfiles/flags/Dockerfile",
        "parser test file with flags no instruction accepts (`--doit`, `--user`): BuildKit fails with `unknown flag`",
    ),
    (
        "0a92bfbd64ac",
        &["bad-substitution"],
        "microsoft/vscode-dev-containers containers/python-3-pypy/.devcontainer/Dockerfile",
        "devcontainer template placeholder `${templateOption:...}`: BuildKit fails with `unsupported modifier in substitution`",
    ),
    (
        "16e23461b3aa",
        &["invalid-flag-value"],
        "containers/buildah tests/bud/buildkit-mount/Dockerfile4",
        "buildah-only `z` mount option: BuildKit fails with `invalid field 'z' must be a key=value pair`",
    ),
    (
        "1ad33ba8ab9e",
        &["bad-substitution"],
        "microsoft/vscode-dev-containers containers/azure-cli/.devcontainer/Dockerfile",
        "devcontainer template placeholder `${templateOption:...}`: BuildKit fails with `unsupported modifier in substitution`",
    ),
    (
        "23f4df3f21ef",
        &["invalid-stage-name"],
        "containers/buildah tests/bud/save-stages/Dockerfile.arg-build-stages-and-chained-build-stages",
        "stage name given as a variable (`AS ${NAME}`), which BuildKit does not expand: `invalid name for build stage`",
    ),
    (
        "26c3d44ff8dc",
        &["bad-substitution"],
        "microsoft/vscode-dev-containers containers/deno/.devcontainer/Dockerfile",
        "devcontainer template placeholder `${templateOption:...}`: BuildKit fails with `unsupported modifier in substitution`",
    ),
    (
        "2707410ec92a",
        &["flag-missing-value"],
        "containers/buildah tests/bud/add-chmod/Dockerfile.bad",
        "a flag written `--flag value` without `=`: BuildKit fails with `missing a value on flag`",
    ),
    (
        "28339712f4fb",
        &["invalid-flag-value"],
        "containers/buildah tests/bud/buildkit-mount/Dockerfile",
        "buildah-only `z` mount option: BuildKit fails with `invalid field 'z' must be a key=value pair`",
    ),
    (
        "2aa67620e067",
        &["missing-arguments"],
        "openshift/imagebuilder dockerclient/testdata/Dockerfile.badhealthcheck",
        "parser test file with a bare `HEALTHCHECK`, `HEALTHCHECK CMD` and an unknown type",
    ),
    (
        "2b3d9ee4f381",
        &["flag-missing-value"],
        "containers/buildah tests/bud/copy-chmod/Dockerfile.bad",
        "a flag written `--flag value` without `=`: BuildKit fails with `missing a value on flag`",
    ),
    (
        "2f9fdaebf75d",
        &["bad-substitution"],
        "microsoft/vscode-dev-containers containers/azure-functions-node/.devcontainer/Dockerfile",
        "devcontainer template placeholder `${templateOption:...}`: BuildKit fails with `unsupported modifier in substitution`",
    ),
    (
        "36084000cb9f",
        &["bad-substitution"],
        "devcontainers/templates src/dotnet-mssql/.devcontainer/Dockerfile",
        "devcontainer template placeholder `${templateOption:...}`: BuildKit fails with `unsupported modifier in substitution`",
    ),
    (
        "365515b25571",
        &["unterminated-quote"],
        "bridgecrewio/checkov tests/dockerfile/checks/example_UserExists/failure/Dockerfile",
        "an unclosed quote in a word the builder expands: `unexpected end of statement while looking for matching quote`",
    ),
    (
        "3d717ee27219",
        &["bad-substitution"],
        "devcontainers/templates src/ruby-rails-postgres/.devcontainer/Dockerfile",
        "devcontainer template placeholder `${templateOption:...}`: BuildKit fails with `unsupported modifier in substitution`",
    ),
    (
        "41ffba13f402",
        &["bad-substitution"],
        "microsoft/vscode-dev-containers containers/ruby-sinatra/.devcontainer/Dockerfile",
        "devcontainer template placeholder `${templateOption:...}`: BuildKit fails with `unsupported modifier in substitution`",
    ),
    (
        "42cfe82288ee",
        &["bad-substitution"],
        "microsoft/vscode-dev-containers containers/ruby-rails/.devcontainer/Dockerfile",
        "devcontainer template placeholder `${templateOption:...}`: BuildKit fails with `unsupported modifier in substitution`",
    ),
    (
        "46eaa857a1c5",
        &["unterminated-quote"],
        "bridgecrewio/checkov tests/dockerfile/checks/example_HealthcheckExists/success/Dockerfile",
        "an unclosed quote in a word the builder expands: `unexpected end of statement while looking for matching quote`",
    ),
    (
        "514201fd98c1",
        &["bad-substitution"],
        "devcontainers/templates src/dotnet-postgres/.devcontainer/Dockerfile",
        "devcontainer template placeholder `${templateOption:...}`: BuildKit fails with `unsupported modifier in substitution`",
    ),
    (
        "525b9ac76610",
        &["unterminated-quote"],
        "moby/buildkit frontend/dockerfile/parser/testfiles/escapes/Dockerfile",
        "an unclosed quote in a word the builder expands: `unexpected end of statement while looking for matching quote`",
    ),
    (
        "574d16852b0a",
        &["bad-substitution"],
        "microsoft/vscode-dev-containers containers/azure-ansible/.devcontainer/Dockerfile",
        "devcontainer template placeholder `${templateOption:...}`: BuildKit fails with `unsupported modifier in substitution`",
    ),
    (
        "605a0dcc5388",
        &["bad-substitution"],
        "microsoft/vscode-dev-containers containers/azure-terraform/.devcontainer/Dockerfile",
        "devcontainer template placeholder `${templateOption:...}`: BuildKit fails with `unsupported modifier in substitution`",
    ),
    (
        "67c22ea42102",
        &["shell-not-json"],
        "replicatedhq/dockerfilelint test/examples/Dockerfile.shell.fail",
        "`SHELL` in shell form: `SHELL requires the arguments to be in JSON form`",
    ),
    (
        "7067bec1aea6",
        &["bad-substitution"],
        "devcontainers/templates src/php-mariadb/.devcontainer/Dockerfile",
        "devcontainer template placeholder `${templateOption:...}`: BuildKit fails with `unsupported modifier in substitution`",
    ),
    (
        "7129bd0000d0",
        &["bad-substitution"],
        "microsoft/vscode-dev-containers containers/haskell/.devcontainer/Dockerfile",
        "devcontainer template placeholder `${templateOption:...}`: BuildKit fails with `unsupported modifier in substitution`",
    ),
    (
        "730f45e985e0",
        &["flag-missing-value"],
        "containers/buildah tests/bud/copy-multistage-paths/Dockerfile.invalid_from",
        "a flag written `--flag value` without `=`: BuildKit fails with `missing a value on flag`",
    ),
    (
        "79b53135218e",
        &["invalid-flag-value"],
        "containers/buildah tests/bud/buildkit-mount/Dockerfile6",
        "buildah-only `z` mount option: BuildKit fails with `invalid field 'z' must be a key=value pair`",
    ),
    (
        "7b143b01612a",
        &["bad-substitution"],
        "microsoft/vscode-dev-containers containers/vue/.devcontainer/Dockerfile",
        "devcontainer template placeholder `${templateOption:...}`: BuildKit fails with `unsupported modifier in substitution`",
    ),
    (
        "80664b1c3eab",
        &["invalid-flag-value"],
        "containers/buildah tests/bud/inline-network/Dockerfile3",
        "`RUN --network=fake`: BuildKit fails with `invalid network mode`",
    ),
    (
        "8ba12a407a98",
        &["bad-substitution"],
        "microsoft/vscode-dev-containers containers/bash/.devcontainer/Dockerfile",
        "devcontainer template placeholder `${templateOption:...}`: BuildKit fails with `unsupported modifier in substitution`",
    ),
    (
        "9146f843b04e",
        &["bad-substitution"],
        "devcontainers/templates src/go-postgres/.devcontainer/Dockerfile",
        "devcontainer template placeholder `${templateOption:...}`: BuildKit fails with `unsupported modifier in substitution`",
    ),
    (
        "95534eafc895",
        &["bad-substitution"],
        "devcontainers/templates src/postgres/.devcontainer/Dockerfile",
        "devcontainer template placeholder `${templateOption:...}`: BuildKit fails with `unsupported modifier in substitution`",
    ),
    (
        "97364add617a",
        &["invalid-flag-value"],
        "containers/buildah tests/bud/buildkit-mount/Containerfile5",
        "buildah-only `z` mount option: BuildKit fails with `invalid field 'z' must be a key=value pair`",
    ),
    (
        "9df525b7eb1c",
        &["bad-substitution"],
        "microsoft/vscode-dev-containers containers/azure-functions-pwsh/.devcontainer/Dockerfile",
        "devcontainer template placeholder `${templateOption:...}`: BuildKit fails with `unsupported modifier in substitution`",
    ),
    (
        "9e5aaf6d9fd2",
        &["bad-substitution"],
        "microsoft/vscode-dev-containers containers/swift/.devcontainer/Dockerfile",
        "devcontainer template placeholder `${templateOption:...}`: BuildKit fails with `unsupported modifier in substitution`",
    ),
    (
        "a01e2933b0a0",
        &["line-too-long"],
        "openshift/imagebuilder dockerfile/parser/testfiles/long-text/Dockerfile",
        "a line longer than 65,535 bytes: `dockerfile line greater than max allowed size`",
    ),
    (
        "a22d50ab41f8",
        &["bad-substitution"],
        "microsoft/vscode-dev-containers containers/mit-scheme/.devcontainer/Dockerfile",
        "devcontainer template placeholder `${templateOption:...}`: BuildKit fails with `unsupported modifier in substitution`",
    ),
    (
        "a2674546d2b4",
        &["bad-substitution"],
        "microsoft/vscode-dev-containers containers/azure-bicep/.devcontainer/Dockerfile",
        "devcontainer template placeholder `${templateOption:...}`: BuildKit fails with `unsupported modifier in substitution`",
    ),
    (
        "a5eac0c1a34c",
        &["invalid-healthcheck", "missing-arguments"],
        "moby/buildkit frontend/dockerfile/parser/testfiles/health/Dockerfile",
        "parser test file with a bare `HEALTHCHECK`, `HEALTHCHECK CMD` and an unknown type",
    ),
    (
        "a7326d62d284",
        &["bad-substitution"],
        "devcontainers/templates src/rust-postgres/.devcontainer/Dockerfile",
        "devcontainer template placeholder `${templateOption:...}`: BuildKit fails with `unsupported modifier in substitution`",
    ),
    (
        "a82512a682e8",
        &["invalid-flag-value"],
        "containers/buildah tests/bud/buildkit-mount/Dockerfile3",
        "buildah-only `z` mount option: BuildKit fails with `invalid field 'z' must be a key=value pair`",
    ),
    (
        "ab620ba73d98",
        &["bad-substitution"],
        "microsoft/vscode-dev-containers containers/javascript-node-azurite/.devcontainer/Dockerfile",
        "devcontainer template placeholder `${templateOption:...}`: BuildKit fails with `unsupported modifier in substitution`",
    ),
    (
        "abf1f700c13a",
        &["invalid-stage-name"],
        "containers/buildah tests/bud/base-with-arg/Containerfile",
        "stage name with `/`: `invalid name for build stage`",
    ),
    (
        "ac6fdd421bee",
        &["missing-arguments"],
        "openshift/imagebuilder dockerfile/parser/testfiles-negative/env_no_value/Dockerfile",
        "`ENV` with a name and no value: `ENV must have two arguments`",
    ),
    (
        "adeeda416516",
        &["invalid-stage-name"],
        "openshift/imagebuilder dockerclient/testdata/Dockerfile.target",
        "stage name given as a variable (`AS ${NAME}`), which BuildKit does not expand: `invalid name for build stage`",
    ),
    (
        "ae78d967eb37",
        &["bad-substitution"],
        "microsoft/vscode-dev-containers containers/dapr-javascript-node/.devcontainer/Dockerfile",
        "devcontainer template placeholder `${templateOption:...}`: BuildKit fails with `unsupported modifier in substitution`",
    ),
    (
        "b056f16c1d15",
        &["unterminated-quote"],
        "containers/buildah tests/conformance/testdata/Dockerfile.env",
        "an unclosed quote in a word the builder expands: `unexpected end of statement while looking for matching quote`",
    ),
    (
        "b2d4b66ab30f",
        &["invalid-healthcheck", "missing-arguments"],
        "openshift/imagebuilder dockerfile/parser/testfiles/health/Dockerfile",
        "parser test file with a bare `HEALTHCHECK`, `HEALTHCHECK CMD` and an unknown type",
    ),
    (
        "b77a85e12974",
        &["unterminated-quote"],
        "moby/buildkit frontend/dockerfile/parser/testfiles/env/Dockerfile",
        "an unclosed quote in a word the builder expands: `unexpected end of statement while looking for matching quote`",
    ),
    (
        "ba6d90fc3103",
        &["bad-substitution"],
        "microsoft/vscode-dev-containers containers/clojure/.devcontainer/Dockerfile",
        "devcontainer template placeholder `${templateOption:...}`: BuildKit fails with `unsupported modifier in substitution`",
    ),
    (
        "c6e650a6b302",
        &["flag-missing-value"],
        "containers/buildah tests/bud/copy-chown/Dockerfile.bad",
        "a flag written `--flag value` without `=`: BuildKit fails with `missing a value on flag`",
    ),
    (
        "d31b3f4d1dee",
        &["flag-missing-value"],
        "vimagick/dockerfiles obs-web-arm/Dockerfile",
        "a flag written `--flag value` without `=`: BuildKit fails with `missing a value on flag`",
    ),
    (
        "d325d1a02578",
        &["flag-missing-value"],
        "containers/buildah tests/bud/add-checksum/Containerfile.bad",
        "a flag written `--flag value` without `=`: BuildKit fails with `missing a value on flag`",
    ),
    (
        "d7a02b6ee8ae",
        &["bad-substitution"],
        "devcontainers/templates src/java-postgres/.devcontainer/Dockerfile",
        "devcontainer template placeholder `${templateOption:...}`: BuildKit fails with `unsupported modifier in substitution`",
    ),
    (
        "da50604ac3ca",
        &["bad-substitution"],
        "devcontainers/templates src/cpp/.devcontainer/Dockerfile",
        "devcontainer template placeholder `${templateOption:...}`: BuildKit fails with `unsupported modifier in substitution`",
    ),
    (
        "dac18c4c837a",
        &["bad-substitution"],
        "microsoft/vscode-dev-containers containers/r/.devcontainer/Dockerfile",
        "devcontainer template placeholder `${templateOption:...}`: BuildKit fails with `unsupported modifier in substitution`",
    ),
    (
        "dbfd81b7bca1",
        &["bad-substitution"],
        "devcontainers/templates src/cpp-mariadb/.devcontainer/Dockerfile",
        "devcontainer template placeholder `${templateOption:...}`: BuildKit fails with `unsupported modifier in substitution`",
    ),
    (
        "ddbeb4634ddb",
        &["flag-missing-value"],
        "containers/buildah tests/bud/copy-from/Dockerfile.bad",
        "a flag written `--flag value` without `=`: BuildKit fails with `missing a value on flag`",
    ),
    (
        "e17b110c66b9",
        &["bad-substitution"],
        "devcontainers/templates src/javascript-node-mongo/.devcontainer/Dockerfile",
        "devcontainer template placeholder `${templateOption:...}`: BuildKit fails with `unsupported modifier in substitution`",
    ),
    (
        "e198f2ff34c9",
        &["invalid-healthcheck", "missing-arguments"],
        "moby/buildkit frontend/dockerfile/parser/testfiles/health/Dockerfile",
        "parser test file with a bare `HEALTHCHECK`, `HEALTHCHECK CMD` and an unknown type",
    ),
    (
        "eb0708ea41dc",
        &["flag-missing-value"],
        "containers/buildah tests/bud/add-chown/Dockerfile.bad",
        "a flag written `--flag value` without `=`: BuildKit fails with `missing a value on flag`",
    ),
    (
        "ed1a665ac4fd",
        &["bad-substitution"],
        "devcontainers/templates src/javascript-node-postgres/.devcontainer/Dockerfile",
        "devcontainer template placeholder `${templateOption:...}`: BuildKit fails with `unsupported modifier in substitution`",
    ),
    (
        "eed5e1887186",
        &["invalid-healthcheck", "missing-arguments"],
        "moby/buildkit frontend/dockerfile/parser/testfiles/health/Dockerfile",
        "parser test file with a bare `HEALTHCHECK`, `HEALTHCHECK CMD` and an unknown type",
    ),
    (
        "ef8e344ce523",
        &["invalid-flag-value"],
        "containers/buildah tests/bud/buildkit-mount/Dockerfile2",
        "buildah-only `z` mount option: BuildKit fails with `invalid field 'z' must be a key=value pair`",
    ),
    (
        "f846d28179e2",
        &["unterminated-quote"],
        "bridgecrewio/checkov tests/dockerfile/checks/example_HealthcheckExists/failure/Dockerfile",
        "an unclosed quote in a word the builder expands: `unexpected end of statement while looking for matching quote`",
    ),
    (
        "f9677ea57c14",
        &["bad-substitution"],
        "microsoft/vscode-dev-containers containers/dart/.devcontainer/Dockerfile",
        "devcontainer template placeholder `${templateOption:...}`: BuildKit fails with `unsupported modifier in substitution`",
    ),
    (
        "fb7b5fa68ccf",
        &["missing-arguments"],
        "moby/buildkit frontend/dockerfile/parser/testfiles-negative/env_no_value/Dockerfile",
        "`ENV` with a name and no value: `ENV must have two arguments`",
    ),
    (
        "fd292410a059",
        &["invalid-from-arguments", "missing-arguments"],
        "docker/docker-language-server testdata/completion/Dockerfile",
        "language-server test file with a bare `FROM` and `FROM scratch AS` without a name",
    ),
    (
        "fdb7947a636c",
        &["bad-substitution"],
        "microsoft/vscode-dev-containers containers/dapr-dotnet/.devcontainer/Dockerfile",
        "devcontainer template placeholder `${templateOption:...}`: BuildKit fails with `unsupported modifier in substitution`",
    ),
];

/// Files tagged `unknown-instruction` (templates aside) and the lines of their unknown
/// instructions, checked by reading each file.
const UNKNOWN_INSTRUCTION_LINES: &[(&str, &[usize])] = &[
    ("29054fbda62c", &[7]),
    ("3c85d83ad65f", &[45, 46, 65]),
    ("443146b3b9dc", &[13]),
    ("4467d0a0892b", &[12]),
    ("4f02abb0ad63", &[17]),
    ("85280295e828", &[3]),
    ("925c0f3b8911", &[2]),
    // `# escape = ``` is an invalid escape directive, so the backtick does not continue
    // the ENV line and `\go` starts a line of its own.
    ("a502e4ff0f22", &[7]),
    ("e02009bab7b5", &[43]),
];

struct Entry {
    sha: String,
    path: PathBuf,
    features: Vec<String>,
}

fn corpus() -> Option<Vec<Entry>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let Ok(manifest) = std::fs::read_to_string(root.join("manifest.jsonl")) else {
        println!("notice: {} not found; corpus tests skipped", root.display());
        return None;
    };
    let entries = manifest
        .lines()
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).expect("manifest lines are JSON");
            let sha = v["sha256"].as_str().expect("sha256").to_string();
            let features = v["features"]
                .as_array()
                .expect("features")
                .iter()
                .map(|f| f.as_str().unwrap().to_string())
                .collect();
            Entry {
                path: root
                    .join("files")
                    .join(&sha[..2])
                    .join(format!("{sha}.Dockerfile")),
                sha,
                features,
            }
        })
        .collect();
    Some(entries)
}

fn read(entry: &Entry) -> String {
    std::fs::read_to_string(&entry.path).unwrap_or_else(|e| panic!("{}: {e}", entry.path.display()))
}

fn line_of(text: &str, offset: u32) -> usize {
    text[..offset as usize].matches('\n').count() + 1
}

#[test]
fn every_corpus_file_round_trips() {
    let Some(entries) = corpus() else { return };
    assert!(
        entries.len() >= 7000,
        "the corpus has {} files",
        entries.len()
    );
    let mut failures = Vec::new();
    for entry in &entries {
        let text = read(entry);
        let parse = parse(&text);
        if parse.tree().print() != text {
            failures.push(format!("{}: printed tree differs", entry.sha));
        }
        if let Err(e) = parse.tree().validate() {
            failures.push(format!("{}: {e}", entry.sha));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn main_set_has_syntax_errors_only_where_buildkit_rejects_the_file() {
    let Some(entries) = corpus() else { return };
    let excluded = ["template", "no-from", "unknown-instruction"];
    let mut found: BTreeMap<String, BTreeSet<&'static str>> = BTreeMap::new();
    for entry in entries
        .iter()
        .filter(|e| !e.features.iter().any(|f| excluded.contains(&f.as_str())))
    {
        let parse = parse(&read(entry));
        if !parse.errors().is_empty() {
            found.insert(
                entry.sha[..12].to_string(),
                parse.errors().iter().map(|e| e.code.name()).collect(),
            );
        }
    }
    let expected: BTreeMap<String, BTreeSet<&'static str>> = REJECTED_BY_BUILDKIT
        .iter()
        .map(|(sha, codes, _, _)| ((*sha).to_string(), codes.iter().copied().collect()))
        .collect();
    assert_eq!(found, expected);
}

#[test]
fn unknown_instructions_are_reported_on_their_lines() {
    let Some(entries) = corpus() else { return };
    let tagged: Vec<&Entry> = entries
        .iter()
        .filter(|e| {
            e.features.iter().any(|f| f == "unknown-instruction")
                && !e.features.iter().any(|f| f == "template")
        })
        .collect();
    let mut found = BTreeMap::new();
    for entry in tagged {
        let text = read(entry);
        let lines: Vec<usize> = parse(&text)
            .errors()
            .iter()
            .filter(|e| e.code == SyntaxErrorCode::UnknownInstruction)
            .map(|e| line_of(&text, e.range.start))
            .collect();
        found.insert(entry.sha[..12].to_string(), lines);
    }
    let expected: BTreeMap<String, Vec<usize>> = UNKNOWN_INSTRUCTION_LINES
        .iter()
        .map(|(sha, lines)| ((*sha).to_string(), lines.to_vec()))
        .collect();
    assert_eq!(found, expected);
}

#[test]
fn the_engine_plans_every_main_set_file() {
    let Some(entries) = corpus() else { return };
    let excluded = ["template", "no-from", "unknown-instruction"];
    let mut planned = 0;
    for entry in entries
        .iter()
        .filter(|e| !e.features.iter().any(|f| excluded.contains(&f.as_str())))
    {
        let text = read(entry);
        let parse = parse(&text);
        let build = dflint::semantic::evaluate(&parse, &dflint::semantic::BuildOptions::default());
        assert!(build.target.is_some(), "{}: no target stage", entry.sha);
        assert!(
            build.target_stage().is_some_and(|s| s.needed),
            "{}",
            entry.sha
        );
        let changed = ["src/main.go".to_string(), "package.json".to_string()];
        let rebuild = dflint::semantic::cache::simulate(&build, &changed, &|_| false);
        let report = dflint::render::PlanReport {
            path: &entry.sha,
            source: &text,
            build: &build,
            rebuild: Some(&rebuild),
        };
        let json: serde_json::Value =
            serde_json::from_str(&dflint::render::render_plan_json(&report, false))
                .unwrap_or_else(|e| panic!("{}: invalid plan JSON: {e}", entry.sha));
        assert_eq!(
            json["stages"].as_array().map(Vec::len),
            Some(build.stages.len())
        );
        planned += 1;
    }
    assert!(planned > 7000, "{planned} files planned");
}
