import * as fs from 'fs';
import * as os from 'os';
import * as cp from 'child_process';
import * as vscode from 'vscode';
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  State,
} from 'vscode-languageclient/node';
import { findServer, Found, INSTALL_MESSAGE } from './findServer';
import { needsRestart, serverSettings, ServerSettings } from './settings';

export const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('bucketguard');
const RULE_SCHEME = 'bucketguard-rule';

/** Documents the server sees. It decides which of them are templates. */
export const DOCUMENT_SELECTOR: { language: string }[] = [
  { language: 'yaml' },
  { language: 'json' },
  { language: 'jsonc' },
  { language: 'terraform' },
  { language: 'terraform-vars' },
];

/** What the extension hands to its tests (and to other extensions). */
export interface Api {
  client(): LanguageClient | undefined;
  server(): Found | null;
  /** Every line written to the output channel since activation. */
  logLines(): readonly string[];
  ready(): Promise<void>;
}

let output: vscode.OutputChannel;
let client: LanguageClient | undefined;
let found: Found | null = null;
let startSettings: ServerSettings = {};
let starting: Promise<void> = Promise.resolve();
const logLines: string[] = [];

function log(line: string) {
  logLines.push(line);
  output.appendLine(line);
}

function isExecutable(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    if (process.platform !== 'win32') fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function locate(context: vscode.ExtensionContext): Found | null {
  const cfg = vscode.workspace.getConfiguration('bucketguard');
  const result = findServer({
    settingPath: cfg.get<string | null>('server.path'),
    trusted: vscode.workspace.isTrusted,
    extensionPath: context.extensionPath,
    envPath: process.env.PATH,
    platform: process.platform,
    isExecutable,
    workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
    home: os.homedir(),
  });
  log('Looking for the bucketguard server:');
  for (const l of result.log) log('  ' + l);
  return result.found;
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  found = locate(context);
  if (!found) {
    log(INSTALL_MESSAGE);
    // Not awaited: restarts and settings pushes must not wait for the user.
    void vscode.window.showErrorMessage(INSTALL_MESSAGE, 'Open Settings', 'Show Output').then((pick) => {
      if (pick === 'Open Settings') {
        void vscode.commands.executeCommand('workbench.action.openSettings', 'bucketguard.server.path');
      } else if (pick === 'Show Output') {
        output.show(true);
      }
    });
    return;
  }
  const serverOptions: ServerOptions = {
    command: found.command,
    // stdio, without `transport`: with TransportKind.stdio the client
    // appends `--stdio`, which `bucketguard server` does not take.
    args: ['server'],
  };
  startSettings = serverSettings(vscode.workspace.getConfiguration('bucketguard'));
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    outputChannel: output,
    initializationOptions: startSettings,
    middleware: {
      workspace: {
        // Answer workspace/configuration with the settings as the server
        // reads them, not VS Code's raw section.
        configuration: async (params, token, next) => {
          const raw = await next(params, token);
          if (!Array.isArray(raw)) return raw;
          return params.items.map((item, i) =>
            item.section === 'bucketguard'
              ? serverSettings(vscode.workspace.getConfiguration('bucketguard'))
              : raw[i],
          );
        },
      },
    },
  };
  client = new LanguageClient('bucketguard', 'bucketguard', serverOptions, clientOptions);
  log(`Starting ${found.command} server`);
  try {
    await client.start();
    const info = client.initializeResult?.serverInfo;
    log(`Server running: ${info?.name ?? 'bucketguard'} ${info?.version ?? ''}`.trimEnd());
  } catch (e) {
    log(`The server did not start: ${e}`);
    void vscode.window.showErrorMessage(`bucketguard: the server (${found.command}) did not start: ${e}`);
  }
}

async function stop(): Promise<void> {
  const c = client;
  client = undefined;
  if (c && c.state !== State.Stopped) {
    try {
      await c.stop(5000);
    } catch (e) {
      log(`Stopping the server: ${e}`);
    }
  }
}

/** Run `job` after every earlier start, stop and settings push; log its errors. */
function serialized(what: string, job: () => Promise<void>): Promise<void> {
  starting = starting.then(job).catch((e) => log(`${what}: ${e}`));
  return starting;
}

function restart(context: vscode.ExtensionContext, why: string): Promise<void> {
  return serialized('Restarting the server', async () => {
    log(`Restarting the server: ${why}`);
    await stop();
    await start(context);
  });
}

