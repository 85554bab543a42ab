//! Helpers for the rules about package managers (`apt-get`, `apk`, `pip`, `yum`, `dnf`,
//! `zypper`, `yarn`): the shell scripts each RUN of a build runs, the real command behind
//! wrappers such as `sudo`, subcommands and options, paths a command removes, `RUN --mount`
//! caches, and where a command can be appended to a RUN.

use std::borrow::Cow;
use std::sync::Arc;

use crate::ast::{Dockerfile, Instruction};
use crate::semantic::{Base, Build, Field, Layer};
use crate::syntax::SyntaxKind;

use super::{Command, Script, Word, is_posix_shell};

/// The shell scripts one shell-form RUN runs, with where the RUN is in the build.
pub struct RunScripts<'t, 'b> {
    /// The RUN instruction.
    pub instruction: Instruction<'t>,
    /// The index of the stage the RUN is in.
    pub stage: usize,
    /// The layer the RUN makes, when the build has it.
    pub layer: Option<&'b Layer>,
    /// The scripts: the RUN's own script first (which is a heredoc body for `RUN <<EOF`),
    /// then the scripts its commands give to a shell: heredoc bodies on stdin
    /// (`RUN bash <<EOF`) and quoted `-c` strings (`RUN sudo sh -c '...'`).
    pub scripts: Vec<Script>,
    /// For each script after the first, the index among `scripts[0].commands()` of the
    /// command that runs it.
    pub parents: Vec<usize>,
    /// Whether `scripts[0]` is the text written on the RUN line itself (not a heredoc body),
    /// so that fixes can edit it.
    pub line_script: bool,
    /// Whether the RUN has heredocs.
    pub has_heredocs: bool,
    /// The `SHELL` the RUN runs with (its JSON array; empty for the default `/bin/sh -c`),
    /// inherited from the base stage when the stage sets none.
    pub shell: Vec<String>,
    /// Whether the RUN is the trigger of an `ONBUILD` (it runs in a child image, whose
    /// shell is not known; `shell` is that of the stage at the `ONBUILD`).
    pub onbuild: bool,
    /// [`real_commands`], read once for all the rules that ask.
    real: std::cell::OnceCell<Vec<(usize, RealCommand<'static>)>>,
}

/// The commands of one script, shared with the script's cache.
type CommandList = Arc<Vec<Command>>;

impl RunScripts<'_, '_> {
    /// The commands of every script in the order they run, each with the index of its
    /// script: the commands of a script given to a shell come right after that shell.
    #[must_use]
    pub fn commands(&self) -> Vec<(usize, Command)> {
        let (lists, order) = self.command_order();
        order
            .into_iter()
            .map(|(k, j)| (k, lists[k][j].clone()))
            .collect()
    }

    /// The command lists of the scripts, and the order the commands run in as (script,
    /// index in its list) pairs.
    fn command_order(&self) -> (Vec<CommandList>, Vec<(usize, usize)>) {
        let lists: Vec<CommandList> = self.scripts.iter().map(Script::commands).collect();
        let mut order = Vec::new();
        for j in 0..lists[0].len() {
            order.push((0, j));
            for (k, _) in self.parents.iter().enumerate().filter(|(_, p)| **p == j) {
                order.extend((0..lists[k + 1].len()).map(|i| (k + 1, i)));
            }
        }
        (lists, order)
    }

    /// Whether a fix may edit a command of script `index` in place (insert a flag).
    #[must_use]
    pub fn can_edit(&self, index: usize) -> bool {
        index == 0 && self.line_script
    }

    /// Where text can be appended to the RUN's script as a new command joined with `&&`:
    /// after the last argument of its last command, when that command ends the script at
    /// the top level (not in a subshell, group, `if` or loop, not negated, not followed by
    /// `;` or `&`), after its trailing redirections. `None` for RUNs with heredocs and scripts with syntax
    /// errors.
    #[must_use]
    pub fn append_offset(&self) -> Option<u32> {
        if !self.line_script || self.has_heredocs {
            return None;
        }
        append_offset(&self.scripts[0])
    }

    /// The value the RUN sees for an environment variable (ENV or ARG), when it is set:
    /// `Some(None)` when it is set to something unknown.
    #[must_use]
    pub fn env(&self, name: &str) -> Option<Option<String>> {
        let layer = self.layer?;
        layer
            .env
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.known())
    }

    /// The targets of the RUN's cache and tmpfs mounts, whose contents stay out of the
    /// layer (expanded when the build knows the values).
    #[must_use]
    pub fn cache_mounts(&self, escape: char) -> Vec<String> {
        match self.layer {
            Some(layer) => cache_mounts_from_flags(&layer.flags),
            None => cache_mounts(self.instruction, escape),
        }
    }

    /// Like [`RunScripts::env`], for `ONBUILD` triggers too: a trigger runs first thing in
    /// the build of a child image, which starts with the `ENV` of the image that declares it
    /// (the whole declaring stage, `ARG`s left out); what the child's base images set is not
    /// known, as for any RUN.
    #[must_use]
    pub fn env_in(&self, build: &Build, name: &str) -> Option<Option<String>> {
        if !self.onbuild {
            return self.env(name);
        }
        build
            .stages
            .get(self.stage)?
            .config
            .env_value(name)
            .map(crate::semantic::expand::Value::known)
    }

    /// The source offset up to which the RUNs of the stage have run when this RUN runs, as
    /// the `before` of [`earlier_run_mentions`]: the RUN's own start, or, for an `ONBUILD`
    /// trigger, the end of the file (the child image starts from the whole declaring stage).
    #[must_use]
    pub fn runs_after(&self) -> u32 {
        if self.onbuild {
            u32::MAX
        } else {
            self.instruction.range().start
        }
    }
}

