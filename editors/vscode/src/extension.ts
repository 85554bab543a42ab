// Starts `dflint lsp` for Dockerfiles and keeps it told about the `dflint.*` settings. The
// extension holds no lint logic: everything else comes from the language server.

import * as vscode from "vscode";
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";

import { serverCommand, serverSettings } from "./settings";

let client: LanguageClient | undefined;

function currentSettings() {
  const section = vscode.workspace.getConfiguration("dflint");
  return serverSettings((name) => section.get(name));
}

function createClient(): LanguageClient {
  const { command, args } = serverCommand(vscode.workspace.getConfiguration("dflint").get("path"));
  const serverOptions: ServerOptions = {
    run: { command, args, transport: TransportKind.stdio },
    debug: { command, args, transport: TransportKind.stdio },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "dockerfile" },
      { scheme: "untitled", language: "dockerfile" },
    ],
    initializationOptions: currentSettings(),
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher(
        "**/{.dflint.toml,.dflint.yaml,.dflint.yml,.hadolint.yaml,.hadolint.yml,.dockerignore}",
      ),
    },
  };
  return new LanguageClient("dflint", "dflint", serverOptions, clientOptions);
}

async function restart(): Promise<void> {
  if (client) {
    await client.stop();
  }
  client = createClient();
  await client.start();
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.commands.registerCommand("dflint.restart", restart),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (!client) {
        return;
      }
      if (event.affectsConfiguration("dflint.path")) {
        await restart();
      } else if (event.affectsConfiguration("dflint")) {
        await client.sendNotification(DidChangeConfigurationNotification.type, {
          settings: currentSettings(),
        });
      }
    }),
  );
  client = createClient();
  try {
    await client.start();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    void vscode.window.showErrorMessage(
      `dflint: could not start \`${serverCommand(vscode.workspace.getConfiguration("dflint").get("path")).command} lsp\` (${message}). Set \`dflint.path\` to the dflint executable.`,
    );
  }
}

export async function deactivate(): Promise<void> {
  if (client) {
    await client.stop();
    client = undefined;
  }
}
