//! Fixes proven by real builds: `dflint check --fix --verify=buildah`, `dflint verify` and
//! `dflint plan --verify=buildah`, on a temporary buildah store holding a busybox base image
//! made here from the static busybox binary (`busybox-static` on Debian), with fake
//! `apt-get` and `apt` scripts so that apt fixes can be built offline. The test prints a
//! notice and passes when buildah or busybox is missing or cannot build here.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BASE: &str = "localhost/dflint-busybox";

/// Stands in for apt: `update` writes a package list, every other word that is not an
/// option or a subcommand "installs" a package as a file.
const FAKE_APT: &str = r#"#!/bin/sh
for word in "$@"; do
  case "$word" in
    update) mkdir -p /var/lib/apt/lists/partial && echo main > /var/lib/apt/lists/main_Packages ;;
    install|-*) ;;
    *) mkdir -p /usr/share/fake-packages && echo "$word" > "/usr/share/fake-packages/$word" ;;
  esac
done
"#;

fn find_busybox() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .chain([PathBuf::from("/bin"), PathBuf::from("/usr/bin")])
        .map(|dir| dir.join("busybox"))
        .find(|p| p.is_file())
}

/// The build context of the busybox base image: the static busybox binary, the fake apt
/// and a Dockerfile from `scratch`.
fn base_context(dir: &Path) -> Result<PathBuf, String> {
    let busybox = find_busybox().ok_or("no busybox binary (install busybox-static)")?;
    let context = dir.join("base");
    std::fs::create_dir_all(&context).unwrap();
    std::fs::copy(&busybox, context.join("busybox")).unwrap();
    std::fs::write(context.join("apt-get"), FAKE_APT).unwrap();
    std::process::Command::new("chmod")
        .args(["755"])
        .arg(context.join("apt-get"))
        .status()
        .unwrap();
    std::fs::write(
        context.join("Dockerfile"),
        concat!(
            "FROM scratch\n",
            "COPY busybox /bin/busybox\n",
            "RUN [\"/bin/busybox\", \"--install\", \"-s\", \"/bin\"]\n",
            "ENV PATH=/usr/bin:/bin\n",
            "COPY apt-get /usr/bin/apt-get\n",
            "RUN ln -s apt-get /usr/bin/apt\n",
        ),
    )
    .unwrap();
    Ok(context)
}

