//! DFL2131 `signature-verification-disabled`: a package manager installs packages without
//! checking their signatures.

use crate::Diagnostic;
use crate::rules::security::tls_verification_disabled::{
    Setting, flag_word, is_false, is_true, scan_runs, setopts,
};
use crate::rules::{FixAvailability, Rule, RuleCategory, RuleContext, RuleMeta, RuleStatus};
use crate::shell::Command;
use crate::shell::packages::{apt_settings, is_apt, program};
use crate::syntax::TextRange;
use crate::{Severity, rules::DiagnosticExt};

pub static META: RuleMeta = RuleMeta {
    code: "DFL2131",
    name: "signature-verification-disabled",
    category: RuleCategory::Security,
    severity: Severity::Warning,
    fix: FixAvailability::None,
    status: RuleStatus::Stable,
    aliases: &[
        "CKV2_DOCKER_7",
        "CKV2_DOCKER_8",
        "CKV2_DOCKER_9",
        "CKV2_DOCKER_10",
        "CKV2_DOCKER_11",
    ],
    summary: "A package manager installs packages without checking their signatures.",
    docs: r#"## What it does
Flags the ways a Dockerfile tells a package manager to install packages whose signature it
has not checked:

* in `RUN` commands (also behind `sudo`, in heredocs and `sh -c` strings):
  `apk --allow-untrusted`; `apt-get`/`apt`/`aptitude` with `--allow-unauthenticated`,
  `--force-yes`, `--allow-insecure-repositories`, or `-o APT::Get::AllowUnauthenticated=true`
  / `-o Acquire::AllowInsecureRepositories=true`; `dnf`/`yum`/`microdnf`/`tdnf` with
  `--nogpgcheck` or `--setopt=gpgcheck=0` (also `*.gpgcheck=0`); `rpm` with `--nodigest`,
  `--nosignature`, `--noverify` or `--nofiledigest`; `zypper --no-gpg-checks`;
* settings written to a configuration file by `echo`/`printf`, a `sed` replacement or a
  heredoc (`RUN cat <<EOF`, `COPY <<EOF`): `gpgcheck=0` (yum/dnf repositories; not
  `repo_gpgcheck`), `APT::Get::AllowUnauthenticated "true"`, and `[trusted=yes]` on an apt
  source line (unless the source is a local `file:` repository, which a RUN builds from
  packages it just made).

Every stage is checked: a package a builder stage installs can end up in the image through
what it builds.

## Why is this bad?
Package signatures are what proves a package comes from its distribution or vendor: TLS only
protects the connection to a mirror, and mirrors are run by third parties. Without the check,
a compromised mirror or repository, or anyone on a plain-HTTP path, can install any code in
the image. `--force-yes` also accepts downgrades and removal of essential packages.

## Example
```dockerfile
FROM debian:12
RUN apt-get update \
 && apt-get install -y --allow-unauthenticated vendor-tool
```

## Use instead
```dockerfile
FROM debian:12
COPY vendor.gpg /etc/apt/keyrings/vendor.gpg
RUN echo "deb [signed-by=/etc/apt/keyrings/vendor.gpg] https://apt.example.com stable main" \
      > /etc/apt/sources.list.d/vendor.list \
 && apt-get update \
 && apt-get install -y vendor-tool
```

Import the repository's key (`signed-by=` for apt, `rpm --import` or `gpgkey=` for rpm
repositories, `/etc/apk/keys` for apk) instead of turning the check off.

## References
- Checkov `CKV2_DOCKER_7` to `CKV2_DOCKER_11`.
- Debian wiki: SecureApt; dnf: `gpgcheck`; apk: `--allow-untrusted`.
"#,
    fix_changes: &[],
};

/// DFL2131
pub struct SignatureVerificationDisabled;

fn is_zero(v: &str) -> bool {
    matches!(v, "0" | "false" | "no")
}

