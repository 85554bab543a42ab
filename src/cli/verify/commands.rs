//! `dflint verify ORIGINAL FIXED` and `dflint plan --verify`: the commands that build with a
//! real engine and report, as text or JSON.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

use serde_json::json;

use super::{BuildSpec, EngineChoice, Session, detect, explain};
use crate::cli::{
    EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, Input, PlanArgs, PlanFormat, VerifyArgs, VerifyFormat,
    display_path, parse_build_args, read_input,
};
use crate::verify::{PredictionDifference, compare_images};

/// The directory a Dockerfile's builds default their context to.
pub(in crate::cli) fn home_of(input: &Input) -> &Path {
    input
        .path
        .as_deref()
        .and_then(Path::parent)
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

fn write_stdout(text: &str) {
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

/// `dflint plan --verify`: builds each file and reports where the prediction and the built
/// config differ.
pub(in crate::cli) fn plan_verify(
    args: &PlanArgs,
    choice: EngineChoice,
    options: &crate::semantic::BuildOptions,
    inputs: &[Input],
    io_errors: &[String],
) -> u8 {
    for e in io_errors {
        eprintln!("error: {e}");
    }
    if !io_errors.is_empty() {
        return EXIT_ERROR;
    }
    let engine = match detect(choice) {
        Ok(engine) => engine,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    let session = match Session::new(engine.as_ref()) {
        Ok(session) => session,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    let engine_name = engine.describe();
    let spec = BuildSpec {
        context: args.context.clone(),
        target: options.target.clone(),
        build_args: options.build_args.clone(),
        pull: !args.no_pull,
    };
    let mut exit = EXIT_CLEAN;
    for input in inputs {
        let result = read_input(input).and_then(|text| {
            super::verify_plan(&session, &text, home_of(input), options, &spec)
                .map_err(|e| format!("{}: {e}", input.display))
        });
        let differences = match result {
            Ok(differences) => differences,
            Err(e) => {
                eprintln!("error: {e}");
                exit = EXIT_ERROR;
                continue;
            }
        };
        let unexplained = differences.iter().any(|d| d.known.is_none());
        if unexplained && exit == EXIT_CLEAN {
            exit = EXIT_FINDINGS;
        }
        let out = match args.format {
            PlanFormat::Json => {
                let document = json!({
                    "path": input.display,
                    "engine": engine_name,
                    "matches": !unexplained,
                    "differences": differences,
                });
                format!("{document}\n")
            }
            _ => plan_text(&input.display, &engine_name, &differences),
        };
        write_stdout(&out);
    }
    exit
}

fn plan_text(path: &str, engine: &str, differences: &[PredictionDifference]) -> String {
    let unexplained = differences.iter().filter(|d| d.known.is_none()).count();
    let mut out = if unexplained == 0 {
        format!("{path}: the predicted config matches the image {engine} built\n")
    } else {
        format!(
            "{path}: {unexplained} config fields differ between the prediction and the image \
             {engine} built\n"
        )
    };
    for d in differences {
        let known = d
            .known
            .map(|why| format!(" (a known engine difference: {why})"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  {}{known}:\n    predicted: {}\n    built:     {}",
            d.field, d.predicted, d.built
        );
    }
    out
}

fn file_input(path: &Path) -> Input {
    Input {
        path: Some(path.to_path_buf()),
        display: display_path(path),
        build: None,
        searched: false,
    }
}

/// `dflint verify ORIGINAL FIXED`.
pub(in crate::cli) fn run_verify(args: &VerifyArgs) -> u8 {
    let mut codes: Vec<&'static str> = Vec::new();
    for name in &args.fixed_by {
        match crate::rules::find(name) {
            Some(rule) => codes.push(rule.meta().code),
            None => {
                eprintln!("error: no rule named `{name}` (see `dflint rules`)");
                return EXIT_ERROR;
            }
        }
    }
    let (original, fixed) = (file_input(&args.original), file_input(&args.fixed));
    let texts = read_input(&original).and_then(|o| read_input(&fixed).map(|f| (o, f)));
    let (original_text, fixed_text) = match texts {
        Ok(texts) => texts,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    let engine = match detect(args.engine) {
        Ok(engine) => engine,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    let session = match Session::new(engine.as_ref()) {
        Ok(session) => session,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    let spec = BuildSpec {
        // Both builds share one context: the original's directory unless given.
        context: Some(
            args.context
                .clone()
                .unwrap_or_else(|| home_of(&original).to_path_buf()),
        ),
        target: args.target.clone(),
        build_args: parse_build_args(&args.build_args),
        pull: !args.no_pull,
    };
    let build = |input: &Input, text: &str| {
        session
            .build_image(text, home_of(input), &spec)
            .map_err(|e| format!("{}: does not build: {e}", input.display))
    };
    let images =
        build(&original, &original_text).and_then(|a| build(&fixed, &fixed_text).map(|b| (a, b)));
    let (before, after) = match images {
        Ok(images) => images,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    let explained = explain(&compare_images(&before, &after), &codes);
    let proven = explained.iter().all(|(_, by)| !by.is_empty());
    let engine_name = engine.describe();
    let out = match args.format {
        VerifyFormat::Json => {
            let differences: Vec<serde_json::Value> = explained
                .iter()
                .map(|(d, by)| {
                    json!({
                        "subject": d.subject,
                        "before": d.before,
                        "after": d.after,
                        "declared_by": by,
                    })
                })
                .collect();
            let document = json!({
                "engine": engine_name,
                "original": original.display,
                "fixed": fixed.display,
                "files": before.files.len(),
                "identical": explained.is_empty(),
                "proven": proven,
                "differences": differences,
            });
            format!("{document:#}\n")
        }
        VerifyFormat::Text => {
            let mut out = if explained.is_empty() {
                format!(
                    "{} and {} build identical images with {engine_name} ({} paths compared)\n",
                    original.display,
                    fixed.display,
                    before.files.len()
                )
            } else {
                let undeclared = explained.iter().filter(|(_, by)| by.is_empty()).count();
                format!(
                    "{} and {} build different images with {engine_name}: {} difference(s), {undeclared} not declared\n",
                    original.display,
                    fixed.display,
                    explained.len()
                )
            };
            for (d, by) in &explained {
                let declared = if by.is_empty() {
                    String::new()
                } else {
                    format!(" (declared by {})", by.join(", "))
                };
                let _ = writeln!(out, "  {d}{declared}");
            }
            out
        }
    };
    write_stdout(&out);
    if proven { EXIT_CLEAN } else { EXIT_FINDINGS }
}
