/**
 * The content script's DOM: one CLOSED shadow root per anchor (a row's button, the floating selection button),
 * styles inside it, events stopped at its host so the page's own handlers never see them. Plain DOM with
 * `textContent`: nothing from the page is ever parsed as HTML.
 *
 * Closed, because the page is third-party code: with an open root a page script can focus our button, so that
 * a trusted Enter the analyst meant for the page's own search box opens the move window. The roots are known
 * only to this script (and its tests, through `shadowRootOf`); assistive technology still reaches the buttons.
 * The move itself is confirmed in an extension window the page can't draw over.
 */

export const ROW_BUTTON_TAG = 'incident-mover-row-button';
export const OVERLAY_TAG = 'incident-mover-selection';
export const OWN_TAG_PREFIX = 'incident-mover-';

export const ROW_BUTTON_NAME = 'Move alert to another incident';
export const SELECTION_BUTTON_NAME = 'Move alerts to another incident';

/** Events that stop at our hosts: the page's row click, selection and keyboard handlers must not fire. */
const ISOLATED_EVENTS = [
  'click',
  'dblclick',
  'auxclick',
  'contextmenu',
  'mousedown',
  'mouseup',
  'pointerdown',
  'pointerup',
  'touchstart',
  'touchend',
  'keydown',
  'keyup',
  'keypress',
  'input',
  'change',
  'focusin',
  'focusout',
] as const;

const FONT = 'font: 12px/1.3 system-ui, -apple-system, "Segoe UI", sans-serif;';

const ROW_CSS = `
:host { all: initial; display: inline-block; vertical-align: middle; margin-inline-start: 6px; }
button { ${FONT} display: inline-flex; align-items: center; gap: 4px; margin: 0; padding: 2px 8px;
  border: 1px solid #8a8886; border-radius: 4px; background: #fff; color: #201f1e; cursor: pointer; white-space: nowrap; }
button:hover { background: #f3f2f1; }
button:focus-visible { outline: 2px solid #0f6cbd; outline-offset: 1px; }
button[aria-busy="true"] { opacity: .6; cursor: progress; }
@media (prefers-color-scheme: dark) { button { background: #292929; color: #fff; } button:hover { background: #3d3d3d; } }
`;

