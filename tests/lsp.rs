//! Protocol tests of `dflint lsp`: a client speaks JSON-RPC to the server over an
//! in-memory stream, framing and all, as an editor does over standard input and output.

use std::time::Duration;

use dflint::fix::FixMode;
use dflint::lsp::Engine;
use dflint::{Diagnostic, Settings};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, DuplexStream};

/// How long any one message may take to arrive.
const TIMEOUT: Duration = Duration::from_secs(20);

/// An untitled document: checked with the default configuration and no build context,
/// exactly as `dflint::check` checks.
const URI: &str = "untitled:Dockerfile";

struct Client {
    reader: BufReader<tokio::io::ReadHalf<DuplexStream>>,
    writer: tokio::io::WriteHalf<DuplexStream>,
    next_id: i64,
    /// Messages read while waiting for something else.
    backlog: Vec<Value>,
}

impl Client {
    fn start(engine: Engine) -> Client {
        let (client, server) = tokio::io::duplex(1 << 20);
        let (server_read, server_write) = tokio::io::split(server);
        tokio::spawn(dflint::lsp::serve(server_read, server_write, engine));
        let (reader, writer) = tokio::io::split(client);
        Client {
            reader: BufReader::new(reader),
            writer,
            next_id: 0,
            backlog: Vec::new(),
        }
    }

    async fn send_raw(&mut self, body: &str) {
        let frame = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        self.writer.write_all(frame.as_bytes()).await.unwrap();
        self.writer.flush().await.unwrap();
    }

    async fn notify(&mut self, method: &str, params: Value) {
        let message = json!({"jsonrpc": "2.0", "method": method, "params": params});
        self.send_raw(&message.to_string()).await;
    }

    /// Sends a request and returns its id without waiting for the answer.
    async fn send_request(&mut self, method: &str, params: Value) -> i64 {
        self.next_id += 1;
        let id = self.next_id;
        let message = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        self.send_raw(&message.to_string()).await;
        id
    }

    /// Sends a request about a position of `document` (`{"uri": ...}`) and returns the
    /// whole response.
    async fn request_at(&mut self, method: &str, document: &Value, position: &Value) -> Value {
        self.request(
            method,
            json!({"textDocument": document, "position": position}),
        )
        .await
    }

    /// Sends a request and returns the whole response (`result` or `error`).
    async fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params).await;
        self.response(&json!(id)).await
    }

    async fn read_message(&mut self) -> Value {
        tokio::time::timeout(TIMEOUT, async {
            let mut length = None;
            loop {
                let mut line = String::new();
                self.reader.read_line(&mut line).await.unwrap();
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                if let Some(n) = line.strip_prefix("Content-Length: ") {
                    length = Some(n.parse::<usize>().unwrap());
                }
            }
            let mut body = vec![0; length.expect("a Content-Length header")];
            self.reader.read_exact(&mut body).await.unwrap();
            serde_json::from_slice(&body).unwrap()
        })
        .await
        .expect("a message from the server in time")
    }

    /// The next message matching `want`, keeping the others for later.
    async fn wait_for(&mut self, want: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.backlog.iter().position(&want) {
            return self.backlog.remove(i);
        }
        loop {
            let message = self.read_message().await;
            if want(&message) {
                return message;
            }
            self.backlog.push(message);
        }
    }

    async fn response(&mut self, id: &Value) -> Value {
        let id = id.clone();
        self.wait_for(move |m| m.get("id") == Some(&id) && m.get("method").is_none())
            .await
    }

    /// The next `publishDiagnostics` for `uri`.
    async fn diagnostics(&mut self, uri: &str) -> Value {
        self.wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        })
        .await["params"]
            .clone()
    }

    async fn initialize(&mut self, encodings: Option<&[&str]>) -> Value {
        let capabilities = match encodings {
            Some(list) => json!({"general": {"positionEncodings": list}}),
            None => json!({}),
        };
        let response = self
            .request(
                "initialize",
                json!({"processId": null, "rootUri": null, "capabilities": capabilities}),
            )
            .await;
        self.notify("initialized", json!({})).await;
        response["result"].clone()
    }

    async fn open(&mut self, uri: &str, text: &str) -> Value {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "dockerfile", "version": 1, "text": text}}),
        )
        .await;
        self.diagnostics(uri).await
    }

    async fn change(&mut self, uri: &str, version: i32, changes: Value) -> Value {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        )
        .await;
        self.diagnostics(uri).await
    }

    async fn code_actions(&mut self, uri: &str, range: Value, only: Option<&[&str]>) -> Vec<Value> {
        let mut context = json!({"diagnostics": []});
        if let Some(only) = only {
            context["only"] = json!(only);
        }
        let response = self
            .request(
                "textDocument/codeAction",
                json!({"textDocument": {"uri": uri}, "range": range, "context": context}),
            )
            .await;
        response["result"]
            .as_array()
            .unwrap_or_else(|| panic!("code actions: {response}"))
            .clone()
    }
}

/// A position as the client counts it, computed here independently of the server.
fn position(text: &str, offset: usize, utf8: bool) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_text = &before[before.rfind('\n').map_or(0, |i| i + 1)..];
    let character = if utf8 {
        line_text.len()
    } else {
        line_text.encode_utf16().count()
    };
    json!({"line": line, "character": character})
}

fn offset_of(text: &str, position: &Value, utf8: bool) -> usize {
    let line = usize::try_from(position["line"].as_u64().unwrap()).unwrap();
    let character = usize::try_from(position["character"].as_u64().unwrap()).unwrap();
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let line_text = &text[start..];
    if utf8 {
        return start + character;
    }
    let mut units = 0;
    for (i, c) in line_text.char_indices() {
        if units >= character {
            return start + i;
        }
        units += c.len_utf16();
    }
    start + line_text.len()
}

/// Applies protocol text edits to `text`, as an editor does.
fn apply(text: &str, edits: &[Value], utf8: bool) -> String {
    let mut edits: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            (
                offset_of(text, &e["range"]["start"], utf8),
                offset_of(text, &e["range"]["end"], utf8),
                e["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (start, end, new) in edits {
        out.replace_range(start..end, &new);
    }
    out
}

/// The edits of an action's workspace edit for `uri`.
fn edits_of(action: &Value, uri: &str) -> Vec<Value> {
    changes_of(&action["edit"], uri)
}

/// The edits of a workspace edit for `uri`.
fn changes_of(edit: &Value, uri: &str) -> Vec<Value> {
    edit["changes"][uri].as_array().unwrap().clone()
}

/// The diagnostics the server must publish for `text`: code and range.
fn expected(text: &str, utf8: bool) -> Vec<(String, Value, Value)> {
    dflint::check(text)
        .iter()
        .map(|d| {
            (
                d.code.to_string(),
                position(text, d.range.start as usize, utf8),
                position(text, d.range.end as usize, utf8),
            )
        })
        .collect()
}

fn published(params: &Value) -> Vec<(String, Value, Value)> {
    params["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["range"]["start"].clone(),
                d["range"]["end"].clone(),
            )
        })
        .collect()
}

