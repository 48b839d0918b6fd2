/**
 * Site adapters: how to find alert rows on a web page that lists alerts, and how to read each row's alert id
 * (DESIGN.md §5). Pure: the DOM to read is passed in; nothing here touches `browser.*`.
 *
 * Everything read from a page is hostile: ids are checked against the model's alert id rule, text is only
 * ever matched, never rendered, and regular expressions run over bounded text.
 *
 * The schemas use `zod/mini` and import nothing at runtime from model.ts or protocol.ts (classic zod), so the
 * site-probe script stays small; the content script itself only loads lib/site-rows.ts.
 */
import * as z from 'zod/mini';
import { matchesUrl, originOf, parseMatchPattern } from './match-pattern';
import { compilePattern } from './rows';

export {
  type AlertRow,
  type AlertRowScan,
  adaptersForUrl,
  DEFAULT_SELECTION_SELECTOR,
  findAlertRows,
  findIdLink,
  isAlertId,
  isRowSelected,
  MAX_MATCHED_TEXT,
  MAX_ROWS,
  readAlertId,
  scanAlertRows,
  selectedRows,
} from './rows';
export { matchesUrl, originOf };

const ATTRIBUTE_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

const text = (min: number, max: number, empty: string, long: string) =>
  z.string().check(z.trim(), z.minLength(min, empty), z.maxLength(max, long));
const pattern = () => text(1, 500, 'The alert ID pattern is empty.', 'The alert ID pattern is too long.');

export const idFromSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('attribute'),
    name: text(
      1,
      100,
      'The alert ID attribute is empty.',
      'The alert ID attribute is longer than 100 characters.',
    ).check(z.regex(ATTRIBUTE_NAME, 'The alert ID attribute must be an attribute name, like data-alert-id.')),
  }),
  z.object({ kind: z.literal('text'), pattern: pattern() }),
  z.object({
    kind: z.literal('href'),
    linkSelector: z.optional(text(0, 1_000, '', 'The link selector is too long.')),
    pattern: pattern(),
  }),
]);
export type IdFrom = z.infer<typeof idFromSchema>;

export const siteAdapterSchema = z.object({
  id: text(1, 100, 'The site has no id.', 'The site id is too long.'),
  name: text(1, 200, 'Give the site a name.', 'The name is longer than 200 characters.'),
  description: z.optional(
    z.string().check(z.maxLength(1_000, 'The description is longer than 1,000 characters.')),
  ),
  enabled: z.boolean(),
  /** A Chrome match pattern, like `https://portal.example.com/*`. */
  urlPattern: text(1, 2_000, 'The URL pattern is empty.', 'The URL pattern is too long.'),
  /** CSS selector of one alert row. */
  rowSelector: text(1, 1_000, 'The alert row selector is empty.', 'The row selector is too long.'),
  idFrom: idFromSchema,
  /** Selector, relative to a row, of the page's own selection checkbox (default: its checkboxes). */
  selectionCheckboxSelector: z.optional(text(0, 1_000, '', 'The checkbox selector is too long.')),
  builtIn: z.optional(z.boolean()),
});
export type SiteAdapter = z.infer<typeof siteAdapterSchema>;

/** Any element carrying `data-alert-id`, on the pages where the user enabled the extension. */
export const MICROFORMAT_ADAPTER: SiteAdapter = {
  id: 'builtin:microformat',
  name: 'Alert rows marked with data-alert-id',
  description:
    'Adds buttons to any element with a data-alert-id attribute, on the sites you allow. Suits in-house dashboards.',
  enabled: true,
  // The content script only runs on the sites the user granted, so "every page" means "every allowed page".
  urlPattern: '*://*/*',
  rowSelector: '[data-alert-id]',
  idFrom: { kind: 'attribute', name: 'data-alert-id' },
  builtIn: true,
};

/**
 * The Microsoft Defender portal's alert and incident queues. Best effort: the portal's markup is not a public
 * contract; this looks for grid rows holding a link to `/alerts/<id>`.
 */
export const DEFENDER_ADAPTER: SiteAdapter = {
  id: 'builtin:defender',
  name: 'Microsoft Defender portal (best effort)',
  description:
    'Rows of the Defender portal queues that link to an alert (/alerts/<id>). The portal changes without notice: if the buttons stop appearing, add your own site.',
  enabled: true,
  urlPattern: 'https://security.microsoft.com/*',
  rowSelector: '[role="row"]',
  idFrom: { kind: 'href', linkSelector: 'a[href*="/alerts/"]', pattern: '/alerts/([A-Za-z0-9_.:=+-]+)' },
  selectionCheckboxSelector: '[role="checkbox"], input[type="checkbox"]',
  builtIn: true,
};

