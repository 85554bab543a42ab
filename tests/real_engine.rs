//! The engine's predicted image config against the config of images that a real engine
//! builds from the same Dockerfiles.
//!
//! The real engine is buildah (`bud --isolation chroot --storage-driver vfs --format docker
//! --pull=never`), run on a temporary image store that is removed at the end. Nothing is
//! downloaded: most Dockerfiles are `FROM scratch`, and those that RUN something use a
//! busybox image built here from the static busybox binary (`busybox-static` on Debian).
//! The test prints a notice and passes when buildah is not installed or cannot build here.
//!
//! BuildKit is the reference for the engine. Where buildah 1.28 differs from BuildKit the
//! comparison adapts, and each adaptation names the difference (see "Where the real
//! engines disagree" in the project's reference notes):
//! - buildah writes `[]`/`{}` where BuildKit writes `null`: empty lists compare equal to
//!   absent ones.
//! - buildah adds the label `io.buildah.version`: ignored.
//! - BuildKit writes `WorkingDir: "/"` when no WORKDIR is set; buildah leaves it empty:
//!   an unset working directory is expected as `""`.
//! - After SHELL, BuildKit wraps a shell-form CMD/ENTRYPOINT in that shell; buildah 1.28
//!   uses `/bin/sh -c`: cases marked `buildah_ignores_shell` expect `/bin/sh -c` there.
//! - BuildKit carries a stage's ARGs into a stage built `FROM` it; buildah does not: the
//!   entries this changes are listed per case in `buildah_env`.
//! - BuildKit lowercases the protocol of EXPOSE (`8080/UDP` -> `8080/udp`); buildah keeps
//!   it as written: buildah's ports are lowercased before comparing.
//! - buildah rejects `${V-d}`, `${V+d}`, `${V#p}` and `${V%p}`: not used here.
//!
//! Not exercised, because buildah cannot tell: BuildKit expands a port range (`EXPOSE
//! 7000-7002` -> three ports) and cleans port numbers (`080` -> `80`); buildah keeps both
//! as written.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

use dflint::semantic::{BuildOptions, evaluate};
use dflint::syntax::{SyntaxKind, parse};
use dflint::verify::{BuiltConfig, predicted_config};
use serde_json::Value as Json;

/// The local base image for Dockerfiles that RUN something.
const BUSYBOX: &str = "localhost/dflint-busybox";

/// Where a `RUN env > ...` step writes the environment it saw.
const RUN_ENV_FILE: &str = "dflint-run-env";

struct Case {
    name: &'static str,
    dockerfile: &'static str,
    build_args: &'static [(&'static str, &'static str)],
    target: Option<&'static str>,
    /// Builds on the busybox image.
    busybox: bool,
    /// The target stage's last RUN is `RUN env > /dflint-run-env`: compare the environment
    /// it saw with the engine's prediction for that RUN.
    run_env: bool,
    /// buildah 1.28 wraps shell-form CMD/ENTRYPOINT in `/bin/sh -c` even after SHELL;
    /// BuildKit (and the engine) use the SHELL.
    buildah_ignores_shell: bool,
    /// Env entries (in the config and in the RUN environment) that buildah 1.28 writes
    /// differently from BuildKit, as (the engine's `NAME=value`, buildah's or `None` when
    /// buildah has no such entry). buildah does not carry a stage's ARGs into a stage
    /// built `FROM` it; BuildKit does (`ds.buildArgs = append(ds.buildArgs,
    /// ds.base.buildArgs...)` in dockerfile2llb), and so does the engine.
    buildah_env: &'static [(&'static str, Option<&'static str>)],
}