fn codes(params: &Value) -> Vec<String> {
    published(params).into_iter().map(|(c, _, _)| c).collect()
}

#[tokio::test]
async fn initialize_negotiates_the_position_encoding() {
    let mut client = Client::start(Engine::default());
    let result = client.initialize(Some(&["utf-16", "utf-8"])).await;
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-8");
    assert_eq!(result["capabilities"]["textDocumentSync"]["change"], 2);
    assert_eq!(result["serverInfo"]["name"], "dflint");
    let kinds = &result["capabilities"]["codeActionProvider"]["codeActionKinds"];
    assert!(
        kinds
            .as_array()
            .unwrap()
            .contains(&json!("source.fixAll.dflint"))
    );

    let mut client = Client::start(Engine::default());
    let result = client.initialize(None).await;
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-16");
    let mut client = Client::start(Engine::default());
    let result = client.initialize(Some(&["utf-32", "utf-16"])).await;
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-16");
}

/// Opens a document, edits it incrementally around multi-byte characters, and checks that
/// each published set of diagnostics matches the text the client has.
async fn incremental_session(utf8: bool) {
    let mut client = Client::start(Engine::default());
    let encodings: &[&str] = if utf8 { &["utf-8"] } else { &["utf-16"] };
    client.initialize(Some(encodings)).await;
    let mut text = "FROM alpine:3.20\nRUN echo \"é🐳\" && apt-get install curl\n".to_string();
    let params = client.open(URI, &text).await;
    assert_eq!(params["version"], 1);
    assert_eq!(published(&params), expected(&text, utf8));
    // The `apt-get` diagnostics start after `é🐳`: 26 UTF-16 units, 29 bytes.
    let apt = published(&params)
        .into_iter()
        .find(|(code, _, _)| code == "DFL3004")
        .unwrap();
    assert_eq!(apt.1["character"], if utf8 { 29 } else { 26 });

    let mut version = 1;
    // Each edit: replace `needle` with `new` (an insertion when `needle` is empty, at
    // the position of `at`).
    let edits: &[(&str, &str)] = &[
        ("🐳", "🐋🐋"),
        ("é", ""),
        ("apt-get install curl", "apt-get install -y curl=8.0 && é"),
        ("\n", "\nMAINTAINER ü 🐳\n"),
    ];
    for (needle, new) in edits {
        let start = text.find(needle).unwrap();
        let end = start + needle.len();
        let change = json!([{
            "range": {"start": position(&text, start, utf8), "end": position(&text, end, utf8)},
            "text": new,
        }]);
        text.replace_range(start..end, new);
        version += 1;
        let params = client.change(URI, version, change).await;
        assert_eq!(params["version"], version);
        assert_eq!(published(&params), expected(&text, utf8), "{text}");
    }
    // Two changes in one notification apply in order: the second sees the first. (In the
    // other order, `F` would go and `X` would stay.)
    let change = json!([
        {"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "X"},
        {"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 1}}, "text": ""},
    ]);
    version += 1;
    let params = client.change(URI, version, change).await;
    assert_eq!(published(&params), expected(&text, utf8));
    assert!(codes(&params).contains(&"DFL5021".to_string()));
}

#[tokio::test]
async fn incremental_changes_with_multibyte_characters_in_utf16() {
    incremental_session(false).await;
}

#[tokio::test]
async fn incremental_changes_with_multibyte_characters_in_utf8() {
    incremental_session(true).await;
}

#[tokio::test]
async fn published_diagnostics_carry_code_link_severity_and_tags() {
    let mut client = Client::start(Engine::default());
    client.initialize(None).await;
    let params = client.open(URI, "FROM alpine:3.20\nMAINTAINER é\n").await;
    let maintainer = params["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "DFL5021")
        .expect("maintainer-instruction")
        .clone();
    assert_eq!(
        maintainer["codeDescription"]["href"],
        "https://dflint.dev/rules/DFL5021"
    );
    assert_eq!(maintainer["source"], "dflint");
    // Error is 1; the rule's default severity is `error`.
    assert_eq!(maintainer["severity"], 1);
    // Deprecated is 2.
    assert_eq!(maintainer["tags"], json!([2]));
    assert_eq!(
        maintainer["range"],
        json!({"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 10}})
    );
    assert_eq!(maintainer["message"], "`MAINTAINER` is deprecated");

    // A stage name defined twice points at its first definition.
    let params = client
        .change(
            URI,
            2,
            json!([{"text": "FROM alpine:3.20 AS app\nFROM alpine:3.20 AS app\n"}]),
        )
        .await;
    let duplicate = params["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "DFL0103")
        .expect("duplicate-stage-name")
        .clone();
    assert_eq!(
        duplicate["relatedInformation"],
        json!([{
            "location": {
                "uri": URI,
                "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 23}}
            },
            "message": "stage \"app\" is first defined here"
        }])
    );

    // Closing clears the document's diagnostics.
    client
        .notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": URI}}),
        )
        .await;
    let params = client.diagnostics(URI).await;
    assert_eq!(params["diagnostics"], json!([]));
}

#[tokio::test]
async fn quick_fix_and_ignore_round_trip() {
    let mut client = Client::start(Engine::default());
    client.initialize(None).await;
    let mut text = "FROM alpine:3.20\n  MAINTAINER é🐳\nADD app.py /app/\n".to_string();
    let params = client.open(URI, &text).await;
    assert!(codes(&params).contains(&"DFL5021".to_string()));

    // The cursor on `ADD`: its quick fix, and "ignore".
    let cursor = json!({"start": {"line": 2, "character": 1}, "end": {"line": 2, "character": 1}});
    let actions = client.code_actions(URI, cursor, Some(&["quickfix"])).await;
    let titles: Vec<&str> = actions
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    let fix = actions
        .iter()
        .find(|a| a["diagnostics"][0]["code"] == "DFL5020" && a["isPreferred"] == true)
        .unwrap_or_else(|| panic!("{titles:?}"));
    assert_eq!(fix["kind"], "quickfix");
    text = apply(&text, &edits_of(fix, URI), false);
    assert_eq!(
        text,
        "FROM alpine:3.20\n  MAINTAINER é🐳\nCOPY app.py /app/\n"
    );
    let params = client.change(URI, 2, json!([{"text": text.clone()}])).await;
    assert!(!codes(&params).contains(&"DFL5020".to_string()));
    assert!(actions.iter().all(|a| a["kind"] == "quickfix"));

    // "Ignore" on the indented MAINTAINER: the pragma keeps the indentation.
    let cursor = json!({"start": {"line": 1, "character": 3}, "end": {"line": 1, "character": 3}});
    let actions = client.code_actions(URI, cursor, Some(&["quickfix"])).await;
    let ignore = actions
        .iter()
        .find(|a| a["title"] == "Ignore `maintainer-instruction` for this instruction")
        .expect("an ignore action");
    text = apply(&text, &edits_of(ignore, URI), false);
    assert_eq!(
        text,
        "FROM alpine:3.20\n  # dflint ignore=maintainer-instruction\n  MAINTAINER é🐳\nCOPY app.py /app/\n"
    );
    let params = client.change(URI, 3, json!([{"text": text.clone()}])).await;
    assert!(!codes(&params).contains(&"DFL5021".to_string()));
}

#[tokio::test]
async fn syntax_errors_offer_the_likely_repair() {
    let mut client = Client::start(Engine::default());
    client.initialize(None).await;
    let text = "# escape=x\nFROM alpine:3.20 az base\nCOPY --chwn=app é.txt /y/\nRUNN true\n";
    client.open(URI, text).await;
    // One cursor per error: the quick fix's title and the text after it.
    for (cursor, title, expected) in [
        (
            at(0, 9),
            "Change to `\\`, the default (unsafe)",
            "# escape=\\\n",
        ),
        (
            at(1, 18),
            "Change to `AS` (unsafe)",
            "FROM alpine:3.20 AS base\n",
        ),
        (
            at(2, 7),
            "Change to `--chown` (unsafe)",
            "COPY --chown=app é.txt /y/\n",
        ),
        (at(3, 1), "Change to `RUN` (unsafe)", "RUN true\n"),
    ] {
        let range = json!({"start": cursor, "end": cursor});
        let actions = client.code_actions(URI, range, Some(&["quickfix"])).await;
        let fix = actions
            .iter()
            .find(|a| a["title"] == title)
            .unwrap_or_else(|| panic!("{title} in {actions:?}"));
        let fixed = apply(text, &edits_of(fix, URI), false);
        assert!(fixed.contains(expected), "{fixed}");
    }
}

#[tokio::test]
async fn fix_all_is_the_cli_fix_and_serves_fix_on_save() {
    let mut client = Client::start(Engine::default());
    client.initialize(Some(&["utf-8"])).await;
    let text = "FROM alpine:3.20\nMAINTAINER é🐳\nADD app.py /app/\nRUN apk add curl\n";
    client.open(URI, text).await;
    // What VS Code's `editor.codeActionsOnSave: {"source.fixAll": ...}` sends.
    let actions = client
        .code_actions(
            URI,
            json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}),
            Some(&["source.fixAll"]),
        )
        .await;
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert_eq!(actions[0]["kind"], "source.fixAll.dflint");
    let fixed = apply(text, &edits_of(&actions[0], URI), true);
    let config = dflint::config::Config::default();
    let cli = dflint::fix_with(text, &Settings::new(&config), FixMode::Safe);
    assert_eq!(fixed, cli.output);
    assert_ne!(fixed, text);
    let params = client
        .change(URI, 2, json!([{"text": fixed.clone()}]))
        .await;
    assert_eq!(published(&params), expected(&fixed, true));

    // Nothing left to fix: no action.
    let actions = client
        .code_actions(
            URI,
            json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}),
            Some(&["source.fixAll.dflint"]),
        )
        .await;
    assert_eq!(actions, Vec::<Value>::new());
}

fn slow_fix(text: &str, settings: &Settings<'_>, mode: FixMode) -> dflint::fix::FixOutcome {
    std::thread::sleep(Duration::from_secs(3));
    dflint::fix_with(text, settings, mode)
}

#[tokio::test]
async fn a_running_request_can_be_cancelled() {
    let engine = Engine {
        fix: slow_fix,
        ..Engine::default()
    };
    let mut client = Client::start(engine);
    client.initialize(None).await;
    client.open(URI, "FROM alpine:3.20\nMAINTAINER me\n").await;
    let started = std::time::Instant::now();
    let id = client
        .send_request(
            "textDocument/codeAction",
            json!({
                "textDocument": {"uri": URI},
                "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
                "context": {"diagnostics": [], "only": ["source.fixAll"]},
            }),
        )
        .await;
    client.notify("$/cancelRequest", json!({"id": id})).await;
    let response = client.response(&json!(id)).await;
    // RequestCancelled.
    assert_eq!(response["error"]["code"], -32800, "{response}");
    assert!(started.elapsed() < Duration::from_secs(3));
    // The server answers the next request.
    let response = client.request("shutdown", json!(null)).await;
    assert_eq!(response["result"], Value::Null);
    assert!(response.get("error").is_none());
}

fn panicking_check(text: &str, settings: &Settings<'_>) -> Vec<Diagnostic> {
    assert!(!text.contains("PANIC"), "the check met PANIC");
    dflint::check_with(text, settings)
}

#[tokio::test]
async fn a_panic_is_reported_and_the_server_goes_on() {
    let engine = Engine {
        check: panicking_check,
        ..Engine::default()
    };
    let mut client = Client::start(engine);
    client.initialize(None).await;
    client
        .notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": URI, "languageId": "dockerfile", "version": 1, "text": "FROM PANIC\n"}}),
        )
        .await;
    let shown = client
        .wait_for(|m| m["method"] == "window/showMessage")
        .await;
    assert_eq!(shown["params"]["type"], 1);
    let message = shown["params"]["message"].as_str().unwrap();
    assert!(message.contains("internal error"), "{message}");
    assert!(message.contains("the check met PANIC"), "{message}");

    // A request that panics gets an error response.
    let response = client
        .request(
            "textDocument/codeAction",
            json!({
                "textDocument": {"uri": URI},
                "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
                "context": {"diagnostics": [], "only": ["quickfix"]},
            }),
        )
        .await;
    assert_eq!(response["error"]["code"], -32603, "{response}");
    // So does a hover, which checks the text for the rules to document.
    let response = client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": URI}, "position": {"line": 0, "character": 6}}),
        )
        .await;
    assert_eq!(response["error"]["code"], -32603, "{response}");

    // The server goes on: the next edit is checked and published.
    let params = client
        .change(
            URI,
            2,
            json!([{"text": "FROM alpine:3.20\nMAINTAINER me\n"}]),
        )
        .await;
    assert_eq!(params["version"], 2);
    assert!(codes(&params).contains(&"DFL5021".to_string()));
}