/// The scripts of the shell-form RUNs in the stages of `build` whose text (heredocs included)
/// contains one of `mentions`, in order: the others cannot run the commands a rule looks for
/// and are not parsed. RUNs in exec form, RUNs under a `SHELL` that is not POSIX-like (cmd,
/// PowerShell) and `ONBUILD` triggers are left out.
#[must_use]
pub fn run_scripts<'t, 'b>(
    file: Dockerfile<'t>,
    build: &'b Build,
    mentions: &[&str],
) -> Vec<RunScripts<'t, 'b>> {
    let mut out = all_run_scripts(file, build, mentions);
    out.retain(|r| !r.onbuild);
    out
}

/// Like [`run_scripts`], with the `RUN` triggers of `ONBUILD` instructions as well (marked
/// [`RunScripts::onbuild`]), in source order.
#[must_use]
pub fn all_run_scripts<'t, 'b>(
    file: Dockerfile<'t>,
    build: &'b Build,
    mentions: &[&str],
) -> Vec<RunScripts<'t, 'b>> {
    let source = file.syntax().tree().source();
    // In source order, so a step finds its instruction by binary search.
    let instructions: Vec<Instruction<'t>> = file.instructions().collect();
    let mut out = Vec::new();
    for stage in &build.stages {
        let mut shell: Vec<String> = match stage.base {
            Base::Stage(base) => build
                .stages
                .get(base)
                .and_then(|s| match &s.config.shell {
                    Field::Set(shell) => Some(shell.clone()),
                    _ => None,
                })
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        for step in &stage.steps {
            let Some(instruction) = instructions
                .binary_search_by_key(&step.range.start, |i| i.range().start)
                .ok()
                .map(|at| &instructions[at])
                .filter(|i| i.range() == step.range)
            else {
                continue;
            };
            match step.kind {
                SyntaxKind::SHELL_INSTR => {
                    if let Some(array) = instruction.exec_form() {
                        shell = array.strings();
                    }
                }
                SyntaxKind::RUN_INSTR if is_posix_shell(&shell) => {
                    let text = source.get(step.range.as_usize()).unwrap_or_default();
                    if !mentions.iter().any(|m| text.contains(m)) {
                        continue;
                    }
                    let Some(form) = instruction.shell_form() else {
                        continue;
                    };
                    let layer = step.layer.and_then(|l| stage.layers.get(l));
                    let mut run = scripts_of(*instruction, form, stage.index, layer);
                    run.shell.clone_from(&shell);
                    out.push(run);
                }
                SyntaxKind::ONBUILD_INSTR if is_posix_shell(&shell) => {
                    let Some(trigger) = instruction
                        .onbuild_trigger()
                        .filter(|t| t.kind() == SyntaxKind::RUN_INSTR)
                    else {
                        continue;
                    };
                    let text = source.get(step.range.as_usize()).unwrap_or_default();
                    if !mentions.iter().any(|m| text.contains(m)) {
                        continue;
                    }
                    let Some(form) = trigger.shell_form() else {
                        continue;
                    };
                    let mut run = scripts_of(trigger, form, stage.index, None);
                    run.shell.clone_from(&shell);
                    run.onbuild = true;
                    out.push(run);
                }
                _ => {}
            }
        }
    }
    out
}

/// The scripts of the shell-form RUNs wrapped in `ONBUILD`, whose text contains one of
/// `mentions`, in order: the triggers a later build runs when it starts from this image.
/// Each has no layer (the build that runs it is not this one), so [`RunScripts::env`]
/// knows nothing; the stage is the one that declares the trigger. Triggers declared under a
/// `SHELL` that is not POSIX-like, and exec-form RUNs, are left out as in [`run_scripts`].
/// The triggers of [`all_run_scripts`].
#[must_use]
pub fn onbuild_run_scripts<'t, 'b>(
    file: Dockerfile<'t>,
    build: &'b Build,
    mentions: &[&str],
) -> Vec<RunScripts<'t, 'b>> {
    let mut out = all_run_scripts(file, build, mentions);
    out.retain(|r| r.onbuild);
    out
}

fn scripts_of<'t, 'b>(
    instruction: Instruction<'t>,
    form: crate::ast::ShellForm<'t>,
    stage: usize,
    layer: Option<&'b Layer>,
) -> RunScripts<'t, 'b> {
    let script = Script::from_shell_form(form);
    let heredocs: Vec<_> = instruction.heredocs().collect();
    let markers: Vec<_> = instruction.heredoc_markers().collect();
    let line_script = heredocs
        .first()
        .is_none_or(|h| script.source_offset(0) < h.range().start);
    let commands = script.commands();
    let mut children: Vec<(usize, Script)> = Vec::new();
    if line_script && !heredocs.is_empty() {
        // Heredoc bodies fed to a shell on stdin: `RUN bash <<EOF`, `RUN sh -ex <<EOF`.
        for (marker, heredoc) in markers.iter().zip(&heredocs) {
            let at = marker.range().start;
            let Some((j, command)) = commands
                .iter()
                .enumerate()
                .filter(|(_, c)| c.range.start <= at)
                .max_by_key(|(_, c)| c.range.start)
            else {
                continue;
            };
            if mentions_a_shell(command)
                && unwrap_command(command).is_some_and(|real| reads_script_on_stdin(&real.command))
            {
                children.push((j, Script::from_heredoc(*heredoc)));
            }
        }
    }
    for (j, command) in commands.iter().enumerate() {
        // Only a shell runs an inline script; most commands name none, and unwrapping
        // copies the command.
        if !mentions_a_shell(command) {
            continue;
        }
        if let Some(inline) =
            unwrap_command(command).and_then(|real| inline_script(&script, &real.command))
        {
            children.push((j, inline));
        }
    }
    children.sort_by_key(|(j, _)| *j);
    let (parents, mut scripts): (Vec<usize>, Vec<Script>) = children.into_iter().unzip();
    scripts.insert(0, script);
    RunScripts {
        instruction,
        stage,
        layer,
        scripts,
        parents,
        line_script,
        has_heredocs: !heredocs.is_empty(),
        shell: Vec::new(),
        onbuild: false,
        real: std::cell::OnceCell::new(),
    }
}

/// Whether `command` is a shell reading its script on stdin: a POSIX-like shell with only
/// flags and no `-c`.
fn reads_script_on_stdin(command: &Command) -> bool {
    is_shell(command)
        && !command.has_flag(Some('c'), None)
        && command
            .args
            .iter()
            .all(|a| a.value_or_text().starts_with('-'))
}

/// Whether the command or one of its arguments may name a shell (a cheap test before
/// [`unwrap_command`]: wrappers put the shell among the arguments).
fn mentions_a_shell(command: &Command) -> bool {
    std::iter::once(&command.name)
        .chain(&command.args)
        .any(|w| w.text.contains("sh"))
}

fn is_shell(command: &Command) -> bool {
    matches!(
        program(command),
        Some("sh" | "bash" | "dash" | "ash" | "ksh" | "mksh" | "zsh")
    )
}

/// The script of `sh -c '...'` (any POSIX-like shell, `-c` alone or combined as in `-ec`),
/// when it is one quoted string of `outer`: its text between the quotes, mapped to the
/// source. Inside double quotes, escapes are kept as written.
fn inline_script(outer: &Script, command: &Command) -> Option<Script> {
    if !is_shell(command) || !command.has_flag(Some('c'), None) {
        return None;
    }
    let index = subcommand_index(&command.args, &["-o", "+o", "-O", "+O"])?;
    let text = &command.args[index].text;
    let quote = text.chars().next().filter(|q| matches!(q, '"' | '\''))?;
    if text.len() < 2 || !text.ends_with(quote) {
        return None;
    }
    let inner = &text[1..text.len() - 1];
    let mut escaped = false;
    for c in inner.chars() {
        if c == quote && !escaped {
            return None;
        }
        escaped = quote == '"' && c == '\\' && !escaped;
    }
    // The word's logical offset in the outer script.
    let source = command.args[index].range.start;
    let start = partition_point(outer.text().len(), |l| byte_source(outer, l) < source);
    if outer.text().get(start..start + text.len()) != Some(text.as_str()) {
        return None;
    }
    let mut script = Script::empty(source + 1);
    for (i, c) in inner.char_indices() {
        let l = start + 1 + i;
        script.push(&inner[i..i + c.len_utf8()], byte_source(outer, l));
    }
    Some(script)
}

/// The source offset of the script byte at logical offset `l`.
fn byte_source(script: &Script, l: usize) -> u32 {
    script.source_range(l..l + 1).start
}

/// The stages whose filesystem ends up in the built image: the target stage and the stages
/// it is built on (`FROM <stage>`), not the ones it only copies files from. When a base
/// depends on a variable without a known value (`FROM base-$TARGETARCH`), every earlier stage
/// whose name fits it counts.
#[must_use]
pub fn image_stages(build: &Build) -> Vec<usize> {
    let mut out = Vec::new();
    let mut pending: Vec<usize> = build.target.into_iter().collect();
    while let Some(index) = pending.pop() {
        if out.contains(&index) {
            continue;
        }
        out.push(index);
        match build.stages.get(index).map(|s| &s.base) {
            Some(Base::Stage(base)) => pending.push(*base),
            Some(Base::Symbolic(reference)) => pending.extend(
                build.stages[..index]
                    .iter()
                    .filter(|s| {
                        s.name
                            .as_deref()
                            .is_some_and(|name| fits_reference(reference, name))
                    })
                    .map(|s| s.index),
            ),
            _ => {}
        }
    }
    out.sort_unstable();
    out
}

/// Whether a stage `name` may be what `reference` (with unknown `$VAR` or `${VAR}` parts,
/// each standing for any text) expands to. ASCII case is ignored, as for stage names.
fn fits_reference(reference: &str, name: &str) -> bool {
    let mut parts = Vec::new();
    let mut literal = String::new();
    let mut chars = reference.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '$' {
            literal.push(c.to_ascii_lowercase());
            continue;
        }
        parts.push(std::mem::take(&mut literal));
        if chars.next_if_eq(&'{').is_some() {
            for c in chars.by_ref() {
                if c == '}' {
                    break;
                }
            }
        } else {
            while chars
                .next_if(|c| c.is_ascii_alphanumeric() || *c == '_')
                .is_some()
            {}
        }
    }
    parts.push(literal);
    if parts.len() == 1 {
        return false;
    }
    // A glob match of `name` against literal parts joined by wildcards.
    let name = name.to_ascii_lowercase();
    let (first, last) = (&parts[0], &parts[parts.len() - 1]);
    if !name.starts_with(first.as_str()) || name.len() < first.len() + last.len() {
        return false;
    }
    let mut rest = &name[first.len()..];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle.as_str()) {
            Some(i) => rest = &rest[i + middle.len()..],
            None => return false,
        }
    }
    rest.ends_with(last.as_str())
}

