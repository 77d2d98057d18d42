// Fails when src/generated/ is not what `npm run codegen` makes from spec/ and schema/.
// Regenerates, compares with the files as they were, then puts the originals back, so the check
// never edits a working tree and does not depend on git state.
import { execSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

const dir = new URL('../src/generated/', import.meta.url);
const read = () => Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(new URL(f, dir), 'utf8')]));

const before = read();
execSync('npm run --silent codegen', { stdio: ['ignore', 'ignore', 'inherit'] });
const after = read();
const stale = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((f) => before[f] !== after[f]);
for (const [file, text] of Object.entries(before)) writeFileSync(new URL(file, dir), text);
if (stale.length) {
  console.error(`Generated code is stale: ${stale.join(', ')}. Run \`npm run codegen\` and commit the result.`);
  process.exit(1);
}
console.log('Generated code is up to date.');
