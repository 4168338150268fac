/** Characters that end a simple command outside quotes. */
const SEPARATORS = new Set([';', '&', '|', '(', ')', '`', '\n']);

/** Characters that end a word outside quotes. */
const WORD_ENDS = new Set([' ', '\t', '\r', '<', '>', ...SEPARATORS]);

/** The longest command text read; the rest of a longer script is not classified. */
const MAX_COMMAND_LENGTH = 100_000;

/** One word read from `text` at `start`: its unquoted value and the index after it. */
function readWord(text: string, start: number): { value: string; end: number } {
  let i = start;
  while (text[i] === ' ' || text[i] === '\t') i++;
  let value = '';
  let quote: string | undefined;
  for (; i < text.length; i++) {
    const c = text[i] as string;
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
      else value += c;
    } else if (c === "'" || c === '"') quote = c;
    else if (WORD_ENDS.has(c)) break;
    else value += c;
  }
  return { value, end: i };
}

/** The index just past the heredoc body that starts at `start` and ends with `delimiter`. */
function skipHeredoc(text: string, start: number, delimiter: string, stripTabs: boolean): number {
  let i = start;
  while (i < text.length) {
    const lineEnd = text.indexOf('\n', i);
    const end = lineEnd === -1 ? text.length : lineEnd;
    const line = text.slice(i, end);
    if ((stripTabs ? line.replace(/^\t+/, '') : line) === delimiter) return end;
    i = end + 1;
  }
  return text.length;
}

/**
 * The simple commands of a shell command line as lists of words, as a POSIX shell splits them:
 * quotes removed, `&&`, `||`, `;`, `|`, `&`, newlines, parentheses and backticks separating
 * commands, and redirections, comments and heredoc bodies dropped. Never throws.
 */
export function shellSegments(command: string): string[][] {
  if (typeof command !== 'string') return [];
  const text = command.slice(0, MAX_COMMAND_LENGTH);
  const segments: string[][] = [];
  let words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: string | undefined;
  const heredocs: { delimiter: string; stripTabs: boolean }[] = [];
  const endWord = () => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  const endSegment = () => {
    endWord();
    if (words.length > 0) segments.push(words);
    words = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
      continue;
    }
    if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1] as string)) {
        word += text[i + 1];
        i++;
      } else word += c;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\') {
      if (i + 1 < text.length && text[i + 1] !== '\n') {
        word += text[i + 1];
        inWord = true;
      }
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      endWord();
    } else if (c === '#' && !inWord) {
      const lineEnd = text.indexOf('\n', i);
      i = (lineEnd === -1 ? text.length : lineEnd) - 1;
    } else if (c === '>' || c === '<' || (c === '&' && text[i + 1] === '>')) {
      if (/^\d+$/.test(word)) {
        word = '';
        inWord = false;
      } else endWord();
      if (text.startsWith('<<<', i)) {
        i = readWord(text, i + 3).end - 1;
      } else if (text.startsWith('<<', i)) {
        const stripTabs = text[i + 2] === '-';
        const delimiter = readWord(text, i + (stripTabs ? 3 : 2));
        if (delimiter.value !== '') heredocs.push({ delimiter: delimiter.value, stripTabs });
        i = delimiter.end - 1;
      } else {
        let j = i + 1;
        while (j < text.length && '>&|'.includes(text[j] as string)) j++;
        i = readWord(text, j).end - 1;
      }
    } else if (SEPARATORS.has(c)) {
      endSegment();
      if (c === '\n') {
        for (const { delimiter, stripTabs } of heredocs.splice(0)) {
          i = skipHeredoc(text, i + 1, delimiter, stripTabs);
        }
      }
    } else {
      word += c;
      inWord = true;
    }
  }
  endSegment();
  return segments;
}
