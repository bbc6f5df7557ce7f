// Bundles the extension and its tests with esbuild into out/.
import { build } from 'esbuild';
import { readdirSync } from 'fs';

const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning' };
await build({ ...common, entryPoints: ['src/extension.ts'], outfile: 'out/extension.js', external: ['vscode'] });
await build({ ...common, entryPoints: ['test/suite/index.ts'], outfile: 'out/test/suite/index.js', external: ['vscode'] });
const unit = readdirSync('test/unit').filter((f) => f.endsWith('.test.ts')).map((f) => `test/unit/${f}`);
await build({ ...common, entryPoints: unit, outdir: 'out/test/unit' });
console.log('built out/extension.js and the tests');
