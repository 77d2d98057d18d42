// Fails when src/generated/, federation/atlas-backup.subgraph.graphql or the generated files of client/
// are not what `npm run codegen` makes from spec/ and schema/. Regenerates, compares with the files as
// they were, then puts the originals back (and removes files that did not exist), so the check never
// edits a working tree and does not depend on git state.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const dir = new URL('src/generated/', root);
const files = [
  // The checked-in subgraph SDL that supergraph compositions read (scripts/print-subgraph-sdl.ts).
  'federation/atlas-backup.subgraph.graphql',
  // The client SDL and the cache facts frontends build on (scripts/print-client-schema.ts).
  'client/schema.graphql',
  'client/cache-facts.js',
  'client/cache-facts.d.ts',
];

const read = () => {
  const generated = Object.fromEntries(
    readdirSync(dir).map((f) => [`src/generated/${f}`, readFileSync(new URL(f, dir), 'utf8')]),
  );
  for (const file of files) {
    const url = new URL(file, root);
    if (existsSync(url)) generated[file] = readFileSync(url, 'utf8');
  }
  return generated;
};

const before = read();
try {
  execSync('npm run --silent codegen', { stdio: ['ignore', 'ignore', 'inherit'] });
} catch {
  restore();
  console.error('`npm run codegen` failed (see above).');
  process.exit(1);
}
const after = read();
const stale = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((f) => before[f] !== after[f]);
restore();
if (stale.length) {
  console.error(`Generated code is stale: ${stale.join(', ')}. Run \`npm run codegen\` and commit the result.`);
  process.exit(1);
}
console.log('Generated code is up to date.');

function restore() {
  for (const file of Object.keys(read())) if (!(file in before)) rmSync(new URL(file, root));
  for (const [file, text] of Object.entries(before)) writeFileSync(new URL(file, root), text);
}