const CASE: Case = Case {
    name: "",
    dockerfile: "",
    build_args: &[],
    target: None,
    busybox: false,
    run_env: false,
    buildah_ignores_shell: false,
    buildah_env: &[],
};

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "env-uses-old-values",
            dockerfile: "FROM scratch\nENV A=1 B=${A}x\nENV A=2 C=${A}y D=$B\n",
            ..CASE
        },
        Case {
            name: "env-legacy-form-and-quotes",
            dockerfile: concat!(
                "FROM scratch\n",
                "ENV GREETING hello   big world\n",
                "ENV Q=\"a b\" R='c $GREETING' S=\\$Q T=\"x\\\"y\" U=pre${GREETING}post\n",
                "ENV EMPTY= LAST=\"$R\"\n",
            ),
            ..CASE
        },
        Case {
            name: "env-modifiers",
            dockerfile: concat!(
                "FROM scratch\n",
                "ENV V=value\n",
                // buildah 1.28 rejects `${V-d}`, `${V+d}`, `${V#p}` and `${V%p}` ("Missing ':'
                // in substitution"), which BuildKit supports: only the `:` forms here.
                "ENV A=${V:-d} B=${NOPE:-d} C=${V:+alt} D=${NOPE:+alt} E=${EMPTY:-d}\n",
            ),
            ..CASE
        },
        Case {
            name: "arg-default",
            dockerfile: "FROM scratch\nARG V=def\nARG W\nENV X=$V Y=${V:-none} Z=${W:-unset}\n",
            ..CASE
        },
        Case {
            name: "arg-build-arg",
            dockerfile: "FROM scratch\nARG V=def\nARG W\nENV X=$V Y=[$W]\nLABEL v=$V\n",
            build_args: &[("V", "cli"), ("W", "given")],
            ..CASE
        },
        Case {
            name: "global-arg-redeclared",
            dockerfile: concat!(
                "ARG G=glob\n",
                "ARG H=other\n",
                "FROM scratch\n",
                "ENV BEFORE=[$G]\n",
                "ARG G\n",
                "ARG H=stage\n",
                "ENV AFTER=[$G] H=$H\n",
            ),
            ..CASE
        },
        Case {
            name: "global-arg-build-arg",
            dockerfile: concat!(
                "ARG G=glob\n",
                "ARG BASE=scratch\n",
                "FROM ${BASE}\n",
                "ARG G\n",
                "LABEL g=$G base=[$BASE]\n",
            ),
            build_args: &[("G", "cli")],
            ..CASE
        },
        Case {
            name: "env-wins-over-arg",
            dockerfile: "FROM scratch\nARG X=arg\nENV X=env\nARG X=arg2\nENV Y=$X\n",
            ..CASE
        },
        Case {
            name: "shell-with-exec-form",
            dockerfile: concat!(
                "FROM scratch\n",
                "SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\n",
                "ENTRYPOINT [\"/app\", \"--serve\"]\n",
                "CMD [\"--port\", \"80\"]\n",
            ),
            ..CASE
        },
        Case {
            name: "shell-with-shell-form",
            dockerfile: concat!(
                "FROM scratch\n",
                "SHELL [\"/bin/bash\", \"-c\"]\n",
                "ENTRYPOINT exec /app\n",
                "CMD echo \"$HOME\" && ls\n",
            ),
            buildah_ignores_shell: true,
            ..CASE
        },
        Case {
            name: "cmd-shell-form",
            dockerfile: "FROM scratch\nCMD   echo \"hello $HOME\" | cat  \n",
            ..CASE
        },
        Case {
            name: "cmd-kept-when-entrypoint-follows-in-same-stage",
            dockerfile: "FROM scratch\nCMD [\"--help\"]\nENTRYPOINT [\"/app\"]\n",
            ..CASE
        },
        Case {
            name: "entrypoint-resets-inherited-cmd",
            dockerfile: concat!(
                "FROM scratch AS base\n",
                "CMD [\"/base-cmd\"]\n",
                "FROM base\n",
                "ENTRYPOINT /entry\n",
            ),
            ..CASE
        },
        Case {
            name: "cmd-keeps-inherited-entrypoint",
            dockerfile: concat!(
                "FROM scratch AS base\n",
                "ENTRYPOINT [\"/entry\"]\n",
                "CMD [\"a\"]\n",
                "FROM base\n",
                "CMD [\"b\"]\n",
            ),
            ..CASE
        },
        Case {
            name: "empty-entrypoint-resets",
            dockerfile: concat!(
                "FROM scratch AS base\n",
                "ENTRYPOINT [\"/entry\"]\n",
                "CMD [\"a\"]\n",
                "FROM base\n",
                "ENTRYPOINT []\n",
            ),
            ..CASE
        },
        Case {
            name: "user",
            dockerfile: "FROM scratch\nUSER root\nENV U=app\nUSER ${U}:1000\n",
            ..CASE
        },
        Case {
            name: "workdir-relative-after-absolute",
            dockerfile: concat!(
                "FROM scratch\n",
                "WORKDIR /a\n",
                "WORKDIR b\n",
                "WORKDIR ../c/./d/\n",
                "ENV W=e\n",
                "WORKDIR $W\n",
            ),
            ..CASE
        },
        Case {
            name: "workdir-relative-first",
            dockerfile: "FROM scratch\nWORKDIR rel/dir\n",
            ..CASE
        },
        Case {
            name: "expose-protocols",
            dockerfile: concat!(
                "FROM scratch\n",
                "ENV P=9000/sctp\n",
                "EXPOSE 80 443/tcp 53/udp\n",
                "EXPOSE 8080/UDP $P 80\n",
            ),
            ..CASE
        },
        Case {
            name: "expose-variable-with-several-ports",
            dockerfile: "FROM scratch\nENV PORTS=\"80 443/udp\"\nEXPOSE $PORTS\n",
            ..CASE
        },
        Case {
            name: "label-quotes",
            dockerfile: concat!(
                "FROM scratch\n",
                "ENV WHO=me\n",
                "LABEL \"com.example.name\"=\"My App\" desc='single $WHO' multi=\"a \\\"b\\\" c\"\n",
                "LABEL empty=\"\" who=$WHO spaced=\"  x  \" \\\n",
                "      continued=yes\n",
                "LABEL desc=replaced\n",
            ),
            ..CASE
        },
        Case {
            name: "volume",
            dockerfile: concat!(
                "FROM scratch\n",
                "ENV V=/var/lib/x\n",
                "VOLUME /data\n",
                "VOLUME [\"/a\", \"/b\"]\n",
                "VOLUME /c $V\n",
            ),
            ..CASE
        },
        Case {
            name: "stopsignal",
            dockerfile: "FROM scratch\nARG SIG=SIGQUIT\nSTOPSIGNAL $SIG\n",
            ..CASE
        },
        Case {
            name: "healthcheck-shell-form",
            dockerfile: concat!(
                "FROM scratch\n",
                "HEALTHCHECK --interval=30s --timeout=5s --start-period=1m30s --retries=3 \\\n",
                "  CMD curl -f http://localhost/ || exit 1\n",
            ),
            ..CASE
        },
        Case {
            name: "healthcheck-exec-form-then-none",
            dockerfile: concat!(
                "FROM scratch AS base\n",
                "HEALTHCHECK --interval=1.5s CMD [\"/check\", \"--fast\"]\n",
                "FROM base AS checked\n",
                "LABEL stage=checked\n",
                "FROM checked\n",
                "HEALTHCHECK NONE\n",
            ),
            ..CASE
        },
        Case {
            name: "healthcheck-inherited",
            dockerfile: concat!(
                "FROM scratch AS base\n",
                "HEALTHCHECK --timeout=2s CMD [\"/check\"]\n",
                "FROM base\n",
                "LABEL child=1\n",
            ),
            ..CASE
        },
        Case {
            name: "onbuild",
            dockerfile: concat!(
                "FROM scratch\n",
                "ONBUILD RUN echo \"built on $HOME\"\n",
                "ONBUILD ENV X=1\n",
                "onbuild copy . /src\n",
            ),
            ..CASE
        },
        Case {
            name: "multi-stage-inheritance",
            dockerfile: concat!(
                "FROM scratch AS base\n",
                "ARG FROM_BASE=base-arg\n",
                "ENV A=1 PATH=/opt/bin\n",
                "LABEL stage=base keep=yes\n",
                "USER nobody\n",
                "WORKDIR /srv\n",
                "EXPOSE 80\n",
                "VOLUME /data\n",
                "STOPSIGNAL SIGINT\n",
                "SHELL [\"/bin/ash\", \"-c\"]\n",
                "COPY hello.txt .\n",
                "FROM base AS child\n",
                "ENV B=$A-2 C=[$FROM_BASE]\n",
                "LABEL stage=child\n",
                "WORKDIR app\n",
                "EXPOSE 443\n",
                "VOLUME /logs\n",
            ),
            buildah_env: &[("C=[base-arg]", Some("C=[]"))],
            ..CASE
        },
        Case {
            name: "onbuild-triggers-run-in-child-stage",
            dockerfile: concat!(
                "FROM scratch AS base\n",
                "ENV COUNT=n\n",
                "ONBUILD ENV COUNT=${COUNT}x\n",
                "ONBUILD LABEL triggered=yes\n",
                "ONBUILD WORKDIR /from-trigger\n",
                "LABEL base=1\n",
                "FROM base AS child\n",
                "LABEL child=1\n",
                "FROM child\n",
                "LABEL grandchild=1\n",
            ),
            ..CASE
        },
        Case {
            name: "target-stage",
            dockerfile: concat!(
                "FROM scratch AS one\n",
                "LABEL stage=one\n",
                "FROM one AS two\n",
                "ENV TWO=2\n",
                "CMD [\"two\"]\n",
                "FROM two AS three\n",
                "ENV THREE=3\n",
            ),
            target: Some("two"),
            ..CASE
        },
        Case {
            name: "copy-from-does-not-inherit",
            dockerfile: concat!(
                "FROM localhost/dflint-busybox AS build\n",
                "ENV BUILD=1\n",
                "WORKDIR /work\n",
                "RUN echo made > out.txt\n",
                "USER nobody\n",
                "FROM scratch\n",
                "COPY --from=build /work/out.txt /out.txt\n",
                "COPY --from=0 /work/out.txt /again.txt\n",
                "COPY hello.txt /\n",
                "ENV FINAL=yes\n",
                "CMD [\"/out.txt\"]\n",
            ),
            busybox: true,
            ..CASE
        },
        Case {
            name: "busybox-base-inherits",
            dockerfile: concat!(
                "FROM localhost/dflint-busybox\n",
                "RUN mkdir -p /opt/app\n",
                // Not `$PATH`: the engine does not know an external image's Env.
                "ENV PATH=/opt/app:/bin APP=1\n",
                "WORKDIR /opt/app\n",
                "CMD app --serve\n",
            ),
            busybox: true,
            ..CASE
        },
        Case {
            name: "run-environment",
            dockerfile: concat!(
                "ARG G=glob\n",
                "ARG UNUSED=never\n",
                "FROM localhost/dflint-busybox\n",
                "ARG G\n",
                "ARG A=arg-default\n",
                "ARG B\n",
                "ARG C=c-default\n",
                "ENV E=env C=env-wins\n",
                "RUN env > /dflint-run-env\n",
            ),
            build_args: &[("B", "from-cli")],
            busybox: true,
            run_env: true,
            ..CASE
        },
        Case {
            name: "run-environment-in-child-stage",
            dockerfile: concat!(
                "FROM localhost/dflint-busybox AS base\n",
                "ARG PARENT=parent-arg\n",
                "ENV PARENT_ENV=p\n",
                "FROM base\n",
                "ARG CHILD=child-arg\n",
                "RUN env > /dflint-run-env\n",
            ),
            busybox: true,
            run_env: true,
            buildah_env: &[("PARENT=parent-arg", None)],
            ..CASE
        },
    ]
}

