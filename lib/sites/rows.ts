/**
 * Reading alert rows on a page with a site adapter: the part of the site adapters that runs in the content script.
 * It holds no schema library (the content script gets its adapters already validated by the background, see
 * lib/site-adapters.ts), so the content script stays small. Pure: the DOM to read is passed in.
 *
 * Everything read from a page is hostile: ids are checked against the model's alert id rule, text is only
 * ever matched, never rendered, and regular expressions run over bounded text.
 */

import type { SiteAdapter } from './adapters';
import { compileLinearPattern, type LinearPattern } from './linear-pattern';
import { matchesUrl } from './match-pattern';

const ATTRIBUTE_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Page text fed to an adapter's regular expression is cut here, so a huge row can't stall the page. */
export const MAX_MATCHED_TEXT = 500;
/** Rows beyond this many per scan are ignored (a page showing more is not a queue a person reads). */
export const MAX_ROWS = 5_000;

/**
 * lib/model.ts `alertId`, restated here (see the header for why); test/unit/site-adapters.test.ts checks that
 * both accept and refuse the same ids.
 */
const ALERT_ID = /^[A-Za-z0-9_.:=+-]{1,200}$/;
export function isAlertId(value: string): boolean {
  return ALERT_ID.test(value);
}

export const DEFAULT_SELECTION_SELECTOR = 'input[type="checkbox"], [role="checkbox"]';

/**
 * An adapter's alert-ID pattern, compiled for linear-time matching (./linear-pattern.ts): the page's text is
 * hostile and the pattern is the user's, so `(a+)+$` must not be able to hang the page.
 */
export function compilePattern(
  source: string,
): { ok: true; re: LinearPattern } | { ok: false; problem: string } {
  try {
    new RegExp(source);
  } catch (e) {
    const why =
      e instanceof Error ? e.message.replace(/^Invalid regular expression: /, '') : 'it does not compile';
    return {
      ok: false,
      problem: `The alert ID pattern is not a valid regular expression (${why.slice(0, 200)}).`,
    };
  }
  const compiled = compileLinearPattern(source);
  if (!compiled.ok) return { ok: false, problem: `The alert ID pattern cannot be used: ${compiled.why}.` };
  if (compiled.pattern.groups < 1) {
    return {
      ok: false,
      problem: 'The alert ID pattern needs one capture group around the id, like /alerts/([A-Za-z0-9]+).',
    };
  }
  return { ok: true, re: compiled.pattern };
}

/** Enabled adapters whose URL pattern names `url`. */
export function adaptersForUrl(adapters: readonly SiteAdapter[], url: string): SiteAdapter[] {
  return adapters.filter((a) => a.enabled && matchesUrl(a.urlPattern, url));
}

export interface AlertRow {
  row: Element;
  alertId: string;
}

export interface AlertRowScan {
  rows: AlertRow[];
  /** Rows the selector matched whose alert id could not be read (a sign the selector stopped matching). */
  skipped: number;
  /** The row selector itself is broken (never thrown). */
  problem?: string;
}

/** Compiled regular expressions, by source (an adapter's pattern is compiled once, not per row). */
const patternCache = new Map<string, LinearPattern | null>();
function cachedPattern(source: string): LinearPattern | null {
  let re = patternCache.get(source);
  if (re === undefined) {
    const compiled = compilePattern(source);
    re = compiled.ok ? compiled.re : null;
    if (patternCache.size > 100) patternCache.clear();
    patternCache.set(source, re);
  }
  return re;
}

function validId(candidate: string | null | undefined): string | undefined {
  const id = candidate?.trim();
  return id && isAlertId(id) ? id : undefined;
}

