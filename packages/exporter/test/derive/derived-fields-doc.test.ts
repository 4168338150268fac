import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { GATE_RULES, SCRIPT_GATES } from '../../src/derive/quality-gate-rules.js';

const DOC = new URL('../../../../docs/derived-fields.md', import.meta.url);

/** The command table as docs/derived-fields.md shows it, rendered from the code's table. */
function renderGateRules(): string {
  const rows = GATE_RULES.map((rule) => {
    const command = rule.script === true ? `${rule.command} <name>` : rule.command;
    const option = rule.option === undefined ? '' : ` with \`${rule.option}\``;
    const gates =
      rule.script === true
        ? 'by name (below)'
        : rule.gates.length > 0
          ? rule.gates.join(', ')
          : 'none';
    return `| \`${command}\`${option} | ${gates} |`;
  });
  const names = [...SCRIPT_GATES].map(([name, gates]) => `| \`${name}\` | ${gates.join(', ')} |`);
  return [
    '| Command | Gates |',
    '| --- | --- |',
    ...rows,
    '',
    '| Script, task or target name | Gates |',
    '| --- | --- |',
    ...names,
  ].join('\n');
}

describe('docs/derived-fields.md', () => {
  it("shows the command table exactly as the code's", async () => {
    const doc = await readFile(DOC, 'utf8');
    const start = doc.indexOf('<!-- gate-rules:start -->\n');
    const end = doc.indexOf('\n<!-- gate-rules:end -->');
    expect(start).toBeGreaterThan(-1);
    expect(end).toBeGreaterThan(start);
    expect(doc.slice(start + '<!-- gate-rules:start -->\n'.length, end)).toBe(renderGateRules());
  });
});