/// Settings of configuration files that turn the signature check off.
const FILE_SETTINGS: &[Setting] = &[
    Setting {
        key: "gpgcheck",
        disables: is_zero,
        what: "`gpgcheck=0`",
    },
    Setting {
        key: "APT::Get::AllowUnauthenticated",
        disables: is_true,
        what: "`APT::Get::AllowUnauthenticated`",
    },
    Setting {
        key: "Acquire::AllowInsecureRepositories",
        disables: is_true,
        what: "`Acquire::AllowInsecureRepositories`",
    },
    Setting {
        key: "trusted",
        disables: is_trusted_yes,
        what: "`[trusted=yes]`",
    },
];

fn is_trusted_yes(v: &str) -> bool {
    v == "yes"
}

/// The word of `command` that turns the signature check off, and what it says.
fn command_finding(command: &Command) -> Option<(TextRange, String)> {
    let name = program(command)?;
    if is_apt(command) || name == "aptitude" {
        for flag in [
            "allow-unauthenticated",
            "force-yes",
            "allow-insecure-repositories",
        ] {
            if let Some(w) = flag_word(command, None, &[flag], "") {
                return Some((w.range, format!("`{name}` runs with `--{flag}`")));
            }
        }
        for (key, value) in apt_settings(command) {
            let key_ok = key.eq_ignore_ascii_case("APT::Get::AllowUnauthenticated")
                || key.eq_ignore_ascii_case("Acquire::AllowInsecureRepositories");
            if key_ok && is_true(&value.to_ascii_lowercase()) {
                let word = command
                    .args
                    .iter()
                    .find(|w| w.value_or_text().contains(&key))?;
                return Some((word.range, format!("`{name}` runs with `{key}=true`")));
            }
        }
        return None;
    }
    let flags: &[&str] = match name {
        "apk" => &["allow-untrusted"],
        "dnf" | "yum" | "microdnf" | "tdnf" | "yum-config-manager" => &["nogpgcheck"],
        "rpm" => &["nodigest", "nosignature", "noverify", "nofiledigest"],
        "zypper" => &["no-gpg-checks", "no-gpgcheck"],
        _ => return None,
    };
    if let Some(w) = flag_word(command, None, flags, "") {
        let flag = w.value_or_text().split('=').next().unwrap_or_default();
        return Some((w.range, format!("`{name}` runs with `{flag}`")));
    }
    if name != "rpm" {
        for (word, setting) in setopts(command) {
            if let Some((key, value)) = setting.split_once('=')
                && key
                    .rsplit('.')
                    .next()
                    .unwrap_or(key)
                    .eq_ignore_ascii_case("gpgcheck")
                && is_false(&value.to_ascii_lowercase())
            {
                return Some((word.range, format!("`{name}` runs with `gpgcheck` off")));
            }
        }
    }
    None
}

fn report(out: &mut Vec<Diagnostic>, range: TextRange, message: String) {
    out.push(META.diagnostic(range, message).with_help(
        "import the repository's signing key instead (`signed-by=` for apt, `rpm --import` \
             or `gpgkey=` for rpm, `/etc/apk/keys` for apk): without the signature check a \
             mirror or anyone on the path can install its own code in the image",
    ));
}