#[tokio::test]
async fn malformed_messages_get_error_responses() {
    let mut client = Client::start(Engine::default());
    client.initialize(None).await;
    // Not JSON: a parse error, with a null id.
    client
        .send_raw("{\"jsonrpc\": \"2.0\", \"id\": 7, \"method\":")
        .await;
    let response = client
        .wait_for(|m| m.get("error").is_some() && m["id"].is_null())
        .await;
    assert_eq!(response["error"]["code"], -32700, "{response}");
    // Parameters of the wrong shape: invalid params.
    let response = client
        .request("textDocument/codeAction", json!({"textDocument": 5}))
        .await;
    assert_eq!(response["error"]["code"], -32602, "{response}");
    // JSON, but not a JSON-RPC message: an invalid request, answered with its id.
    client
        .send_raw(r#"{"jsonrpc": "1.0", "id": "x", "method": "shutdown"}"#)
        .await;
    let response = client.response(&json!("x")).await;
    assert_eq!(response["error"]["code"], -32600, "{response}");
    // A header block without a length is skipped.
    client
        .writer
        .write_all(b"Content-Type: x\r\n\r\n")
        .await
        .unwrap();
    // A method nobody implements.
    let response = client.request("dflint/nothing", json!({})).await;
    assert_eq!(response["error"]["code"], -32601, "{response}");
    // The server still works.
    let params = client.open(URI, "FROM alpine:3.20\nMAINTAINER me\n").await;
    assert!(codes(&params).contains(&"DFL5021".to_string()));
}

#[tokio::test]
async fn positions_past_the_end_are_clamped() {
    let mut client = Client::start(Engine::default());
    client.initialize(None).await;
    let text = "FROM alpine:3.20\nRUN true\n";
    client.open(URI, text).await;
    // An insertion far past the last line lands at the end.
    let change = json!([{
        "range": {"start": {"line": 40, "character": 3}, "end": {"line": 99, "character": 0}},
        "text": "MAINTAINER me\n",
    }]);
    let params = client.change(URI, 2, change).await;
    let text = format!("{text}MAINTAINER me\n");
    assert_eq!(published(&params), expected(&text, false));
    assert!(codes(&params).contains(&"DFL5021".to_string()));
    // A character past the end of a line is the line's end.
    let change = json!([{
        "range": {"start": {"line": 1, "character": 500}, "end": {"line": 1, "character": 500}},
        "text": " && false",
    }]);
    let params = client.change(URI, 3, change).await;
    let text = text.replace("RUN true", "RUN true && false");
    assert_eq!(published(&params), expected(&text, false));
    // A code action range past the end is clamped too.
    let actions = client
        .code_actions(
            URI,
            json!({"start": {"line": 2, "character": 0}, "end": {"line": 1000, "character": 1000}}),
            Some(&["quickfix"]),
        )
        .await;
    assert!(
        actions
            .iter()
            .any(|a| a["diagnostics"][0]["code"] == "DFL5021"),
        "{actions:?}"
    );
}

fn slow_check(text: &str, settings: &Settings<'_>) -> Vec<Diagnostic> {
    if text.contains("SLOW") {
        std::thread::sleep(Duration::from_millis(500));
    }
    dflint::check_with(text, settings)
}

#[tokio::test]
async fn diagnostics_of_an_older_version_are_never_published() {
    let engine = Engine {
        check: slow_check,
        ..Engine::default()
    };
    let mut client = Client::start(engine);
    client.initialize(None).await;
    client
        .notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": URI, "languageId": "dockerfile", "version": 1, "text": "FROM SLOW\n"}}),
        )
        .await;
    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": URI, "version": 2}, "contentChanges": [{"text": "FROM alpine:3.20\n"}]}),
        )
        .await;
    let params = client.diagnostics(URI).await;
    assert_eq!(params["version"], 2);
    // Let the slow check of version 1 finish: it must not publish.
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let id = client.send_request("shutdown", json!(null)).await;
    client.response(&json!(id)).await;
    let stale: Vec<&Value> = client
        .backlog
        .iter()
        .filter(|m| m["method"] == "textDocument/publishDiagnostics")
        .collect();
    assert!(stale.is_empty(), "{stale:?}");
}

