// The extension manifest (package.json) promises what issue 5 asks; checked
// statically, without VS Code.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));

test('activates on YAML, JSON and Terraform documents only', () => {
  assert.deepEqual([...pkg.activationEvents].sort(), [
    'onLanguage:json',
    'onLanguage:jsonc',
    'onLanguage:terraform',
    'onLanguage:terraform-vars',
    'onLanguage:yaml',
  ]);
});

test('Terraform files get a language without HashiCorp\'s extension', () => {
  const langs = Object.fromEntries(pkg.contributes.languages.map((l: { id: string; extensions: string[] }) => [l.id, l.extensions]));
  assert.deepEqual(langs.terraform, ['.tf']);
  assert.deepEqual(langs['terraform-vars'], ['.tfvars']);
});

test('every setting has a schema', () => {
  const props = pkg.contributes.configuration.properties;
  assert.deepEqual(Object.keys(props).sort(), [
    'bucketguard.debounceMs',
    'bucketguard.ignore',
    'bucketguard.maxDiagnostics',
    'bucketguard.maxFileSize',
    'bucketguard.select',
    'bucketguard.server.path',
    'bucketguard.severity',
    'bucketguard.trace.server',
  ]);
  for (const [k, v] of Object.entries<Record<string, unknown>>(props)) {
    assert.ok(v.type && 'default' in v && v.markdownDescription, `${k}: type, default and description`);
  }
  assert.deepEqual(props['bucketguard.severity'].additionalProperties.enum, ['error', 'warning', 'info']);
  assert.equal(props['bucketguard.debounceMs'].maximum, 10000);
  // The server's own default (`lsp::options::DEFAULT_DEBOUNCE`).
  assert.equal(props['bucketguard.debounceMs'].default, 10);
});

test('server.path is restricted in untrusted workspaces', () => {
  const u = pkg.capabilities.untrustedWorkspaces;
  assert.equal(u.supported, 'limited');
  assert.deepEqual(u.restrictedConfigurations, ['bucketguard.server.path']);
});

test('the four commands', () => {
  assert.deepEqual(pkg.contributes.commands.map((c: { command: string }) => c.command).sort(), [
    'bucketguard.fixAll',
    'bucketguard.restartServer',
    'bucketguard.showOutput',
    'bucketguard.showRuleDocumentation',
  ]);
});

test('the selector schema accepts every rule id, id prefix and name the server knows', (t) => {
  const bin = process.env.BUCKETGUARD_BIN;
  if (!bin) {
    t.skip('BUCKETGUARD_BIN is not set (scripts/test-editors sets it)');
    return;
  }
  const rules: { id: string; name: string; severity: string }[] = JSON.parse(
    require('node:child_process').execFileSync(bin, ['rules', '--format', 'json'], { encoding: 'utf8' }),
  );
  const props = pkg.contributes.configuration.properties;
  const re = new RegExp(props['bucketguard.select'].items.pattern);
  assert.ok(rules.length > 30);
  for (const s of ['ALL', 'all', 'S3', 'S3-1', ...rules.flatMap((r) => [r.id, r.name])]) {
    assert.match(s, re);
  }
  const severities = props['bucketguard.severity'].additionalProperties.enum;
  for (const r of rules) assert.ok(severities.includes(r.severity), `${r.id}: ${r.severity}`);
});
