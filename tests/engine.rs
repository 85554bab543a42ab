//! The embedded build engine on Dockerfiles we write: scoping and expansion, stages and
//! their graph, image references, the image config, layers, the build context, cache
//! simulation and the comparison of builds.

use dflint::semantic::cache::simulate;
use dflint::semantic::compare::{Area, compare};
use dflint::semantic::context::BuildContext;
use dflint::semantic::expand::Value;
use dflint::semantic::{
    Base, Build, BuildOptions, EdgeKind, EdgeTarget, Field, ProblemKind, Source, evaluate,
};
use dflint::syntax::parse;

fn build(source: &str) -> Build {
    build_with(source, &BuildOptions::default())
}

fn build_with(source: &str, options: &BuildOptions) -> Build {
    evaluate(&parse(source), options)
}

fn env(b: &Build, stage: usize, name: &str) -> Option<String> {
    b.stages[stage].config.env_value(name).map(Value::display)
}

fn label(b: &Build, stage: usize, name: &str) -> Option<String> {
    b.stages[stage]
        .config
        .labels
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.display())
}

fn image(b: &Build, stage: usize) -> String {
    match &b.stages[stage].base {
        Base::Image(i) => i.normalized(),
        other => panic!("not an image: {other:?}"),
    }
}

fn problems(b: &Build) -> Vec<ProblemKind> {
    b.problems.iter().map(|p| p.kind).collect()
}

fn shown(field: &Field<Value>) -> Option<String> {
    field.as_set().map(Value::display)
}

#[test]
fn a_global_arg_is_empty_inside_a_stage_unless_declared_again() {
    let b = build("ARG V=1\nFROM scratch\nLABEL a=\"[$V]\"\nARG V\nLABEL b=\"[$V]\"\n");
    assert_eq!(label(&b, 0, "a").as_deref(), Some("[]"));
    assert_eq!(label(&b, 0, "b").as_deref(), Some("[1]"));
}

#[test]
fn global_args_expand_in_from_with_defaults_and_build_args() {
    let source = "ARG TAG\nARG REG=docker.io\nFROM ${REG}/library/alpine:${TAG:-3.20}\n";
    assert_eq!(image(&build(source), 0), "docker.io/library/alpine:3.20");
    let options = BuildOptions {
        build_args: vec![("TAG".into(), "edge".into())],
        ..BuildOptions::default()
    };
    assert_eq!(
        image(&build_with(source, &options), 0),
        "docker.io/library/alpine:edge"
    );
}

#[test]
fn unknown_values_stay_symbolic() {
    let b = build(
        "FROM --platform=$BUILDPLATFORM golang:1.22 AS b\nARG TARGETARCH\nLABEL arch=$TARGETARCH home=$HOME\n",
    );
    let platform = b.stages[0].platform.as_ref().unwrap();
    assert!(!platform.is_known());
    assert_eq!(platform.display(), "$BUILDPLATFORM");
    assert_eq!(label(&b, 0, "arch").as_deref(), Some("$TARGETARCH"));
    // HOME may come from the base image's Env: unknown, not empty.
    assert_eq!(label(&b, 0, "home").as_deref(), Some("$HOME"));
    let scratch = build("FROM scratch\nLABEL home=[$HOME]\n");
    assert_eq!(label(&scratch, 0, "home").as_deref(), Some("[]"));
}

#[test]
fn a_registry_port_is_not_a_tag() {
    let b = build("FROM localhost:5000/app\n");
    let Base::Image(i) = &b.stages[0].base else {
        panic!("{:?}", b.stages[0].base)
    };
    assert_eq!(i.registry(), "localhost:5000");
    assert_eq!(i.tag(), None);
    assert_eq!(i.normalized(), "localhost:5000/app:latest");
}

#[test]
fn env_expands_with_the_values_from_before_the_instruction() {
    let b = build("FROM scratch\nENV A=0\nENV A=1 B=${A}x\nENV C=$A\n");
    assert_eq!(env(&b, 0, "B").as_deref(), Some("0x"));
    assert_eq!(env(&b, 0, "C").as_deref(), Some("1"));
    let names: Vec<&str> = b.stages[0]
        .config
        .env
        .iter()
        .map(|(n, _)| n.as_str())
        .collect();
    assert_eq!(
        names,
        ["PATH", "A", "B", "C"],
        "the default PATH comes first; a redefined variable keeps its place"
    );
}