const OVERLAY_CSS = `
:host { all: initial; position: fixed; z-index: 2147483646; right: 16px; bottom: 16px; }
.stack { display: flex; flex-direction: column; align-items: flex-end; gap: 8px; ${FONT} font-size: 14px; }
.move { font: inherit; display: inline-flex; align-items: center; gap: 8px; margin: 0; padding: 8px 14px; border: 0;
  border-radius: 4px; background: #0f6cbd; color: #fff; cursor: pointer; box-shadow: 0 4px 12px rgb(0 0 0 / .25); }
.move:hover { background: #115ea3; }
.move:focus-visible { outline: 2px solid #201f1e; outline-offset: 2px; }
.move[aria-busy="true"] { opacity: .7; cursor: progress; }
.count { min-width: 1.4em; padding: 0 6px; border-radius: 10px; background: #fff; color: #0f6cbd; font-weight: 600; text-align: center; }
.message:empty { display: none; }
.message { display: flex; gap: 8px; align-items: flex-start; max-width: 360px; padding: 8px 12px; border: 1px solid #a4262c;
  border-radius: 4px; background: #fde7e9; color: #201f1e; box-shadow: 0 4px 12px rgb(0 0 0 / .2); }
.message button { font: inherit; border: 0; background: none; color: inherit; cursor: pointer; text-decoration: underline; padding: 0; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;

export function isOwnElement(node: Node): boolean {
  return node.nodeType === 1 && (node as Element).localName.startsWith(OWN_TAG_PREFIX);
}

interface ShadowHost {
  host: HTMLElement;
  root: ShadowRoot;
}

const roots = new WeakMap<Element, ShadowRoot>();

/** The closed root behind one of our hosts: for this script and its tests; the page gets `null`. */
export function shadowRootOf(host: Element): ShadowRoot | undefined {
  return roots.get(host);
}

/**
 * Calls `onActivate` only for the analyst's own activation of `button`: a trusted event (a page script's
 * `click()` or `dispatchEvent` is not) that started on the button itself, not one retargeted from elsewhere.
 */
function onOwnActivation(button: HTMLButtonElement, onActivate: (e: MouseEvent) => void) {
  button.addEventListener('click', (e) => {
    if (e.isTrusted === false) return;
    const origin = e.composedPath()[0];
    if (!(origin instanceof Node) || !button.contains(origin)) return;
    onActivate(e);
  });
}

function createShadowHost(doc: Document, tag: string, css: string): ShadowHost {
  const host = doc.createElement(tag);
  const root = host.attachShadow({ mode: 'closed' });
  roots.set(host, root);
  const style = doc.createElement('style');
  style.textContent = css;
  root.append(style);
  for (const type of ISOLATED_EVENTS) host.addEventListener(type, (e) => e.stopPropagation());
  return { host, root };
}

export interface RowButton {
  host: HTMLElement;
  button: HTMLButtonElement;
}

/** The small per-row button, inside its own shadow root. `place` puts the host in the page. */
export function createRowButton(doc: Document, onActivate: (e: MouseEvent) => void): RowButton {
  const { host, root } = createShadowHost(doc, ROW_BUTTON_TAG, ROW_CSS);
  const button = doc.createElement('button');
  button.type = 'button';
  button.setAttribute('aria-label', ROW_BUTTON_NAME);
  const icon = doc.createElement('span');
  icon.setAttribute('aria-hidden', 'true');
  icon.textContent = '⇄';
  const label = doc.createElement('span');
  label.textContent = 'Move';
  button.append(icon, label);
  onOwnActivation(button, onActivate);
  root.append(button);
  return { host, button };
}

export interface SelectionOverlay {
  host: HTMLElement;
  button: HTMLButtonElement;
  setCount(count: number): void;
  showMessage(text: string): void;
  clearMessage(): void;
}

/** The floating "Move alerts to another incident" button and the place where errors are shown. */
export function createSelectionOverlay(doc: Document, onActivate: (e: MouseEvent) => void): SelectionOverlay {
  const { host, root } = createShadowHost(doc, OVERLAY_TAG, OVERLAY_CSS);
  const stack = doc.createElement('div');
  stack.className = 'stack';

  const message = doc.createElement('div');
  message.className = 'message';
  message.setAttribute('role', 'alert');

  const button = doc.createElement('button');
  button.type = 'button';
  button.className = 'move';
  button.setAttribute('aria-label', SELECTION_BUTTON_NAME);
  button.setAttribute('aria-describedby', 'incident-mover-count');
  button.hidden = true;
  const label = doc.createElement('span');
  label.textContent = SELECTION_BUTTON_NAME;
  const count = doc.createElement('span');
  count.className = 'count';
  count.setAttribute('aria-hidden', 'true');
  const description = doc.createElement('span');
  description.id = 'incident-mover-count';
  description.className = 'sr-only';
  button.append(label, count);
  onOwnActivation(button, onActivate);

  stack.append(message, button, description);
  root.append(stack);

  return {
    host,
    button,
    setCount(n) {
      button.hidden = n === 0;
      count.textContent = String(n);
      description.textContent =
        n === 1 ? '1 alert selected on this page' : `${n} alerts selected on this page`;
    },
    showMessage(text) {
      const words = doc.createElement('span');
      words.textContent = text;
      const dismiss = doc.createElement('button');
      dismiss.type = 'button';
      dismiss.textContent = 'Dismiss';
      dismiss.addEventListener('click', () => message.replaceChildren());
      message.replaceChildren(words, dismiss);
    },
    clearMessage() {
      message.replaceChildren();
    },
  };
}