/// buildah 1.28 wraps shell-form CMD/ENTRYPOINT in `/bin/sh -c` even after SHELL.
fn as_buildah_wraps(command: &mut Vec<String>, shell: &[String]) {
    if !shell.is_empty() && command.len() == shell.len() + 1 && command.starts_with(shell) {
        let text = command.pop().unwrap_or_default();
        *command = vec!["/bin/sh".into(), "-c".into(), text];
    }
}

/// Rewrites Env entries as buildah writes them (see [`Case::buildah_env`]); returns
/// whether any entry was rewritten.
fn as_buildah_env(env: &mut Vec<String>, differences: &[(&str, Option<&str>)]) -> bool {
    let mut applied = false;
    for (engine, buildah) in differences {
        if let Some(at) = env.iter().position(|e| e == engine) {
            applied = true;
            match buildah {
                Some(entry) => env[at] = (*entry).to_string(),
                None => {
                    env.remove(at);
                }
            }
        }
    }
    applied
}

/// buildah on a temporary store.
struct Buildah {
    store: PathBuf,
}

impl Buildah {
    fn command(&self) -> Command {
        let mut command = Command::new("buildah");
        command
            .arg("--root")
            .arg(self.store.join("root"))
            .arg("--runroot")
            .arg(self.store.join("run"))
            .args(["--storage-driver", "vfs"]);
        command
    }

