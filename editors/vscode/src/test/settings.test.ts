// Unit tests of the settings sent to the server (run with `node --test`, no VS Code needed).

import { strict as assert } from "node:assert";
import { test } from "node:test";

import { serverCommand, serverSettings, SETTING_KEYS } from "../settings";

test("unset settings are omitted so the configuration file decides", () => {
  assert.deepEqual(serverSettings(() => null), { dflint: {} });
  assert.deepEqual(serverSettings(() => undefined), { dflint: {} });
});

test("settings are renamed to the configuration file's keys", () => {
  const values: Record<string, unknown> = {
    select: ["DFL3", "DL3006"],
    ignore: ["root-user"],
    preview: false,
    failLevel: "warning",
    trustedRegistries: ["docker.io", "*.example.com"],
    shellcheck: "never",
    severity: { DFL3006: "error" },
    disableIgnorePragma: true,
  };
  assert.deepEqual(serverSettings((name) => values[name]), {
    dflint: {
      select: ["DFL3", "DL3006"],
      ignore: ["root-user"],
      preview: false,
      severity: { DFL3006: "error" },
      "fail-level": "warning",
      "trusted-registries": ["docker.io", "*.example.com"],
      "disable-ignore-pragma": true,
      shellcheck: "never",
    },
  });
});

test("every contributed setting except path and trace reaches the server", () => {
  const manifest = require("../../package.json");
  const contributed = Object.keys(manifest.contributes.configuration.properties)
    .map((key: string) => key.replace(/^dflint\./, ""))
    .filter((key: string) => key !== "path" && key !== "trace.server")
    .sort();
  assert.deepEqual(contributed, SETTING_KEYS.map(([name]) => name).sort());
});

test("the server command defaults to dflint on PATH", () => {
  assert.deepEqual(serverCommand(undefined), { command: "dflint", args: ["lsp"] });
  assert.deepEqual(serverCommand("  "), { command: "dflint", args: ["lsp"] });
  assert.deepEqual(serverCommand("/opt/dflint/bin/dflint"), {
    command: "/opt/dflint/bin/dflint",
    args: ["lsp"],
  });
});
