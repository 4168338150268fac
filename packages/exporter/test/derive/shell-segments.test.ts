import { describe, expect, it } from 'vitest';
import { shellSegments } from '../../src/derive/shell-segments.js';

describe('shellSegments', () => {
  it('splits on control operators and keeps quoted operators inside words', () => {
    expect(shellSegments('cd app && npm test; echo "a && b" | tee log || true & wait')).toEqual([
      ['cd', 'app'],
      ['npm', 'test'],
      ['echo', 'a && b'],
      ['tee', 'log'],
      ['true'],
      ['wait'],
    ]);
  });

  it('removes quotes and backslash escapes', () => {
    expect(shellSegments(`git commit -m 'run "tests"' --author="A \\"B\\"" a\\ b`)).toEqual([
      ['git', 'commit', '-m', 'run "tests"', '--author=A "B"', 'a b'],
    ]);
  });

  it('drops redirections with their targets', () => {
    expect(shellSegments('npm test 2>&1 > out.txt < in.txt &> all.log >>append')).toEqual([
      ['npm', 'test'],
    ]);
  });

  it('drops comments and heredoc bodies', () => {
    const script = "cat > run.sh <<'EOF'\nnpm test\nEOF\npytest # then lint\n# eslint .\n";
    expect(shellSegments(script)).toEqual([['cat'], ['pytest']]);
    expect(shellSegments('cat <<-END\n\tgo test\n\tEND\ncargo build')).toEqual([
      ['cat'],
      ['cargo', 'build'],
    ]);
  });

  it('separates subshells, command substitutions and line continuations', () => {
    expect(shellSegments('(cd web && pnpm lint) && echo $(go vet ./...)')).toEqual([
      ['cd', 'web'],
      ['pnpm', 'lint'],
      ['echo', '$'],
      ['go', 'vet', './...'],
    ]);
    expect(shellSegments('pytest \\\n  -q')).toEqual([['pytest', '-q']]);
  });

  it('never throws on garbage', () => {
    expect(shellSegments(42 as unknown as string)).toEqual([]);
    expect(shellSegments('')).toEqual([]);
    expect(shellSegments('"unterminated && npm test')).toEqual([['unterminated && npm test']]);
    expect(shellSegments('\\')).toEqual([]);
    expect(shellSegments('cat <<')).toEqual([['cat']]);
    expect(shellSegments('x'.repeat(200_000))[0]?.[0]).toHaveLength(100_000);
  });
});
