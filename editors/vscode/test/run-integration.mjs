// Runs the extension's integration suite (out/test/suite/index.js) inside
// code-server's Node extension host: the real VS Code workbench is loaded in
// headless Chromium (playwright-core) with the extension-development payload,
// and reports the suite's result through window.codeAutomationExit.
//
// Env: CODE_SERVER (the code-server executable), BUCKETGUARD_BIN (the server
// under test), RUN_DIR (scratch folder, recreated), REPO (repository root),
// CHROMIUM (default /usr/bin/chromium), SCREENSHOT_OUT (optional: where to
// copy the README screenshot), CS_PORT, VERBOSE.
import { spawn } from 'child_process';
import fs from 'fs';
import path from 'path';
import { fileURLToPath } from 'url';
import { chromium } from 'playwright-core';

const EXT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const need = (k) => process.env[k] || (console.error(`run-integration: ${k} is not set`), process.exit(2));
const CS = need('CODE_SERVER');
const BIN = path.resolve(need('BUCKETGUARD_BIN'));
const RUN = path.resolve(need('RUN_DIR'));
const REPO = path.resolve(need('REPO'));
const PORT = process.env.CS_PORT || String(18000 + (process.pid % 1000));
const TOTAL_MS = Number(process.env.VSCODE_TEST_TIMEOUT_MS || 240000);
const t0 = Date.now();
const log = (...a) => console.log(`[vscode ${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);

// The workspace: copies of the repository's fixtures, so fixes can edit them.
const HOME = path.join(RUN, 'home');
const WORK = path.join(RUN, 'work');
fs.rmSync(RUN, { recursive: true, force: true });
const fx = (rel) => path.join(REPO, 'fixtures', 'cloudformation', rel);
const put = (rel, from, text) => {
  const p = path.join(WORK, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  from ? fs.copyFileSync(from, p) : fs.writeFileSync(p, text);
};
put('cfn/bad.yaml', fx('S3-111/bad.yaml'));
put('cfn/quickfix.yaml', fx('S3-111/bad.yaml'));
put('cfn/fixall.yaml', fx('S3-111/bad.yaml'));
put('cfn/bad.json', fx('S3-111/bad.json'));
put('cfn/bad.json.expected', fx('S3-111/bad.json.expected'));
put('other/deployment.yaml', null, 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n');
put('other/package.json', null, '{\n  "name": "not-a-template",\n  "version": "1.0.0"\n}\n');
put('tf/main.tf', null, 'resource "aws_s3_bucket" "logs" {\n  bucket = "logs"\n}\n\nresource "aws_s3_bucket_acl" "logs" {\n  bucket = aws_s3_bucket.logs.id\n  acl    = "public-read"\n}\n');
put('tf/dev.tfvars', null, 'region = "eu-west-1"\n');
const settings = {
  'bucketguard.server.path': BIN,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'editor.minimap.enabled': false,
  'editor.stickyScroll.enabled': false,
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
  'workbench.editor.enablePreview': false,
  'editor.hover.delay': 100,
  'window.commandCenter': false,
  'workbench.colorTheme': 'Default Light Modern',
};
// --with-terraform-extension: a stand-in for HashiCorp's Terraform extension
// (the same language ids and file extensions, nothing else) is installed,
// and only the Terraform test runs.
if (process.argv.includes('--with-terraform-extension')) {
  const dir = path.join(HOME, 'extensions', 'hashicorp.terraform-0.0.1');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({
    name: 'terraform', publisher: 'hashicorp', version: '0.0.1', displayName: 'HashiCorp Terraform (test stand-in)',
    engines: { vscode: '^1.75.0' },
    contributes: { languages: [
      { id: 'terraform', aliases: ['Terraform', 'terraform'], extensions: ['.tf'] },
      { id: 'terraform-vars', aliases: ['Terraform Variables'], extensions: ['.tfvars'] },
    ] },
  }, null, 2));
  fs.writeFileSync(path.join(RUN, 'suite.json'), JSON.stringify({ only: 'Terraform', terraformExtension: true }));
}
fs.mkdirSync(path.join(HOME, 'user-tests', 'User'), { recursive: true });
fs.writeFileSync(path.join(HOME, 'user-tests', 'User', 'settings.json'), JSON.stringify(settings, null, 2));

let cs;
let browser;
let code = 'not run';
const watchdog = setTimeout(() => {
  console.error(`run-integration: watchdog: no result after ${TOTAL_MS / 1000} s`);
  cleanup(1);
}, TOTAL_MS);

async function cleanup(exit) {
  clearTimeout(watchdog);
  try { if (browser) await browser.close(); } catch {}
  try { if (cs) process.kill(-cs.pid, 'SIGTERM'); } catch {}
  log(exit === 0 ? 'PASS' : 'FAIL');
  process.exit(exit);
}

/** Called when the suite has set up the Problems panel and a hover. */
async function screenshot(page, dir) {
  const answer = { ok: false };
  try {
    const hover = page.locator('.monaco-hover:visible').first();
    await hover.waitFor({ timeout: 10000 });
    answer.hover = (await hover.innerText()).slice(0, 400);
    const markers = page.locator('.markers-panel .monaco-list-row');
    await markers.first().waitFor({ timeout: 10000 });
    answer.problemRows = await markers.count();
    answer.problemsText = (await page.locator('.markers-panel').innerText()).slice(0, 600);
    const file = path.join(dir, 'screenshot.png');
    await page.screenshot({ path: file });
    answer.ok = /S3-111/.test(answer.hover) && /S3-111/.test(answer.problemsText) && fs.statSync(file).size > 10000;
    if (process.env.SCREENSHOT_OUT) {
      fs.mkdirSync(path.dirname(process.env.SCREENSHOT_OUT), { recursive: true });
      fs.copyFileSync(file, process.env.SCREENSHOT_OUT);
      log(`screenshot: ${process.env.SCREENSHOT_OUT}`);
    }
  } catch (e) {
    answer.error = String(e);
    try { await page.screenshot({ path: path.join(dir, 'failed.png') }); } catch {}
  }
  log(`UI check: ${JSON.stringify({ ...answer, hover: answer.hover?.slice(0, 80), problemsText: undefined })}`);
  fs.writeFileSync(path.join(dir, 'answer.json'), JSON.stringify(answer));
}

try {
  // No `bucketguard` on PATH: the suite checks the lookup end to end, and
  // the server under test comes from the setting alone.
  const PATH = (process.env.PATH || '').split(path.delimiter)
    .filter((d) => d && !fs.existsSync(path.join(d, 'bucketguard'))).join(path.delimiter);
  const env = { ...process.env, PATH, XDG_CONFIG_HOME: path.join(HOME, 'config'), XDG_DATA_HOME: path.join(HOME, 'data') };
  cs = spawn(CS, ['--auth', 'none', '--bind-addr', `127.0.0.1:${PORT}`,
    '--extensions-dir', path.join(HOME, 'extensions'), '--user-data-dir', path.join(HOME, 'user-tests'),
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--disable-getting-started-override', '--disable-proxy'], { env, detached: true });
  cs.on('exit', (c) => log(`code-server exited (${c})`));
  await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('code-server did not start within 60 s')), 60000);
    const on = (d) => {
      const s = d.toString();
      if (process.env.VERBOSE) process.stdout.write('[code-server] ' + s);
      if (s.includes('HTTP server listening')) { clearTimeout(t); resolve(); }
    };
    cs.stdout.on('data', on);
    cs.stderr.on('data', on);
  });
  log('code-server up');
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  const pending = [];
  const done = new Promise((resolve) => {
    page.exposeFunction('codeAutomationLog', (_type, args) => {
      const line = (Array.isArray(args) ? args : [args]).join(' ');
      console.log('  ' + line.split('\n').join('\n  '));
      const m = /BUCKETGUARD-SCREENSHOT (.+)$/.exec(line.trim());
      if (m) pending.push(screenshot(page, m[1]));
    });
    page.exposeFunction('codeAutomationExit', (c) => resolve(c));
  });
  const remote = (p) => `vscode-remote://127.0.0.1:${PORT}${p}`;
  const payload = [
    ['extensionDevelopmentPath', remote(EXT)],
    ['extensionTestsPath', remote(path.join(EXT, 'out', 'test', 'suite', 'index.js'))],
    ['skipWelcome', 'true'],
  ];
  await page.goto(`http://127.0.0.1:${PORT}/?folder=${encodeURIComponent(WORK)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
  code = await done;
  await Promise.all(pending);
  log(`the suite exited with ${code}`);
} catch (e) {
  console.error('run-integration: FAILED:', e.message);
}
await cleanup(code === 0 ? 0 : 1);
