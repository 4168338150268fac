/**
 * This package's directory, for the files it ships beside the code (`web/`, `dist/vendor/`).
 * Resolved here because this file is one level below it both as source (`src/`) and bundled
 * (`dist/`); files in the stage folders are two levels down in `src/` but one in `dist/`.
 */
export const PACKAGE_DIR = new URL('../', import.meta.url);