#[test]
fn env_wins_over_an_arg_of_the_same_name() {
    let options = BuildOptions {
        build_args: vec![("V".into(), "from-arg".into())],
        ..BuildOptions::default()
    };
    let b = build_with(
        "FROM scratch\nARG V\nLABEL a=$V\nENV V=from-env\nARG V\nLABEL b=$V\n",
        &options,
    );
    assert_eq!(label(&b, 0, "a").as_deref(), Some("from-arg"));
    assert_eq!(label(&b, 0, "b").as_deref(), Some("from-env"));
}

#[test]
fn stages_edges_targets_and_dead_stages() {
    let source = "\
FROM golang:1.22 AS build
RUN go build -o /app
FROM alpine AS unused
FROM build AS test
RUN go test
FROM scratch
COPY --from=0 /app /app
RUN --mount=type=cache,target=/c --mount=from=test,target=/t true
";
    let b = build(source);
    assert_eq!(b.target, Some(3));
    assert!(matches!(b.stages[2].base, Base::Stage(0)));
    assert!(matches!(b.stages[3].base, Base::Scratch));
    let edges: Vec<(usize, EdgeTarget, EdgeKind)> = b
        .edges
        .iter()
        .map(|e| (e.stage, e.target.clone(), e.kind))
        .collect();
    assert!(edges.contains(&(3, EdgeTarget::Stage(0), EdgeKind::CopyFrom)));
    assert!(edges.contains(&(3, EdgeTarget::Stage(2), EdgeKind::MountFrom)));
    assert!(edges.contains(&(2, EdgeTarget::Stage(0), EdgeKind::From)));
    let dead: Vec<usize> = b.dead_stages().map(|s| s.index).collect();
    assert_eq!(dead, [1]);
    let options = BuildOptions {
        target: Some("test".into()),
        ..BuildOptions::default()
    };
    let b = build_with(source, &options);
    let dead: Vec<usize> = b.dead_stages().map(|s| s.index).collect();
    assert_eq!(dead, [1, 3]);
    let options = BuildOptions {
        target: Some("nope".into()),
        ..BuildOptions::default()
    };
    assert_eq!(
        problems(&build_with(source, &options)),
        [ProblemKind::UnknownTarget]
    );
}

#[test]
fn forward_references_and_cycles_are_reported() {
    let b =
        build("FROM scratch AS a\nCOPY --from=b /x /x\nFROM scratch AS b\nCOPY --from=2 /y /y\n");
    assert_eq!(
        problems(&b),
        [ProblemKind::ForwardReference, ProblemKind::ForwardReference]
    );
    let b = build("FROM scratch AS a\nCOPY --from=a /x /x\n");
    assert_eq!(problems(&b), [ProblemKind::CircularDependency]);
    let b = build("FROM b AS a\nFROM a AS b\n");
    assert!(
        problems(&b).is_empty(),
        "`FROM b` before b is defined names an image: {:?}",
        b.problems
    );
    assert!(matches!(b.stages[1].base, Base::Stage(0)));
}

#[test]
fn shell_form_cmd_uses_the_stage_shell() {
    let b = build(
        "FROM scratch\nCMD echo hi\nFROM scratch\nSHELL [\"/bin/bash\", \"-eo\", \"pipefail\", \"-c\"]\nCMD echo hi\n",
    );
    assert_eq!(
        b.stages[0].config.cmd,
        Field::Set(vec!["/bin/sh".into(), "-c".into(), "echo hi".into()])
    );
    assert_eq!(
        b.stages[1].config.cmd,
        Field::Set(vec![
            "/bin/bash".into(),
            "-eo".into(),
            "pipefail".into(),
            "-c".into(),
            "echo hi".into()
        ])
    );
}

#[test]
fn entrypoint_resets_an_inherited_cmd_but_not_one_set_in_the_stage() {
    let b = build(
        "FROM scratch AS base\nCMD [\"serve\"]\nFROM base\nENTRYPOINT [\"app\"]\nFROM base\nCMD [\"run\"]\nENTRYPOINT [\"app\"]\n",
    );
    assert_eq!(b.stages[1].config.cmd, Field::Unset);
    assert_eq!(
        b.stages[1].config.entrypoint,
        Field::Set(vec!["app".into()])
    );
    assert_eq!(b.stages[2].config.cmd, Field::Set(vec!["run".into()]));
}