    fn run(&self, args: &[&str]) -> Result<String, String> {
        let output = self
            .command()
            .args(args)
            .output()
            .map_err(|e| format!("cannot run buildah: {e}"))?;
        ok(&output)
    }

    fn build(
        &self,
        context: &Path,
        dockerfile: &Path,
        tag: &str,
        target: Option<&str>,
        build_args: &[(&str, &str)],
    ) -> Result<(), String> {
        let mut command = self.command();
        command
            .args([
                "bud",
                "--pull=never",
                "--isolation",
                "chroot",
                "--format",
                "docker",
                "--quiet",
            ])
            .arg("-f")
            .arg(dockerfile)
            .args(["-t", tag]);
        if let Some(target) = target {
            command.args(["--target", target]);
        }
        for (name, value) in build_args {
            command.arg("--build-arg").arg(format!("{name}={value}"));
        }
        let output = command
            .arg(context)
            .output()
            .map_err(|e| format!("cannot run buildah: {e}"))?;
        ok(&output).map(drop)
    }

    /// The Docker config of a built image.
    fn config(&self, tag: &str) -> Result<Json, String> {
        let out = self.run(&["inspect", "--type", "image", tag])?;
        let json: Json = serde_json::from_str(&out).map_err(|e| format!("inspect: {e}"))?;
        Ok(json["Docker"]["config"].clone())
    }

