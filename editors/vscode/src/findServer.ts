// Where the bucketguard executable comes from. Pure (file checks are passed
// in) so the unit tests can cover every branch without VS Code.
import * as path from 'path';

export interface Lookup {
  /** `bucketguard.server.path`, as configured (may be empty). */
  settingPath: string | null | undefined;
  /** Whether the workspace is trusted; the setting is ignored when not. */
  trusted: boolean;
  /** The extension's install folder (the bundled binary lives in `server/`). */
  extensionPath: string;
  /** `process.env.PATH`. */
  envPath: string | undefined;
  platform: NodeJS.Platform;
  /** True when `file` exists and can be executed. */
  isExecutable: (file: string) => boolean;
  /** Expands `~` and `${workspaceFolder}` in the setting. */
  workspaceFolder?: string;
  home?: string;
}

export type Source = 'setting' | 'bundled' | 'path';

export interface Found {
  command: string;
  source: Source;
}

export interface Result {
  found: Found | null;
  /** One line per step, in order, for the output channel. */
  log: string[];
}

export function exeName(platform: NodeJS.Platform): string {
  return platform === 'win32' ? 'bucketguard.exe' : 'bucketguard';
}

export function bundledPath(extensionPath: string, platform: NodeJS.Platform): string {
  return path.join(extensionPath, 'server', exeName(platform));
}

function expand(p: string, l: Lookup): string {
  let out = p.trim();
  if (l.workspaceFolder) out = out.split('${workspaceFolder}').join(l.workspaceFolder);
  if (l.home && (out === '~' || out.startsWith('~/'))) out = l.home + out.slice(1);
  return out;
}

export function findServer(l: Lookup): Result {
  const log: string[] = [];
  const sep = l.platform === 'win32' ? ';' : ':';
  const configured = (l.settingPath ?? '').trim();
  if (!configured) {
    log.push('1. bucketguard.server.path: not set');
  } else if (!l.trusted) {
    log.push(`1. bucketguard.server.path: ignored in an untrusted workspace (${configured})`);
  } else {
    const p = expand(configured, l);
    if (l.isExecutable(p)) {
      log.push(`1. bucketguard.server.path: using ${p}`);
      return { found: { command: p, source: 'setting' }, log };
    }
    log.push(`1. bucketguard.server.path: ${p} is not an executable file; trying the next step`);
  }
  const bundled = bundledPath(l.extensionPath, l.platform);
  if (l.isExecutable(bundled)) {
    log.push(`2. bundled binary: using ${bundled}`);
    return { found: { command: bundled, source: 'bundled' }, log };
  }
  log.push(`2. bundled binary: none at ${bundled}`);
  const exe = exeName(l.platform);
  for (const dir of (l.envPath ?? '').split(sep)) {
    if (!dir) continue;
    const candidate = path.join(dir, exe);
    if (l.isExecutable(candidate)) {
      log.push(`3. PATH: using ${candidate}`);
      return { found: { command: candidate, source: 'path' }, log };
    }
  }
  log.push(`3. PATH: no ${exe} in any PATH folder`);
  return { found: null, log };
}

export const INSTALL_MESSAGE =
  'bucketguard: the `bucketguard` executable was not found (setting `bucketguard.server.path`, ' +
  'the bundled binary, then PATH were tried; see the output channel). Install it with ' +
  '`cargo install --path server` from the bucketguard repository (or put a release binary on PATH), ' +
  'or set `bucketguard.server.path` to its location.';
