// The extension's integration suite. It runs inside a real VS Code
// extension host (code-server, driven by test/run-integration.mjs) with the
// full `vscode` API, against the real `bucketguard server` configured in the
// user settings by the runner. The workspace holds copies of the
// repository's fixtures (fixtures/cloudformation/S3-111), made by the runner.
import * as assert from 'assert';
import * as cp from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { Api } from '../../src/extension';

const EXT_ID = 'bucketguard.bucketguard';
const WAIT_MS = 20000;

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}

async function waitFor<T>(what: string, fn: () => T | undefined | null | false | Promise<T | undefined | null | false>, ms = WAIT_MS): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await sleep(100);
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? `: ${last}` : ''}`);
}

const ws = () => vscode.workspace.workspaceFolders![0].uri.fsPath;
const file = (rel: string) => vscode.Uri.file(path.join(ws(), rel));

function codeOf(d: vscode.Diagnostic): string {
  return String(typeof d.code === 'object' ? d.code.value : d.code);
}
function ours(uri: vscode.Uri, code?: string): vscode.Diagnostic[] {
  return vscode.languages
    .getDiagnostics(uri)
    .filter((d) => d.source === 'bucketguard' && (!code || codeOf(d) === code));
}
function some(uri: vscode.Uri, code?: string): vscode.Diagnostic[] | undefined {
  const d = ours(uri, code);
  return d.length ? d : undefined;
}
const fmt = (r: vscode.Range) => `${r.start.line + 1}:${r.start.character + 1}-${r.end.line + 1}:${r.end.character + 1}`;

/** `(line, startCol, endCol)` of the caret markers (0-based), as tests/fixtures.rs reads them. */
function yamlMarkers(text: string, code: string): string[] {
  const out: string[] = [];
  let last = -1;
  text.split('\n').forEach((line, i) => {
    const m = /^#( *)(\^+) (\S+)\s*$/.exec(line);
    if (!m) {
      last = i;
      return;
    }
    if (m[3] !== code) return;
    const start = 1 + m[1].length;
    out.push(`${last}:${start}-${start + m[2].length}`);
  });
  return out.sort();
}
function yamlActual(doc: vscode.TextDocument, diags: vscode.Diagnostic[]): string[] {
  return diags
    .map((d) => {
      const s = d.range.start;
      const end = d.range.end.line === s.line ? d.range.end.character : doc.lineAt(s.line).text.length;
      return `${s.line}:${s.character}-${Math.max(end, s.character + 1)}`;
    })
    .sort();
}

async function open(rel: string): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(file(rel));
  await vscode.window.showTextDocument(doc, { preview: false });
  return doc;
}

async function setting(key: string, value: unknown) {
  await vscode.workspace.getConfiguration('bucketguard').update(key, value, vscode.ConfigurationTarget.Workspace);
}

let api: Api;
const tests: [string, () => Promise<void>][] = [];
const test = (name: string, fn: () => Promise<void>) => tests.push([name, fn]);

test('activates on YAML and finds the server through bucketguard.server.path', async () => {
  const ext = vscode.extensions.getExtension<Api>(EXT_ID)!;
  assert.ok(ext, 'the extension under development is loaded');
  assert.strictEqual(ext.isActive, false, 'not active before a YAML, JSON or Terraform file is open');
  const doc = await open('cfn/bad.yaml');
  assert.strictEqual(doc.languageId, 'yaml');
  api = await waitFor('activation', async () => (ext.isActive ? ext.exports : undefined));
  await api.ready();
  assert.strictEqual(api.server()?.source, 'setting', api.logLines().join('\n'));
  const log = api.logLines().join('\n');
  assert.match(log, /1\. bucketguard\.server\.path: using .*bucketguard/);
  assert.match(log, /Server running: bucketguard \d/);
});

test('YAML fixture: the S3-111 findings at the marked positions, with code, link and source', async () => {
  const doc = await open('cfn/bad.yaml');
  const expected = yamlMarkers(doc.getText(), 'S3-111');
  assert.ok(expected.length >= 5, 'the fixture has markers');
  const diags = await waitFor('S3-111 diagnostics', () => {
    const d = ours(doc.uri, 'S3-111');
    return d.length === expected.length ? d : undefined;
  });
  assert.deepStrictEqual(yamlActual(doc, diags), expected);
  for (const d of diags) {
    assert.strictEqual(d.source, 'bucketguard');
    assert.strictEqual(d.severity, vscode.DiagnosticSeverity.Error, `severity of ${fmt(d.range)}`);
    assert.ok(typeof d.code === 'object' && /S3-111/i.test(d.code.target.toString()), `code link: ${JSON.stringify(d.code)}`);
  }
  // The whole fixture gets other rules' findings too (all rules run).
  assert.ok(ours(doc.uri).length > expected.length);
});

// Early, while only bad.yaml has been opened: the Problems panel shows its findings alone.
test('UI: the Problems panel and a hover, screenshot for the README', async () => {
  const dir = path.join(ws(), '..', 'ui');
  fs.mkdirSync(dir, { recursive: true });
  // Only this file open (closed files' findings are withdrawn), no side bar.
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  await vscode.commands.executeCommand('workbench.action.closeSidebar');
  const doc = await open('cfn/bad.yaml');
  const editor = await vscode.window.showTextDocument(doc);
  const d = (await waitFor('diagnostics', () => some(doc.uri, 'S3-111')))[0];
  await vscode.commands.executeCommand('workbench.actions.view.problems');
  await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
  const at = d.range.start.translate(0, 2);
  editor.selection = new vscode.Selection(at, at);
  editor.revealRange(new vscode.Range(at.translate(-6, 0), at), vscode.TextEditorRevealType.AtTop);
  await sleep(500);
  await vscode.commands.executeCommand('notifications.clearAll');
  await vscode.commands.executeCommand('editor.action.showHover');
  await sleep(800);
  // The runner sees this line, checks the DOM, takes the screenshot and
  // answers through the file system.
  console.log(`BUCKETGUARD-SCREENSHOT ${dir}`);
  const answer = await waitFor('the runner', () => {
    const f = path.join(dir, 'answer.json');
    return fs.existsSync(f) && JSON.parse(fs.readFileSync(f, 'utf8'));
  }, 30000);
  assert.strictEqual(answer.ok, true, JSON.stringify(answer));
});

test('JSON fixture: the S3-111 findings match bad.json.expected', async () => {
  const doc = await open('cfn/bad.json');
  assert.strictEqual(doc.languageId, 'json');
  const expected = fs
    .readFileSync(path.join(ws(), 'cfn/bad.json.expected'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('select='))
    .sort();
  const diags = await waitFor('JSON diagnostics', () => {
    const d = ours(doc.uri, 'S3-111');
    return d.length === expected.length ? d : undefined;
  });
  assert.deepStrictEqual(diags.map((d) => `${fmt(d.range)} ${codeOf(d)}`).sort(), expected);
});

test('hover on a finding shows the rule documentation', async () => {
  const doc = await open('cfn/bad.yaml');
  const d = (await waitFor('diagnostics', () => some(doc.uri, 'S3-111')))[0];
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, d.range.start.translate(0, 1));
  const text = hovers
    .flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value)))
    .join('\n');
  assert.match(text, /S3-111/);
  assert.match(text, /What it does/);
});

test('quick fix through vscode.executeCodeActionProvider removes the finding', async () => {
  const doc = await open('cfn/quickfix.yaml');
  const before = await waitFor('diagnostics', () => ours(doc.uri, 'S3-111').length >= 5 && ours(doc.uri, 'S3-111'));
  const target = before.find((d) => doc.lineAt(d.range.start.line).text.includes('AccessControl: PublicRead'))!;
  assert.ok(target, 'the PublicRead finding');
  const line = target.range.start.line;
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
    'vscode.executeCodeActionProvider',
    doc.uri,
    target.range,
    vscode.CodeActionKind.QuickFix.value,
  );
  const titles = actions.map((a) => a.title);
  const fix = actions.find((a) => a.title === 'Make the ACL private');
  assert.ok(fix?.edit, `the S3-111 fix among ${JSON.stringify(titles)}`);
  assert.strictEqual(fix.kind?.value, 'quickfix');
  assert.strictEqual(fix.isPreferred, true, 'a safe fix is preferred');
  assert.ok(titles.some((t) => /Suppress S3-111 for resource/.test(t)), `a suppress action among ${JSON.stringify(titles)}`);
  assert.ok(await vscode.workspace.applyEdit(fix.edit!));
  assert.doesNotMatch(doc.lineAt(line).text, /PublicRead/);
  await waitFor('the finding to go', () => {
    const now = ours(doc.uri, 'S3-111');
    return now.length === before.length - 1 && !now.some((d) => d.range.start.line === line);
  });
});

test('command "Fix All Safe Findings in File" gives the text of `bucketguard check --fix`', async () => {
  const rel = 'cfn/fixall.yaml';
  const cliCopy = path.join(ws(), '..', 'cli', 'fixall.yaml');
  fs.mkdirSync(path.dirname(cliCopy), { recursive: true });
  fs.copyFileSync(path.join(ws(), rel), cliCopy);
  cp.spawnSync(api.server()!.command, ['check', '--fix', '--quiet', cliCopy], { encoding: 'utf8' });
  const want = fs.readFileSync(cliCopy, 'utf8');
  const doc = await open(rel);
  await waitFor('diagnostics', () => ours(doc.uri).length);
  assert.notStrictEqual(doc.getText(), want, 'the CLI changed something');
  const passes = await vscode.commands.executeCommand<number>('bucketguard.fixAll');
  assert.ok(passes >= 1, `passes: ${passes}`);
  assert.strictEqual(doc.getText(), want);
  await doc.save();
});

test('settings reach the running server: severity, ignore, select (and back)', async () => {
  const doc = await open('cfn/bad.yaml');
  const n = yamlMarkers(doc.getText(), 'S3-111').length;
  const all = await waitFor('diagnostics', () => ours(doc.uri, 'S3-111').length === n && ours(doc.uri));
  const others = all.filter((d) => codeOf(d) !== 'S3-111').length;
  assert.ok(others > 0);

  await setting('severity', { 'S3-111': 'info' });
  await waitFor('S3-111 as information', () => {
    const d = ours(doc.uri, 'S3-111');
    return d.length === n && d.every((x) => x.severity === vscode.DiagnosticSeverity.Information);
  });
  await setting('severity', { 'S3-111': 'warning' });
  await waitFor('S3-111 as warning', () => {
    const d = ours(doc.uri, 'S3-111');
    return d.length === n && d.every((x) => x.severity === vscode.DiagnosticSeverity.Warning);
  });
  await setting('severity', undefined);
  await waitFor('S3-111 as error again', () => {
    const d = ours(doc.uri, 'S3-111');
    return d.length === n && d.every((x) => x.severity === vscode.DiagnosticSeverity.Error);
  });

  await setting('ignore', ['S3-111']);
  await waitFor('S3-111 ignored', () => ours(doc.uri, 'S3-111').length === 0 && ours(doc.uri).length === others);
  await setting('ignore', undefined);
  await waitFor('S3-111 back', () => ours(doc.uri, 'S3-111').length === n);

  await setting('select', ['S3-111']);
  await waitFor('only S3-111 selected', () => ours(doc.uri).length === n && ours(doc.uri, 'S3-111').length === n);
  await setting('select', undefined); // given at no start here, so pushed; still checked
  await waitFor('every rule again', () => ours(doc.uri).length === n + others);
});

test('a select given at start and then removed restarts the server', async () => {
  const doc = await open('cfn/bad.yaml');
  await setting('select', ['S3-111']);
  await vscode.commands.executeCommand('bucketguard.restartServer');
  const n = yamlMarkers(doc.getText(), 'S3-111').length;
  await waitFor('only S3-111 after restart', () => ours(doc.uri).length === n && ours(doc.uri, 'S3-111').length === n);
  await setting('select', undefined);
  await waitFor('every rule again', () => ours(doc.uri).length > n);
  assert.match(api.logLines().join('\n'), /Restarting the server: a setting given at start was removed/);
});

test('command "Show Rule Documentation" renders `bucketguard rule ID`', async () => {
  const uri = await vscode.commands.executeCommand<vscode.Uri>('bucketguard.showRuleDocumentation', 'S3-111');
  const text = (await vscode.workspace.openTextDocument(uri)).getText();
  assert.match(text, /^# S3-111: /);
  assert.match(text, /What it does/);
  // Without an argument: the finding under the cursor.
  const doc = await open('cfn/bad.yaml');
  const editor = vscode.window.activeTextEditor!;
  const d = (await waitFor('diagnostics', () => some(doc.uri, 'S3-111')))[0];
  editor.selection = new vscode.Selection(d.range.start, d.range.start);
  const here = await vscode.commands.executeCommand<vscode.Uri>('bucketguard.showRuleDocumentation');
  assert.strictEqual(here.path, '/S3-111.md');
});

test('files that are not templates get nothing', async () => {
  const doc = await open('other/deployment.yaml');
  await sleep(1500);
  assert.deepStrictEqual(ours(doc.uri), []);
  const pkg = await open('other/package.json');
  await sleep(500);
  assert.deepStrictEqual(ours(pkg.uri), []);
});

/** What the runner asks for (test/run-integration.mjs writes it beside the workspace). */
function suiteOptions(): { only?: string; terraformExtension?: boolean } {
  const f = path.join(ws(), '..', 'suite.json');
  return fs.existsSync(f) ? JSON.parse(fs.readFileSync(f, 'utf8')) : {};
}

test('Terraform files are associated and the server reports on them', async () => {
  const hashicorp = vscode.extensions.getExtension('hashicorp.terraform');
  assert.strictEqual(!!hashicorp, !!suiteOptions().terraformExtension, 'HashiCorp\'s extension (stand-in) installed as the runner says');
  const tf = await open('tf/main.tf');
  assert.strictEqual(tf.languageId, 'terraform');
  const vars = await open('tf/dev.tfvars');
  assert.strictEqual(vars.languageId, 'terraform-vars');
  const selector = [{ language: 'terraform' }, { language: 'terraform-vars' }];
  assert.ok(vscode.languages.match(selector, tf) > 0);
  const ext = vscode.extensions.getExtension<Api>(EXT_ID)!;
  api = await waitFor('activation on a Terraform file', async () => (ext.isActive ? ext.exports : undefined));
  await api.ready();
  await waitFor('the client running', () => api.client()?.isRunning());
  // The split-style ACL resource makes the bucket public: S3-111 on its value.
  const acl = await waitFor('S3-111 on the Terraform ACL value', () =>
    ours(tf.uri, 'S3-111').find((d) => tf.lineAt(d.range.start.line).text.includes('"public-read"')),
  );
  assert.ok(tf.getText(acl.range).includes('public-read'), `range ${fmt(acl.range)}`);
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', tf.uri, acl.range.start);
  const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
  assert.match(text, /S3-111/, 'the hover names the rule');
});

test('no server found: each lookup step logged, the install message, and back', async () => {
  const before = api.logLines().length;
  await setting('server.path', '/nonexistent/bucketguard'); // a workspace value over the user's
  await waitFor('the lookup to fail', () => api.logLines().slice(before).some((l) => l.includes('was not found')));
  const log = api.logLines().slice(before).join('\n');
  assert.match(log, /1\. bucketguard\.server\.path: \/nonexistent\/bucketguard is not an executable file/);
  assert.match(log, /2\. bundled binary: none at .*server\/bucketguard/);
  assert.match(log, /3\. PATH: no bucketguard in any PATH folder/);
  assert.match(log, /cargo install --path server/);
  assert.strictEqual(api.client(), undefined);
  assert.strictEqual(api.server(), null);
  await setting('server.path', undefined);
  await waitFor('the server back', () => api.client()?.isRunning());
  await vscode.commands.executeCommand('notifications.clearAll');
});

test('restart command: the server comes back and publishes again', async () => {
  const doc = await open('cfn/bad.yaml');
  const n = yamlMarkers(doc.getText(), 'S3-111').length;
  await vscode.commands.executeCommand('bucketguard.restartServer');
  assert.ok(api.client()?.isRunning());
  await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  const again = await open('cfn/bad.yaml');
  await waitFor('diagnostics after restart', () => ours(again.uri, 'S3-111').length === n);
});

export async function run(): Promise<void> {
  let passed = 0;
  const failed: string[] = [];
  const only = suiteOptions().only;
  for (const [name, fn] of tests.filter(([n]) => !only || n.includes(only))) {
    const t0 = Date.now();
    try {
      await fn();
      passed++;
      console.log(`ok - ${name} (${Date.now() - t0} ms)`);
    } catch (e) {
      failed.push(name);
      console.log(`not ok - ${name} (${Date.now() - t0} ms)\n  ${(e as Error).stack ?? e}`);
      if (api) console.log(`  output channel:\n    ${api.logLines().slice(-15).join('\n    ')}`);
    }
  }
  console.log(`vscode: ${passed} passed, ${failed.length} failed`);
  if (failed.length) throw new Error(`failed: ${failed.join('; ')}`);
}