    /// A file of a built image.
    ///
    /// `None` when images cannot be looked into here (`buildah mount` needs root, or
    /// `buildah unshare` when rootless): the caller skips the check with a notice.
    fn read_file(&self, tag: &str, path: &str) -> Option<Result<String, String>> {
        let container = match self.run(&["from", "--pull=never", tag]) {
            Ok(out) => out.trim().to_string(),
            Err(e) => return Some(Err(e)),
        };
        let result = match self.run(&["mount", &container]) {
            Ok(root) => {
                let file = Path::new(root.trim()).join(path);
                Some(std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display())))
            }
            Err(e) => {
                println!("NOTICE: not comparing RUN environments: cannot mount images here: {e}");
                None
            }
        };
        let _ = self.run(&["umount", &container]);
        let _ = self.run(&["rm", &container]);
        result
    }
}

impl Drop for Buildah {
    fn drop(&mut self) {
        // Remove every container and image of the temporary store, so that no mounted
        // layer is left behind when the directory goes.
        let _ = self.run(&["rm", "--all"]);
        let _ = self.run(&["rmi", "--all", "--force"]);
    }
}

fn ok(output: &Output) -> Result<String, String> {
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(6).collect();
        Err(format!(
            "buildah failed ({}): {}",
            output.status,
            tail.into_iter().rev().collect::<Vec<_>>().join(" | ")
        ))
    }
}

fn find_busybox() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .chain([PathBuf::from("/bin"), PathBuf::from("/usr/bin")])
        .map(|dir| dir.join("busybox"))
        .find(|p| p.is_file())
}

