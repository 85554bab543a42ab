//! Tests of the ShellCheck bridge: which scripts are prepared, and how positions in
//! ShellCheck's view map back to Dockerfile bytes (without running ShellCheck: its answers
//! are simulated from the prepared text).

use super::*;
use crate::semantic::{BuildOptions, evaluate};
use crate::syntax::parse;

fn prepared(source: &str) -> Vec<ShellScript> {
    let parsed = parse(source);
    let build = evaluate(&parsed, &BuildOptions::default());
    scripts(&parsed, &build)
}

/// ShellCheck's position of byte `offset` of `text`: 1-based line and column, columns
/// counting Unicode scalar values and a tab as one (as `json1` does).
fn position(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, text[line_start..offset].chars().count() + 1)
}

/// A `json1` comment on the `nth` occurrence of `needle` in the prepared text of `script`.
fn comment_on(script: &ShellScript, needle: &str, nth: usize, code: u32, level: &str) -> String {
    let start = script
        .text()
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("{needle:?} not in {:?}", script.text()))
        .0;
    let (line, column) = position(script.text(), start);
    let (end_line, end_column) = position(script.text(), start + needle.len());
    format!(
        r#"{{"file":"{}","line":{line},"endLine":{end_line},"column":{column},"endColumn":{end_column},"level":"{level}","code":{code},"message":"Something is off.","fix":null}}"#,
        script.name()
    )
}

