//! The input side of the transport: frames read from the client are vetted before
//! tower-lsp-server decodes them. Its decoder ends the whole input stream after one frame
//! it cannot decode (tokio-util's `FramedRead` stops after an error), so a single bad
//! message would stop the server. Here a body that is not JSON, or not a JSON-RPC message,
//! becomes a request to [`MALFORMED`], which the server answers with the JSON-RPC error
//! (parse error or invalid request), and reading goes on.

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tower_lsp_server::jsonrpc;

/// The method a malformed message is replaced with; its parameters carry the error code.
pub const MALFORMED: &str = "dflint/malformedMessage";

/// What replaces a message body, or `None` when the body is a JSON-RPC message and passes
/// unchanged.
#[must_use]
pub fn vet(body: &[u8]) -> Option<Vec<u8>> {
    let (code, id) = match serde_json::from_slice::<Value>(body) {
        Err(_) => (jsonrpc::ErrorCode::ParseError, Value::Null),
        Ok(value) => {
            let is_request = serde_json::from_value::<jsonrpc::Request>(value.clone()).is_ok();
            if is_request || serde_json::from_value::<jsonrpc::Response>(value.clone()).is_ok() {
                return None;
            }
            // Answer with the message's id when it has a usable one.
            let id = match value.get("id") {
                Some(id @ (Value::Number(_) | Value::String(_))) => id.clone(),
                _ => Value::Null,
            };
            (jsonrpc::ErrorCode::InvalidRequest, id)
        }
    };
    let replacement = serde_json::json!({
        "jsonrpc": "2.0",
        "id": id,
        "method": MALFORMED,
        "params": {"code": code.code()},
    });
    Some(replacement.to_string().into_bytes())
}

/// Copies frames from `input` to `output`, vetting each body, until `input` ends. A header
/// block without a `Content-Length` is skipped.
///
/// # Errors
/// The first read or write error.
pub async fn forward<R, W>(input: R, mut output: W) -> std::io::Result<()>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut reader = BufReader::new(input);
    let mut line = Vec::new();
    loop {
        let mut length = None;
        let mut headers = false;
        loop {
            line.clear();
            if reader.read_until(b'\n', &mut line).await? == 0 {
                return Ok(());
            }
            let text = String::from_utf8_lossy(&line);
            let text = text.trim();
            if text.is_empty() {
                if headers {
                    break;
                }
                continue;
            }
            headers = true;
            if let Some((name, value)) = text.split_once(':')
                && name.trim().eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse::<usize>().ok();
            }
        }
        let Some(length) = length else {
            continue;
        };
        let mut body = vec![0; length];
        reader.read_exact(&mut body).await?;
        let body = vet(&body).unwrap_or(body);
        let header = format!("Content-Length: {}\r\n\r\n", body.len());
        output.write_all(header.as_bytes()).await?;
        output.write_all(&body).await?;
        output.flush().await?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn replaced(body: &str) -> Option<Value> {
        vet(body.as_bytes()).map(|b| serde_json::from_slice(&b).unwrap())
    }

    #[test]
    fn messages_pass_and_malformed_bodies_become_error_requests() {
        assert_eq!(
            replaced(r#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#),
            None
        );
        assert_eq!(
            replaced(r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#),
            None
        );
        assert_eq!(replaced(r#"{"jsonrpc":"2.0","id":3,"result":null}"#), None);
        let parse = replaced(r#"{"jsonrpc":"2.0","id":1,"#).unwrap();
        assert_eq!(parse["method"], MALFORMED);
        assert_eq!(parse["id"], Value::Null);
        assert_eq!(parse["params"]["code"], -32700);
        let invalid = replaced(r#"{"jsonrpc":"1.0","id":"a","method":"x"}"#).unwrap();
        assert_eq!(invalid["id"], "a");
        assert_eq!(invalid["params"]["code"], -32600);
        assert_eq!(replaced("[1, 2]").unwrap()["params"]["code"], -32600);
    }
}