function onSettingsChanged(context: vscode.ExtensionContext, e: vscode.ConfigurationChangeEvent) {
  if (!e.affectsConfiguration('bucketguard')) return;
  if (e.affectsConfiguration('bucketguard.server.path')) {
    void restart(context, 'bucketguard.server.path changed');
    return;
  }
  void serialized('Sending the settings', async () => {
    const now = serverSettings(vscode.workspace.getConfiguration('bucketguard'));
    if (needsRestart(startSettings, now)) {
      log('Restarting the server: a setting given at start was removed');
      await stop();
      await start(context);
    } else if (client?.isRunning()) {
      log(`Settings changed: ${JSON.stringify(now)}`);
      await client.sendNotification('workspace/didChangeConfiguration', { settings: { bucketguard: now } });
    }
  });
}

/**
 * Apply the server's `source.fixAll.bucketguard` action until none is left
 * (a fix can make another possible), as `bucketguard check --fix` does.
 * Returns the number of passes that changed the file.
 */
async function fixAll(): Promise<number> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showInformationMessage('bucketguard: open a template first.');
    return 0;
  }
  const doc = editor.document;
  let passes = 0;
  for (; passes < 10; passes++) {
    const full = new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length));
    const actions =
      (await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        doc.uri,
        full,
        FIX_ALL_KIND.value,
      )) ?? [];
    const action = actions.find((a) => a.kind && FIX_ALL_KIND.contains(a.kind) && a.edit);
    const before = doc.version;
    if (!action?.edit || !(await vscode.workspace.applyEdit(action.edit)) || doc.version === before) break;
  }
  if (passes === 0) void vscode.window.showInformationMessage('bucketguard: no safe fixes in this file.');
  return passes;
}

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    cp.execFile(command, args, { timeout: 10000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error((stderr || String(err)).trim()));
      else resolve(stdout);
    });
  });
}

/** A rule id: the argument, else the bucketguard finding under the cursor, else a pick. */
async function chooseRule(arg: unknown): Promise<string | undefined> {
  if (typeof arg === 'string' && arg) return arg;
  const editor = vscode.window.activeTextEditor;
  if (editor) {
    const here = vscode.languages
      .getDiagnostics(editor.document.uri)
      .find((d) => d.source === 'bucketguard' && d.range.contains(editor.selection.active));
    const code = typeof here?.code === 'object' ? here.code.value : here?.code;
    if (code && /^S3-\d+$/.test(String(code))) return String(code);
  }
  if (!found) return undefined;
  const rules = JSON.parse(await run(found.command, ['rules', '--format', 'json'])) as {
    id: string;
    name: string;
    summary: string;
  }[];
  const item = await vscode.window.showQuickPick(
    rules.map((r) => ({ label: r.id, description: r.name, detail: r.summary })),
    { placeHolder: 'Rule to show', matchOnDescription: true, matchOnDetail: true },
  );
  return item?.label;
}

class RuleDocs implements vscode.TextDocumentContentProvider {
  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const id = uri.path.replace(/^\//, '').replace(/\.md$/, '');
    if (!found) return `# ${id}\n\nThe bucketguard executable was not found.\n`;
    try {
      return await run(found.command, ['rule', id]);
    } catch (e) {
      return `# ${id}\n\n${(e as Error).message}\n`;
    }
  }
}

export function ruleUri(id: string): vscode.Uri {
  return vscode.Uri.from({ scheme: RULE_SCHEME, path: `/${id}.md` });
}

async function showRuleDocumentation(arg: unknown): Promise<vscode.Uri | undefined> {
  const id = await chooseRule(arg);
  if (!id) return undefined;
  const uri = ruleUri(id);
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.languages.setTextDocumentLanguage(doc, 'markdown');
  await vscode.commands.executeCommand('markdown.showPreview', uri);
  return uri;
}

export function activate(context: vscode.ExtensionContext): Api {
  output = vscode.window.createOutputChannel('bucketguard');
  context.subscriptions.push(
    output,
    vscode.workspace.registerTextDocumentContentProvider(RULE_SCHEME, new RuleDocs()),
    vscode.commands.registerCommand('bucketguard.restartServer', () => restart(context, 'command')),
    vscode.commands.registerCommand('bucketguard.showOutput', () => output.show(true)),
    vscode.commands.registerCommand('bucketguard.fixAll', fixAll),
    vscode.commands.registerCommand('bucketguard.showRuleDocumentation', showRuleDocumentation),
    vscode.workspace.onDidChangeConfiguration((e) => onSettingsChanged(context, e)),
    vscode.workspace.onDidGrantWorkspaceTrust(() => restart(context, 'workspace trusted')),
    { dispose: () => void stop() },
  );
  starting = start(context);
  return {
    client: () => client,
    server: () => found,
    logLines: () => logLines,
    ready: () => starting,
  };
}

export function deactivate(): Promise<void> {
  return stop();
}
