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
    'bucketguard.select',
    'bucketguard.server.path',
    'bucketguard.severity',
    'bucketguard.trace.server',
  ]);
  for (const [k, v] of Object.entries<Record<string, unknown>>(props)) {
    assert.ok(v.type && 'default' in v && v.markdownDescription, `${k}: type, default and description`);
  }
  assert.deepEqual(props['bucketguard.severity'].additionalProperties.enum, ['error', 'warning', 'info', 'hint']);
  assert.equal(props['bucketguard.debounceMs'].maximum, 10000);
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