#[tokio::test]
async fn documents_are_checked_with_the_configuration_found_for_their_path() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join(".dflint.toml");
    std::fs::write(&config, "ignore = [\"maintainer-instruction\"]\n").unwrap();
    std::fs::create_dir(dir.path().join("service")).unwrap();
    let file = dir.path().join("service/Dockerfile");
    let uri = format!("file://{}", file.display());
    let mut client = Client::start(Engine::default());
    client.initialize(None).await;
    let text = "FROM alpine:3.20\nMAINTAINER me\nADD app.py /app/\n";
    let params = client.open(&uri, text).await;
    assert!(!codes(&params).contains(&"DFL5021".to_string()));
    assert!(codes(&params).contains(&"DFL5020".to_string()));

    // A changed configuration file is read again at the next check.
    std::fs::write(&config, "ignore = [\"add-instead-of-copy\"]\n").unwrap();
    let later = std::time::SystemTime::now() + Duration::from_secs(10);
    std::fs::File::options()
        .write(true)
        .open(&config)
        .unwrap()
        .set_modified(later)
        .unwrap();
    let params = client.change(&uri, 2, json!([{"text": text}])).await;
    assert!(codes(&params).contains(&"DFL5021".to_string()));
    assert!(!codes(&params).contains(&"DFL5020".to_string()));

    // A configuration that cannot be used is reported, and the defaults apply.
    std::fs::write(&config, "ignore = [\"no-such-rule\"]\n").unwrap();
    let later = later + Duration::from_secs(10);
    std::fs::File::options()
        .write(true)
        .open(&config)
        .unwrap()
        .set_modified(later)
        .unwrap();
    let params = client.change(&uri, 3, json!([{"text": text}])).await;
    assert!(codes(&params).contains(&"DFL5021".to_string()));
    assert!(codes(&params).contains(&"DFL5020".to_string()));
    let shown = client
        .wait_for(|m| m["method"] == "window/showMessage")
        .await;
    let message = shown["params"]["message"].as_str().unwrap();
    assert!(message.contains("no-such-rule"), "{message}");
}

#[tokio::test]
async fn editor_settings_override_the_configuration_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".dflint.toml"),
        "ignore = [\"maintainer-instruction\"]\n",
    )
    .unwrap();
    let other = dir.path().join("strict.toml");
    std::fs::write(&other, "ignore = [\"add-instead-of-copy\"]\n").unwrap();
    let file = dir.path().join("Dockerfile");
    let uri = format!("file://{}", file.display());
    let text = "FROM alpine:3.20\nMAINTAINER me\nADD app.py /app/\n";

    // Settings sent with `initialize` apply from the first check: the editor's `ignore`
    // replaces the file's.
    let mut client = Client::start(Engine::default());
    let response = client
        .request(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": {},
                "initializationOptions": {"dflint": {"ignore": ["add-instead-of-copy"]}}}),
        )
        .await;
    assert!(response["result"]["capabilities"].is_object());
    client.notify("initialized", json!({})).await;
    let params = client.open(&uri, text).await;
    assert!(codes(&params).contains(&"DFL5021".to_string()), "{params}");
    assert!(!codes(&params).contains(&"DFL5020".to_string()), "{params}");

    // New settings check the open documents again: without the key, the file decides.
    client
        .notify(
            "workspace/didChangeConfiguration",
            json!({"settings": {"dflint": {"ignore": null}}}),
        )
        .await;
    let params = client.diagnostics(&uri).await;
    assert!(!codes(&params).contains(&"DFL5021".to_string()), "{params}");
    assert!(codes(&params).contains(&"DFL5020".to_string()), "{params}");

    // `config` names the file to use instead of the nearest one.
    client
        .notify(
            "workspace/didChangeConfiguration",
            json!({"settings": {"dflint": {"config": other.display().to_string()}}}),
        )
        .await;
    let params = client.diagnostics(&uri).await;
    assert!(codes(&params).contains(&"DFL5021".to_string()), "{params}");
    assert!(!codes(&params).contains(&"DFL5020".to_string()), "{params}");

    // Settings with a mistake are reported and left out.
    client
        .notify(
            "workspace/didChangeConfiguration",
            json!({"settings": {"dflint": {"ignore": ["no-such-rule"]}}}),
        )
        .await;
    let shown = client
        .wait_for(|m| m["method"] == "window/showMessage")
        .await;
    let message = shown["params"]["message"].as_str().unwrap();
    assert!(
        message.contains("no-such-rule") && message.ends_with("these settings are not used"),
        "{message}"
    );
    let params = client.diagnostics(&uri).await;
    assert!(!codes(&params).contains(&"DFL5021".to_string()), "{params}");
    assert!(codes(&params).contains(&"DFL5020".to_string()), "{params}");
}