#[test]
fn image_config_fields() {
    let source = "\
FROM ubuntu:24.04
ARG APP=/srv
USER 1000:1000
WORKDIR $APP
WORKDIR data/../logs
EXPOSE 80 53/UDP 80/tcp
VOLUME [\"/data\"]
VOLUME /cache /tmp
LABEL org.opencontainers.image.title=\"my app\"
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --retries=3 CMD curl -f http://localhost/ || exit 1
ONBUILD COPY . /src
";
    let c = build(source).stages[0].config.clone();
    assert!(c.inherits_image);
    assert_eq!(shown(&c.user).as_deref(), Some("1000:1000"));
    assert_eq!(shown(&c.working_dir).as_deref(), Some("/srv/logs"));
    assert_eq!(c.exposed_ports, ["53/udp", "80/tcp"]);
    assert_eq!(c.volumes, ["/data", "/cache", "/tmp"]);
    assert_eq!(c.labels[0].1.display(), "my app");
    assert_eq!(shown(&c.stop_signal).as_deref(), Some("SIGTERM"));
    let Field::Set(h) = &c.healthcheck else {
        panic!()
    };
    assert_eq!(h.test, ["CMD-SHELL", "curl -f http://localhost/ || exit 1"]);
    assert_eq!(h.interval.as_deref(), Some("30s"));
    assert_eq!(h.retries.as_deref(), Some("3"));
    assert_eq!(c.on_build, ["COPY . /src"]);
    assert_eq!(c.entrypoint, Field::Inherited);
    let scratch = build("FROM scratch\nWORKDIR app\n").stages[0]
        .config
        .clone();
    assert_eq!(shown(&scratch.working_dir).as_deref(), Some("/app"));
    assert_eq!(scratch.user, Field::Unset);
}

#[test]
fn layers_and_their_cache_inputs() {
    let source = "\
FROM python:3.12
ARG PIP_INDEX=https://pypi.org/simple
ENV PYTHONDONTWRITEBYTECODE=1
WORKDIR /app
COPY --chown=app requirements.txt ./
RUN --mount=type=cache,target=/root/.cache pip install -r requirements.txt
USER app
COPY <<MOTD /etc/motd
hello
MOTD
";
    let b = build(source);
    let stage = &b.stages[0];
    let kinds: Vec<&str> = stage
        .layers
        .iter()
        .map(|l| l.kind.keyword().unwrap())
        .collect();
    assert_eq!(kinds, ["WORKDIR", "COPY", "RUN", "COPY"]);
    let steps_with_layers = stage.steps.iter().filter(|s| s.layer.is_some()).count();
    assert_eq!((stage.steps.len(), steps_with_layers), (7, 4));
    let copy = &stage.layers[1];
    assert_eq!(copy.flags, ["--chown=app"]);
    assert_eq!(
        copy.sources,
        [Source::Context {
            pattern: "requirements.txt".into(),
            files: None,
            excluded: None
        }]
    );
    let run = &stage.layers[2];
    assert_eq!(run.flags, ["--mount=type=cache,target=/root/.cache"]);
    let run_env: Vec<String> = run
        .env
        .iter()
        .map(|(k, v)| format!("{k}={}", v.display()))
        .collect();
    assert_eq!(
        run_env,
        [
            "PIP_INDEX=https://pypi.org/simple",
            "PYTHONDONTWRITEBYTECODE=1"
        ]
    );
    assert_eq!(stage.layers[3].sources, [Source::Heredoc("MOTD".into())]);
}

#[test]
fn the_build_context_resolves_sources_with_dockerignore() {
    let files = [
        "app/main.py",
        "app/debug.log",
        "app/keep.log",
        "node_modules/x/index.js",
        "requirements.txt",
        ".git/HEAD",
    ];
    let context = BuildContext::new(
        files.iter().map(|f| (*f).to_string()).collect(),
        Some("node_modules\n**/*.log\n!app/keep.log\n.git\n"),
    );
    let options = BuildOptions {
        context: Some(context),
        ..BuildOptions::default()
    };
    let b = build_with(
        "FROM scratch\nCOPY . /src\nCOPY *.txt /\nCOPY missing.txt /\nCOPY node_modules /nm\n",
        &options,
    );
    let Source::Context {
        files, excluded, ..
    } = &b.stages[0].layers[0].sources[0]
    else {
        panic!()
    };
    assert_eq!(
        files.as_deref().unwrap(),
        ["app/keep.log", "app/main.py", "requirements.txt"]
    );
    assert_eq!(excluded.as_ref().unwrap().len(), 3);
    let Source::Context { files, .. } = &b.stages[0].layers[1].sources[0] else {
        panic!()
    };
    assert_eq!(files.as_deref().unwrap(), ["requirements.txt"]);
    assert_eq!(
        problems(&b),
        [ProblemKind::SourceNotFound, ProblemKind::SourceExcluded]
    );
}

fn rebuilt_commands(source: &str, changed: &str) -> Vec<String> {
    let b = build(source);
    let result = simulate(&b, &[changed.to_string()], &|_| false);
    b.stages[0]
        .layers
        .iter()
        .enumerate()
        .filter(|(i, _)| result[0].rebuilds(*i))
        .map(|(_, l)| l.command.clone())
        .collect()
}

#[test]
fn a_source_change_reruns_the_install_only_when_the_whole_context_is_copied_first() {
    let whole = "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD python app.py\n";
    assert_eq!(
        rebuilt_commands(whole, "src/app.py"),
        ["COPY . .", "pip install -r requirements.txt"]
    );
    let manifest_first = "FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\n";
    assert_eq!(rebuilt_commands(manifest_first, "src/app.py"), ["COPY . ."]);
    assert_eq!(
        rebuilt_commands(manifest_first, "requirements.txt").len(),
        3
    );
}

#[test]
fn rebuilds_propagate_to_dependent_stages() {
    let source = "FROM golang AS build\nCOPY . .\nRUN go build\nFROM alpine\nRUN apk add ca-certificates\nCOPY --from=build /out /app\nFROM build AS test\nRUN go test\n";
    let b = build(source);
    let r = simulate(&b, &["main.go".to_string()], &|_| false);
    assert_eq!(r[0].first_layer, Some(0));
    assert_eq!(r[1].first_layer, Some(1), "the apk layer stays cached");
    assert_eq!(r[2].first_layer, Some(0));
    let ignored = simulate(&b, &["main.go".to_string()], &|p| p == "main.go");
    assert!(ignored.iter().all(|s| s.first_layer.is_none()));
}

#[test]
fn merged_runs_compare_equal_and_a_changed_user_does_not() {
    let split = build("FROM alpine\nRUN apk add curl\nRUN rm -rf /var/cache/apk/*\nUSER app\n");
    let merged =
        build("FROM alpine\nRUN apk add curl && \\\n    rm -rf /var/cache/apk/*\nUSER app\n");
    assert_eq!(compare(&split, &merged), []);
    let root = build("FROM alpine\nRUN apk add curl && rm -rf /var/cache/apk/*\nUSER root\n");
    let diffs = compare(&merged, &root);
    assert_eq!(diffs.len(), 1, "{diffs:?}");
    assert_eq!(diffs[0].area, Area::Config);
    assert_eq!(diffs[0].subject, "config.User");
    let pinned = build("FROM alpine:3.20\nRUN apk add curl && rm -rf /var/cache/apk/*\nUSER app\n");
    let diffs = compare(&merged, &pinned);
    let areas: Vec<Area> = diffs.iter().map(|d| d.area).collect();
    assert_eq!(areas, [Area::Stages, Area::Graph], "{diffs:?}");
}

#[test]
fn proxy_build_args_reach_run_without_an_arg_declaration() {
    let options = BuildOptions {
        build_args: vec![
            ("HTTPS_PROXY".into(), "http://proxy:3128".into()),
            ("OTHER".into(), "x".into()),
        ],
        ..BuildOptions::default()
    };
    let b = build_with("FROM alpine\nRUN apk add curl\n", &options);
    let env: Vec<String> = b.stages[0].layers[0]
        .env
        .iter()
        .map(|(k, v)| format!("{k}={}", v.display()))
        .collect();
    assert_eq!(
        env,
        ["HTTPS_PROXY=http://proxy:3128"],
        "an undeclared ordinary build arg stays out"
    );
}
