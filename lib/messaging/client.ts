/**
 * The typed client extension pages use to talk to the background. Components never call
 * `browser.runtime` themselves; errors come back as data and are rethrown as ClientError.
 */
import { browser } from 'wxt/browser';
import {
  type ErrorCode,
  IMPORT_PORT,
  type ImportPortMessage,
  type ImportProgress,
  type PageRequest,
  type ResponseMap,
  responseEnvelope,
} from './protocol';

export class ClientError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: string[] = [],
    /** No answer came back (the background stopped): the request may or may not have been carried out. */
    readonly unanswered = false,
  ) {
    super(message);
    this.name = 'ClientError';
  }
}

export const NO_ANSWER = 'The extension’s background did not answer. Reload the extension and try again.';

export async function send<R extends PageRequest>(req: R): Promise<ResponseMap[R['type']]> {
  let raw: unknown;
  try {
    raw = await browser.runtime.sendMessage(req);
  } catch {
    throw new ClientError('internal', NO_ANSWER, [], true);
  }
  const env = responseEnvelope.safeParse(raw);
  if (!env.success)
    throw new ClientError('internal', 'The extension’s background gave an answer it should not have.');
  if (!env.data.ok)
    throw new ClientError(env.data.error.code, env.data.error.message, env.data.error.details);
  return env.data.data as ResponseMap[R['type']];
}

const CHUNK = 4 * 1024 * 1024;

/** Runs a long write over a port, reporting progress; resolves with the final 'done' message. */
function runPortJob(
  messages: () => Iterable<ImportPortMessage>,
  onProgress?: (p: Extract<ImportProgress, { type: 'progress' }>) => void,
): Promise<Extract<ImportProgress, { type: 'done' }>> {
  return new Promise((resolve, reject) => {
    const port = browser.runtime.connect({ name: IMPORT_PORT });
    let settled = false;
    port.onMessage.addListener((msg: ImportProgress) => {
      if (msg.type === 'progress') onProgress?.(msg);
      else {
        settled = true;
        port.disconnect();
        if (msg.type === 'done') resolve(msg);
        else reject(new ClientError('validation', msg.message, msg.problems));
      }
    });
    port.onDisconnect.addListener(() => {
      if (!settled)
        reject(
          new ClientError(
            'internal',
            'The import was interrupted (the extension restarted). Nothing was imported; try again.',
          ),
        );
    });
    for (const m of messages()) port.postMessage(m);
  });
}

export async function importText(
  text: string,
  fileName: string | undefined,
  onProgress?: (p: Extract<ImportProgress, { type: 'progress' }>) => void,
) {
  return runPortJob(function* () {
    for (let i = 0; i < text.length; i += CHUNK) yield { type: 'chunk', text: text.slice(i, i + CHUNK) };
    yield { type: 'end', fileName };
  }, onProgress);
}

export async function importFile(
  file: File,
  onProgress?: (p: Extract<ImportProgress, { type: 'progress' }>) => void,
) {
  return importText(await file.text(), file.name, onProgress);
}

export function loadSampleData(
  onProgress?: (p: Extract<ImportProgress, { type: 'progress' }>) => void,
  size?: { incidents?: number; alerts?: number; seed?: number },
) {
  return runPortJob(function* () {
    yield { type: 'sample', size };
  }, onProgress);
}

/** A sentence for the user from anything thrown. */
export function errorMessage(e: unknown): string {
  if (e instanceof ClientError) return e.message;
  return 'Something went wrong. Nothing was changed; try again.';
}

/**
 * Opens the workspace: Chrome's side panel (needs the click that called this), Firefox's sidebar,
 * or else a tab. `route` is a side-panel hash route such as `#/incidents/2041`.
 */
export async function openWorkspace(route = '#/incidents'): Promise<void> {
  const url = browser.runtime.getURL('/sidepanel.html') + route;
  const g = globalThis as unknown as {
    chrome?: {
      sidePanel?: {
        open(o: { windowId: number }): Promise<void>;
        setOptions(o: { path: string }): Promise<void>;
      };
    };
    browser?: { sidebarAction?: { open(): Promise<void>; setPanel(o: { panel: string }): Promise<void> } };
  };
  try {
    if (g.chrome?.sidePanel) {
      const win = await browser.windows.getCurrent();
      // open() must run while the click is still "in hand": start it before anything else awaits.
      const opening = g.chrome.sidePanel.open({ windowId: win.id! });
      await g.chrome.sidePanel.setOptions({ path: `sidepanel.html${route}` });
      await opening;
      return;
    }
    if (g.browser?.sidebarAction) {
      await g.browser.sidebarAction.setPanel({ panel: url });
      await g.browser.sidebarAction.open();
      return;
    }
  } catch {
    // Fall through to a tab: the side panel may be unavailable (no gesture, old browser).
  }
  await browser.tabs.create({ url });
}

/** Asks for one origin's host permission (must run in the click's handler: the browser shows its prompt). */
export async function requestOrigin(origin: string): Promise<boolean> {
  try {
    return await browser.permissions.request({ origins: [origin] });
  } catch {
    return false;
  }
}

export type ProbeResult =
  | { ok: true; count: number; skipped: number; firstIds: string[]; problem?: string; url: string }
  | { ok: false; message: string };

/**
 * Runs a site adapter, read-only, on the tab the analyst was last looking at (not an extension page), and says
 * how many alert rows it finds and their first ids.
 */
export async function testAdapterOnCurrentTab(adapter: unknown, origin: string): Promise<ProbeResult> {
  const granted = await requestOrigin(origin);
  if (!granted)
    return { ok: false, message: 'The test needs permission to read that site; it was not granted.' };
  const ext = browser.runtime.getURL('/');
  const tabs = (await browser.tabs.query({ active: true })).filter(
    (t) => t.url && !t.url.startsWith(ext) && t.id !== undefined,
  );
  tabs.sort((a, b) => (b.lastAccessed ?? 0) - (a.lastAccessed ?? 0));
  const tab = tabs[0];
  if (!tab?.id) return { ok: false, message: 'Open the page that lists alerts in a tab, then test again.' };
  try {
    await browser.scripting.executeScript({
      target: { tabId: tab.id },
      func: (a: unknown) => {
        (window as unknown as { __incidentMoverProbe?: unknown }).__incidentMoverProbe = a;
      },
      args: [adapter],
    });
    const [res] = await browser.scripting.executeScript({
      target: { tabId: tab.id },
      files: ['/site-probe.js'],
    });
    const r = res?.result as
      | {
          ok: boolean;
          count?: number;
          skipped?: number;
          firstIds?: string[];
          problem?: string;
          problems?: string[];
        }
      | undefined;
    if (!r) return { ok: false, message: 'The page did not answer the test.' };
    if (!r.ok) return { ok: false, message: (r.problems ?? []).join(' ') };
    return {
      ok: true,
      count: r.count ?? 0,
      skipped: r.skipped ?? 0,
      firstIds: r.firstIds ?? [],
      problem: r.problem,
      url: tab.url ?? '',
    };
  } catch {
    return {
      ok: false,
      message: `The extension may not read ${tab.url ? new URL(tab.url).host : 'that tab'}: its address does not match the URL pattern, or the browser forbids it.`,
    };
  }
}
