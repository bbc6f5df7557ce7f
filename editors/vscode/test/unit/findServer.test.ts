// Unit tests of the server lookup and the settings sent to the server;
// plain Node (node --test), no VS Code needed.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { findServer, Lookup } from '../../src/findServer';
import { needsRestart, serverSettings } from '../../src/settings';

function lookup(over: Partial<Lookup>, executables: string[]): Lookup {
  return {
    settingPath: null,
    trusted: true,
    extensionPath: '/ext',
    envPath: '/usr/local/bin:/usr/bin',
    platform: 'linux',
    isExecutable: (f) => executables.includes(f),
    ...over,
  };
}

test('the setting wins when the workspace is trusted', () => {
  const r = findServer(lookup({ settingPath: '/opt/bg' }, ['/opt/bg', '/ext/server/bucketguard', '/usr/bin/bucketguard']));
  assert.deepEqual(r.found, { command: '/opt/bg', source: 'setting' });
  assert.equal(r.log.length, 1);
  assert.match(r.log[0], /server\.path: using \/opt\/bg/);
});

test('the setting is ignored in an untrusted workspace', () => {
  const r = findServer(lookup({ settingPath: '/opt/bg', trusted: false }, ['/opt/bg', '/usr/bin/bucketguard']));
  assert.deepEqual(r.found, { command: '/usr/bin/bucketguard', source: 'path' });
  assert.match(r.log[0], /ignored in an untrusted workspace/);
  assert.match(r.log[1], /bundled binary: none at \/ext\/server\/bucketguard/);
  assert.match(r.log[2], /PATH: using \/usr\/bin\/bucketguard/);
});

test('a setting that is not executable falls through to the bundled binary', () => {
  const r = findServer(lookup({ settingPath: '/nope' }, ['/ext/server/bucketguard']));
  assert.deepEqual(r.found, { command: '/ext/server/bucketguard', source: 'bundled' });
  assert.match(r.log[0], /\/nope is not an executable file/);
});

test('~ and ${workspaceFolder} are expanded in the setting', () => {
  const a = findServer(lookup({ settingPath: '~/bin/bucketguard', home: '/home/u' }, ['/home/u/bin/bucketguard']));
  assert.equal(a.found?.command, '/home/u/bin/bucketguard');
  const b = findServer(lookup({ settingPath: '${workspaceFolder}/target/release/bucketguard', workspaceFolder: '/w' }, ['/w/target/release/bucketguard']));
  assert.equal(b.found?.command, '/w/target/release/bucketguard');
});

test('PATH is searched in order, with .exe and ; on Windows', () => {
  const r = findServer(lookup({ platform: 'win32', envPath: 'C:\\a;C:\\b', extensionPath: 'C:\\ext' }, ['C:\\b/bucketguard.exe', 'C:\\b\\bucketguard.exe']));
  assert.equal(r.found?.source, 'path');
  assert.match(r.found!.command, /bucketguard\.exe$/);
});

test('nothing found: three steps logged, no result', () => {
  const r = findServer(lookup({}, []));
  assert.equal(r.found, null);
  assert.equal(r.log.length, 3);
  assert.match(r.log[2], /no bucketguard in any PATH folder/);
});

test('settings: null select is left out, empty ignore/severity are sent', () => {
  const cfg = (v: Record<string, unknown>) => ({ get: <T>(k: string) => v[k] as T });
  assert.deepEqual(serverSettings(cfg({ select: null, ignore: [], severity: {}, debounceMs: 30 })), {
    ignore: [],
    severity: {},
    debounceMs: 30,
  });
  assert.deepEqual(serverSettings(cfg({ select: ['S3-1'], ignore: ['S3-901'], severity: { 'S3-111': 'info' } })), {
    select: ['S3-1'],
    ignore: ['S3-901'],
    severity: { 'S3-111': 'info' },
  });
  assert.deepEqual(serverSettings(cfg({ ignore: [], severity: {}, maxFileSize: 1000, maxDiagnostics: 50 })), {
    ignore: [],
    severity: {},
    maxFileSize: 1000,
    maxDiagnostics: 50,
  });
});

test('removing select needs a restart, other changes do not', () => {
  assert.equal(needsRestart({ select: ['S3-1'], ignore: [] }, { ignore: [] }), true);
  assert.equal(needsRestart({ ignore: ['S3-1'] }, { ignore: [] }), false);
  assert.equal(needsRestart({ ignore: [] }, { select: ['ALL'], ignore: [] }), false);
});