#[tokio::test]
async fn settings_are_asked_for_when_the_client_sends_none() {
    let mut client = Client::start(Engine::default());
    client
        .request(
            "initialize",
            json!({"processId": null, "rootUri": null,
                "capabilities": {"workspace": {"configuration": true}}}),
        )
        .await;
    client.notify("initialized", json!({})).await;
    // Asked once initialized.
    let asked = client
        .wait_for(|m| m["method"] == "workspace/configuration")
        .await;
    assert_eq!(asked["params"], json!({"items": [{"section": "dflint"}]}));
    let answer = json!({"jsonrpc": "2.0", "id": asked["id"], "result": [{"ignore": ["DFL5021"]}]});
    client.send_raw(&answer.to_string()).await;
    let text = "FROM alpine:3.20\nMAINTAINER me\n";
    let mut params = client.open(URI, text).await;
    // The document may be checked once more, when the answer is read after the opening.
    while codes(&params).contains(&"DFL5021".to_string()) {
        params = client.diagnostics(URI).await;
    }

    // A change notification without settings: asked again.
    client
        .notify(
            "workspace/didChangeConfiguration",
            json!({"settings": null}),
        )
        .await;
    let asked = client
        .wait_for(|m| m["method"] == "workspace/configuration")
        .await;
    let answer = json!({"jsonrpc": "2.0", "id": asked["id"], "result": [null]});
    client.send_raw(&answer.to_string()).await;
    let params = client.diagnostics(URI).await;
    assert!(codes(&params).contains(&"DFL5021".to_string()), "{params}");
}

#[tokio::test]
async fn rapid_changes_apply_in_order() {
    let mut client = Client::start(Engine::default());
    client.initialize(None).await;
    let mut text = "FROM alpine:3.20\n".to_string();
    client.open(URI, &text).await;
    // Typing `RUN é🐳 apt-get install curl` one character at a time, without waiting.
    let typed = "RUN echo é🐳 && apt-get install curl\n";
    let mut version = 1;
    for c in typed.chars() {
        let at = position(&text, text.len(), false);
        text.push(c);
        version += 1;
        client
            .notify(
                "textDocument/didChange",
                json!({
                    "textDocument": {"uri": URI, "version": version},
                    "contentChanges": [{"range": {"start": at, "end": at}, "text": c.to_string()}],
                }),
            )
            .await;
    }
    let last = version;
    let params = client
        .wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["version"] == last
        })
        .await;
    assert_eq!(published(&params["params"]), expected(&text, false));
    assert!(codes(&params["params"]).contains(&"DFL3004".to_string()));
}

/// A `{"line", "character"}` position.
fn at(line: u32, character: u32) -> Value {
    json!({"line": line, "character": character})
}

fn span(start: (u32, u32), end: (u32, u32)) -> Value {
    json!({"start": at(start.0, start.1), "end": at(end.0, end.1)})
}

#[tokio::test]
async fn initialize_advertises_the_editor_features() {
    let mut client = Client::start(Engine::default());
    let capabilities = client.initialize(None).await["capabilities"].clone();
    for provider in [
        "hoverProvider",
        "definitionProvider",
        "referencesProvider",
        "documentHighlightProvider",
        "documentSymbolProvider",
        "foldingRangeProvider",
        "inlayHintProvider",
        "documentFormattingProvider",
        "documentRangeFormattingProvider",
    ] {
        assert_eq!(capabilities[provider], true, "{provider}");
    }
    assert_eq!(capabilities["renameProvider"]["prepareProvider"], true);
    assert_eq!(capabilities["completionProvider"]["resolveProvider"], true);
    assert_eq!(
        capabilities["documentOnTypeFormattingProvider"],
        json!({"firstTriggerCharacter": "\n", "moreTriggerCharacter": ["\\", "`"]})
    );
    assert_eq!(capabilities["codeLensProvider"], json!({}));
    assert_eq!(capabilities["documentLinkProvider"], json!({}));
    assert!(
        capabilities["completionProvider"]["triggerCharacters"]
            .as_array()
            .unwrap()
            .contains(&json!("$"))
            && capabilities["completionProvider"]["triggerCharacters"]
                .as_array()
                .unwrap()
                .contains(&json!(":"))
    );
    assert_eq!(
        capabilities["signatureHelpProvider"]["triggerCharacters"],
        json!([" ", "-", "=", "[", ","])
    );
    let tokens = &capabilities["semanticTokensProvider"];
    assert_eq!(tokens["full"], true);
    assert_eq!(tokens["range"], true);
    assert_eq!(
        tokens["legend"],
        json!({
            "tokenTypes": ["keyword", "comment", "macro", "parameter", "property", "variable",
                "string", "operator", "regexp", "namespace", "type", "label"],
            "tokenModifiers": ["declaration"],
        })
    );
}

#[tokio::test]
async fn configuration_files_are_watched_when_the_client_allows_it() {
    let mut client = Client::start(Engine::default());
    let capabilities =
        json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}});
    client
        .request(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": capabilities}),
        )
        .await;
    client.notify("initialized", json!({})).await;
    let request = client
        .wait_for(|m| m["method"] == "client/registerCapability")
        .await;
    let registration = &request["params"]["registrations"][0];
    assert_eq!(registration["method"], "workspace/didChangeWatchedFiles");
    let globs: Vec<&str> = registration["registerOptions"]["watchers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["globPattern"].as_str().unwrap())
        .collect();
    assert_eq!(
        globs,
        [
            "**/.dockerignore",
            "**/*.dockerignore",
            "**/.dflint.toml",
            "**/.dflint.yaml",
            "**/.hadolint.yaml",
            "**/.hadolint.yml"
        ]
    );

    // A client without dynamic registration is not asked; the first message it gets
    // is the diagnostics of the document it opens.
    let mut plain = Client::start(Engine::default());
    plain.initialize(None).await;
    plain.open(URI, "FROM alpine\n").await;
    assert!(
        plain
            .backlog
            .iter()
            .all(|m| m["method"] != "client/registerCapability")
    );
}

#[tokio::test]
async fn from_images_link_to_their_registry_pages() {
    let mut client = Client::start(Engine::default());
    client.initialize(None).await;
    let text = "FROM ghcr.io/owner/tool:1 AS tool\nFROM tool\nFROM node:20\n";
    client.open(URI, text).await;
    let links = client
        .request(
            "textDocument/documentLink",
            json!({"textDocument": {"uri": URI}}),
        )
        .await;
    assert_eq!(
        links["result"],
        json!([
            {"range": span((0, 5), (0, 25)),
                "target": "https://github.com/owner/tool/pkgs/container/tool"},
            {"range": span((2, 5), (2, 12)), "target": "https://hub.docker.com/_/node"},
        ])
    );
}

