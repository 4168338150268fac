import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The documents checked: the README, docs/, and each package's README. */
const DOCUMENTS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
  ...readdirSync(join(ROOT, 'packages'))
    .map((name) => `packages/${name}/README.md`)
    .filter((path) => existsSync(join(ROOT, path))),
];

/** Markdown text without fenced code blocks and inline code, where links are not links. */
const prose = (markdown: string): string =>
  markdown.replace(/^ {0,3}(```|~~~)[\s\S]*?^ {0,3}\1.*$/gm, '').replace(/`[^`\n]*`/g, '');

/** The targets of inline links and images, and of reference definitions. */
function linkTargets(markdown: string): string[] {
  const text = prose(markdown);
  const inline = [...text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]);
  const references = [...text.matchAll(/^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map(
    (m) => m[1],
  );
  return [...inline, ...references].filter((t): t is string => t !== undefined);
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function githubSlug(heading: string): string {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/[`*~]/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** Every anchor a Markdown file offers: its headings (duplicates numbered) and explicit ids. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const withoutFences = markdown.replace(/^ {0,3}(```|~~~)[\s\S]*?^ {0,3}\1.*$/gm, '');
  for (const match of withoutFences.matchAll(/^ {0,3}#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const slug = githubSlug(match[1] ?? '');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  for (const match of markdown.matchAll(/<a\s+(?:name|id)="([^"]+)"/g)) {
    if (match[1]) anchors.add(match[1]);
  }
  return anchors;
}

/** What is wrong with one link of `from`, or undefined when it resolves. */
function problem(from: string, target: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined; // http(s), mailto: not checked here
  const [pathPart = '', anchor] = target.split('#', 2);
  const path = decodeURIComponent(pathPart);
  const file = path === '' ? join(ROOT, from) : resolve(ROOT, dirname(from), path);
  if (!file.startsWith(ROOT)) return `${target}: points outside the repository`;
  if (!existsSync(file)) return `${target}: no such file (${relative(ROOT, file)})`;
  if (anchor === undefined || anchor === '') return undefined;
  if (!statSync(file).isFile() || !file.endsWith('.md')) {
    return `${target}: an anchor into a file that is not Markdown`;
  }
  const anchors = anchorsOf(readFileSync(file, 'utf8'));
  return anchors.has(decodeURIComponent(anchor).toLowerCase())
    ? undefined
    : `${target}: no heading "#${anchor}" in ${relative(ROOT, file)}`;
}

describe('documentation links', () => {
  it('finds the documents and their links', () => {
    expect(DOCUMENTS).toContain('docs/guarantees.md');
    expect(DOCUMENTS).toContain('packages/devserver/README.md');
    expect(linkTargets(readFileSync(join(ROOT, 'README.md'), 'utf8')).length).toBeGreaterThan(10);
  });

  it.each(DOCUMENTS)('%s: every relative link names an existing file and heading', (doc) => {
    const problems = linkTargets(readFileSync(join(ROOT, doc), 'utf8'))
      .map((target) => problem(doc, target))
      .filter((p): p is string => p !== undefined);
    expect(problems).toEqual([]);
  });

  it.each(DOCUMENTS)('%s: every repository path in code names an existing file', (doc) => {
    const text = readFileSync(join(ROOT, doc), 'utf8');
    const paths = [
      ...text.matchAll(/`((?:packages|test|docs|examples|compat|bench|\.ci)\/[\w./-]+)`/g),
    ]
      .map((m) => m[1] as string)
      .filter((path) => !path.includes('*'));
    expect(paths.filter((path) => !existsSync(join(ROOT, path)))).toEqual([]);
  });

  it('slugs headings as GitHub does', () => {
    expect(githubSlug('Predictions and `withTask`')).toBe('predictions-and-withtask');
    expect(githubSlug('2b. Bounded flush and shutdown')).toBe('2b-bounded-flush-and-shutdown');
    expect(githubSlug('What is a task? (in order)')).toBe('what-is-a-task-in-order');
    expect(githubSlug('Node 20 / OTel 2.x')).toBe('node-20--otel-2x');
    expect(githubSlug('snake_case name')).toBe('snake_case-name');
    expect([...anchorsOf('# A\n## A\n```\n# not a heading\n```\n## A')]).toEqual([
      'a',
      'a-1',
      'a-2',
    ]);
  });

  it('reports a missing file and a missing heading', () => {
    expect(problem('docs/predictions.md', 'wire-protocol.md#no-such-heading')).toMatch(
      /no heading "#no-such-heading" in docs\/wire-protocol.md/,
    );
    expect(problem('README.md', 'docs/nope.md')).toMatch(/no such file/);
    expect(problem('README.md', '#quick-start')).toBeUndefined();
    expect(problem('README.md', 'https://example.com/x#y')).toBeUndefined();
  });
});