impl Rule for SignatureVerificationDisabled {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        // A local repository the same RUN just built (`deb [trusted=yes] file:/tmp/x ./`)
        // comes from nowhere else.
        let keep =
            |setting: &Setting, text: &str| !(setting.key == "trusted" && text.contains("file:/"));
        let mut found = scan_runs(ctx, FILE_SETTINGS, keep, |command, found| {
            found.extend(command_finding(command));
        });
        found.sort_by_key(|(r, _)| (r.start, r.end));
        found.dedup_by_key(|(r, _)| *r);
        for (range, message) in found {
            report(out, range, message);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SignatureVerificationDisabled;
    use crate::rules::test_support::{check, flagged};

    #[test]
    fn flags_unsigned_installs() {
        for (source, expected) in [
            (
                "FROM alpine\nRUN apk add --allow-untrusted /tmp/x.apk\n",
                vec!["--allow-untrusted"],
            ),
            (
                "FROM debian\nRUN apt-get install -y --allow-unauthenticated x\n",
                vec!["--allow-unauthenticated"],
            ),
            (
                "FROM debian\nRUN sudo apt-get -y --force-yes install x\n",
                vec!["--force-yes"],
            ),
            (
                "FROM debian\nRUN apt-get -o APT::Get::AllowUnauthenticated=true install x\n",
                vec!["APT::Get::AllowUnauthenticated=true"],
            ),
            (
                "FROM fedora\nRUN dnf install -y --nogpgcheck x\n",
                vec!["--nogpgcheck"],
            ),
            (
                "FROM centos\nRUN yum --setopt=*.gpgcheck=0 install -y x\n",
                vec!["--setopt=*.gpgcheck=0"],
            ),
            (
                "FROM photon\nRUN tdnf install -y --nogpgcheck x\n",
                vec!["--nogpgcheck"],
            ),
            (
                "FROM centos\nRUN rpm -ivh --nosignature /tmp/x.rpm\n",
                vec!["--nosignature"],
            ),
            (
                "FROM opensuse/leap\nRUN zypper --no-gpg-checks install -y x\n",
                vec!["--no-gpg-checks"],
            ),
            (
                "FROM centos\nRUN printf '[x]\\nbaseurl=http://x\\ngpgcheck=0\\n' > /etc/yum.repos.d/x.repo\n",
                vec!["gpgcheck=0"],
            ),
            (
                "FROM debian\nRUN echo 'deb [trusted=yes] http://x stable main' > /etc/apt/sources.list.d/x.list\n",
                vec!["trusted=yes"],
            ),
            (
                "FROM debian\nCOPY <<EOF /etc/apt/apt.conf.d/99x\nAPT::Get::AllowUnauthenticated \"true\";\nEOF\n",
                vec!["APT::Get::AllowUnauthenticated \"true"],
            ),
            (
                "FROM centos\nRUN cat > /etc/yum.repos.d/x.repo <<EOF\n[x]\ngpgcheck=0\nEOF\n",
                vec!["gpgcheck=0"],
            ),
            (
                "FROM centos\nRUN sed -i 's/gpgcheck=1/gpgcheck=0/' /etc/yum.conf\n",
                vec!["gpgcheck=0"],
            ),
        ] {
            let diagnostics = check(&SignatureVerificationDisabled, source);
            assert_eq!(flagged(source, &diagnostics), expected, "{source}");
        }
    }

    #[test]
    fn accepts_signed_installs() {
        for source in [
            "FROM alpine\nRUN apk add --no-cache curl\n",
            "FROM debian\nRUN apt-get install -y --no-install-recommends x\n",
            "FROM centos\nRUN yum install -y x && echo 'gpgcheck=1' >> /etc/yum.conf\n",
            "FROM centos\nRUN echo 'repo_gpgcheck=0' >> /etc/yum.repos.d/x.repo\n",
            "FROM centos\nRUN sed -i 's/gpgcheck=0/gpgcheck=1/' /etc/yum.conf\n",
            "FROM centos\nRUN rpm --import https://x/key.asc && rpm -ivh x.rpm\n",
            "FROM debian\nRUN echo 'deb [signed-by=/k.gpg] https://x stable main' > /x.list\n",
            "FROM debian\nRUN <<EOF\napt-get update\napt-get install -y x\nEOF\n",
            "FROM debian\nRUN echo \"deb [ trusted=yes ] file://$dir ./\" > /etc/apt/sources.list.d/t.list\n",
        ] {
            let d = check(&SignatureVerificationDisabled, source);
            assert!(d.is_empty(), "{source}: {:?}", flagged(source, &d));
        }
    }

    #[test]
    fn messages() {
        let d = check(
            &SignatureVerificationDisabled,
            "FROM alpine\nRUN apk add --allow-untrusted x.apk\n",
        );
        assert_eq!(d[0].message, "`apk` runs with `--allow-untrusted`");
    }
}