/// Whether a RUN of `stage` before source offset `before`, or a RUN of a stage it is built
/// on, contains `needle` (ASCII case-insensitive): a configuration file written earlier.
#[must_use]
pub fn earlier_run_mentions(
    build: &Build,
    source: &str,
    stage: usize,
    before: u32,
    needle: &str,
) -> bool {
    let needle = needle.to_ascii_lowercase();
    let mut seen = Vec::new();
    let mut next = Some(stage);
    while let Some(index) = next {
        if seen.contains(&index) {
            break;
        }
        seen.push(index);
        let Some(s) = build.stages.get(index) else {
            break;
        };
        let found = s
            .steps
            .iter()
            .filter(|step| step.kind == SyntaxKind::RUN_INSTR)
            .filter(|step| index != stage || step.range.end <= before)
            .any(|step| {
                source
                    .get(step.range.as_usize())
                    .is_some_and(|t| t.to_ascii_lowercase().contains(&needle))
            });
        if found {
            return true;
        }
        next = match s.base {
            Base::Stage(base) => Some(base),
            _ => None,
        };
    }
    false
}

/// The external image stage `stage` is built on, following `FROM <stage>` to the first
/// stage that starts from an image; `None` for scratch and for bases that are not known.
#[must_use]
pub fn root_image(build: &Build, stage: usize) -> Option<&crate::semantic::image_ref::ImageRef> {
    let mut index = stage;
    for _ in 0..=build.stages.len() {
        match &build.stages.get(index)?.base {
            Base::Stage(base) => index = *base,
            Base::Image(image) => return Some(image),
            _ => return None,
        }
    }
    None
}