function capture(re: LinearPattern, text: string): string | undefined {
  return re.capture(text.slice(0, MAX_MATCHED_TEXT));
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function safeQueryAll(root: ParentNode, selector: string): Element[] {
  try {
    return Array.from(root.querySelectorAll(selector));
  } catch {
    return [];
  }
}

/** The alert id a row carries, per the adapter; undefined if there is none or it isn't a valid alert id. */
export function readAlertId(row: Element, adapter: SiteAdapter): string | undefined {
  const from = adapter.idFrom;
  switch (from.kind) {
    case 'attribute': {
      if (!ATTRIBUTE_NAME.test(from.name)) return undefined;
      const holder = row.hasAttribute(from.name) ? row : row.querySelector(`[${from.name}]`);
      return validId(holder?.getAttribute(from.name));
    }
    case 'text': {
      const re = cachedPattern(from.pattern);
      const found = re ? capture(re, row.textContent ?? '') : undefined;
      return validId(found);
    }
    case 'href':
      return findIdLink(row, adapter)?.alertId;
  }
}

/** For adapters that read ids from links: the first link in the row that carries a valid alert id. */
export function findIdLink(
  row: Element,
  adapter: SiteAdapter,
): { link: Element; alertId: string } | undefined {
  const from = adapter.idFrom;
  if (from.kind !== 'href') return undefined;
  const re = cachedPattern(from.pattern);
  if (!re) return undefined;
  const links = safeQueryAll(row, from.linkSelector || 'a[href]');
  if (row.matches('a[href]') && !from.linkSelector) links.unshift(row);
  for (const link of links) {
    const raw = link.getAttribute('href');
    if (!raw) continue;
    let href: string;
    try {
      const url = new URL(raw, row.ownerDocument?.baseURI);
      // Only web links: `javascript:` and friends are page tricks, not alert links.
      if (url.protocol !== 'http:' && url.protocol !== 'https:') continue;
      href = url.href;
    } catch {
      continue;
    }
    const found = capture(re, href);
    const id = found === undefined ? undefined : validId(decode(found));
    if (id) return { link, alertId: id };
  }
  return undefined;
}

/**
 * Finds the adapter's alert rows under `root`, in document order, with their ids. Rows nested inside another
 * matched row are the same row (only the outermost counts); rows without a readable id are skipped and counted.
 */
export function scanAlertRows(root: ParentNode, adapter: SiteAdapter): AlertRowScan {
  let candidates: Element[];
  try {
    candidates = Array.from(root.querySelectorAll(adapter.rowSelector));
  } catch {
    return {
      rows: [],
      skipped: 0,
      problem: `The alert row selector "${adapter.rowSelector.slice(0, 100)}" is not valid.`,
    };
  }
  const rows: AlertRow[] = [];
  let skipped = 0;
  let outer: Element | undefined;
  for (const row of candidates) {
    if (outer?.contains(row)) continue;
    outer = row;
    if (rows.length >= MAX_ROWS) break;
    const id = readAlertId(row, adapter);
    if (id) rows.push({ row, alertId: id });
    else skipped++;
  }
  return { rows, skipped };
}

/** The adapter's alert rows under `root` with their ids (see `scanAlertRows` for the count of skipped rows). */
export function findAlertRows(root: ParentNode, adapter: SiteAdapter): AlertRow[] {
  return scanAlertRows(root, adapter).rows;
}

/** Whether the page marks this row as selected: its checkbox is checked (native or ARIA) or the row is aria-selected. */
export function isRowSelected(row: Element, adapter: SiteAdapter): boolean {
  if (row.getAttribute('aria-selected') === 'true') return true;
  const boxes = safeQueryAll(row, adapter.selectionCheckboxSelector || DEFAULT_SELECTION_SELECTOR);
  return boxes.some(
    (box) =>
      (box as HTMLInputElement).checked === true ||
      box.getAttribute('aria-checked') === 'true' ||
      box.getAttribute('aria-selected') === 'true',
  );
}

/** The rows the page shows as selected. */
export function selectedRows<T extends AlertRow>(rows: readonly T[], adapter: SiteAdapter): T[] {
  return rows.filter((r) => isRowSelected(r.row, adapter));
}

/** The most of a row's text sent as what the page showed (lib/messaging/protocol.ts `MAX_PAGE_TITLE`). */
export const PAGE_TITLE_CHARS = 300;

const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();

/**
 * What the page shows for this alert, as a person reads it: the text of the link that carries the id when the
 * adapter reads ids from links, else the row's rendered text (`innerText`, so text the page hides doesn't count),
 * whitespace collapsed and cut at PAGE_TITLE_CHARS. Only ever shown as text.
 */
export function readRowTitle(row: Element, adapter: SiteAdapter): string {
  const link = findIdLink(row, adapter)?.link;
  // biome-ignore lint/performance/useDomNodeTextContent: the text as the analyst sees it (hidden parts left out), read only for the rows clicked
  const from = (el: Element) => collapse((el as HTMLElement).innerText ?? el.textContent ?? '');
  const text = (link && from(link)) || from(row);
  return text.length > PAGE_TITLE_CHARS ? `${text.slice(0, PAGE_TITLE_CHARS - 1)}…` : text;
}

const comparable = (s: string) => collapse(s.normalize('NFKC')).toLowerCase();

/**
 * Whether the page's text for a row shows the store's title for its alert (the whole title, anywhere in the row's
 * text, ignoring case and spacing; a title the page cut short with "…" counts if what it shows is the title's
 * start). False means the page showed the analyst something else under this id.
 */
export function pageShowsTitle(pageText: string, title: string): boolean {
  const page = comparable(pageText);
  const wanted = comparable(title);
  if (!wanted || page.includes(wanted)) return true;
  for (const part of page.split(/…|\.\.\./).slice(0, -1)) {
    const tail = part.trimEnd();
    // The longest suffix of the text before the ellipsis that starts the title, at least 12 characters of it.
    for (let start = Math.max(0, tail.length - wanted.length); start <= tail.length - 12; start++) {
      if (wanted.startsWith(tail.slice(start))) return true;
    }
  }
  return false;
}
