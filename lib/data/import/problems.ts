/**
 * How an import problem is worded: where in the file (a JSON path such as `value[3].alerts[0].id`) and what
 * is wrong, in words a person understands rather than zod's.
 */

/** Problems listed before the list ends with "…and N more problems". */
export const MAX_PROBLEMS = 200;

/** Where in the file: keys and list indexes from the root. */
export type Path = readonly PropertyKey[];
export type Obj = Record<string, unknown>;

export const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `['value', 3, 'alerts', 0, 'id']` → `value[3].alerts[0].id`; odd keys in brackets (`["@odata.type"]`). */
export function formatPath(path: Path): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

/** Every problem found, each with its path, up to `MAX_PROBLEMS` and then a count of the rest. */
export class Problems {
  readonly list: string[] = [];
  private more = 0;

  add(path: Path, message: string) {
    if (this.list.length >= MAX_PROBLEMS) this.more++;
    else this.list.push(path.length ? `${formatPath(path)}: ${message}` : message);
  }

  get count() {
    return this.list.length + this.more;
  }

  result(): string[] {
    if (!this.more) return this.list;
    return [...this.list, `…and ${this.more.toLocaleString('en')} more problem${this.more === 1 ? '' : 's'}`];
  }
}

/** A value as a person would name it: `the text "…"`, `the number 3`, `a list`. */
export function valueWords(v: unknown): string {
  if (v === null) return 'empty (null)';
  if (Array.isArray(v)) return 'a list';
  switch (typeof v) {
    case 'string':
      return v.length > 40
        ? `the text ${JSON.stringify(`${v.slice(0, 40)}…`)}`
        : `the text ${JSON.stringify(v)}`;
    case 'number':
      return `the number ${v}`;
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object':
      return 'an object';
    default:
      return typeof v;
  }
}

const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  record: 'an object',
};

/** The parts of a zod issue the wording reads. */
export interface IssueLike {
  code: string;
  message: string;
  path: PropertyKey[];
  expected?: string;
  origin?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  values?: unknown[];
  errors?: IssueLike[][];
}

export function valueAt(root: unknown, path: Path): unknown {
  let v = root;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/** One zod issue as a person would say it, given the offending value. */
export function describeIssue(issue: IssueLike, value: unknown): string {
  // Our own wording from model.ts ("is not a date and time", "is longer than 2000 characters").
  if (/^(is|has) /.test(issue.message)) return issue.message;
  if (value === undefined) return 'is missing';
  switch (issue.code) {
    case 'invalid_type':
      return `should be ${TYPE_WORDS[issue.expected ?? ''] ?? issue.expected}, but is ${valueWords(value)}`;
    case 'invalid_union': {
      const branches = (issue.errors ?? []).flat().filter((e) => e.path.length === 0);
      const specific = branches.find((e) => e.code !== 'invalid_type' && e.code !== 'invalid_value');
      if (specific) return describeIssue(specific, value);
      const expected = [
        ...new Set(branches.filter((e) => e.code === 'invalid_type').map((e) => e.expected ?? '')),
      ];
      if (!expected.length) return 'is not valid';
      return `should be ${expected.map((e) => TYPE_WORDS[e] ?? e).join(' or ')}, but is ${valueWords(value)}`;
    }
    case 'too_small':
      if (issue.origin === 'string')
        return issue.minimum === 1 ? 'is empty' : `is shorter than ${issue.minimum} characters`;
      if (issue.origin === 'array') return `should have at least ${issue.minimum} items`;
      return `should be at least ${issue.minimum}, but is ${valueWords(value)}`;
    case 'too_big':
      if (issue.origin === 'string') return `is longer than ${issue.maximum} characters`;
      if (issue.origin === 'array') return `has more than ${issue.maximum} items`;
      return `should be at most ${issue.maximum}, but is ${valueWords(value)}`;
    case 'invalid_value':
      return `should be one of ${(issue.values ?? []).map((v) => JSON.stringify(v)).join(', ')}, but is ${valueWords(value)}`;
    case 'invalid_format':
      return 'is not in the expected format';
    default:
      return 'is not valid';
  }
}

/**
 * How deep values may nest. Graph's records nest a few levels (an alert's evidence holds a process holding its
 * image file); a file nested far deeper is not a real export, and the browser can't store it (structured cloning
 * overflows), so it is refused here, with its place, instead of failing in the write.
 */
export const MAX_NESTING = 64;

/** The path of the first value nested deeper than `max` levels, or undefined. Iterative: no stack to overflow. */
export function tooDeep(root: unknown, max = MAX_NESTING): Path | undefined {
  const stack: { value: unknown; path: PropertyKey[] }[] = [{ value: root, path: [] }];
  while (stack.length) {
    const { value, path } = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (path.length >= max) return path;
    const entries: [PropertyKey, unknown][] = Array.isArray(value)
      ? value.map((v, i) => [i, v])
      : Object.entries(value);
    for (const [k, v] of entries) stack.push({ value: v, path: [...path, k] });
  }
  return undefined;
}
