/**
 * A site adapter's alert-ID pattern, matched in time linear in the text (a Pike VM: every position of the text is
 * visited once, with at most one thread per instruction), so a user's pattern such as `(a+)+$` cannot hang the page
 * the way the browser's backtracking RegExp does (https://swtch.com/~rsc/regexp/regexp2.html).
 *
 * It accepts the part of JavaScript's regular-expression syntax an ID pattern needs: literals and escapes, `.`,
 * classes (`[a-z0-9_-]`, `[^/]`, `\d \w \s` and their negations), groups (`(…)`, `(?:…)`, `(?<name>…)`),
 * alternation, the quantifiers `* + ? {n} {n,} {n,m}` (greedy or lazy) and the anchors `^ $ \b \B`.
 * Back-references and lookarounds (which no linear-time matcher can offer) are refused in words.
 * The answer is the text of the first capture group of the leftmost match, with JavaScript's preference order.
 *
 * One file on purpose: the parser, the compiler and the VM are one small engine whose parts share its instruction
 * set and are tested as a whole against RegExp.
 */

/** Instructions of a compiled pattern beyond this are refused: the match costs text length × this, at most. */
export const MAX_PATTERN_INSTRUCTIONS = 2_000;

type CharTest = (c: number) => boolean;
type Node =
  | { t: 'char'; test: CharTest }
  | { t: 'seq'; items: Node[] }
  | { t: 'alt'; options: Node[] }
  | { t: 'group'; index: number | undefined; body: Node }
  | { t: 'repeat'; body: Node; min: number; max: number; greedy: boolean }
  | { t: 'assert'; kind: '^' | '$' | 'b' | 'B' };

class PatternError extends Error {}

const isDigit: CharTest = (c) => c >= 48 && c <= 57;
const isWord: CharTest = (c) => isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const SPACES = new Set([9, 10, 11, 12, 13, 32, 160, 5760, 8232, 8233, 8239, 8287, 12288, 65279]);
const isSpace: CharTest = (c) => SPACES.has(c) || (c >= 8192 && c <= 8202);
const isLineEnd: CharTest = (c) => c === 10 || c === 13 || c === 8232 || c === 8233;
const not =
  (f: CharTest): CharTest =>
  (c) =>
    !f(c);