export const BUILT_IN_ADAPTERS: readonly SiteAdapter[] = [MICROFORMAT_ADAPTER, DEFENDER_ADAPTER];

export type SelectorCheck = (selector: string) => boolean;

/** Checks a CSS selector with the DOM when there is one (not in a service worker: then every selector passes). */
export const defaultSelectorCheck: SelectorCheck = (selector) => {
  const doc = (globalThis as { document?: Document }).document;
  if (!doc) return true;
  try {
    doc.createDocumentFragment().querySelector(selector);
    return true;
  } catch {
    return false;
  }
};

const FIELD_LABELS: Record<string, string> = {
  id: 'site id',
  name: 'site name',
  enabled: 'on/off switch',
  urlPattern: 'URL pattern',
  rowSelector: 'alert row selector',
  idFrom: 'way to read the alert ID',
  'idFrom.kind': 'way to read the alert ID',
  'idFrom.name': 'alert ID attribute',
  'idFrom.pattern': 'alert ID pattern',
  'idFrom.linkSelector': 'link selector',
  selectionCheckboxSelector: 'selection checkbox selector',
};

export type AdapterValidation = { ok: true; adapter: SiteAdapter } | { ok: false; problems: string[] };

/**
 * Validates a site adapter from the options form or storage. Every problem is reported as a sentence
 * (all of them, not the first); nothing throws.
 */
export function validateAdapter(
  input: unknown,
  isValidSelector: SelectorCheck = defaultSelectorCheck,
): AdapterValidation {
  const parsed = siteAdapterSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      if (issue.code === 'invalid_type' || issue.code === 'invalid_union') {
        const key = issue.path.map(String).join('.');
        return `The ${FIELD_LABELS[key] ?? (key || 'site')} is missing or has the wrong type.`;
      }
      return issue.message;
    });
    return { ok: false, problems: [...new Set(problems)] };
  }
  const adapter = parsed.data;
  const problems: string[] = [];
  const pattern = parseMatchPattern(adapter.urlPattern);
  if (!pattern.ok) problems.push(pattern.problem);
  if (!isValidSelector(adapter.rowSelector)) {
    problems.push(
      `The alert row selector "${adapter.rowSelector.slice(0, 100)}" is not a valid CSS selector.`,
    );
  }
  if (adapter.selectionCheckboxSelector && !isValidSelector(adapter.selectionCheckboxSelector)) {
    problems.push(
      `The selection checkbox selector "${adapter.selectionCheckboxSelector.slice(0, 100)}" is not a valid CSS selector.`,
    );
  }
  if (
    adapter.idFrom.kind === 'href' &&
    adapter.idFrom.linkSelector &&
    !isValidSelector(adapter.idFrom.linkSelector)
  ) {
    problems.push(
      `The link selector "${adapter.idFrom.linkSelector.slice(0, 100)}" is not a valid CSS selector.`,
    );
  }
  if (adapter.idFrom.kind !== 'attribute') {
    const compiled = compilePattern(adapter.idFrom.pattern);
    if (!compiled.ok) problems.push(compiled.problem);
  }
  return problems.length ? { ok: false, problems } : { ok: true, adapter };
}

/**
 * The adapters in effect: the built-ins (a stored copy of a built-in may only switch it on or off, so that
 * built-ins improve with updates), then the user's valid stored adapters. Invalid stored entries are dropped.
 */
export function effectiveAdapters(
  stored: unknown,
  isValidSelector: SelectorCheck = defaultSelectorCheck,
): SiteAdapter[] {
  const list = Array.isArray(stored) ? stored : [];
  const builtInEnabled = new Map<string, boolean>();
  const custom: SiteAdapter[] = [];
  const seen = new Set<string>();
  for (const entry of list) {
    const entryId = (entry as { id?: unknown } | null)?.id;
    const builtIn = BUILT_IN_ADAPTERS.find((b) => b.id === entryId);
    if (builtIn) {
      const enabled = (entry as { enabled?: unknown }).enabled;
      if (typeof enabled === 'boolean') builtInEnabled.set(builtIn.id, enabled);
      continue;
    }
    const checked = validateAdapter(entry, isValidSelector);
    if (checked.ok && !seen.has(checked.adapter.id)) {
      seen.add(checked.adapter.id);
      custom.push({ ...checked.adapter, builtIn: false });
    }
  }
  const builtIns = BUILT_IN_ADAPTERS.map((b) => ({ ...b, enabled: builtInEnabled.get(b.id) ?? b.enabled }));
  return [...builtIns, ...custom];
}