/// Navigation, rename, hover and inlay hints around a variable used after `é🐳` (2 + 4
/// bytes, 1 + 2 UTF-16 units): `${TAG}` on line 2 starts at byte 16, unit 13.
async fn navigation_session(utf8: bool) {
    let mut client = Client::start(Engine::default());
    client
        .initialize(Some(if utf8 { &["utf-8"] } else { &["utf-16"] }))
        .await;
    let text = "FROM alpine:3.20 AS base\nARG TAG=1\nWORKDIR /é🐳/${TAG}\nRUN echo ${TAG}\n";
    client.open(URI, text).await;
    let doc = json!({"uri": URI});
    // `TAG` on line 2, and the end of that line.
    let (tag, tag_end, line_end) = if utf8 { (18, 21, 22) } else { (15, 18, 19) };
    let cursor = at(2, tag + 1);
    let declared = span((1, 4), (1, 7));
    let in_workdir = span((2, tag), (2, tag_end));
    let in_run = span((3, 11), (3, 14));
    let located = |range: &Value| json!({"uri": URI, "range": range});

    let definition = client
        .request_at("textDocument/definition", &doc, &cursor)
        .await;
    assert_eq!(definition["result"], json!([located(&declared)]));

    let references = client
        .request(
            "textDocument/references",
            json!({"textDocument": doc, "position": cursor, "context": {"includeDeclaration": false}}),
        )
        .await;
    assert_eq!(
        references["result"],
        json!([located(&in_workdir), located(&in_run)])
    );

    let highlights = client
        .request_at("textDocument/documentHighlight", &doc, &cursor)
        .await;
    assert_eq!(
        highlights["result"],
        json!([
            {"range": declared, "kind": 3},
            {"range": in_workdir, "kind": 2},
            {"range": in_run, "kind": 2},
        ])
    );

    let prepared = client
        .request_at("textDocument/prepareRename", &doc, &cursor)
        .await;
    assert_eq!(
        prepared["result"],
        json!({"range": in_workdir, "placeholder": "TAG"})
    );
    let renamed = client
        .request(
            "textDocument/rename",
            json!({"textDocument": doc, "position": cursor, "newName": "VERSION"}),
        )
        .await;
    let edits = changes_of(&renamed["result"], URI);
    assert_eq!(
        apply(text, &edits, utf8),
        "FROM alpine:3.20 AS base\nARG VERSION=1\nWORKDIR /é🐳/${VERSION}\nRUN echo ${VERSION}\n"
    );

    let hover = client.request_at("textDocument/hover", &doc, &cursor).await;
    assert_eq!(
        hover["result"],
        json!({"contents": {"kind": "markdown", "value": "`$TAG` = `1`"}, "range": in_workdir})
    );

    // Only the hints in the range asked for: line 2's, not line 3's.
    let hints = client
        .request(
            "textDocument/inlayHint",
            json!({"textDocument": doc, "range": span((2, 0), (2, line_end))}),
        )
        .await;
    assert_eq!(
        hints["result"],
        json!([
            {"position": at(2, line_end), "label": "= 1", "kind": 1, "paddingLeft": true,
                "tooltip": "the value of `TAG` here, as the builder expands it"},
            {"position": at(2, line_end), "label": "layer 1", "paddingLeft": true,
                "tooltip": "layer 1 of stage base"},
        ])
    );
}

#[tokio::test]
async fn navigation_rename_hover_and_hints_in_utf16() {
    navigation_session(false).await;
}

#[tokio::test]
async fn navigation_rename_hover_and_hints_in_utf8() {
    navigation_session(true).await;
}

#[tokio::test]
async fn heredoc_names_navigate_highlight_and_rename() {
    let mut client = Client::start(Engine::default());
    client.initialize(None).await;
    let text = "FROM alpine:3.20\nRUN <<EOF\necho é\ntrue\nEOF\nCOPY <<-\"CONF\" /etc/app.conf\n\tkey=1\n\tCONF\n";
    client.open(URI, text).await;
    let doc = json!({"uri": URI});
    let marker = span((1, 6), (1, 9));
    let end = span((4, 0), (4, 3));

    let definition = client
        .request_at("textDocument/definition", &doc, &at(4, 1))
        .await;
    assert_eq!(definition["result"], json!([{"uri": URI, "range": marker}]));
    let highlights = client
        .request_at("textDocument/documentHighlight", &doc, &at(1, 7))
        .await;
    assert_eq!(
        highlights["result"],
        json!([{"range": marker, "kind": 3}, {"range": end, "kind": 2}])
    );
    // Inside the quotes, and after the tab `<<-` removes.
    let prepared = client
        .request_at("textDocument/prepareRename", &doc, &at(7, 2))
        .await;
    assert_eq!(
        prepared["result"],
        json!({"range": span((7, 1), (7, 5)), "placeholder": "CONF"})
    );
    let renamed = client
        .request(
            "textDocument/rename",
            json!({"textDocument": doc, "position": at(7, 2), "newName": "END"}),
        )
        .await;
    let edits = changes_of(&renamed["result"], URI);
    assert_eq!(
        apply(text, &edits, false),
        "FROM alpine:3.20\nRUN <<EOF\necho é\ntrue\nEOF\nCOPY <<-\"END\" /etc/app.conf\n\tkey=1\n\tEND\n"
    );
    // A name that a body line reads would end the body early.
    let refused = client
        .request(
            "textDocument/rename",
            json!({"textDocument": doc, "position": at(1, 7), "newName": "true"}),
        )
        .await;
    assert_eq!(
        refused["error"],
        json!({"code": -32803, "message": "a line of this heredoc reads `true`, which would end it early"})
    );
}

#[tokio::test]
async fn folding_ranges_respect_the_clients_limit() {
    let mut client = Client::start(Engine::default());
    client
        .request(
            "initialize",
            json!({"processId": null, "rootUri": null,
                "capabilities": {"textDocument": {"foldingRange": {"rangeLimit": 1}}}}),
        )
        .await;
    client.notify("initialized", json!({})).await;
    client
        .open(URI, "# a\n# b\nFROM alpine:3.20\nRUN <<EOF\necho hi\nEOF\n")
        .await;
    let folds = client
        .request(
            "textDocument/foldingRange",
            json!({"textDocument": {"uri": URI}}),
        )
        .await;
    assert_eq!(
        folds["result"],
        json!([{"startLine": 0, "endLine": 1, "kind": "comment"}])
    );
}

