/**
 * Where a file stops being JSON, as a line and column and a reason, for the one-sentence problem the import
 * shows instead of the engine's message.
 */

function lineAndColumn(text: string, pos: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < pos; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return `line ${line}, column ${pos - lineStart + 1}`;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: JSON strings may not hold raw control characters (RFC 8259 §7).
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERAL = /true|false|null/y;

function showChar(c: string): string {
  return c === '\n' ? 'a line break' : `"${c}"`;
}

/**
 * Finds the first syntax error and says what it is, for when JSON.parse gives no position
 * (V8 says "Unexpected token ']', ..." with no position for the commonest hand-editing slip, a trailing comma).
 * Iterative, so a hostile deeply nested file cannot overflow the stack.
 */
export function findJsonError(text: string): { pos: number; reason: string } | undefined {
  const stack: string[] = [];
  let i = 0;
  let expect: 'value' | 'key' | 'after' = 'value';
  let firstInContainer = false;
  let commaAt = -1;
  const skipSpace = () => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      i++;
    }
  };
  const match = (re: RegExp) => {
    re.lastIndex = i;
    if (!re.test(text)) return false;
    i = re.lastIndex;
    return true;
  };
  for (;;) {
    skipSpace();
    if (i >= text.length) {
      if (expect === 'after' && !stack.length) return undefined;
      return { pos: i, reason: 'the file ends before the JSON is complete (is it cut short?)' };
    }
    const c = text.charAt(i);
    const top = stack[stack.length - 1];
    const close = top === '[' ? ']' : '}';
    if (expect !== 'after' && c === close && (firstInContainer || commaAt >= 0)) {
      if (!firstInContainer)
        return { pos: commaAt, reason: `a comma before "${close}" (JSON allows no trailing comma)` };
      stack.pop();
      i++;
      expect = 'after';
      continue;
    }
    firstInContainer = false;
    if (expect === 'key') {
      if (c !== '"')
        return { pos: i, reason: `${showChar(c)} where a property name in double quotes should be` };
      if (!match(STRING)) return { pos: i, reason: 'a property name that is not a valid string' };
      skipSpace();
      if (text.charAt(i) !== ':') return { pos: i, reason: 'a missing ":" after a property name' };
      i++;
      expect = 'value';
      commaAt = -1;
      continue;
    }
    if (expect === 'value') {
      commaAt = -1;
      if (c === '{' || c === '[') {
        stack.push(c);
        i++;
        expect = c === '{' ? 'key' : 'value';
        firstInContainer = true;
        continue;
      }
      if (c === '"') {
        if (!match(STRING))
          return { pos: i, reason: 'a string that is not closed or has a raw line break or bad escape' };
      } else if (!match(NUMBER) && !match(LITERAL)) {
        return { pos: i, reason: `${showChar(c)} where a value should be` };
      }
      expect = 'after';
      continue;
    }
    // expect === 'after'
    if (!top) return { pos: i, reason: 'more text after the end of the JSON' };
    if (c === ',') {
      commaAt = i;
      i++;
      expect = top === '[' ? 'value' : 'key';
      continue;
    }
    if (c === close) {
      stack.pop();
      i++;
      continue;
    }
    return { pos: i, reason: `${showChar(c)} where "," or "${close}" should be` };
  }
}

/** The one problem a file that is not JSON gets: what is wrong and where, as a line and column. */
export function notJsonProblem(text: string, error: unknown): string {
  const found = findJsonError(text);
  if (found) return `The file is not valid JSON: ${found.reason}, at ${lineAndColumn(text, found.pos)}.`;
  const message = error instanceof Error ? error.message : String(error);
  const pos = /at position (\d+)/.exec(message)?.[1];
  return `The file is not valid JSON${pos ? ` (at ${lineAndColumn(text, Number(pos))})` : ''}: ${message}`;
}