/// Whether stage `stage` is known to be built on an image whose shell and tools are BusyBox
/// (`alpine`, `busybox` and images tagged `*alpine*`), where `/bin/sh` is BusyBox `ash` and
/// `wget` is BusyBox's unless GNU wget is installed.
#[must_use]
pub fn busybox_based(build: &Build, stage: usize) -> bool {
    root_image(build, stage).is_some_and(|image| {
        let name = image.path().rsplit('/').next().unwrap_or("");
        matches!(name, "alpine" | "busybox") || image.tag().is_some_and(|t| t.contains("alpine"))
    })
}

/// A command with the wrappers before it removed.
#[derive(Clone, Debug)]
pub struct RealCommand<'c> {
    /// The command run in the end: its name is the real program, its assignments include
    /// those given to `env` or `sudo`. Borrowed when no wrapper had to be removed.
    pub command: Cow<'c, Command>,
    /// Whether a wrapper was `sudo`: commands added next to it need `sudo` too.
    pub sudo: bool,
}

/// The command behind `sudo`, `env VAR=x`, `command`, `exec`, `nohup`, `nice`, `time`,
/// `timeout`, `eatmydata` and `xargs` wrappers (with their options), or the command itself
/// when it has none. `None` when a wrapper runs no command that can be read (`sudo -i`,
/// `env -S '...'`, `command -v x`).
#[must_use]
pub fn unwrap_command(command: &Command) -> Option<RealCommand<'_>> {
    let mut current = Cow::Borrowed(command);
    let mut sudo = false;
    for _ in 0..8 {
        let Some(name) = program(&current) else {
            return Some(RealCommand {
                command: current,
                sudo,
            });
        };
        let (value_options, keep_assignments): (&[&str], bool) = match name {
            "sudo" => {
                sudo = true;
                (
                    &[
                        "-u",
                        "-g",
                        "-C",
                        "-D",
                        "-p",
                        "-r",
                        "-t",
                        "-U",
                        "-T",
                        "-R",
                        "--user",
                        "--group",
                        "--close-from",
                        "--chdir",
                        "--prompt",
                        "--role",
                        "--type",
                        "--other-user",
                        "--command-timeout",
                        "--host",
                    ],
                    true,
                )
            }
            "env" => (&["-u", "-C", "--unset", "--chdir"], true),
            "command" | "nohup" | "time" | "eatmydata" => (&[], false),
            "exec" => (&["-a"], false),
            "nice" => (&["-n", "--adjustment"], false),
            "timeout" => (&["-s", "-k", "--signal", "--kill-after"], false),
            "xargs" => (
                &[
                    "-a",
                    "-d",
                    "-E",
                    "-I",
                    "-L",
                    "-n",
                    "-P",
                    "-s",
                    "--arg-file",
                    "--delimiter",
                    "--max-lines",
                    "--max-args",
                    "--max-procs",
                    "--max-chars",
                ],
                false,
            ),
            _ => {
                return Some(RealCommand {
                    command: current,
                    sudo,
                });
            }
        };
        let args = &current.args;
        let mut i = 0;
        let mut assignments = Vec::new();
        while let Some(arg) = args.get(i) {
            let v = arg.value_or_text();
            if v == "--" {
                i += 1;
                break;
            }
            if v.starts_with('-') && v.len() > 1 {
                // Options that run something else, or print instead of running.
                let stops = match name {
                    "sudo" => ["-i", "-s", "-l", "-e", "-v", "-k", "-K", "-V"].contains(&v),
                    "env" => v == "-S" || v.starts_with("--split-string"),
                    "command" => v == "-v" || v == "-V",
                    _ => false,
                };
                if stops {
                    return None;
                }
                i += if value_options.contains(&v) { 2 } else { 1 };
                continue;
            }
            if keep_assignments && is_assignment(v) {
                assignments.push(arg.clone());
                i += 1;
                continue;
            }
            break;
        }
        if name == "timeout" {
            // The duration.
            i += 1;
        }
        let real = args.get(i)?;
        let mut next = current.as_ref().clone();
        next.name = real.clone();
        next.args = args[i + 1..].to_vec();
        next.assignments.extend(assignments);
        current = Cow::Owned(next);
    }
    None
}