#[tokio::test]
async fn outline_folding_semantic_tokens_and_signature_help() {
    let mut client = Client::start(Engine::default());
    client.initialize(None).await;
    let text = "# build\n# app\nFROM node:20 AS build\nCOPY package.json ./\nRUN npm ci && \\\n    npm test\n";
    client.open(URI, text).await;
    let doc = json!({"uri": URI});

    let symbols = client
        .request("textDocument/documentSymbol", json!({"textDocument": doc}))
        .await;
    assert_eq!(
        symbols["result"],
        json!([{
            "name": "build", "detail": "stage 0 FROM node:20", "kind": 2,
            "range": span((2, 0), (5, 12)), "selectionRange": span((2, 16), (2, 21)),
            "children": [
                {"name": "COPY", "detail": "package.json ./", "kind": 12,
                    "range": span((3, 0), (3, 20)), "selectionRange": span((3, 0), (3, 4))},
                {"name": "RUN", "detail": "npm ci && npm test", "kind": 12,
                    "range": span((4, 0), (5, 12)), "selectionRange": span((4, 0), (4, 3))},
            ],
        }])
    );

    let folds = client
        .request("textDocument/foldingRange", json!({"textDocument": doc}))
        .await;
    assert_eq!(
        folds["result"],
        json!([
            {"startLine": 0, "endLine": 1, "kind": "comment"},
            {"startLine": 2, "endLine": 5},
            {"startLine": 4, "endLine": 5},
        ])
    );

    // (delta line, delta start, length, type, modifiers) per token; types index the legend.
    let tokens = client
        .request(
            "textDocument/semanticTokens/full",
            json!({"textDocument": doc}),
        )
        .await;
    assert_eq!(
        tokens["result"]["data"],
        json!([
            0, 0, 7, 1, 0, // `# build`: comment
            1, 0, 5, 1, 0, // `# app`
            1, 0, 4, 0, 0, // FROM: keyword
            0, 5, 7, 10, 0, // `node:20`: image
            0, 8, 2, 0, 0, // AS
            0, 3, 5, 9, 1, // `build`: a stage, declared
            1, 0, 4, 0, 0, // COPY
            1, 0, 3, 0, 0, // RUN
            0, 14, 1, 8, 0, // `\`: escape
        ])
    );
    let tokens = client
        .request(
            "textDocument/semanticTokens/range",
            json!({"textDocument": doc, "range": span((3, 0), (4, 0))}),
        )
        .await;
    assert_eq!(tokens["result"]["data"], json!([3, 0, 4, 0, 0]));

    // In COPY's sources: the fifth parameter, `<src>...`.
    let help = client
        .request_at("textDocument/signatureHelp", &doc, &at(3, 5))
        .await;
    let label = "COPY [--from=<stage|image>] [--chown=<user>:<group>] [--chmod=<perms>] [--link] <src>... <dest>";
    assert_eq!(help["result"]["activeSignature"], 0);
    assert_eq!(help["result"]["activeParameter"], 4);
    let signature = &help["result"]["signatures"][0];
    assert_eq!(signature["label"], label);
    assert_eq!(signature["parameters"][4]["label"], json!([80, 88]));
    assert_eq!(&label[80..88], "<src>...");
}

#[tokio::test]
async fn completion_documentation_is_resolved_lazily() {
    let mut client = Client::start(Engine::default());
    client.initialize(None).await;
    let text = "# check=skip=\nFROM alpine:3.20\nCOPY --\n";
    client.open(URI, text).await;
    let doc = json!({"uri": URI});
    let find = |items: &Value, label: &str| -> Value {
        items
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["label"] == label)
            .unwrap_or_else(|| panic!("{label} in {items}"))
            .clone()
    };
    for (position, label, expected) in [
        (at(2, 7), "--from", "stage"),
        (at(0, 13), "UndefinedVar", "## What it does"),
    ] {
        let items = client
            .request_at("textDocument/completion", &doc, &position)
            .await;
        let items = &items["result"];
        // The list names each item's documentation instead of carrying it.
        assert!(
            items
                .as_array()
                .unwrap()
                .iter()
                .all(|i| i.get("documentation").is_none()),
            "{items}"
        );
        let item = find(items, label);
        assert!(item["data"].is_object(), "{item}");
        let resolved = client.request("completionItem/resolve", item.clone()).await;
        let resolved = &resolved["result"];
        assert_eq!(resolved["documentation"]["kind"], "markdown");
        let value = resolved["documentation"]["value"].as_str().unwrap();
        assert!(value.contains(expected), "{value}");
        // The rest of the item comes back as it was sent.
        assert_eq!(resolved["textEdit"], item["textEdit"]);
        assert_eq!(resolved["label"], item["label"]);
    }
    // Deprecated instructions are tagged so.
    let items = client
        .request_at("textDocument/completion", &doc, &at(3, 0))
        .await;
    assert_eq!(find(&items["result"], "MAINTAINER")["tags"], json!([1]));
    assert!(find(&items["result"], "RUN").get("tags").is_none());
    // An item with data the server does not know comes back unchanged.
    let foreign = json!({"label": "x", "data": {"doc": "nothing"}});
    let resolved = client
        .request("completionItem/resolve", foreign.clone())
        .await;
    assert_eq!(resolved["result"], foreign);
}

#[tokio::test]
async fn image_tags_complete_from_the_other_stages() {
    let mut client = Client::start(Engine::default());
    client.initialize(None).await;
    let text = "FROM golang:1.23-bookworm AS build\nFROM golang:";
    client.open(URI, text).await;
    let items = client
        .request(
            "textDocument/completion",
            json!({"textDocument": {"uri": URI}, "position": at(1, 12)}),
        )
        .await;
    assert_eq!(
        items["result"],
        json!([{"label": "1.23-bookworm", "kind": 12, "detail": "the tag of stage build",
            "insertTextFormat": 1,
            "textEdit": {"range": span((1, 12), (1, 12)), "newText": "1.23-bookworm"}}])
    );
}