/// A buildah store with the busybox base image, or why there is none.
fn store(dir: &Path) -> Result<PathBuf, String> {
    let version = Command::new("buildah")
        .arg("--version")
        .output()
        .map_err(|e| format!("buildah is not installed ({e})"))?;
    if !version.status.success() {
        return Err("buildah does not run".into());
    }
    let context = base_context(dir)?;
    let root = dir.join("store");
    let out = Command::new("buildah")
        .arg("--root")
        .arg(root.join("storage"))
        .arg("--runroot")
        .arg(root.join("run"))
        .args(["--storage-driver", "overlay", "bud", "--pull=never"])
        .args(["--isolation", "chroot", "--format", "docker", "--quiet"])
        .args(["-t", BASE])
        .arg(&context)
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!(
            "buildah cannot build here: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(root)
}

fn dflint(root: &Path, dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dflint"))
        .args(args)
        .current_dir(dir)
        .env("DFLINT_BUILDAH_ROOT", root)
        .env("DFLINT_BUILDAH_DRIVER", "overlay")
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// A reachable Docker daemon: the client (`DFLINT_DOCKER`, default `docker`), the daemon
/// (`DFLINT_TEST_DOCKER_HOST`, else `DOCKER_HOST`) and the network of `RUN` steps
/// (`DFLINT_DOCKER_NETWORK`, default `host`: a daemon started without a bridge needs it).
struct Daemon {
    client: String,
    host: String,
    network: String,
}

impl Daemon {
    fn command(&self) -> Command {
        let mut command = Command::new(&self.client);
        command
            .env("DOCKER_HOST", &self.host)
            .env("DOCKER_BUILDKIT", "1");
        command
    }

    /// Runs dflint against this daemon.
    fn dflint(&self, dir: &Path, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_dflint"))
            .args(args)
            .current_dir(dir)
            .env("DOCKER_HOST", &self.host)
            .env("DFLINT_DOCKER", &self.client)
            .env("DFLINT_DOCKER_NETWORK", &self.network)
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    }
}

/// The Docker daemon to test with, holding the busybox base image, or why there is none.
fn daemon(dir: &Path) -> Result<Daemon, String> {
    let host = std::env::var("DFLINT_TEST_DOCKER_HOST")
        .or_else(|_| std::env::var("DOCKER_HOST"))
        .map_err(|_| "neither DFLINT_TEST_DOCKER_HOST nor DOCKER_HOST is set".to_string())?;
    let daemon = Daemon {
        client: std::env::var("DFLINT_DOCKER").unwrap_or_else(|_| "docker".into()),
        host,
        network: std::env::var("DFLINT_DOCKER_NETWORK").unwrap_or_else(|_| "host".into()),
    };
    let version = daemon
        .command()
        .args(["version", "--format", "{{.Server.Version}}"])
        .output()
        .map_err(|e| format!("the Docker client `{}` does not run ({e})", daemon.client))?;
    if !version.status.success() {
        return Err(format!(
            "no Docker daemon answers at {}: {}",
            daemon.host,
            String::from_utf8_lossy(&version.stderr).trim()
        ));
    }
    let context = base_context(dir)?;
    let out = daemon
        .command()
        .args(["build", "--quiet", "--network", &daemon.network, "-t", BASE])
        .arg(&context)
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!(
            "the Docker daemon at {} cannot build here: {}",
            daemon.host,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(daemon)
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Dockerfiles whose safe fixes must all be proven, and the codes among them.
const FIXED: &[(&str, &str)] = &[
    (
        "Dockerfile.scratch",
        concat!(
            "from scratch as Base\n",
            "MAINTAINER me\n",
            "ENV A b\n",
            "LABEL key value\n",
            "ADD hello.txt /x/\n",
            "COPY hello.txt again.txt /y\n",
            "EXPOSE 80/TCP 53/udp\n",
            "FROM --platform=$TARGETPLATFORM Base\n",
            "LABEL child=1\n",
        ),
    ),
    (
        "Dockerfile.apt",
        concat!(
            "FROM localhost/dflint-busybox\n",
            "RUN apt-get update && apt-get install curl\n",
            "RUN echo a \\\n",
            "\n",
            "  && echo b > /b\n",
            "RUN apt install -y --no-install-recommends less\n",
            "CMD [\"sh\"]\n",
        ),
    ),
    (
        "Dockerfile.runs",
        concat!(
            "FROM localhost/dflint-busybox\n",
            "RUN mkdir /c\n",
            "RUN touch /c/d\n",
            "USER nobody\n",
        ),
    ),
];

/// `dflint verify --format json` on the wrong ENV rewrite: not proven (exit 1), with the
/// Env and the file the RUN wrote among the differences.
fn assert_wrong_env_fix_caught(out: &Output) {
    assert_eq!(out.status.code(), Some(1), "{}", text(out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["proven"], false);
    let subjects: Vec<String> = json["differences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            d["subject"]["name"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    assert!(subjects.contains(&"Env".to_string()), "{json:#}");
    assert!(subjects.contains(&"greeting".to_string()), "{json:#}");
}

#[test]
fn real_builds_prove_safe_fixes_and_catch_a_wrong_one() {
    let dir = tempfile::tempdir().unwrap();
    let root = match store(dir.path()) {
        Ok(root) => root,
        Err(e) => {
            println!("SKIPPED: {e} (apt-get install buildah busybox-static)");
            return;
        }
    };
    let work = dir.path().join("work");
    std::fs::create_dir_all(&work).unwrap();
    std::fs::write(work.join("hello.txt"), "hello\n").unwrap();
    std::fs::write(work.join("again.txt"), "again\n").unwrap();

    // 1. `check --fix --verify`: every fix proven, the files written.
    let mut proven = std::collections::BTreeSet::new();
    for (name, source) in FIXED {
        std::fs::write(work.join(name), source).unwrap();
        let out = dflint(
            &root,
            &work,
            &["check", "--fix", "--verify=buildah", "--no-pull", name],
        );
        let report = text(&out);
        assert!(
            report.contains("fixes verified by building with buildah"),
            "{name}:\n{report}"
        );
        assert!(!report.contains("rejected D"), "{name}:\n{report}");
        assert!(!report.contains("not checkable"), "{name}:\n{report}");
        for line in report.lines() {
            if let Some(rest) = line.split(": proven ").nth(1) {
                proven.insert(rest.split_whitespace().next().unwrap().to_string());
            }
        }
        let fixed = std::fs::read_to_string(work.join(name)).unwrap();
        assert_ne!(&fixed, source, "{name}: nothing fixed\n{report}");
    }
    println!("proven by real builds: {proven:?}");
    for code in [
        "DFL6020", "DFL6002", "DFL5021", "DFL5022", "DFL5020", "DFL1040", "DFL6010", "DFL6001",
        "DFL3004", "DFL3002", "DFL5023", "DFL6003", "DFL3001",
    ] {
        assert!(proven.contains(code), "{code} not proven: {proven:?}");
    }
    // The apt lists are gone from the fixed image: the fix's declared difference.
    let apt = std::fs::read_to_string(work.join("Dockerfile.apt")).unwrap();
    assert!(apt.contains("rm -rf /var/lib/apt/lists/*"), "{apt}");

    // 2. `dflint verify` shows that difference, declared by DFL3002.
    std::fs::write(
        work.join("lists.orig"),
        "FROM localhost/dflint-busybox\nRUN apt-get update && apt-get install -y x\n",
    )
    .unwrap();
    std::fs::write(work.join("lists.fixed"), "FROM localhost/dflint-busybox\nRUN apt-get update && apt-get install -y x && rm -rf /var/lib/apt/lists/*\n").unwrap();
    let out = dflint(
        &root,
        &work,
        &[
            "verify",
            "--engine",
            "buildah",
            "--no-pull",
            "lists.orig",
            "lists.fixed",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("/var/lib/apt/lists/main_Packages: file"),
        "{}",
        text(&out)
    );
    let out = dflint(
        &root,
        &work,
        &[
            "verify",
            "--engine",
            "buildah",
            "--no-pull",
            "--fixed-by",
            "DFL3002",
            "lists.orig",
            "lists.fixed",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        text(&out).contains("(declared by DFL3002)"),
        "{}",
        text(&out)
    );

    // 3. A wrong "fix" is caught, with the difference.
    std::fs::write(work.join("wrong.orig"), "FROM localhost/dflint-busybox\nENV GREETING hello big world\nRUN echo \"$GREETING\" > /greeting\n").unwrap();
    std::fs::write(
        work.join("wrong.fixed"),
        "FROM localhost/dflint-busybox\nENV GREETING=hello\nRUN echo \"$GREETING\" > /greeting\n",
    )
    .unwrap();
    let out = dflint(
        &root,
        &work,
        &[
            "verify",
            "--engine",
            "buildah",
            "--no-pull",
            "--fixed-by",
            "DFL5022",
            "--format",
            "json",
            "wrong.orig",
            "wrong.fixed",
        ],
    );
    assert_wrong_env_fix_caught(&out);

    // 4. The embedded engine's prediction against the built config.
    std::fs::write(
        work.join("plan.Dockerfile"),
        concat!(
            "FROM localhost/dflint-busybox AS base\n",
            "ARG V=1\n",
            "ENV A=$V\n",
            "FROM base\n",
            "SHELL [\"/bin/sh\", \"-e\", \"-c\"]\n",
            "CMD echo hi\n",
            "WORKDIR /srv\n",
            "EXPOSE 8080/UDP\n",
            "HEALTHCHECK --interval=5s CMD [\"true\"]\n",
        ),
    )
    .unwrap();
    let out = dflint(
        &root,
        &work,
        &[
            "plan",
            "--verify=buildah",
            "--no-pull",
            "--format",
            "json",
            "plan.Dockerfile",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["matches"], true, "{json:#}");
    // buildah wraps the shell-form CMD in /bin/sh -c: reported as a known difference.
    let known: Vec<&str> = json["differences"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["known"].is_string())
        .map(|d| d["field"].as_str().unwrap())
        .collect();
    assert_eq!(known, ["Cmd"], "{json:#}");

    // A wrong prediction would show: a file whose image differs from its plan cannot be
    // made by hand, but a missing base image is a clear error.
    let out = dflint(
        &root,
        &work,
        &[
            "verify",
            "--engine",
            "buildah",
            "--no-pull",
            "missing.orig",
            "lists.fixed",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("missing.orig"), "{}", text(&out));
}

/// The proofs of the buildah test, made by a Docker daemon with BuildKit: the images are
/// read with `docker image inspect` and `docker export`.
#[test]
fn a_docker_daemon_proves_safe_fixes_and_catches_a_wrong_one() {
    let dir = tempfile::tempdir().unwrap();
    let daemon = match daemon(dir.path()) {
        Ok(daemon) => daemon,
        Err(e) => {
            println!(
                "SKIPPED: {e} (set DFLINT_TEST_DOCKER_HOST to a daemon with BuildKit, and \
                 DFLINT_DOCKER to a client with it, such as Debian's docker.io)"
            );
            return;
        }
    };
    let work = dir.path().join("work");
    std::fs::create_dir_all(&work).unwrap();
    std::fs::write(work.join("hello.txt"), "hello\n").unwrap();
    std::fs::write(work.join("again.txt"), "again\n").unwrap();

    // The Dockerfile frontend of Docker 20.10 differs from newer BuildKit: it rejects the
    // stage name `Base`, and copies two sources to a destination without `/` as one file
    // (so it rejects DFL1040's fix, rightly for that daemon). Neither is asked of it here.
    let sources: Vec<(&str, String)> = FIXED
        .iter()
        .map(|(name, source)| {
            let source = source
                .replace("Base", "base")
                .replace("COPY hello.txt again.txt /y\n", "");
            (*name, source)
        })
        .collect();
    let mut proven = std::collections::BTreeSet::new();
    for (name, source) in &sources {
        std::fs::write(work.join(name), source).unwrap();
        let out = daemon.dflint(
            &work,
            &["check", "--fix", "--verify=docker", "--no-pull", name],
        );
        let report = text(&out);
        assert!(
            report.contains("fixes verified by building with docker"),
            "{name}:\n{report}"
        );
        assert!(!report.contains("rejected D"), "{name}:\n{report}");
        assert!(!report.contains("not checkable"), "{name}:\n{report}");
        for line in report.lines() {
            if let Some(rest) = line.split(": proven ").nth(1) {
                proven.insert(rest.split_whitespace().next().unwrap().to_string());
            }
        }
        let fixed = std::fs::read_to_string(work.join(name)).unwrap();
        assert_ne!(&fixed, source, "{name}: nothing fixed\n{report}");
    }
    println!("proven by builds on the Docker daemon: {proven:?}");
    for code in [
        "DFL6020", "DFL5021", "DFL5022", "DFL5020", "DFL6010", "DFL6001", "DFL3004", "DFL3002",
        "DFL5023", "DFL6003", "DFL3001",
    ] {
        assert!(proven.contains(code), "{code} not proven: {proven:?}");
    }

    // The files a RUN step leaves are compared: the apt lists differ unless declared.
    std::fs::write(
        work.join("lists.orig"),
        "FROM localhost/dflint-busybox\nRUN apt-get update && apt-get install -y x\n",
    )
    .unwrap();
    std::fs::write(work.join("lists.fixed"), "FROM localhost/dflint-busybox\nRUN apt-get update && apt-get install -y x && rm -rf /var/lib/apt/lists/*\n").unwrap();
    let verify = |extra: &[&str]| {
        let mut args = vec!["verify", "--engine", "docker", "--no-pull"];
        args.extend_from_slice(extra);
        daemon.dflint(&work, &args)
    };
    let out = verify(&["lists.orig", "lists.fixed"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("/var/lib/apt/lists/main_Packages: file"),
        "{}",
        text(&out)
    );
    let out = verify(&["--fixed-by", "DFL3002", "lists.orig", "lists.fixed"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    // A wrong "fix" is caught, in the config and in the files.
    std::fs::write(work.join("wrong.orig"), "FROM localhost/dflint-busybox\nENV GREETING hello big world\nRUN echo \"$GREETING\" > /greeting\n").unwrap();
    std::fs::write(
        work.join("wrong.fixed"),
        "FROM localhost/dflint-busybox\nENV GREETING=hello\nRUN echo \"$GREETING\" > /greeting\n",
    )
    .unwrap();
    let out = verify(&[
        "--fixed-by",
        "DFL5022",
        "--format",
        "json",
        "wrong.orig",
        "wrong.fixed",
    ]);
    assert_wrong_env_fix_caught(&out);

    // dflint removes the images it tagged; the base image is the test's to remove.
    let _ = daemon.command().args(["image", "rm", BASE]).output();
}

#[test]
fn a_missing_engine_is_named() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Dockerfile"), "FROM scratch\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_dflint"))
        .args(["verify", "--engine", "docker", "Dockerfile", "Dockerfile"])
        .current_dir(dir.path())
        .env("DFLINT_DOCKER", "/nonexistent/docker")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("the Docker client `/nonexistent/docker` is not installed"),
        "{stderr}"
    );
}

#[test]
fn a_docker_client_without_buildx_is_named() {
    // A client of 23.0 or later builds with BuildKit only through buildx: this one answers
    // `version` as a 28.2 client talking to a 20.10 daemon, and has no buildx.
    let dir = tempfile::tempdir().unwrap();
    let client = dir.path().join("docker");
    std::fs::write(
        &client,
        "#!/bin/sh\ncase \"$1\" in\n  version) echo 20.10.24 28.2.2 ;;\n  *) echo \"unknown command: docker $1\" >&2; exit 1 ;;\nesac\n",
    )
    .unwrap();
    Command::new("chmod")
        .arg("755")
        .arg(&client)
        .status()
        .unwrap();
    std::fs::write(dir.path().join("Dockerfile"), "FROM scratch\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_dflint"))
        .args(["verify", "--engine", "docker", "Dockerfile", "Dockerfile"])
        .current_dir(dir.path())
        .env("DFLINT_DOCKER", &client)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("28.2.2 builds with BuildKit only through the buildx plugin"),
        "{stderr}"
    );
}