fn is_assignment(v: &str) -> bool {
    v.split_once('=').is_some_and(|(name, _)| {
        !name.is_empty()
            && !name.starts_with(|c: char| c.is_ascii_digit())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// The program a command runs: the base name of its literal name (`apt-get` for
/// `/usr/bin/apt-get`), or `None` when the name has an expansion.
#[must_use]
pub fn program(command: &Command) -> Option<&str> {
    let name = command.name.value.as_deref()?;
    Some(name.rsplit('/').next().unwrap_or(name))
}

/// Whether a command runs apt's command-line tool: `apt-get`, `apt`, or their cross-build
/// wrappers `xx-apt-get` and `xx-apt`.
#[must_use]
pub fn is_apt(command: &Command) -> bool {
    matches!(
        program(command),
        Some("apt-get" | "apt" | "xx-apt-get" | "xx-apt")
    )
}

/// For `python -m <module> ...` (any `python`, `python3`, `python3.12`...), the command as if
/// the module were run directly: named by the module word, with the arguments after it.
#[must_use]
pub fn python_module(command: &Command, module: &str) -> Option<Command> {
    let name = program(command)?;
    let version = name.strip_prefix("python")?;
    if !version.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    let mut i = 0;
    while let Some(arg) = command.args.get(i) {
        let v = arg.value.as_deref()?;
        match v {
            "-m" => {
                let word = command.args.get(i + 1)?;
                if !word.is(module) {
                    return None;
                }
                let mut out = command.clone();
                out.name = word.clone();
                out.args = command.args[i + 2..].to_vec();
                return Some(out);
            }
            "-W" | "-X" => i += 2,
            _ if v.starts_with('-') && v != "-c" && v != "-" => i += 1,
            _ => return None,
        }
    }
    None
}

/// The index of the first argument that is not an option nor the value of one of
/// `value_options` (options given as `-o`, `--option`; `--option=value` and attached short
/// values need no listing). After `--`, the next argument.
#[must_use]
pub fn subcommand_index(args: &[Word], value_options: &[&str]) -> Option<usize> {
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        let v = arg.value_or_text();
        if v == "--" {
            return (i + 1 < args.len()).then_some(i + 1);
        }
        if v.starts_with('-') && v.len() > 1 {
            i += if takes_value(v, value_options) { 2 } else { 1 };
            continue;
        }
        return Some(i);
    }
    None
}

/// Whether option `v` takes the next argument as its value: it is one of `value_options`, or
/// a cluster of short options whose last one is (`-qo` for `-q -o`).
fn takes_value(v: &str, value_options: &[&str]) -> bool {
    if value_options.contains(&v) {
        return true;
    }
    match v.strip_prefix('-') {
        Some(cluster) if !cluster.starts_with('-') && cluster.len() > 1 => {
            cluster.chars().all(|c| c.is_ascii_alphabetic())
                && cluster
                    .chars()
                    .last()
                    .is_some_and(|c| value_options.contains(&format!("-{c}").as_str()))
        }
        _ => false,
    }
}

/// The `-o Key=value` settings of an apt command (`-o K=v`, `-oK=v`, `-qo K=v`,
/// `--option K=v`, `--option=K=v`), before `--`, as (key, value).
#[must_use]
pub fn apt_settings(command: &Command) -> Vec<(String, String)> {
    let values: Vec<&str> = command
        .args
        .iter()
        .map(Word::value_or_text)
        .take_while(|v| *v != "--")
        .collect();
    let mut out = Vec::new();
    for (i, v) in values.iter().enumerate() {
        let setting = if *v == "--option" || takes_value(v, &["-o"]) {
            values.get(i + 1).copied()
        } else {
            v.strip_prefix("--option=").or_else(|| v.strip_prefix("-o"))
        };
        if let Some((key, value)) = setting.and_then(|s| s.split_once('=')) {
            out.push((key.to_string(), value.trim_matches(['"', '\'']).to_string()));
        }
    }
    out
}

/// The first argument after the option and its value that is not an option: the subcommand
/// (see [`subcommand_index`]).
#[must_use]
pub fn subcommand<'c>(command: &'c Command, value_options: &[&str]) -> Option<&'c Word> {
    subcommand_index(&command.args, value_options).map(|i| &command.args[i])
}

/// The argument after the subcommand that is not an option (`install` in
/// `dnf module install x`).
#[must_use]
pub fn second_subcommand<'c>(command: &'c Command, value_options: &[&str]) -> Option<&'c Word> {
    let first = subcommand_index(&command.args, value_options)?;
    let rest = &command.args[first + 1..];
    subcommand_index(rest, value_options).map(|i| &rest[i])
}

/// Options of `apt-get`, `apt` and `aptitude` that take a separate value.
pub const APT_VALUE_OPTIONS: &[&str] = &[
    "-o",
    "-c",
    "-t",
    "-a",
    "--option",
    "--config-file",
    "--target-release",
    "--default-release",
    "--host-architecture",
];

/// Options of `apk` that take a separate value.
pub const APK_VALUE_OPTIONS: &[&str] = &[
    "-X",
    "-p",
    "--repository",
    "--root",
    "--arch",
    "--cache-dir",
    "--keys-dir",
    "--repositories-file",
    "--cache-max-age",
    "--timeout",
    "--progress-fd",
];

/// Options of `yum`, `dnf` and `microdnf` that take a separate value.
pub const RPM_VALUE_OPTIONS: &[&str] = &[
    "-c",
    "-d",
    "-e",
    "-x",
    "-R",
    "--config",
    "--debuglevel",
    "--errorlevel",
    "--installroot",
    "--enablerepo",
    "--disablerepo",
    "--exclude",
    "--releasever",
    "--setopt",
    "--repo",
    "--repoid",
    "--color",
    "--rpmverbosity",
    "--downloaddir",
    "--destdir",
    "--randomwait",
];

