import { describe, expect, it } from 'vitest';
import { languageOfFiles, type TouchedFile } from '../../src/derive/language-of-files.js';

/** Files the agent only read. */
const read = (...paths: string[]): TouchedFile[] => paths.map((path) => ({ path, edited: false }));
/** Files the agent edited. */
const edited = (...paths: string[]): TouchedFile[] => paths.map((path) => ({ path, edited: true }));

describe('languageOfFiles', () => {
  describe('by extension', () => {
    it.each([
      [['src/index.ts', 'src/app.tsx', 'README.md'], 'typescript'],
      [['main.py', 'tests/test_main.py', 'pyproject.toml'], 'python'],
      [['cmd/server/main.go', 'go.mod'], 'go'],
      [['src/lib.rs', 'Cargo.toml'], 'rust'],
      [['App.java'], 'java'],
      [['lib/a.rb', 'Gemfile'], 'ruby'],
      [['a.cpp', 'b.hpp'], 'c++'],
      [['Program.cs'], 'c#'],
      [['index.html', 'style.css', 'main.css'], 'css'],
      [['App.vue'], 'vue'],
      [['deploy.sh'], 'shell'],
      [['schema.sql'], 'sql'],
      [['C:\\work\\app\\Main.KT'], 'kotlin'],
      [['/abs/path/to/module.mjs', './rel/x.cjs'], 'javascript'],
      [['src/types.d.ts'], 'typescript'],
      [['resources/views/home.blade.php'], 'blade'],
      [['.eslintrc.js'], 'javascript'],
    ] as const)('%j is %s', (paths, language) => {
      expect(languageOfFiles(read(...paths))).toBe(language);
    });
  });

  describe('by file name', () => {
    it('knows files without an extension', () => {
      expect(languageOfFiles(read('Dockerfile'))).toBe('dockerfile');
      expect(languageOfFiles(read('backend/Makefile'))).toBe('makefile');
      expect(languageOfFiles(read('CMakeLists.txt'))).toBe('cmake');
      expect(languageOfFiles(read('Rakefile', 'Gemfile'))).toBe('ruby');
      expect(languageOfFiles(read('/home/me/.bashrc'))).toBe('shell');
    });
  });

  describe('what is not code', () => {
    it('is null when no file is in a programming or markup language', () => {
      expect(languageOfFiles(read('README.md', 'package.json', 'config.yaml', 'notes.txt'))).toBe(
        null,
      );
      expect(languageOfFiles(read('LICENSE', 'image.png', 'data.csv'))).toBe(null);
      expect(languageOfFiles([])).toBe(null);
    });

    it('does not count Markdown as GCC machine descriptions', () => {
      expect(languageOfFiles(read('docs/a.md', 'docs/b.md', 'src/x.py'))).toBe('python');
    });
  });

  describe('majority and ties', () => {
    it('picks the language most files are in', () => {
      expect(languageOfFiles(read('a.py', 'b.py', 'c.ts'))).toBe('python');
      expect(languageOfFiles([...edited('a.ts'), ...read('b.py', 'c.py')])).toBe('python');
    });

    it('breaks a tie by edits over reads', () => {
      expect(languageOfFiles([...read('a.py', 'b.py'), ...edited('c.go', 'd.go')])).toBe('go');
      expect(languageOfFiles([...edited('c.go'), ...read('a.py', 'b.py', 'd.go')])).toBe('go');
    });

    it('breaks a full tie by the file seen first', () => {
      expect(languageOfFiles(read('a.rs', 'b.go'))).toBe('rust');
      expect(languageOfFiles(read('b.go', 'a.rs'))).toBe('go');
    });

    it('counts a file once, as edited when any record of it is', () => {
      const files = [...read('a.py', 'a.py', 'a.py', 'b.ts'), ...edited('b.ts')];
      expect(languageOfFiles(files)).toBe('typescript');
    });
  });

  describe('shared extensions', () => {
    it('reads .h as C, or as the C++ or Objective-C the other files are in', () => {
      expect(languageOfFiles(read('include/a.h'))).toBe('c');
      expect(languageOfFiles(read('a.h', 'b.h', 'c.h', 'main.c'))).toBe('c');
      expect(languageOfFiles(read('a.h', 'b.h', 'c.h', 'main.cpp'))).toBe('c++');
      expect(languageOfFiles(read('a.h', 'b.h', 'View.m', 'Model.m', 'x.c'))).toBe('objective-c');
    });

    it('reads .m as Objective-C, or as the MATLAB the other files are in', () => {
      expect(languageOfFiles(read('solve.m'))).toBe('objective-c');
      expect(languageOfFiles(read('AppDelegate.m', 'AppDelegate.h'))).toBe('objective-c');
      expect(languageOfFiles(read('solve.m', 'plot.m', 'setup.matlab'))).toBe('matlab');
    });

    it('reads .ts as TypeScript, not a Qt translation file', () => {
      expect(languageOfFiles(read('app.ts'))).toBe('typescript');
    });

    it('reads .pl as Perl and .rs as Rust', () => {
      expect(languageOfFiles(read('script.pl'))).toBe('perl');
      expect(languageOfFiles(read('main.rs'))).toBe('rust');
    });
  });

  describe('bad input', () => {
    it('skips entries that are not files and never throws', () => {
      const garbage = [
        null,
        42,
        { path: 7, edited: true },
        { path: '', edited: true },
        { path: `${'a'.repeat(5_000)}.py`, edited: true },
        { path: 'ok.go' },
        { path: 'constructor', edited: true },
        { path: '__proto__.toString', edited: true },
      ] as unknown as TouchedFile[];
      expect(languageOfFiles(garbage)).toBe('go');
      expect(languageOfFiles(undefined as unknown as TouchedFile[])).toBe(null);
      expect(languageOfFiles(read('.', '..', '...', 'a.', '/'))).toBe(null);
    });

    it('returns at most 30 characters', () => {
      const every = [
        'x.applescript',
        'x.graphql',
        'x.pwn',
        'x.mps',
        'x.ligo',
        'x.nasm',
        'x.vhdl',
        'x.jinja',
      ];
      for (const path of every) {
        const language = languageOfFiles(read(path));
        expect(language === null || language.length <= 30).toBe(true);
      }
    });
  });
});