/// Builds the busybox base image: the static binary and its applet links.
fn build_busybox(buildah: &Buildah, dir: &Path) -> Result<BuiltConfig, String> {
    let busybox = find_busybox().ok_or("no busybox binary (install busybox-static)")?;
    let context = dir.join("busybox");
    std::fs::create_dir_all(&context).map_err(|e| e.to_string())?;
    std::fs::copy(&busybox, context.join("busybox")).map_err(|e| e.to_string())?;
    let dockerfile = context.join("Dockerfile");
    std::fs::write(
        &dockerfile,
        "FROM scratch\nCOPY busybox /bin/busybox\nRUN [\"/bin/busybox\", \"--install\", \"-s\", \"/bin\"]\n",
    )
    .map_err(|e| e.to_string())?;
    buildah.build(&context, &dockerfile, BUSYBOX, None, &[])?;
    Ok(BuiltConfig::from_docker_json(&buildah.config(BUSYBOX)?, ""))
}

/// Compares one field, recording a readable line when it differs.
/// The fields where the prediction and the built config differ, each with both values.
fn compare_configs(predicted: &BuiltConfig, real: &BuiltConfig) -> Vec<String> {
    predicted
        .fields()
        .into_iter()
        .zip(real.fields())
        .filter(|((_, p), (_, r))| p != r)
        .map(|((name, p), (_, r))| format!("{name}:\n      engine:  {p}\n      buildah: {r}"))
        .collect()
}

/// Variables the runtime or the shell adds to every RUN: not build inputs.
const RUNTIME_VARIABLES: &[&str] = &["HOSTNAME", "HOME", "PWD", "SHLVL"];

/// Compares the environment a RUN saw with the engine's prediction for that RUN (plus
/// the base image's Env, which the engine leaves to the image).
fn compare_run_env(
    predicted: &dflint::semantic::RunEnv,
    base: &BuiltConfig,
    case: &Case,
    seen: &str,
) -> (Vec<String>, bool) {
    // By name: a RUN's variable replaces the base image's of the same name.
    let mut by_name: BTreeMap<String, String> = base
        .env
        .iter()
        .map(|e| {
            let (name, value) = e.split_once('=').unwrap_or((e, ""));
            (name.to_string(), value.to_string())
        })
        .collect();
    for (name, value) in predicted.iter() {
        let value = value
            .known()
            .unwrap_or_else(|| format!("<unknown: {}>", value.display()));
        by_name.insert(name.clone(), value);
    }
    let mut expected: Vec<String> = by_name.iter().map(|(n, v)| format!("{n}={v}")).collect();
    let applied = as_buildah_env(&mut expected, case.buildah_env);
    let expected: BTreeSet<String> = expected.into_iter().collect();
    let seen: BTreeSet<String> = seen
        .lines()
        .filter(|l| {
            let name = l.split_once('=').map_or(*l, |(n, _)| n);
            !RUNTIME_VARIABLES.contains(&name)
        })
        .map(str::to_string)
        .collect();
    let mut report = Vec::new();
    if expected != seen {
        report.push(format!(
            "RUN environment:\n      engine:  {expected:?}\n      buildah: {seen:?}"
        ));
    }
    (report, applied)
}