/// Options of `zypper` that take a separate value.
pub const ZYPPER_VALUE_OPTIONS: &[&str] = &[
    "-R",
    "-c",
    "-D",
    "-C",
    "--root",
    "--config",
    "--reposd-dir",
    "--cache-dir",
    "--raw-cache-dir",
    "--solv-cache-dir",
    "--pkg-cache-dir",
    "--userdata",
];

/// Options of `pip` that take a separate value (before or after the subcommand).
pub const PIP_VALUE_OPTIONS: &[&str] = &[
    "--proxy",
    "--log",
    "--cache-dir",
    "--timeout",
    "--retries",
    "--exists-action",
    "--trusted-host",
    "--cert",
    "--client-cert",
    "--python",
    "--keyring-provider",
    "--use-feature",
    "--use-deprecated",
];

/// Options of `yarn` that take a separate value.
pub const YARN_VALUE_OPTIONS: &[&str] = &["--cwd", "--modules-folder", "--cache-folder"];

/// The first command `is_target` accepts (skipping commands read from a part of the script
/// that does not parse) that no command `is_cleanup` accepts follows: what a cache rule
/// reports. Commands are in the order they run.
#[must_use]
pub fn uncleaned<'a, 'c>(
    commands: &'a [(usize, RealCommand<'c>)],
    is_target: impl Fn(&Command) -> bool,
    is_cleanup: impl Fn(&Command) -> bool,
) -> Option<&'a (usize, RealCommand<'c>)> {
    let start = commands
        .iter()
        .rposition(|(_, c)| is_cleanup(&c.command))
        .map_or(0, |i| i + 1);
    commands[start..]
        .iter()
        .find(|(_, c)| !c.command.recovered && is_target(&c.command))
}

/// The commands of a RUN with their wrappers removed (see [`unwrap_command`]), each with the
/// index of its script. Read once per RUN: every rule about commands asks.
#[must_use]
pub fn real_commands<'r>(run: &'r RunScripts<'_, '_>) -> &'r [(usize, RealCommand<'static>)] {
    run.real.get_or_init(|| {
        let (lists, order) = run.command_order();
        order
            .into_iter()
            .filter_map(|(k, j)| {
                unwrap_command(&lists[k][j]).map(|r| {
                    let command = Cow::Owned(r.command.into_owned());
                    (k, RealCommand { command, ..r })
                })
            })
            .collect()
    })
}

/// Whether the literal value of `word` is one of `names`.
#[must_use]
pub fn is_one_of(word: Option<&Word>, names: &[&str]) -> bool {
    word.and_then(|w| w.value.as_deref())
        .is_some_and(|v| names.contains(&v))
}

/// Whether `path` (an `rm` argument such as `/var/lib/apt/lists/*`) removes `dir` or
/// something inside it: trailing `*` and `/` are ignored.
#[must_use]
pub fn path_covers(path: &str, dir: &str) -> bool {
    let p = path.trim_end_matches('*').trim_end_matches('/');
    let dir = dir.trim_end_matches('/');
    if p.is_empty() {
        return false;
    }
    dir == p
        || dir.strip_prefix(p).is_some_and(|r| r.starts_with('/'))
        || p.strip_prefix(dir).is_some_and(|r| r.starts_with('/'))
}

/// Whether `command` is an `rm` with a path argument `matches` accepts (brace alternatives
/// such as `/var/lib/{apt,dpkg}` are expanded).
#[must_use]
pub fn removes(command: &Command, matches: impl Fn(&str) -> bool) -> bool {
    program(command) == Some("rm")
        && command
            .args
            .iter()
            .map(Word::value_or_text)
            .filter(|p| !p.starts_with('-'))
            .any(|p| expand_braces(p).iter().any(|p| matches(p)))
}

