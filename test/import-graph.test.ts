/**
 * The layers, as the code's static imports show them: what production loads from `src/index.ts`, and
 * which layer may import which (each knows only the ones below it). Read from the sources, not run.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../', import.meta.url));

/** The project files a module imports at load time (`import type` and `import()` excluded). */
function staticImports(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(/^(?:import|export)\s+(?!type\s)[^;]*?\sfrom\s+'(\.{1,2}\/[^']+)'/gms)) {
    const specifier = match[1] ?? '';
    found.push(relative(root, join(dirname(join(root, file)), specifier.replace(/\.js$/, '.ts'))));
  }
  return found;
}

function loadedFrom(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    staticImports(file).forEach(visit);
  };
  visit(entry);
  return seen;
}

const layerOf = (file: string) => /^src\/(server|graph|live|loaders|atlas|redis|simulator|generated)\//.exec(file)?.[1];

describe('the import graph', () => {
  const loaded = loadedFrom('src/index.ts');

  it('loads the whole gateway from src/index.ts and none of the simulator (demo mode imports it on demand)', () => {
    expect(loaded.has('src/server/gateway.ts')).toBe(true);
    expect(loaded.has('src/loaders/resources.ts')).toBe(true);
    expect([...loaded].filter((file) => file.startsWith('src/simulator/'))).toEqual([]);
  });

  it('loads Redis, metrics and tracing only when configured, and the WebSocket endpoint on its first upgrade', () => {
    const optional = [...loaded].filter(
      (file) =>
        file.startsWith('src/redis/') ||
        file === 'src/server/plugins/metrics.ts' ||
        file === 'src/server/plugins/tracing.ts' ||
        file === 'src/server/websocket.ts',
    );
    expect(optional).toEqual([]);
  });

  it('keeps each layer to the layers below it: server -> graph -> live -> loaders -> atlas', () => {
    // live (subscriptions' pollers) sits under the graph, which shapes its events, and reads through loaders.
    // redis/ implements atlas/'s seams (cache, rate budget) for replicas: the same level as atlas/.
    const rank: Record<string, number> = { server: 5, graph: 4, live: 3, loaders: 2, atlas: 1, redis: 1, generated: 0 };
    const upward: string[] = [];
    for (const file of loaded) {
      const layer = layerOf(file);
      if (layer === undefined || layer === 'simulator') continue;
      for (const imported of staticImports(file)) {
        const target = layerOf(imported);
        if (target !== undefined && target !== layer && (rank[target] ?? 0) > (rank[layer] ?? 0)) {
          upward.push(`${file} -> ${imported}`);
        }
      }
    }
    expect(upward).toEqual([]);
  });
});