function parse(source: string): { node: Node; groups: number } {
  let i = 0;
  let groups = 0;
  const peek = () => source[i];
  const fail = (what: string): never => {
    throw new PatternError(what);
  };

  function hex(len: number): number {
    const digits = source.slice(i, i + len);
    if (!new RegExp(`^[0-9A-Fa-f]{${len}}$`).test(digits)) return -1;
    i += len;
    return Number.parseInt(digits, 16);
  }

  /** After a backslash: a class test, or a single code unit. */
  function escaped(inClass: boolean): CharTest | number {
    const c = source[i++];
    if (c === undefined) return fail('it ends with a lone backslash');
    switch (c) {
      case 'd':
        return isDigit;
      case 'D':
        return not(isDigit);
      case 'w':
        return isWord;
      case 'W':
        return not(isWord);
      case 's':
        return isSpace;
      case 'S':
        return not(isSpace);
      case 't':
        return 9;
      case 'n':
        return 10;
      case 'r':
        return 13;
      case 'v':
        return 11;
      case 'f':
        return 12;
      case '0':
        return 0;
      case 'x': {
        const n = hex(2);
        return n < 0 ? 'x'.charCodeAt(0) : n;
      }
      case 'u': {
        const n = hex(4);
        return n < 0 ? 'u'.charCodeAt(0) : n;
      }
      case 'b':
        if (inClass) return 8;
        return fail('internal');
      case 'k':
        return fail('it uses a back-reference (\\k), which can take unbounded time');
      default:
        if (/[1-9]/.test(c)) return fail(`it uses a back-reference (\\${c}), which can take unbounded time`);
        if (/[A-Za-z]/.test(c)) return fail(`it uses \\${c}, which ID patterns do not support`);
        return c.charCodeAt(0);
    }
  }

  function charClass(): CharTest {
    const negate = peek() === '^';
    if (negate) i++;
    const tests: CharTest[] = [];
    while (i < source.length && source[i] !== ']') {
      const lo = classAtom();
      if (source[i] === '-' && source[i + 1] !== undefined && source[i + 1] !== ']') {
        i++;
        const hi = classAtom();
        if (typeof lo !== 'number' || typeof hi !== 'number') {
          // `[\w-z]`: JavaScript (without the u flag) reads the dash literally.
          for (const t of [lo, 45, hi]) tests.push(typeof t === 'number' ? (c) => c === t : t);
        } else {
          if (hi < lo) fail('a class range is out of order');
          tests.push((c) => c >= lo && c <= hi);
        }
      } else tests.push(typeof lo === 'number' ? (c) => c === lo : lo);
    }
    if (source[i] !== ']') fail('a class is not closed');
    i++;
    const any: CharTest = (c) => tests.some((t) => t(c));
    return negate ? not(any) : any;
  }

  function classAtom(): CharTest | number {
    const c = source[i++]!;
    return c === '\\' ? escaped(true) : c.charCodeAt(0);
  }

  function atom(): Node | undefined {
    const c = peek();
    if (c === undefined || c === '|' || c === ')') return undefined;
    i++;
    switch (c) {
      case '^':
        return { t: 'assert', kind: '^' };
      case '$':
        return { t: 'assert', kind: '$' };
      case '.':
        return { t: 'char', test: not(isLineEnd) };
      case '[':
        return { t: 'char', test: charClass() };
      case '(': {
        let index: number | undefined;
        if (source.startsWith('?:', i)) i += 2;
        else if (source.startsWith('?=', i) || source.startsWith('?!', i))
          fail('it uses a lookahead, which ID patterns do not support');
        else if (source.startsWith('?<=', i) || source.startsWith('?<!', i))
          fail('it uses a lookbehind, which ID patterns do not support');
        else if (source.startsWith('?<', i)) {
          const end = source.indexOf('>', i);
          if (end < 0) fail('a group name is not closed');
          i = end + 1;
          index = ++groups;
        } else if (peek() === '?') fail('it uses a group modifier ID patterns do not support');
        else index = ++groups;
        const body = alternation();
        if (peek() !== ')') fail('a group is not closed');
        i++;
        return { t: 'group', index, body };
      }
      case '\\': {
        if (peek() === 'b' || peek() === 'B') return { t: 'assert', kind: source[i++] as 'b' | 'B' };
        const e = escaped(false);
        return { t: 'char', test: typeof e === 'number' ? (x) => x === e : e };
      }
      case '*':
      case '+':
      case '?':
        return fail('a quantifier has nothing to repeat');
      default: {
        const code = c.charCodeAt(0);
        return { t: 'char', test: (x) => x === code };
      }
    }
  }

  function quantifier(): { min: number; max: number } | undefined {
    const c = peek();
    const simple = c === '*' ? [0, Infinity] : c === '+' ? [1, Infinity] : c === '?' ? [0, 1] : undefined;
    if (simple) {
      i++;
      return { min: simple[0]!, max: simple[1]! };
    }
    if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i));
      if (!m) return undefined; // a literal brace, as JavaScript reads it without the u flag
      i += m[0].length;
      const min = Number(m[1]);
      const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
      if (max < min) fail('a {min,max} quantifier is out of order');
      return { min, max };
    }
    return undefined;
  }

  function sequence(): Node {
    const items: Node[] = [];
    for (;;) {
      const a = atom();
      if (!a) break;
      const q = quantifier();
      if (!q) {
        items.push(a);
        continue;
      }
      if (a.t === 'assert') fail('an anchor cannot be repeated');
      const greedy = peek() !== '?';
      if (!greedy) i++;
      items.push({ t: 'repeat', body: a, ...q, greedy });
    }
    return { t: 'seq', items };
  }

  function alternation(): Node {
    const options = [sequence()];
    while (peek() === '|') {
      i++;
      options.push(sequence());
    }
    return options.length === 1 ? options[0]! : { t: 'alt', options };
  }

  const node = alternation();
  if (i < source.length) fail('a closing parenthesis has no opening one');
  return { node, groups };
}

type Inst =
  | { op: 'char'; test: CharTest }
  | { op: 'split'; x: number; y: number }
  | { op: 'jmp'; to: number }
  | { op: 'save'; slot: number }
  | { op: 'assert'; kind: '^' | '$' | 'b' | 'B' }
  | { op: 'match' };

