//! `dflint init`: writes a commented `.dflint.toml`, or converts hadolint's configuration
//! and lists what it could not carry over.

use std::path::Path;

use super::{EXIT_CLEAN, EXIT_ERROR};
use crate::config;

/// Writes the configuration to `output`; from `from_hadolint` when given. Refuses to
/// replace an existing file unless `force`.
pub(crate) fn run(output: &Path, from_hadolint: Option<&Path>, force: bool) -> u8 {
    match write(output, from_hadolint, force) {
        Ok(()) => EXIT_CLEAN,
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_ERROR
        }
    }
}

fn write(output: &Path, from_hadolint: Option<&Path>, force: bool) -> Result<(), String> {
    let shown = output.display();
    if !force && (output.exists() || output.is_symlink()) {
        return Err(format!(
            "{shown} already exists (pass `--force` to replace it)"
        ));
    }
    let text = match from_hadolint {
        None => config::init_template(),
        Some(path) => {
            let name = path.display().to_string();
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("{name}: cannot read the configuration file: {e}"))?;
            let hadolint = config::parse_hadolint_yaml(&text, &name).map_err(|e| e.to_string())?;
            let conversion = config::hadolint_to_toml(&hadolint, &crate::check::known_codes());
            report(&name, &conversion);
            conversion.toml
        }
    };
    super::check::write_atomically(output, &text)
        .map_err(|e| format!("{shown}: cannot write the configuration: {e}"))?;
    eprintln!("wrote {shown}");
    Ok(())
}

/// Lists on standard error what the conversion left out or needs to know.
fn report(name: &str, conversion: &config::Conversion) {
    if conversion.unmapped.is_empty() {
        eprintln!("{name}: every setting was converted");
    } else {
        eprintln!(
            "{name}: {} setting(s) could not be converted and were left out:",
            conversion.unmapped.len()
        );
        for item in &conversion.unmapped {
            eprintln!("  {item}");
        }
    }
    if !conversion.shellcheck_codes.is_empty() {
        eprintln!(
            "note: the ShellCheck codes {} select ShellCheck's findings, which need the `shellcheck` binary \
             (see the `shellcheck` setting)",
            conversion
                .shellcheck_codes
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
}