fn output(comments: &[String]) -> String {
    format!(r#"{{"comments":[{}]}}"#, comments.join(","))
}

/// The Dockerfile text each simulated finding on `needle` (first occurrence in the script
/// ShellCheck reads) is reported at.
fn reported_at(source: &str, script: usize, needle: &str) -> String {
    let scripts = prepared(source);
    let comment = comment_on(&scripts[script], needle, 0, 2086, "info");
    let found = diagnostics(&scripts, &output(&[comment])).unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    source[found[0].range.as_usize()].to_string()
}

#[test]
fn header_sets_the_dialect_and_the_names_in_scope() {
    let scripts = prepared(
        "ARG global\nFROM alpine\nARG version\nARG a=1 b\nENV home=/h\nRUN echo $version\nENV late=1\n",
    );
    assert_eq!(scripts.len(), 1);
    let text = scripts[0].text();
    assert!(text.starts_with("# shellcheck shell=sh\nexport "), "{text}");
    let names: Vec<&str> = scripts[0].names().collect();
    for name in ["version", "a", "b", "home", "http_proxy", "NO_PROXY"] {
        assert!(names.contains(&name), "{name} missing: {names:?}");
    }
    // A global ARG is not in scope in a stage without being declared again, and an ENV
    // after the RUN is not seen by it.
    assert!(!names.contains(&"global") && !names.contains(&"late"));
    // An ENV's literal value is given when it is one plain word; an ARG's never.
    assert!(text.contains(" home=/h "), "{text}");
    assert!(text.contains(" a='' "), "{text}");
    assert!(text.ends_with("\necho $version"), "{text}");
    assert_eq!(scripts[0].dialect(), Dialect::Sh);
}

#[test]
fn env_values_are_given_only_when_literal_plain_words() {
    let scripts = prepared(
        "FROM alpine\nARG v=1\nENV plain=1.2.3 spaced=\"a b\" derived=$v glob=*.txt \\\n    quoted='x-y'\nRUN echo\n",
    );
    let text = scripts[0].text();
    for assignment in [
        " plain=1.2.3 ",
        " spaced='' ",
        " derived='' ",
        " glob='' ",
        " quoted=x-y ",
        " v=''\n",
    ] {
        assert!(text.contains(assignment), "{assignment} not in {text}");
    }
}

#[test]
fn dialect_follows_shell_inheritance_and_shebangs() {
    let source = "FROM alpine AS a\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\n\
        RUN echo 1\nFROM a\nRUN echo 2\nSHELL [\"/usr/bin/env\", \"ksh\", \"-c\"]\nRUN echo 3\n\
        SHELL [\"/bin/busybox\", \"sh\", \"-c\"]\nRUN echo 4\nFROM alpine\nRUN echo 5\n\
        RUN <<EOF\n#!/bin/bash\necho 6\nEOF\nRUN <<EOF\n#!/usr/bin/env dash\necho 7\nEOF\n";
    let dialects: Vec<Dialect> = prepared(source).iter().map(ShellScript::dialect).collect();
    assert_eq!(
        dialects,
        [
            Dialect::Bash,
            Dialect::Bash,
            Dialect::Ksh,
            Dialect::Dash,
            Dialect::Sh,
            Dialect::Bash,
            Dialect::Dash
        ]
    );
}

#[test]
fn skips_exec_form_other_shells_other_interpreters_and_file_heredocs() {
    let source = "FROM alpine\nRUN [\"echo\", \"$x\"]\nCOPY <<EOF /a.sh\necho $x\nEOF\n\
        RUN <<EOF\n#!/usr/bin/env python3\nprint(1)\nEOF\nONBUILD RUN echo $x\n\
        RUN # only a comment\nSHELL [\"zsh\", \"-c\"]\nRUN echo zsh\n\
        FROM mcr.microsoft.com/windows/servercore\nSHELL [\"powershell\", \"-Command\"]\n\
        RUN Write-Host $x\nSHELL [\"cmd\", \"/S\", \"/C\"]\nRUN echo %x%\n";
    assert!(prepared(source).is_empty(), "{:?}", prepared(source));
}

#[test]
fn windows_images_default_to_cmd() {
    let source = "FROM mcr.microsoft.com/windows/servercore:ltsc2022 AS w\nRUN echo %x%\n\
        FROM w\nRUN echo %y%\nSHELL [\"bash\", \"-c\"]\nRUN echo $z\n";
    let scripts = prepared(source);
    assert_eq!(scripts.len(), 1);
    assert!(scripts[0].script().text().contains("$z"));
    let source =
        "# escape=`\nFROM $BASE\nRUN powershell -Command `\n    $ErrorActionPreference = 'Stop'\n";
    assert!(prepared(source).is_empty());
}

#[test]
fn header_goes_after_a_shebang_and_leading_comments() {
    let scripts = prepared(
        "FROM alpine\nRUN <<EOF\n#!/bin/sh\n# shellcheck disable=SC2086\n\nset -e\necho $x\nEOF\n",
    );
    assert_eq!(
        scripts[0].text(),
        "#!/bin/sh\n# shellcheck disable=SC2086\n\n# shellcheck shell=sh\nexport ALL_PROXY='' \
         FTP_PROXY='' HTTPS_PROXY='' HTTP_PROXY='' NO_PROXY='' all_proxy='' ftp_proxy='' \
         http_proxy='' https_proxy='' no_proxy=''\nset -e\necho $x\n"
    );
}

#[test]
fn maps_positions_on_one_line() {
    let source = "FROM alpine\nARG v\nRUN echo $v && ls $d\n";
    assert_eq!(reported_at(source, 0, "$d"), "$d");
    assert_eq!(reported_at(source, 0, "echo $v"), "echo $v");
}

#[test]
fn maps_positions_across_line_continuations() {
    let source = "FROM alpine\nRUN apt-get update && \\\n    apt-get install -y $pkgs \\\n  # a comment\n   && echo \"$done\"\n";
    assert_eq!(reported_at(source, 0, "$pkgs"), "$pkgs");
    assert_eq!(reported_at(source, 0, "\"$done\""), "\"$done\"");
    // A range spanning a continuation covers it.
    assert_eq!(
        reported_at(source, 0, "update &&     apt-get"),
        "update && \\\n    apt-get"
    );
}

#[test]
fn maps_positions_with_tabs_and_multibyte_characters() {
    let source = "FROM alpine\nRUN echo \"é😀\"\t$a && \\\n\t\techo ü\t$b\n";
    assert_eq!(reported_at(source, 0, "$a"), "$a");
    assert_eq!(reported_at(source, 0, "$b"), "$b");
    assert_eq!(reported_at(source, 0, "\"é😀\""), "\"é😀\"");
}

#[test]
fn maps_positions_in_heredocs() {
    // `RUN <<EOF`: the body is the script.
    let source = "FROM alpine\nRUN <<EOF\n#!/bin/sh\n\tcd /é\n\techo $x\nEOF\n";
    assert_eq!(reported_at(source, 0, "$x"), "$x");
    assert_eq!(reported_at(source, 0, "cd /é"), "cd /é");
    // A heredoc fed to a command follows the RUN line in the script.
    let source = "FROM alpine\nRUN cat <<EOF > /a && \\\n  echo $y\nline $z\nEOF\n";
    assert_eq!(reported_at(source, 0, "$y"), "$y");
    assert_eq!(reported_at(source, 0, "$z"), "$z");
    // Two scripts in one file keep their own maps.
    let source = "FROM alpine\nRUN echo $a\nRUN <<EOF\necho $a\nEOF\n";
    let scripts = prepared(source);
    assert_eq!(scripts.len(), 2);
    let comments = [
        comment_on(&scripts[0], "$a", 0, 2086, "info"),
        comment_on(&scripts[1], "$a", 0, 2154, "warning"),
    ];
    let found = diagnostics(&scripts, &output(&comments)).unwrap();
    let starts: Vec<u32> = found.iter().map(|d| d.range.start).collect();
    assert_eq!(
        starts,
        [
            u32::try_from(source.find("$a").unwrap()).unwrap(),
            u32::try_from(source.rfind("$a").unwrap()).unwrap()
        ]
    );
}

#[test]
fn findings_on_the_header_are_dropped_and_others_read() {
    let source = "FROM alpine\nARG v\nRUN echo $v\n";
    let scripts = prepared(source);
    let comments = [
        comment_on(&scripts[0], "export", 0, 2034, "warning"),
        comment_on(&scripts[0], "shell=sh", 0, 1000, "error"),
        comment_on(&scripts[0], "$v", 0, 2086, "style"),
        r#"{"file":"elsewhere.sh","line":1,"endLine":1,"column":1,"endColumn":2,"level":"error","code":1000,"message":"x","fix":null}"#.to_string(),
    ];
    let found = diagnostics(&scripts, &output(&comments)).unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    let d = &found[0];
    assert_eq!(
        (d.code, d.name, d.severity),
        ("SC2086", NAME, Severity::Style)
    );
    assert_eq!(d.message, "Something is off");
    assert_eq!(&source[d.range.as_usize()], "$v");
    assert!(diagnostics(&scripts, "not json").is_err());
}

#[test]
fn positions_past_the_end_clamp() {
    let source = "FROM alpine\nRUN echo 'unterminated\n";
    let scripts = prepared(source);
    let comment = format!(
        r#"{{"file":"{}","line":9,"endLine":9,"column":40,"endColumn":40,"level":"error","code":1009,"message":"x","fix":null}}"#,
        scripts[0].name()
    );
    let found = diagnostics(&scripts, &output(&[comment])).unwrap();
    assert_eq!(found[0].range.start as usize, source.len() - 1);
}

#[test]
fn codes_and_selectors() {
    assert_eq!(code_of(2086), Some("SC2086"));
    assert_eq!(code_of(1000), Some("SC1000"));
    assert_eq!(code_of(9999), Some("SC9999"));
    assert_eq!(code_of(999), None);
    assert_eq!(code_of(10000), None);
    for s in ["SC2086", "sc2086", "SC2", "SC", "shellcheck", "ShellCheck"] {
        assert!(is_selector(s), "{s}");
    }
    for s in ["SC20860", "SCX", "DL3008", "S", ""] {
        assert!(!is_selector(s), "{s}");
    }
}
