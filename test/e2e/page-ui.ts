/**
 * The extension's buttons on web pages live in CLOSED shadow roots, which Playwright's locators do not enter
 * (by design: neither can the page). Tests find them as assistive technology does, in the browser's
 * accessibility tree by role and accessible name (CDP `Accessibility.queryAXTree`, which sees the flattened
 * tree), and press them with a real mouse click at their position, as a person would.
 */
import type { CDPSession, Page } from '@playwright/test';

interface Found {
  backendNodeId: number;
}

const sessions = new WeakMap<Page, Promise<CDPSession>>();
function cdp(page: Page): Promise<CDPSession> {
  let s = sessions.get(page);
  if (!s) {
    s = page.context().newCDPSession(page);
    sessions.set(page, s);
  }
  return s;
}

/** Buttons (or other roles) with this exact accessible name, inside `within` (a CSS selector) or the page. */
export async function findInPage(
  page: Page,
  name: string,
  { role = 'button', within }: { role?: string; within?: string } = {},
): Promise<Found[]> {
  const session = await cdp(page);
  await session.send('DOM.getDocument', { depth: -1, pierce: true });
  const { result } = await session.send('Runtime.evaluate', {
    expression: within ? `document.querySelector(${JSON.stringify(within)})` : 'document',
  });
  if (!result.objectId) return [];
  const { nodes } = await session.send('Accessibility.queryAXTree', {
    objectId: result.objectId,
    accessibleName: name,
    role,
  });
  return nodes
    .filter((n) => !n.ignored && n.backendDOMNodeId !== undefined)
    .map((n) => ({ backendNodeId: n.backendDOMNodeId! }));
}

/** How many such controls the page shows now. */
export async function countInPage(page: Page, name: string, options?: { role?: string; within?: string }) {
  return (await findInPage(page, name, options)).length;
}

/** Clicks the first such control with the mouse, at its centre. */
export async function clickInPage(page: Page, name: string, options?: { role?: string; within?: string }) {
  const [found] = await findInPage(page, name, options);
  if (!found) throw new Error(`No ${options?.role ?? 'button'} named "${name}" on ${page.url()}`);
  const session = await cdp(page);
  await session.send('DOM.scrollIntoViewIfNeeded', { backendNodeId: found.backendNodeId });
  const { model } = await session.send('DOM.getBoxModel', { backendNodeId: found.backendNodeId });
  const q = model.border;
  const x = (q[0]! + q[2]! + q[4]! + q[6]!) / 4;
  const y = (q[1]! + q[3]! + q[5]! + q[7]!) / 4;
  await page.mouse.click(x, y);
}

/** The text the control's accessible description or label gives (e.g. the floating button's count). */
export async function textInPage(page: Page, name: string, options?: { role?: string; within?: string }) {
  const [found] = await findInPage(page, name, options);
  if (!found) return undefined;
  const session = await cdp(page);
  const { object } = await session.send('DOM.resolveNode', { backendNodeId: found.backendNodeId });
  const { result } = await session.send('Runtime.callFunctionOn', {
    objectId: object.objectId!,
    functionDeclaration: 'function () { return this.textContent; }',
    returnByValue: true,
  });
  return result.value as string;
}
