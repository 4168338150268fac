import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { LANGUAGE_TABLE } from '../../src/derive/language-table.js';

const script = fileURLToPath(new URL('../../scripts/build-language-table.mjs', import.meta.url));

describe('LANGUAGE_TABLE', () => {
  it('is what the installed linguist-languages gives (regenerate it after an update)', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [script, '--check']);
    expect(stdout).toMatch(/matches linguist-languages \d+\.\d+\.\d+/);
  });

  it('holds lower-case names of at most 30 characters and dotted extensions', () => {
    const lines = LANGUAGE_TABLE.split('\n').filter((line) => line !== '');
    expect(lines.length).toBeGreaterThan(400);
    for (const line of lines) {
      const [name, extensions, fileNames, extra] = line.split('|');
      expect(extra).toBeUndefined();
      expect(name).toBe(name?.toLowerCase());
      expect(name?.length).toBeLessThanOrEqual(30);
      expect(`${extensions} ${fileNames}`.trim()).not.toBe('');
      for (const ext of extensions?.split(' ').filter(Boolean) ?? []) expect(ext).toMatch(/^\./);
    }
  });

  it('leaves out data and prose formats', () => {
    const names = new Set(LANGUAGE_TABLE.split('\n').map((line) => line.split('|')[0]));
    for (const name of ['json', 'yaml', 'markdown', 'text', 'toml', 'xml', 'csv']) {
      expect(names.has(name)).toBe(false);
    }
    for (const name of ['typescript', 'python', 'go', 'rust', 'html', 'css', 'sql']) {
      expect(names.has(name)).toBe(true);
    }
  });
});
