// @vitest-environment happy-dom
import { afterEach, beforeEach, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { ContentScriptContext } from 'wxt/utils/content-script-context';
import content from '@/entrypoints/content';
import { shadowRootOf } from '@/entrypoints/content/ui';
import { MICROFORMAT_ADAPTER, type SiteAdapter } from '@/lib/sites/adapters';

// The real content script entrypoint: adapters from the background, messaging through fakeBrowser, WXT's context.
const settle = () => new Promise((r) => setTimeout(r, 250));
const buttons = () => document.querySelectorAll('incident-mover-row-button');

let ctx: ContentScriptContext;
beforeEach(() => {
  fakeBrowser.reset();
  document.body.innerHTML =
    '<table><tbody><tr data-alert-id="a_1"><td>One</td></tr><tr data-alert-id="b_2"><td>Two</td></tr></tbody></table>';
  ctx = new ContentScriptContext('content', { registration: 'runtime' });
});
afterEach(() => {
  if (ctx.isValid) ctx.notifyInvalidated();
  document.body.replaceChildren();
});

it('is registered at runtime only, so the manifest asks for no host permission', () => {
  expect(content.registration).toBe('runtime');
  expect(content.matches ?? []).toEqual([]);
});

/** Stands in for the background: answers page.adapters with `adapters`, records what the page asked. */
function fakeBackground(state: { adapters: SiteAdapter[] }) {
  const received: unknown[] = [];
  // fakeBrowser's sendMessage answers through sendResponse (with `return true`), as Chrome's callback API does.
  fakeBrowser.runtime.onMessage.addListener((message: { type?: string }, _sender, sendResponse) => {
    received.push(message);
    sendResponse(
      message.type === 'page.adapters'
        ? { ok: true, data: { adapters: state.adapters } }
        : { ok: false, error: { code: 'not-found', message: 'Not in the store.' } },
    );
    return true;
  });
  return received;
}

it("asks the background for this page's adapters, asks again when the page comes back into view, and sends page.openFlyout", async () => {
  const state = { adapters: [MICROFORMAT_ADAPTER] };
  const received = fakeBackground(state);
  await content.main(ctx);
  await settle();
  expect(buttons()).toHaveLength(2);
  expect(received[0]).toEqual({ type: 'page.adapters', url: location.href });

  state.adapters = [];
  document.dispatchEvent(new Event('visibilitychange'));
  await settle();
  expect(buttons()).toHaveLength(0);

  state.adapters = [MICROFORMAT_ADAPTER];
  document.dispatchEvent(new Event('visibilitychange'));
  await settle();
  expect(buttons()).toHaveLength(2);
  received.length = 0;
  shadowRootOf(buttons()[0]!)!.querySelector('button')!.click();
  await settle();
  expect(received).toEqual([{ type: 'page.openFlyout', alertIds: ['a_1'], pageTitles: ['One'] }]);
});

it('adds nothing when the background answers with something malformed', async () => {
  const received: unknown[] = [];
  fakeBrowser.runtime.onMessage.addListener((message, _sender, sendResponse) => {
    received.push(message);
    sendResponse({ ok: true, data: { adapters: 'all of them' } });
    return true;
  });
  await content.main(ctx);
  await settle();
  expect(received).toHaveLength(1);
  expect(buttons()).toHaveLength(0);
});

it('removes everything it added when WXT invalidates the context', async () => {
  fakeBackground({ adapters: [MICROFORMAT_ADAPTER] });
  await content.main(ctx);
  await settle();
  expect(buttons()).toHaveLength(2);
  ctx.notifyInvalidated();
  expect(buttons()).toHaveLength(0);
  document
    .querySelector('tbody')!
    .insertAdjacentHTML('beforeend', '<tr data-alert-id="c_3"><td>Three</td></tr>');
  await settle();
  expect(buttons()).toHaveLength(0);
});
