import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const PACKAGES = fileURLToPath(new URL('../packages/', import.meta.url));

/**
 * The bridge's one-way order, top to bottom: a folder imports only folders of a lower rank.
 * `types.ts` (the public option and stats types) sits just above `model/`: any folder may import
 * it, and it imports only `model/`. The other root files (entries) sit on top.
 */
const BRIDGE_RANKS: Readonly<Record<string, number>> = {
  receiver: 4,
  pipeline: 3,
  sources: 2,
  tasks: 2,
  decode: 2,
  spool: 2,
  'types.ts': 1.5,
  model: 1,
};
const BRIDGE_ORDER =
  'root files -> receiver -> pipeline -> {sources, tasks, decode, spool} -> model';

/** A relative import of one source file. */
interface Edge {
  readonly from: string;
  readonly to: string;
}

/** The `.ts` files under `dir`, as paths relative to it. */
function sourceFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(dir, prefix)).sort()) {
    const path = join(prefix, name);
    if (statSync(join(dir, path)).isDirectory()) out.push(...sourceFiles(dir, path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** The node a file belongs to: its top folder under `src/`, or the root-level file itself. */
const nodeOf = (file: string): string => file.split('/')[0] as string;

/** Every import, export-from and `import()` of `src` files that resolves to another `src` file. */
function importsOf(src: string): Edge[] {
  const edges: Edge[] = [];
  for (const file of sourceFiles(src)) {
    const text = readFileSync(join(src, file), 'utf8');
    for (const { fileName } of ts.preProcessFile(text, true, true).importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const target = resolve(dirname(join(src, file)), fileName.replace(/\.js$/, '.ts'));
      const to = relative(src, target);
      if (to.startsWith('..') || !existsSync(target)) continue;
      edges.push({ from: file, to });
    }
  }
  return edges;
}

/** The cycles between nodes (Tarjan's strongly connected components of more than one node). */
function nodeCycles(edges: readonly Edge[]): string[][] {
  const next = new Map<string, Set<string>>();
  for (const e of edges) {
    const a = nodeOf(e.from);
    const b = nodeOf(e.to);
    if (a === b) continue;
    if (!next.has(a)) next.set(a, new Set());
    if (!next.has(b)) next.set(b, new Set());
    next.get(a)?.add(b);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v) as number);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const v of [...next.keys()].sort()) if (!index.has(v)) visit(v);
  return cycles;
}

/** The imports between the nodes of a cycle, for the failure message. */
function describeCycle(pkg: string, cycle: readonly string[], edges: readonly Edge[]): string {
  const members = new Set(cycle);
  const lines = edges
    .filter((e) => nodeOf(e.from) !== nodeOf(e.to))
    .filter((e) => members.has(nodeOf(e.from)) && members.has(nodeOf(e.to)))
    .map((e) => `  ${e.from} imports ${e.to}`);
  return `packages/${pkg}/src: ${cycle.join(', ')} import each other in a circle:\n${lines.join('\n')}`;
}

/** The bridge's imports against its order. */
function bridgeOrderViolations(edges: readonly Edge[]): string[] {
  const problems: string[] = [];
  const rankOf = (node: string): number | undefined =>
    BRIDGE_RANKS[node] ?? (node.endsWith('.ts') ? Number.POSITIVE_INFINITY : undefined);
  for (const e of edges) {
    const a = nodeOf(e.from);
    const b = nodeOf(e.to);
    if (a === b) continue;
    const ra = rankOf(a);
    const rb = rankOf(b);
    if (ra === undefined || rb === undefined) {
      problems.push(
        `${e.from} imports ${e.to}: ${ra === undefined ? a : b} has no place in the order (${BRIDGE_ORDER})`,
      );
    } else if (!(ra > rb) && !(ra === Number.POSITIVE_INFINITY && rb === ra)) {
      problems.push(`${e.from} imports ${e.to}: ${a} may not import ${b} (${BRIDGE_ORDER})`);
    }
  }
  return problems;
}

const packages = readdirSync(PACKAGES)
  .filter((p) => existsSync(join(PACKAGES, p, 'src')))
  .sort();

describe('import order', () => {
  it('finds the packages and their imports', () => {
    expect(packages).toEqual(expect.arrayContaining(['bridge', 'devserver', 'exporter']));
    for (const pkg of packages) {
      expect(importsOf(join(PACKAGES, pkg, 'src')).length, pkg).toBeGreaterThan(0);
    }
  });

  for (const pkg of packages) {
    it(`has no cycle between the folders (and root files) of packages/${pkg}/src`, () => {
      const edges = importsOf(join(PACKAGES, pkg, 'src'));
      const cycles = nodeCycles(edges).map((c) => describeCycle(pkg, c, edges));
      expect(cycles.join('\n')).toBe('');
    });
  }

  it(`keeps the bridge's imports one way: ${BRIDGE_ORDER}`, () => {
    const violations = bridgeOrderViolations(importsOf(join(PACKAGES, 'bridge', 'src')));
    expect(violations.join('\n')).toBe('');
  });

  it('tells an import against the order and a cycle apart from allowed ones', () => {
    const edges: Edge[] = [
      { from: 'receiver/a.ts', to: 'pipeline/b.ts' },
      { from: 'pipeline/b.ts', to: 'types.ts' },
      { from: 'types.ts', to: 'model/c.ts' },
      { from: 'index.ts', to: 'start-bridge.ts' },
      { from: 'tasks/d.ts', to: 'sources/e.ts' },
      { from: 'sources/e.ts', to: 'tasks/f.ts' },
    ];
    expect(bridgeOrderViolations(edges)).toEqual([
      `tasks/d.ts imports sources/e.ts: tasks may not import sources (${BRIDGE_ORDER})`,
      `sources/e.ts imports tasks/f.ts: sources may not import tasks (${BRIDGE_ORDER})`,
    ]);
    expect(nodeCycles(edges)).toEqual([['sources', 'tasks']]);
    expect(nodeCycles(edges.slice(0, 4))).toEqual([]);
  });
});
