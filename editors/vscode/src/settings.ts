// The `bucketguard` settings section as the server reads it
// (initializationOptions, workspace/configuration, didChangeConfiguration).
// Keys the user left at "no opinion" are left out, so the project's
// bucketguard.toml keeps them: a `select` of null is absent, not [].

export interface ServerSettings {
  select?: string[];
  ignore?: string[];
  severity?: Record<string, string>;
  debounceMs?: number;
  maxFileSize?: number;
  maxDiagnostics?: number;
}

export interface ConfigLike {
  get<T>(key: string): T | undefined;
}

export function serverSettings(cfg: ConfigLike): ServerSettings {
  const out: ServerSettings = {};
  const select = cfg.get<string[] | null>('select');
  if (Array.isArray(select)) out.select = select.map(String);
  const ignore = cfg.get<string[]>('ignore');
  // An empty list or table adds nothing to the project's, so these two are
  // always sent: a removed entry then reaches the server without a restart.
  out.ignore = Array.isArray(ignore) ? ignore.map(String) : [];
  const severity = cfg.get<Record<string, string>>('severity');
  out.severity = severity && typeof severity === 'object' ? { ...severity } : {};
  const debounce = cfg.get<number>('debounceMs');
  if (typeof debounce === 'number' && Number.isFinite(debounce)) out.debounceMs = debounce;
  const maxFileSize = cfg.get<number>('maxFileSize');
  if (typeof maxFileSize === 'number' && Number.isFinite(maxFileSize)) out.maxFileSize = maxFileSize;
  const maxDiagnostics = cfg.get<number>('maxDiagnostics');
  if (typeof maxDiagnostics === 'number' && Number.isFinite(maxDiagnostics)) out.maxDiagnostics = maxDiagnostics;
  return out;
}

/**
 * The server layers pushed settings key by key over its
 * initializationOptions, so a key that was there at start and is gone now
 * can only be dropped by starting the server again.
 */
export function needsRestart(atStart: ServerSettings, now: ServerSettings): boolean {
  return (Object.keys(atStart) as (keyof ServerSettings)[]).some((k) => !(k in now));
}
