//! Signature help: the syntax of the instruction under the cursor, with the argument being
//! typed marked.

use crate::ide::docs::instruction_doc;
use crate::ide::{Analysis, clamp, instruction_at};
use crate::syntax::SyntaxKind;

/// An instruction's syntax and the parameter at the cursor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureHelp {
    /// The syntax, such as `FROM [--platform=<platform>] <image> [AS <name>]`.
    pub label: String,
    pub documentation: String,
    /// The parameters, as byte ranges into `label`.
    pub parameters: Vec<(u32, u32)>,
    /// The index in `parameters` of the one being typed.
    pub active_parameter: Option<usize>,
}

/// The parameters of a syntax line: the words after the keyword, a bracketed group counting
/// as one.
fn parameters(label: &str) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start: Option<usize> = None;
    let keyword_end = label.find(' ').unwrap_or(label.len());
    for (i, c) in label.char_indices().skip_while(|&(i, _)| i < keyword_end) {
        match c {
            '[' | '<' => depth += 1,
            ']' | '>' => depth -= 1,
            _ => {}
        }
        if c == ' ' && depth <= 0 {
            if let Some(s) = start.take() {
                out.push((s, i));
            }
        } else if start.is_none() && c != ' ' {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        out.push((s, label.len()));
    }
    out.into_iter()
        .map(|(a, b)| (crate::ide::to_u32(a), crate::ide::to_u32(b)))
        .collect()
}

/// The signature of the instruction at `offset`, once its keyword is followed by a space.
#[must_use]
pub fn signature_help(source: &str, offset: u32) -> Option<SignatureHelp> {
    let offset = clamp(source, offset);
    let analysis = Analysis::new(source);
    let instruction = instruction_at(analysis.file()?, offset)?;
    if instruction.heredocs().any(|h| h.range().start <= offset) {
        return None;
    }
    let mut prefix = String::new();
    for token in instruction.syntax().logical_tokens() {
        let range = token.range();
        if range.start >= offset {
            break;
        }
        let end = (range.end.min(offset) - range.start) as usize;
        prefix.push_str(token.text().get(..end).unwrap_or(""));
    }
    let mut kind = instruction.kind();
    let mut rest = prefix.as_str();
    if kind == SyntaxKind::ONBUILD_INSTR {
        rest = rest.split_once(char::is_whitespace)?.1.trim_start();
        kind = SyntaxKind::from_keyword(rest.split(char::is_whitespace).next()?)?;
    }
    let arguments = rest.split_once(char::is_whitespace)?.1;
    let doc = instruction_doc(kind)?;
    let exec = arguments.trim_start().starts_with('[');
    let label = doc
        .syntax
        .iter()
        .find(|form| !exec || form.contains(" [\""))
        .unwrap_or(&doc.syntax[0]);
    let params = parameters(label);
    let typed = arguments.rsplit(char::is_whitespace).next().unwrap_or("");
    let before: Vec<&str> = arguments[..arguments.len() - typed.len()]
        .split_whitespace()
        .collect();
    let param_text = |p: &(u32, u32)| &label[p.0 as usize..p.1 as usize];
    let active = if exec {
        Some(params.len().saturating_sub(1))
    } else if let Some(flag) = typed.strip_prefix("--") {
        let name = flag.split('=').next().unwrap_or("");
        params
            .iter()
            .position(|p| param_text(p).starts_with(&format!("[--{name}")))
    } else {
        let positional: Vec<usize> = params
            .iter()
            .enumerate()
            .filter(|(_, p)| !param_text(p).starts_with("[--"))
            .map(|(i, _)| i)
            .collect();
        let index = before.iter().filter(|w| !w.starts_with("--")).count();
        positional
            .get(index.min(positional.len().saturating_sub(1)))
            .copied()
    };
    Some(SignatureHelp {
        label: (*label).to_string(),
        documentation: doc.summary.to_string(),
        parameters: params,
        active_parameter: active,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn active(marked: &str) -> Option<String> {
        let offset = crate::ide::to_u32(marked.find('|').unwrap());
        let source = marked.replacen('|', "", 1);
        let help = signature_help(&source, offset)?;
        let (a, b) = help.parameters[help.active_parameter?];
        Some(help.label[a as usize..b as usize].to_string())
    }

    #[test]
    fn marks_the_argument_being_typed() {
        assert_eq!(active("FROM |").as_deref(), Some("<image>"));
        assert_eq!(
            active("FROM --plat|").as_deref(),
            Some("[--platform=<platform>]")
        );
        assert_eq!(active("FROM alpine A|").as_deref(), Some("[AS <name>]"));
        assert_eq!(
            active("FROM a\nRUN --network=none apt-get |").as_deref(),
            Some("<command>")
        );
        assert_eq!(
            active("FROM a\nCOPY --chown=x a b |").as_deref(),
            Some("<dest>")
        );
        assert_eq!(
            active("FROM a\nCOPY --ch|").as_deref(),
            Some("[--chown=<user>:<group>]")
        );
        assert_eq!(
            active("FROM a\nCMD [\"a\", |").as_deref(),
            Some("[\"executable\", \"param\"...]")
        );
        // Right after the characters that ask again: `[`, `=`.
        assert_eq!(
            active("FROM a\nCMD [|").as_deref(),
            Some("[\"executable\", \"param\"...]")
        );
        assert_eq!(
            active("FROM a\nFROM --platform=|").as_deref(),
            Some("[--platform=<platform>]")
        );
        assert_eq!(
            active("FROM a\nONBUILD COPY |").as_deref(),
            Some("<src>...")
        );
        assert_eq!(
            active("FROM a\nHEALTHCHECK --retries=3 |").as_deref(),
            Some("CMD")
        );
        assert!(signature_help("FROM a\nRU", 9).is_none());
        assert!(signature_help("FROM a\nRUN x\n", 13).is_none());
    }

    #[test]
    fn parameters_split_at_top_level_spaces() {
        let label = "COPY [--from=<stage|image>] <src>... <dest>";
        let parts: Vec<&str> = parameters(label)
            .iter()
            .map(|&(a, b)| &label[a as usize..b as usize])
            .collect();
        assert_eq!(parts, ["[--from=<stage|image>]", "<src>...", "<dest>"]);
    }
}
