//! Tests of the shell layer: scripts from Dockerfile source, commands and their ranges.

use super::*;
use crate::ast::Dockerfile;
use crate::syntax::{SyntaxTree, parse};

fn runs(tree: &SyntaxTree) -> Vec<Instruction<'_>> {
    Dockerfile::cast(tree.root())
        .unwrap()
        .instructions()
        .filter(|i| i.kind() == SyntaxKind::RUN_INSTR)
        .collect()
}

/// The script of the first RUN's shell form.
fn script(src: &str) -> Script {
    let parse = parse(src);
    let run = runs(parse.tree())[0];
    Script::from_shell_form(run.shell_form().expect("shell form"))
}

/// The script of a one-line `RUN <body>`.
fn run(body: &str) -> (String, Script) {
    let src = format!("FROM alpine\nRUN {body}\n");
    let script = script(&src);
    (src, script)
}

fn at(src: &str, range: TextRange) -> &str {
    &src[range.as_usize()]
}

/// Each command as `name arg arg` from the source slices of its words.
fn shapes(src: &str, script: &Script) -> Vec<String> {
    script
        .commands()
        .iter()
        .map(|c| {
            std::iter::once(&c.name)
                .chain(&c.args)
                .map(|w| {
                    assert_eq!(at(src, w.range), w.text, "range and text of {w:?}");
                    w.text.as_str()
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

fn separators(script: &Script) -> Vec<Option<Separator>> {
    script
        .commands()
        .iter()
        .map(|c| c.separator_after)
        .collect()
}

#[test]
fn continuation_with_comment_line_maps_words_back_to_source() {
    let src = "FROM debian\nRUN apt-get update \\\n # refresh the lists\n  && apt-get install \\\n      -y curl\n";
    let script = script(src);
    assert_eq!(
        script.text(),
        "apt-get update   && apt-get install       -y curl"
    );
    assert!(!script.has_errors());
    let commands = script.commands();
    assert_eq!(commands.len(), 2);
    assert_eq!(
        shapes(src, &script),
        ["apt-get update", "apt-get install -y curl"]
    );
    let install = &commands[1];
    assert_eq!(at(src, install.name.range), "apt-get");
    assert_eq!(at(src, install.args[1].range), "-y");
    // The command's range spans the continuation.
    assert_eq!(at(src, install.range), "apt-get install \\\n      -y curl");
    assert_eq!(commands[0].separator_after, Some(Separator::And));
    assert_eq!(commands[1].separator_after, None);
    // Inserting after `install` stays on its line, before the continuation.
    let logical_end = script.text().find("install").unwrap() + "install".len();
    let offset = script.source_offset(logical_end) as usize;
    assert_eq!(
        &src[..offset],
        "FROM debian\nRUN apt-get update \\\n # refresh the lists\n  && apt-get install"
    );
    assert_eq!(install.end_offset() as usize, src.len() - 1);
}

#[test]
fn word_split_by_a_continuation_covers_it() {
    let src = "FROM debian\nRUN apt-\\\n# c\nget install x\n";
    let script = script(src);
    assert_eq!(script.text(), "apt-get install x");
    let commands = script.commands();
    assert_eq!(commands[0].name.text, "apt-get");
    assert_eq!(commands[0].name.value.as_deref(), Some("apt-get"));
    assert_eq!(at(src, commands[0].name.range), "apt-\\\n# c\nget");
    // A position where the pieces meet maps to the end of the earlier piece.
    assert_eq!(script.source_offset(4) as usize, src.find("\\\n").unwrap());
    assert_eq!(at(src, script.source_range(4..7)), "get");
    assert_eq!(at(src, script.source_range(0..4)), "apt-");
    assert_eq!(
        script.source_range(4..4),
        TextRange::empty(script.source_offset(4))
    );
}

#[test]
fn and_or_semicolon_pipe_background() {
    let (src, script) = run("a && b || c; d & e | f |& g");
    assert_eq!(shapes(&src, &script), ["a", "b", "c", "d", "e", "f", "g"]);
    use Separator::*;
    assert_eq!(
        separators(&script),
        [
            Some(And),
            Some(Or),
            Some(Semicolon),
            Some(Background),
            Some(Pipe),
            Some(Pipe),
            None
        ]
    );
    let pipeline: Vec<bool> = script.commands().iter().map(|c| c.in_pipeline).collect();
    assert_eq!(pipeline, [false, false, false, false, true, true, true]);
}

#[test]
fn subshells_groups_and_negation() {
    let (src, script) = run("(cd /x && make) && { echo a; echo b; } | tee log; ! grep -q x f");
    assert_eq!(
        shapes(&src, &script),
        [
            "cd /x",
            "make",
            "echo a",
            "echo b",
            "tee log",
            "grep -q x f"
        ]
    );
    let c = script.commands();
    let grouped: Vec<bool> = c.iter().map(|c| c.in_subshell_or_group).collect();
    assert_eq!(grouped, [true, true, true, true, false, false]);
    let piped: Vec<bool> = c.iter().map(|c| c.in_pipeline).collect();
    assert_eq!(piped, [false, false, true, true, true, false]);
    let negated: Vec<bool> = c.iter().map(|c| c.negated).collect();
    assert_eq!(negated, [false, false, false, false, false, true]);
    use Separator::*;
    assert_eq!(
        separators(&script),
        [
            Some(And),
            None,
            Some(Semicolon),
            Some(Semicolon),
            Some(Semicolon),
            None
        ]
    );
}

#[test]
fn negation_covers_the_whole_pipeline() {
    let (_, script) = run("! a | b && c");
    let negated: Vec<bool> = script.commands().iter().map(|c| c.negated).collect();
    assert_eq!(negated, [true, true, false]);
}

#[test]
fn if_for_while_case_and_function_bodies() {
    let (src, script) = run(
        "if [ -f x ]; then apt-get update; elif test y; then b; else c; fi; \
         for i in 1 2; do d $i; done; while e; do f; done; \
         case $x in a) g;; esac; h() { k; }",
    );
    assert_eq!(
        shapes(&src, &script),
        [
            "apt-get update",
            "test y",
            "b",
            "c",
            "d $i",
            "e",
            "f",
            "g",
            "k"
        ]
    );
    let c = script.commands();
    assert_eq!(c[0].separator_after, Some(Separator::Semicolon));
    assert_eq!(c[7].separator_after, None);
    assert!(c[8].in_subshell_or_group);
}

#[test]
fn command_substitutions_are_excluded() {
    let (src, script) = run("echo $(apt-get install x) `b` \"$(c)\" <(d) && e");
    assert_eq!(
        shapes(&src, &script),
        ["echo $(apt-get install x) `b` \"$(c)\" <(d)", "e"]
    );
    let echo = &script.commands()[0];
    assert!(echo.args.iter().all(|a| a.value.is_none()));
    assert_eq!(echo.separator_after, Some(Separator::And));
}

#[test]
fn quoted_words_have_values() {
    let (src, script) = run(
        r#"echo "a b" 'c $d' "e\$f\\g\"h\i" a"b"'c' \$y x\ y $'t\tu' $"v" "$HOME" ${x:-y} {1..2} *.c"#,
    );
    let echo = &script.commands()[0];
    let values: Vec<Option<&str>> = echo.args.iter().map(|a| a.value.as_deref()).collect();
    assert_eq!(
        values,
        [
            Some("a b"),
            Some("c $d"),
            Some(r#"e$f\g"h\i"#),
            Some("abc"),
            Some("$y"),
            Some("x y"),
            Some("t\tu"),
            Some("v"),
            None,
            None,
            None,
            Some("*.c"),
        ]
    );
    for arg in &echo.args {
        assert_eq!(at(&src, arg.range), arg.text);
    }
    assert_eq!(echo.args[2].text, r#""e\$f\\g\"h\i""#);
    assert_eq!(echo.args[7].text, r#"$"v""#);
}

#[test]
fn assignments_and_redirections_are_not_args() {
    let (src, script) = run(
        "DEBIAN_FRONTEND=noninteractive A=\"1 2\" 2>/dev/null apt-get install -y x >/log 2>&1 && b <in >out",
    );
    let c = script.commands();
    assert_eq!(shapes(&src, &script), ["apt-get install -y x", "b"]);
    let assignments: Vec<&str> = c[0].assignments.iter().map(|w| at(&src, w.range)).collect();
    assert_eq!(assignments, ["DEBIAN_FRONTEND=noninteractive", "A=\"1 2\""]);
    assert_eq!(c[0].assignments[1].value.as_deref(), Some("A=1 2"));
    assert_eq!(
        at(&src, c[0].range),
        "DEBIAN_FRONTEND=noninteractive A=\"1 2\" 2>/dev/null apt-get install -y x"
    );
    assert_eq!(c[0].separator_after, Some(Separator::And));
    assert_eq!(&src[c[0].end_offset() as usize..][..6], " >/log");
}

#[test]
fn words_after_a_redirection_are_args() {
    let (src, script) = run("cmd >f arg && a | b 2>&1 c");
    assert_eq!(shapes(&src, &script), ["cmd arg", "a", "b c"]);
    let c = script.commands();
    assert_eq!(at(&src, c[0].range), "cmd >f arg");
    assert_eq!(c[0].separator_after, Some(Separator::And));
    assert_eq!(at(&src, c[2].range), "b 2>&1 c");
}

#[test]
fn declaration_builtins_are_commands() {
    let (src, script) = run("export PATH=/x:$PATH A; unset B");
    assert_eq!(shapes(&src, &script), ["export PATH=/x:$PATH A", "unset B"]);
    let export = &script.commands()[0];
    assert!(export.is("export"));
    assert_eq!(export.args[0].value, None);
    assert_eq!(export.args[1].value.as_deref(), Some("A"));
}

#[test]
fn sudo_stays_the_command_name() {
    let (src, script) = run("sudo apt-get install -y x");
    let c = &script.commands()[0];
    assert!(c.is("sudo"));
    assert_eq!(shapes(&src, &script), ["sudo apt-get install -y x"]);
    assert_eq!(c.subcommand().map(|w| w.text.as_str()), Some("apt-get"));
    assert!(c.has_flag(Some('y'), Some("yes")));
}

#[test]
fn flags_and_subcommands() {
    let (_, script) = run(
        "apt-get -qy install x; apt-get install --assume-yes=true x; \
         apt-get --no-install-recommends install x; apt-get install -- -y; \
         apt-get -oAPT::Get=y install x; apt-get -q \"-y\" install",
    );
    let c = script.commands();
    assert!(c[0].has_flag(Some('y'), Some("yes")));
    assert!(c[0].has_flag(Some('q'), None));
    assert!(!c[0].has_flag(Some('n'), None));
    assert_eq!(c[0].subcommand().unwrap().text, "install");
    assert!(c[1].has_flag(Some('y'), Some("assume-yes")));
    assert!(!c[1].has_flag(Some('y'), Some("yes")));
    assert!(c[2].has_flag(None, Some("no-install-recommends")));
    assert_eq!(c[2].subcommand().unwrap().text, "install");
    assert!(!c[3].has_flag(Some('y'), None), "after --");
    assert!(!c[4].has_flag(Some('y'), None), "inside an -o value");
    assert!(c[5].has_flag(Some('y'), None), "quoted flag");
    assert_eq!(c[5].subcommand().unwrap().text, "install");
}

#[test]
fn end_offset_is_where_a_flag_can_be_appended() {
    let src = "FROM debian\nRUN apt-get install curl \\\n  && rm -rf /var/lib/apt/lists/*\n";
    let script = script(src);
    let install = &script.commands()[0];
    let at_end = install.end_offset() as usize;
    let fixed = format!("{} -y{}", &src[..at_end], &src[at_end..]);
    assert_eq!(
        fixed,
        "FROM debian\nRUN apt-get install curl -y \\\n  && rm -rf /var/lib/apt/lists/*\n"
    );
    let sub = install.subcommand().unwrap().range.end as usize;
    assert_eq!(&src[..sub], "FROM debian\nRUN apt-get install");
}

#[test]
fn heredoc_body_scripts_map_directly() {
    let src = "FROM debian\nRUN bash <<EOF\nset -e\napt-get update\n# note\napt-get install -y \\\n  curl\nEOF\n";
    let parse = parse(src);
    let run = runs(parse.tree())[0];
    let body = Script::from_heredoc(run.heredocs().next().unwrap());
    assert_eq!(
        body.text(),
        "set -e\napt-get update\n# note\napt-get install -y \\\n  curl\n"
    );
    assert_eq!(
        shapes(src, &body),
        ["set -e", "apt-get update", "apt-get install -y curl"]
    );
    let c = body.commands();
    assert_eq!(c[0].separator_after, Some(Separator::Semicolon));
    assert_eq!(c[1].separator_after, Some(Separator::Semicolon));
    assert_eq!(c[2].separator_after, None);
    assert_eq!(at(src, c[2].range), "apt-get install -y \\\n  curl");
    // The line form feeds the heredoc to bash: its body is not read as commands there.
    let line = Script::from_shell_form(run.shell_form().unwrap());
    assert_eq!(
        line.text(),
        "bash <<EOF\nset -e\napt-get update\n# note\napt-get install -y \\\n  curl\nEOF"
    );
    assert!(!line.has_errors());
    assert_eq!(shapes(src, &line), ["bash"]);
}

#[test]
fn heredoc_as_the_whole_command_is_the_script() {
    let src = "FROM debian\nRUN <<EOF\napt-get update\napt-get install -y x\nEOF\nRUN <<EOF\n#!/usr/bin/env python3\nprint(1)\nEOF\nRUN <<-EOF\n\t#!/bin/bash\n\techo hi\n\tEOF\n";
    let parse = parse(src);
    let runs = runs(parse.tree());
    let script = Script::from_shell_form(runs[0].shell_form().unwrap());
    assert_eq!(
        shapes(src, &script),
        ["apt-get update", "apt-get install -y x"]
    );
    let python = Script::from_shell_form(runs[1].shell_form().unwrap());
    assert_eq!(python.text(), "");
    assert!(python.commands().is_empty());
    let bash = Script::from_shell_form(runs[2].shell_form().unwrap());
    assert_eq!(shapes(src, &bash), ["echo hi"]);
}

#[test]
fn commands_after_a_heredoc_marker_on_its_line() {
    let src =
        "FROM debian\nRUN cat <<EOF >/etc/x && apt-get install y \\\n  && echo done\nline\nEOF\n";
    let script = script(src);
    assert_eq!(
        script.text(),
        "cat <<EOF >/etc/x && apt-get install y   && echo done\nline\nEOF"
    );
    assert!(!script.has_errors());
    assert_eq!(
        shapes(src, &script),
        ["cat", "apt-get install y", "echo done"]
    );
    use Separator::*;
    assert_eq!(separators(&script), [Some(And), Some(And), None]);
}

#[test]
fn half_typed_scripts_recover() {
    let (src, script) = run("apt-get update && apt-get install -y \"curl");
    assert!(script.has_errors());
    assert_eq!(
        shapes(&src, &script),
        ["apt-get update", "apt-get install -y \"curl"]
    );
    assert_eq!(script.commands()[1].args[2].value.as_deref(), Some("curl"));

    let (src, script) = run("apt-get install x && (");
    assert!(script.has_errors());
    assert_eq!(shapes(&src, &script), ["apt-get install x"]);
    assert_eq!(script.commands()[0].separator_after, Some(Separator::And));

    let (src, script) = run("if apt-get update; then");
    assert!(script.has_errors());
    assert_eq!(shapes(&src, &script), ["apt-get update"]);

    let (_, script) = run("a; ; b && ) c |");
    assert!(script.has_errors());
    assert!(script.commands().iter().any(|c| c.is("a")));

    let (_, script) = run("apt-get install -y x");
    assert!(!script.has_errors());
    assert!(script.commands().iter().all(|c| !c.recovered));
}

#[test]
fn offsets_past_the_end_and_empty_scripts() {
    let (src, script) = run("true");
    assert_eq!(script.source_offset(100) as usize, src.len() - 1);
    let empty = Script::empty(7);
    assert_eq!(empty.source_offset(0), 7);
    assert_eq!(empty.source_range(0..3), TextRange::empty(7));
    assert!(empty.commands().is_empty());
    assert!(!empty.has_errors());
}

#[test]
fn windows_shells_are_not_posix() {
    let shell = |s: &[&str]| s.iter().map(|s| (*s).to_string()).collect::<Vec<_>>();
    assert!(is_posix_shell(&[]));
    assert!(is_posix_shell(&shell(&[
        "/bin/bash",
        "-o",
        "pipefail",
        "-c"
    ])));
    assert!(is_posix_shell(&shell(&["sh", "-c"])));
    assert!(!is_posix_shell(&shell(&["cmd", "/S", "/C"])));
    assert!(!is_posix_shell(&shell(&["CMD.EXE", "/C"])));
    assert!(!is_posix_shell(&shell(&["powershell", "-Command"])));
    assert!(!is_posix_shell(&shell(&[
        r"C:\Program Files\PowerShell\pwsh.exe",
        "-c"
    ])));
}

#[test]
fn crlf_and_backtick_escape_continuations() {
    let src = "# escape=`\r\nFROM mcr.microsoft.com/windows\r\nRUN choco install `\r\n  # tools\r\n  -y git\r\n";
    let script = script(src);
    assert_eq!(script.text(), "choco install   -y git");
    assert_eq!(shapes(src, &script), ["choco install -y git"]);
    assert_eq!(
        at(src, script.commands()[0].range),
        "choco install `\r\n  # tools\r\n  -y git"
    );
}

#[test]
fn onbuild_run_with_heredoc() {
    let src = "FROM alpine\nONBUILD RUN <<EOF\napk add curl\nEOF\n";
    let parse = parse(src);
    let onbuild = Dockerfile::cast(parse.tree().root())
        .unwrap()
        .instructions()
        .find(|i| i.kind() == SyntaxKind::ONBUILD_INSTR)
        .unwrap();
    let run = onbuild.onbuild_trigger().unwrap();
    let script = Script::from_shell_form(run.shell_form().unwrap());
    assert_eq!(shapes(src, &script), ["apk add curl"]);
}

#[test]
fn commands_inside_error_nodes_are_marked_recovered() {
    let src = "FROM debian\nRUN cat <<A >/f && bash <<B\nx\nA\napt-get install y\nB\n";
    let script = script(src);
    assert!(script.has_errors());
    let c = script.commands();
    assert!(c.iter().any(|c| c.is("cat") && !c.recovered));
    assert!(c.iter().any(|c| c.is("bash") && c.recovered));
    for command in c.iter() {
        assert_eq!(at(src, command.name.range), command.name.text);
    }
}

#[test]
fn a_heredoc_marker_line_parses_without_errors() {
    let src = "FROM debian\nRUN python3 <<EOF > /out && echo ok\nprint(1)\nEOF\n";
    let script = script(src);
    assert!(!script.has_errors());
    assert_eq!(shapes(src, &script), ["python3", "echo ok"]);
    // The appended body maps onto the body in the source.
    let logical = script.text().find("print").unwrap();
    assert_eq!(
        at(src, script.source_range(logical..logical + 8)),
        "print(1)"
    );
}

#[test]
fn scripts_can_be_shared_between_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Script>();
    assert_send_sync::<Command>();
}

#[test]
fn empty_heredoc_body_and_non_ascii_words() {
    let src = "FROM debian\nRUN cat <<EOF\nEOF\nRUN echo \"héllo wörld\" 🐳 && true\n";
    let parse = parse(src);
    let runs = runs(parse.tree());
    let body = Script::from_heredoc(runs[0].heredocs().next().unwrap());
    assert_eq!(body.text(), "");
    assert!(body.commands().is_empty());
    let script = Script::from_shell_form(runs[1].shell_form().unwrap());
    assert_eq!(shapes(src, &script), ["echo \"héllo wörld\" 🐳", "true"]);
    assert_eq!(
        script.commands()[0].args[0].value.as_deref(),
        Some("héllo wörld")
    );
}

#[test]
fn syntax_nodes_map_to_the_source_across_continuations() {
    let (src, script) = run("a \\\n  | b && [[ x ]]");
    let nodes = script.nodes();
    assert_eq!(nodes[0].kind, "program");
    assert_eq!(nodes[0].parent, None);
    let pipe = nodes.iter().find(|n| n.kind == "|").unwrap();
    assert!(!pipe.named);
    assert_eq!(at(&src, pipe.range), "|");
    assert_eq!(nodes[pipe.parent.unwrap()].kind, "pipeline");
    let test = nodes.iter().position(|n| n.kind == "test_command").unwrap();
    assert!(nodes[test].named);
    assert_eq!(at(&src, nodes[test].range), "[[ x ]]");
    // Children follow their parent.
    assert!(nodes.iter().skip(test + 1).any(|n| n.parent == Some(test)));
    assert!(
        nodes
            .iter()
            .all(|n| n.parent.is_none_or(|p| p < nodes.len()))
    );
    let (_, broken) = run("if then fi (");
    assert!(broken.nodes().iter().any(|n| n.error));
}

#[test]
fn onbuild_run_triggers_and_shells_of_run_scripts() {
    use super::packages::{all_run_scripts, run_scripts};
    let src = "FROM debian AS base\nSHELL [\"/bin/bash\", \"-c\"]\nRUN a\nONBUILD RUN b\n\
               FROM base\nRUN c\nONBUILD COPY x /x\n";
    let parse = parse(src);
    let build = crate::semantic::evaluate(&parse, &crate::semantic::BuildOptions::default());
    let file = Dockerfile::cast(parse.tree().root()).unwrap();
    let all = all_run_scripts(file, &build, &[""]);
    let shapes: Vec<(usize, bool, Vec<String>, String)> = all
        .iter()
        .map(|r| {
            (
                r.stage,
                r.onbuild,
                r.shell.clone(),
                r.scripts[0].text().to_string(),
            )
        })
        .collect();
    let bash = vec!["/bin/bash".to_string(), "-c".to_string()];
    assert_eq!(
        shapes,
        [
            (0, false, bash.clone(), "a".to_string()),
            (0, true, bash.clone(), "b".to_string()),
            (1, false, bash, "c".to_string()),
        ]
    );
    assert_eq!(run_scripts(file, &build, &[""]).len(), 2);
}

#[test]
fn a_script_moved_by_an_edit_above_keeps_its_commands_at_their_new_places() {
    let body = "apt-get update && \\\n    apt-get install -y curl | tee log";
    let before = format!("FROM alpine\nRUN {body}\n");
    let after = format!("FROM alpine\n# a comment typed above\nRUN {body}\n");
    let first = script(&before);
    let moved = script(&after);
    let old = first.commands();
    // Read again after the move: found among the recent scripts, at the new offsets.
    let new = moved.commands();
    assert_eq!(old.len(), new.len());
    assert_eq!(
        shapes(&after, &moved),
        ["apt-get update", "apt-get install -y curl", "tee log"]
    );
    let delta = u32::try_from("# a comment typed above\n".len()).unwrap();
    assert_eq!(new[1].range.start, old[1].range.start + delta);
    // The nodes move too.
    let old_nodes = first.nodes();
    let new_nodes = moved.nodes();
    assert_eq!(old_nodes.len(), new_nodes.len());
    for (a, b) in old_nodes.iter().zip(new_nodes.iter()) {
        assert_eq!(b.range.start, a.range.start + delta);
        assert_eq!(b.logical, a.logical);
        assert_eq!(at(&after, b.range), at(&before, a.range));
    }
    // Back at the first place, the first reading's ranges come back.
    assert_eq!(script(&before).commands()[1].range, old[1].range);
}