/// The words a path with `{a,b}` alternatives stands for (at most 64; unbalanced braces are
/// kept as written).
fn expand_braces(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut pending = vec![path.to_string()];
    while let Some(p) = pending.pop() {
        // The innermost group: the first `}` and the last `{` before it.
        let group = p.find('}').and_then(|close| {
            let open = p[..close].rfind('{')?;
            p[open + 1..close].contains(',').then_some((open, close))
        });
        match group {
            Some((open, close)) if out.len() + pending.len() < 64 => {
                for alternative in p[open + 1..close].split(',') {
                    pending.push(format!("{}{alternative}{}", &p[..open], &p[close + 1..]));
                }
            }
            _ => out.push(p),
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The targets of the cache and tmpfs mounts among `--mount=...` flags (as in
/// [`Layer::flags`]), without a trailing `/`.
#[must_use]
pub fn cache_mounts_from_flags(flags: &[String]) -> Vec<String> {
    flags
        .iter()
        .filter_map(|f| f.strip_prefix("--mount="))
        .filter_map(cache_mount_target)
        .collect()
}

/// The targets of the cache and tmpfs mounts of a RUN, read from its `--mount` flags as
/// written (quotes removed, variables kept).
#[must_use]
pub fn cache_mounts(instruction: Instruction<'_>, escape: char) -> Vec<String> {
    instruction
        .flags()
        .filter(|f| f.name() == "mount")
        .filter_map(|f| f.value_text())
        .map(|v| crate::syntax::unquote(&v, escape))
        .filter_map(|v| cache_mount_target(&v))
        .collect()
}

/// The target of a mount spec (`type=cache,target=/x`) of type cache or tmpfs.
fn cache_mount_target(spec: &str) -> Option<String> {
    let mut kind = "bind";
    let mut target = None;
    for field in spec.split(',') {
        let field = field.trim().trim_matches(['"', '\'']);
        let (key, value) = field.split_once('=').unwrap_or((field, ""));
        let value = value.trim_matches(['"', '\'']);
        match key.to_ascii_lowercase().as_str() {
            "type" => kind = value,
            "target" | "dst" | "destination" => target = Some(value),
            _ => {}
        }
    }
    let target = target?.trim_end_matches('/');
    (matches!(kind, "cache" | "tmpfs") && !target.is_empty()).then(|| target.to_string())
}

/// Whether one of the mount `targets` is `dir` or a directory above it.
#[must_use]
pub fn mount_covers(targets: &[String], dir: &str) -> bool {
    let dir = dir.trim_end_matches('/');
    targets.iter().any(|t| {
        dir == t
            || dir
                .strip_prefix(t.as_str())
                .is_some_and(|r| r.starts_with('/'))
    })
}

/// Where a command joined with `&&` can be appended to `script` (see
/// [`RunScripts::append_offset`]).
#[must_use]
pub fn append_offset(script: &Script) -> Option<u32> {
    if script.has_errors() {
        return None;
    }
    let commands = script.commands();
    let last = commands.last()?;
    if last.negated || last.in_subshell_or_group || last.recovered {
        return None;
    }
    let end = last.end_offset();
    let text = script.text();
    // The logical offset of `end`: source offsets grow with logical ones.
    let logical = partition_point(text.len() + 1, |l| script.source_offset(l) < end);
    if script.source_offset(logical) != end || !text.is_char_boundary(logical) {
        return None;
    }
    let rest = &text[logical..];
    let trimmed = rest.trim_start();
    if trimmed.is_empty() || (trimmed.len() < rest.len() && trimmed.starts_with('#')) {
        return Some(end);
    }
    // Trailing redirections of the last command (`> /dev/null 2>&1`): append after them.
    // Up to a comment: `#` after whitespace.
    let code = trimmed
        .char_indices()
        .find(|&(i, c)| c == '#' && trimmed[..i].ends_with(char::is_whitespace))
        .map_or(trimmed, |(i, _)| &trimmed[..i]);
    let redirections = code.trim_end();
    let starts_as_redirection = redirections
        .trim_start_matches(|c: char| c.is_ascii_digit())
        .starts_with(['>', '<'])
        || redirections.starts_with("&>");
    let plain = redirections.chars().all(|c| {
        c.is_ascii_alphanumeric() || c.is_ascii_whitespace() || "<>&/._-+=:,@%~".contains(c)
    });
    let operators = ["&&", "||", "|", "<<", "&;"];
    let words_after_ampersand = redirections.split('&').skip(1).any(|after| {
        // `&` may only appear in `>&`, `&>` and `2>&1`.
        after.starts_with(char::is_whitespace) || after.is_empty()
    });
    if !starts_as_redirection
        || !plain
        || operators.iter().any(|o| redirections.contains(o))
        || words_after_ampersand
    {
        return None;
    }
    let logical_end = logical + (rest.len() - trimmed.len()) + redirections.len();
    Some(script.source_offset(logical_end))
}

fn partition_point(len: usize, pred: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0, len);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if pred(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    fn scripts(src: &str) -> Vec<(Vec<String>, bool, Option<u32>)> {
        let parse = parse(src);
        let build = crate::semantic::evaluate(&parse, &crate::semantic::BuildOptions::default());
        let file = Dockerfile::cast(parse.tree().root()).unwrap();
        run_scripts(file, &build, &[""])
            .iter()
            .map(|r| {
                let commands = r
                    .commands()
                    .iter()
                    .filter_map(|(_, c)| unwrap_command(c))
                    .map(|c| {
                        std::iter::once(&c.command.name)
                            .chain(&c.command.args)
                            .map(|w| w.text.clone())
                            .collect::<Vec<_>>()
                            .join(" ")
                    })
                    .collect();
                (commands, r.line_script, r.append_offset())
            })
            .collect()
    }

    #[test]
    fn wrappers_are_removed() {
        let src = "FROM debian\nRUN sudo -E -u root env A=1 DEBIAN_FRONTEND=x apt-get install -y x \
                   && xargs -r apt-get install < f && command -v x && sudo -i\n";
        let runs = scripts(src);
        assert_eq!(
            runs[0].0,
            ["apt-get install -y x", "apt-get install"],
            "{runs:?}"
        );
    }

    #[test]
    fn heredocs_fed_to_shells_are_scripts() {
        let src = "FROM debian\nRUN bash -e <<EOF\napt-get update\nEOF\nRUN <<EOF\napk add x\nEOF\nRUN cat <<EOF > /f\napt-get update\nEOF\n";
        let runs = scripts(src);
        assert_eq!(runs[0].0, ["bash -e", "apt-get update"]);
        assert!(runs[0].1);
        assert_eq!(runs[1].0, ["apk add x"]);
        assert!(!runs[1].1);
        assert_eq!(runs[2].0, ["cat"]);
    }

    #[test]
    fn quoted_shell_strings_are_scripts_after_their_shell() {
        let src = "FROM debian\nRUN sudo bash -ec \"apt-get update && \\\n  apt-get install -y x\" && rm -rf /x \\\n && sh -c 'yum clean all'\n";
        let parse = parse(src);
        let build = crate::semantic::evaluate(&parse, &crate::semantic::BuildOptions::default());
        let file = Dockerfile::cast(parse.tree().root()).unwrap();
        let runs = run_scripts(file, &build, &[""]);
        let commands = runs[0].commands();
        let shapes: Vec<(usize, &str)> = commands
            .iter()
            .map(|(i, c)| (*i, &src[c.range.as_usize()]))
            .collect();
        assert_eq!(
            shapes,
            [
                (
                    0,
                    "sudo bash -ec \"apt-get update && \\\n  apt-get install -y x\""
                ),
                (1, "apt-get update"),
                (1, "apt-get install -y x"),
                (0, "rm -rf /x"),
                (0, "sh -c 'yum clean all'"),
                (2, "yum clean all"),
            ]
        );
        assert!(runs[0].append_offset().is_some());
    }

    #[test]
    fn non_posix_shells_and_exec_form_are_skipped() {
        let src = "FROM debian\nRUN [\"apt-get\", \"update\"]\nSHELL [\"pwsh\", \"-c\"]\nRUN apt-get update\nSHELL [\"/bin/bash\", \"-c\"]\nRUN apk add x\n";
        assert_eq!(scripts(src).len(), 1);
    }

    #[test]
    fn append_offsets() {
        for (run, expected) in [
            ("a && b", Some("a && b")),
            ("a && b # note", Some("a && b")),
            ("a | b", Some("a | b")),
            ("a &", None),
            ("a;", None),
            ("(a && b)", None),
            ("if a; then b; fi", None),
            ("a > /dev/null", Some("a > /dev/null")),
            ("a >/dev/null 2>&1 # quiet", Some("a >/dev/null 2>&1")),
            ("a > f \\\n  2>&1\n", Some("a > f \\\n  2>&1")),
            ("a > /dev/null &", None),
            ("a 2> \"$LOG\"", None),
            ("a <<EOF\nx\nEOF\n", None),
            ("! a", None),
            ("a \\\n  && b \\\n  c\n", Some("a \\\n  && b \\\n  c")),
        ] {
            let src = format!("FROM debian\nRUN {run}\n");
            let runs = scripts(&src);
            let got = runs[0]
                .2
                .map(|end| &src["FROM debian\nRUN ".len()..end as usize]);
            assert_eq!(got, expected, "{run}");
        }
    }

    #[test]
    fn onbuild_triggers_are_scripts_without_a_layer() {
        let src = "FROM debian\nONBUILD RUN apt-get install x\nONBUILD COPY . /\n\
                   ONBUILD RUN [\"apk\", \"add\"]\nSHELL [\"pwsh\", \"-c\"]\n\
                   ONBUILD RUN apt-get install y\nRUN apt-get install z\n";
        let parse = parse(src);
        let build = crate::semantic::evaluate(&parse, &crate::semantic::BuildOptions::default());
        let file = Dockerfile::cast(parse.tree().root()).unwrap();
        let runs = onbuild_run_scripts(file, &build, &["apt", "apk"]);
        assert_eq!(runs.len(), 1);
        assert!(runs[0].layer.is_none() && runs[0].line_script);
        assert_eq!(runs[0].scripts[0].text(), "apt-get install x");
        assert_eq!(runs[0].env("PATH"), None);
    }

    #[test]
    fn image_stages_follow_bases_with_unknown_variables() {
        let src = "FROM debian AS base\nFROM base AS base-amd64\nFROM base AS base-arm64\n\
                   FROM alpine AS other\nFROM base-$TARGETARCH AS final\nRUN true\n";
        let parse = parse(src);
        let build = crate::semantic::evaluate(&parse, &crate::semantic::BuildOptions::default());
        assert_eq!(image_stages(&build), [0, 1, 2, 4]);
        assert!(fits_reference("${A}-x-${B}", "a-x-b"));
        assert!(fits_reference("Base-$ARCH", "base-arm64"));
        assert!(!fits_reference("base-$ARCH", "other"));
        assert!(!fits_reference("base", "base"));
    }

    #[test]
    fn paths_and_mounts() {
        assert!(path_covers("/var/lib/apt/lists/*", "/var/lib/apt/lists"));
        assert!(path_covers("/var/lib/apt", "/var/lib/apt/lists"));
        assert!(path_covers(
            "/var/lib/apt/lists/partial",
            "/var/lib/apt/lists"
        ));
        assert!(!path_covers("/var/lib/apt-x", "/var/lib/apt/lists"));
        assert!(!path_covers("/*", "/var/lib/apt/lists"));
        assert_eq!(
            expand_braces("/var/{lib/{apt,dpkg},cache}/x"),
            ["/var/cache/x", "/var/lib/apt/x", "/var/lib/dpkg/x"]
        );
        assert_eq!(
            expand_braces("/var/lib/{apt,dpkg,cache}/"),
            ["/var/lib/apt/", "/var/lib/cache/", "/var/lib/dpkg/"]
        );
        assert_eq!(expand_braces("/x/{a}/y"), ["/x/{a}/y"]);
        let targets = cache_mounts_from_flags(&[
            "--mount=type=cache,target=/var/cache/apt/,sharing=locked".into(),
            "--mount=type=bind,target=/var/lib".into(),
            "--mount=type=tmpfs,dst=/tmp".into(),
        ]);
        assert_eq!(targets, ["/var/cache/apt", "/tmp"]);
        assert!(mount_covers(&targets, "/var/cache/apt/archives"));
        assert!(!mount_covers(&targets, "/var/cache/apk"));
    }
    #[test]
    fn root_images_and_busybox_stages() {
        let src = "FROM python:3.12-alpine AS a\nFROM a AS b\nFROM debian:12 AS c\n\
                   FROM scratch AS d\nFROM busybox\nFROM $BASE\n";
        let parse = parse(src);
        let build = crate::semantic::evaluate(&parse, &crate::semantic::BuildOptions::default());
        assert_eq!(
            root_image(&build, 1)
                .map(|i| i.path().to_string())
                .as_deref(),
            Some("library/python")
        );
        assert!(root_image(&build, 3).is_none());
        let busybox: Vec<bool> = (0..6).map(|s| busybox_based(&build, s)).collect();
        assert_eq!(busybox, [true, true, false, false, true, false]);
    }
}