/// Checks one case, returning what differs.
fn check(
    buildah: &Buildah,
    dir: &Path,
    number: usize,
    case: &Case,
    busybox: &BuiltConfig,
) -> Vec<String> {
    let options = BuildOptions {
        target: case.target.map(str::to_string),
        build_args: case
            .build_args
            .iter()
            .map(|(n, v)| ((*n).to_string(), (*v).to_string()))
            .collect(),
        context: None,
    };
    let build = evaluate(&parse(case.dockerfile), &options);
    let mut report: Vec<String> = build
        .problems
        .iter()
        .map(|p| format!("engine problem: {}", p.message))
        .collect();
    let Some(stage) = build.target_stage() else {
        report.push("the engine found no target stage".into());
        return report;
    };
    let mut predicted = match predicted_config(&stage.config, busybox) {
        Ok(c) => c,
        Err(e) => {
            report.push(e);
            return report;
        }
    };
    if case.buildah_ignores_shell {
        let shell = predicted.shell.clone();
        as_buildah_wraps(&mut predicted.cmd, &shell);
        as_buildah_wraps(&mut predicted.entrypoint, &shell);
    }
    let mut env_difference_applied = as_buildah_env(&mut predicted.env, case.buildah_env);

    let dockerfile = dir.join(format!("Dockerfile.{number}"));
    if let Err(e) = std::fs::write(&dockerfile, case.dockerfile) {
        report.push(e.to_string());
        return report;
    }
    let tag = format!("localhost/dflint-case-{number}");
    let context = dir.join("context");
    if let Err(e) = buildah.build(&context, &dockerfile, &tag, case.target, case.build_args) {
        report.push(e);
        return report;
    }
    match buildah.config(&tag) {
        Ok(json) => report.extend(compare_configs(
            &predicted,
            &BuiltConfig::from_docker_json(&json, ""),
        )),
        Err(e) => report.push(e),
    }
    if case.run_env {
        let last_run = stage
            .layers
            .iter()
            .rev()
            .find(|l| l.kind == SyntaxKind::RUN_INSTR);
        match (last_run, buildah.read_file(&tag, RUN_ENV_FILE)) {
            (Some(layer), Some(Ok(seen))) => {
                let (lines, applied) = compare_run_env(&layer.env, busybox, case, &seen);
                report.extend(lines);
                env_difference_applied |= applied;
            }
            (None, _) => report.push("the engine found no RUN in the target stage".into()),
            (_, Some(Err(e))) => report.push(format!("cannot read /{RUN_ENV_FILE}: {e}")),
            // Cannot look into images here (notice printed): nor tell whether a difference
            // listed for the RUN environment still applies.
            (_, None) => env_difference_applied = true,
        }
    }
    if !case.buildah_env.is_empty() && !env_difference_applied {
        report.push(format!(
            "the engine no longer predicts the entries listed as buildah differences: {:?}",
            case.buildah_env
        ));
    }
    report
}

#[test]
fn predicted_configs_match_images_built_by_buildah() {
    let started = Instant::now();
    let version = match Command::new("buildah").arg("--version").output() {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).trim().to_string(),
        _ => {
            println!("SKIPPED: buildah is not installed (apt-get install buildah busybox-static)");
            return;
        }
    };
    let dir = tempfile::tempdir().expect("temporary directory");
    let buildah = Buildah {
        store: dir.path().join("store"),
    };

    // Can buildah build at all here?
    let probe = dir.path().join("probe");
    std::fs::create_dir_all(&probe).expect("probe directory");
    std::fs::write(probe.join("Dockerfile"), "FROM scratch\nLABEL a=b\n").expect("probe file");
    if let Err(e) = buildah.build(
        &probe,
        &probe.join("Dockerfile"),
        "localhost/dflint-probe",
        None,
        &[],
    ) {
        println!("SKIPPED: {version} cannot build here: {e}");
        return;
    }

    let context = dir.path().join("context");
    std::fs::create_dir_all(&context).expect("context directory");
    std::fs::write(context.join("hello.txt"), "hello\n").expect("context file");

    let busybox = match build_busybox(&buildah, dir.path()) {
        Ok(config) => Some(config),
        Err(e) => {
            println!("NOTICE: skipping the Dockerfiles that need the busybox base image: {e}");
            None
        }
    };
    let no_base = BuiltConfig::default();

    let cases = cases();
    let mut checked = 0;
    let mut failures = String::new();
    for (number, case) in cases.iter().enumerate() {
        let base = match (&busybox, case.busybox) {
            (Some(config), true) => config,
            (None, true) => continue,
            (_, false) => &no_base,
        };
        checked += 1;
        let report = check(&buildah, dir.path(), number, case, base);
        if !report.is_empty() {
            let _ = writeln!(failures, "\n{} ({}):", case.name, number);
            for line in report {
                let _ = writeln!(failures, "  - {line}");
            }
            let _ = writeln!(failures, "  Dockerfile:\n{}", indent(case.dockerfile));
        }
    }
    drop(buildah);
    println!(
        "{version}: checked {checked} of {} Dockerfiles in {:.1}s",
        cases.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(
        failures.is_empty(),
        "the engine's predictions differ from the images buildah built:\n{failures}"
    );
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("      | {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}