function compile(node: Node): Inst[] {
  const prog: Inst[] = [];
  const emit = (inst: Inst) => {
    if (prog.length >= MAX_PATTERN_INSTRUCTIONS) throw new PatternError('it is too long or repeats too much');
    prog.push(inst);
    return prog.length - 1;
  };
  function gen(n: Node) {
    switch (n.t) {
      case 'char':
        emit({ op: 'char', test: n.test });
        return;
      case 'assert':
        emit({ op: 'assert', kind: n.kind });
        return;
      case 'seq':
        for (const item of n.items) gen(item);
        return;
      case 'group':
        // Only the first group's bounds are kept: it is the one that holds the id.
        if (n.index === 1) emit({ op: 'save', slot: 0 });
        gen(n.body);
        if (n.index === 1) emit({ op: 'save', slot: 1 });
        return;
      case 'alt': {
        const jumps: number[] = [];
        n.options.forEach((option, k) => {
          if (k < n.options.length - 1) {
            const split = emit({ op: 'split', x: 0, y: 0 });
            (prog[split] as { x: number }).x = prog.length;
            gen(option);
            jumps.push(emit({ op: 'jmp', to: 0 }));
            (prog[split] as { y: number }).y = prog.length;
          } else gen(option);
        });
        for (const j of jumps) (prog[j] as { to: number }).to = prog.length;
        return;
      }
      case 'repeat': {
        for (let k = 0; k < n.min; k++) gen(n.body);
        if (n.max === Infinity) {
          const split = emit({ op: 'split', x: 0, y: 0 });
          const bodyStart = prog.length;
          gen(n.body);
          emit({ op: 'jmp', to: split });
          const after = prog.length;
          prog[split] = n.greedy
            ? { op: 'split', x: bodyStart, y: after }
            : { op: 'split', x: after, y: bodyStart };
          return;
        }
        const splits: number[] = [];
        for (let k = n.min; k < n.max; k++) {
          splits.push(emit({ op: 'split', x: 0, y: 0 }));
          gen(n.body);
        }
        const after = prog.length;
        for (const s of splits)
          prog[s] = n.greedy ? { op: 'split', x: s + 1, y: after } : { op: 'split', x: after, y: s + 1 };
        return;
      }
    }
  }
  gen(node);
  emit({ op: 'match' });
  return prog;
}

export interface LinearPattern {
  /** The first capture group of the leftmost match, or undefined when the text does not match. */
  capture(text: string): string | undefined;
  /** How many capture groups the pattern has. */
  readonly groups: number;
}

type Thread = { pc: number; caps: readonly [number, number] };

function run(prog: readonly Inst[], text: string): [number, number] | undefined {
  const n = text.length;
  const wordAt = (p: number) => p >= 0 && p < n && isWord(text.charCodeAt(p));
  let current: Thread[] = [];
  let next: Thread[] = [];
  const seen = new Int32Array(prog.length).fill(-1);
  let matched: [number, number] | undefined;

  // Follows jumps, splits, saves and anchors from `pc` at position `pos`, in priority order.
  function add(list: Thread[], pc: number, caps: readonly [number, number], pos: number, step: number) {
    const stack: Thread[] = [{ pc, caps }];
    while (stack.length) {
      const t = stack.pop()!;
      if (seen[t.pc] === step) continue;
      seen[t.pc] = step;
      const inst = prog[t.pc]!;
      switch (inst.op) {
        case 'jmp':
          stack.push({ pc: inst.to, caps: t.caps });
          break;
        case 'split':
          stack.push({ pc: inst.y, caps: t.caps }, { pc: inst.x, caps: t.caps });
          break;
        case 'save': {
          const caps: [number, number] = [t.caps[0], t.caps[1]];
          caps[inst.slot] = pos;
          stack.push({ pc: t.pc + 1, caps });
          break;
        }
        case 'assert': {
          const ok =
            inst.kind === '^'
              ? pos === 0
              : inst.kind === '$'
                ? pos === n
                : (wordAt(pos - 1) !== wordAt(pos)) === (inst.kind === 'b');
          if (ok) stack.push({ pc: t.pc + 1, caps: t.caps });
          break;
        }
        default:
          list.push(t);
      }
    }
  }

  let step = 0;
  for (let pos = 0; pos <= n; pos++) {
    // A new start at every position, after the threads already running (the leftmost match wins).
    if (!matched) add(current, 0, [-1, -1], pos, step);
    if (current.length === 0 && matched) break;
    step++;
    const c = pos < n ? text.charCodeAt(pos) : -1;
    for (const t of current) {
      const inst = prog[t.pc]!;
      if (inst.op === 'match') {
        matched = [t.caps[0], t.caps[1]];
        break; // threads after this one have lower priority
      }
      if (inst.op === 'char' && c >= 0 && inst.test(c)) add(next, t.pc + 1, t.caps, pos + 1, step);
    }
    [current, next] = [next, []];
  }
  return matched;
}

export function compileLinearPattern(
  source: string,
): { ok: true; pattern: LinearPattern } | { ok: false; why: string } {
  try {
    const { node, groups } = parse(source);
    const prog = compile(node);
    return {
      ok: true,
      pattern: {
        groups,
        capture(text) {
          const m = run(prog, text);
          return m && m[0] >= 0 && m[1] >= m[0] ? text.slice(m[0], m[1]) : undefined;
        },
      },
    };
  } catch (e) {
    if (e instanceof PatternError) return { ok: false, why: e.message };
    throw e;
  }
}