#[tokio::test]
async fn completion_and_code_lenses_read_the_build_context() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".dockerignore"), "secret.txt\n").unwrap();
    std::fs::write(dir.path().join("secret.txt"), "").unwrap();
    std::fs::write(dir.path().join("package.json"), "").unwrap();
    std::fs::create_dir(dir.path().join("src")).unwrap();
    std::fs::write(dir.path().join("src/app.js"), "").unwrap();
    let file = dir.path().join("Dockerfile");
    let uri = format!("file://{}", file.display());
    let text = "FROM node:20\nCOPY package.json ./\nCOPY src/ ./src/\nCOPY pa";
    let files_at = |client_items: &Value| -> Vec<(String, Value)> {
        client_items
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["kind"] == 17 || i["kind"] == 19)
            .map(|i| {
                (
                    i["label"].as_str().unwrap().to_string(),
                    i["textEdit"]["range"].clone(),
                )
            })
            .collect()
    };
    for (uri, with_files) in [(uri.as_str(), true), (URI, false)] {
        let mut client = Client::start(Engine::default());
        client.initialize(None).await;
        client.open(uri, text).await;
        let doc = json!({"uri": uri});
        // Past the end of the last line: the end of `pa`.
        let items = client
            .request_at("textDocument/completion", &doc, &at(3, 40))
            .await;
        let typed = span((3, 5), (3, 7));
        let expected: Vec<(String, Value)> = if with_files {
            // `secret.txt` is ignored, so never sent to the builder.
            [".dockerignore", "package.json", "src/"]
                .iter()
                .map(|f| ((*f).to_string(), typed.clone()))
                .collect()
        } else {
            Vec::new()
        };
        assert_eq!(files_at(&items["result"]), expected, "{uri}");
        if with_files {
            // A new file shows once the client says files changed.
            std::fs::write(dir.path().join("pnpm-lock.yaml"), "").unwrap();
            client
                .notify(
                    "workspace/didChangeWatchedFiles",
                    json!({"changes": [{"uri": format!("{uri}/../pnpm-lock.yaml"), "type": 1}]}),
                )
                .await;
            let items = client
                .request_at("textDocument/completion", &doc, &at(3, 7))
                .await;
            let labels: Vec<String> = files_at(&items["result"])
                .into_iter()
                .map(|f| f.0)
                .collect();
            assert_eq!(
                labels,
                [".dockerignore", "package.json", "pnpm-lock.yaml", "src/"]
            );
            std::fs::remove_file(dir.path().join("pnpm-lock.yaml")).unwrap();
        }

        let lenses = client
            .request("textDocument/codeLens", json!({"textDocument": doc}))
            .await;
        let titles: Vec<(&str, &Value)> = lenses["result"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| (l["command"]["title"].as_str().unwrap(), &l["range"]))
            .collect();
        // With the context's files, the files each layer reads; without, the patterns.
        if with_files {
            assert_eq!(
                titles,
                [
                    ("Rebuilt when package.json changes", &span((1, 0), (1, 20))),
                    (
                        "Rebuilt when any of 2 context files changes: package.json, src/app.js",
                        &span((2, 0), (2, 16))
                    ),
                    (
                        "Rebuilt when any of 2 context files changes: package.json, src/app.js",
                        &span((3, 0), (3, 7))
                    ),
                ],
                "{lenses}"
            );
        } else {
            assert_eq!(
                titles,
                [
                    ("Rebuilt when package.json changes", &span((1, 0), (1, 20))),
                    (
                        "Rebuilt when package.json, src/ changes",
                        &span((2, 0), (2, 16))
                    ),
                    (
                        "Rebuilt when package.json, src/ changes",
                        &span((3, 0), (3, 7))
                    ),
                ],
                "{lenses}"
            );
        }
    }
}

/// Types `typed` at the end of `text` (a change, then the on-type request, as editors send
/// them) and returns the text after the server's edits.
async fn type_and_format(
    client: &mut Client,
    version: i64,
    text: &str,
    at_: Value,
    typed: &str,
) -> String {
    let doc = json!({"uri": URI});
    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": URI, "version": version},
                "contentChanges": [{"text": text}]}),
        )
        .await;
    let edits = client
        .request(
            "textDocument/onTypeFormatting",
            json!({"textDocument": doc, "position": at_, "ch": typed,
                "options": {"tabSize": 2, "insertSpaces": true}}),
        )
        .await;
    let edits = edits["result"].as_array().cloned().unwrap_or_default();
    apply(text, &edits, false)
}

#[tokio::test]
async fn typing_a_line_continuation_indents_the_next_line() {
    let mut client = Client::start(Engine::default());
    client.initialize(None).await;
    client.open(URI, "FROM alpine:3.20\n").await;
    // Enter after `\`, on a line after non-ASCII text.
    let text = "FROM alpine:3.20\nRUN echo é🐳 \\\n";
    assert_eq!(
        type_and_format(&mut client, 2, text, at(2, 0), "\n").await,
        "FROM alpine:3.20\nRUN echo é🐳 \\\n    "
    );
    // `\` typed at the end of a line: the next line joins the instruction, indented.
    let text = "FROM alpine:3.20\nRUN make \\\ninstall\n";
    assert_eq!(
        type_and_format(&mut client, 3, text, at(1, 10), "\\").await,
        "FROM alpine:3.20\nRUN make \\\n    install\n"
    );
    // After non-ASCII text: the position is in UTF-16 units.
    let text = "FROM alpine:3.20\nRUN echo é🐳 \\\nmake\n";
    assert_eq!(
        type_and_format(&mut client, 4, text, at(1, 14), "\\").await,
        "FROM alpine:3.20\nRUN echo é🐳 \\\n    make\n"
    );
    // A new line that continues nothing is left alone.
    let text = "FROM alpine:3.20\nRUN make\n";
    assert_eq!(
        type_and_format(&mut client, 5, text, at(2, 0), "\n").await,
        text
    );
}

#[tokio::test]
async fn formatting_hover_on_diagnostics_and_refused_renames() {
    let mut client = Client::start(Engine::default());
    client.initialize(None).await;
    let text = "FROM alpine:3.20\nCOPY  a.txt /a/\nRUN  true\nMAINTAINER me\n";
    client.open(URI, text).await;
    let doc = json!({"uri": URI});
    let options = json!({"tabSize": 4, "insertSpaces": true});

    let edits = client
        .request(
            "textDocument/formatting",
            json!({"textDocument": doc, "options": options}),
        )
        .await;
    let edits = edits["result"].as_array().unwrap().clone();
    assert_eq!(
        apply(text, &edits, false),
        "FROM alpine:3.20\nCOPY a.txt /a/\nRUN true\nMAINTAINER me\n"
    );
    // Only the selected line; a range past the end is clamped.
    let edits = client
        .request(
            "textDocument/rangeFormatting",
            json!({"textDocument": doc, "range": span((2, 0), (90, 0)), "options": options}),
        )
        .await;
    assert_eq!(
        edits["result"],
        json!([{"range": span((2, 3), (2, 5)), "newText": " "}])
    );

    // On a diagnostic: the rule's documentation, then the instruction's.
    let hover = client
        .request_at("textDocument/hover", &doc, &at(3, 2))
        .await;
    let value = hover["result"]["contents"]["value"].as_str().unwrap();
    assert!(
        value.starts_with("**DFL5021** `maintainer-instruction`\n\n## What it does\n"),
        "{value}"
    );
    let (rule, instruction) = value.split_once("\n\n---\n\n").unwrap();
    assert!(rule.contains("org.opencontainers.image.authors"), "{rule}");
    assert!(instruction.starts_with("**MAINTAINER**"), "{instruction}");
    assert_eq!(hover["result"]["range"], span((3, 0), (3, 10)));
    // Past the end of the text: nothing there.
    let hover = client
        .request_at("textDocument/hover", &doc, &at(700, 2))
        .await;
    assert_eq!(hover["result"], Value::Null);

    let refused = client
        .request(
            "textDocument/rename",
            json!({"textDocument": doc, "position": at(3, 2), "newName": "x"}),
        )
        .await;
    assert_eq!(
        refused["error"],
        json!({"code": -32803, "message": "no variable, stage or heredoc defined in this file here"})
    );
    let prepared = client
        .request_at("textDocument/prepareRename", &doc, &at(3, 2))
        .await;
    assert_eq!(prepared["result"], Value::Null);
}
