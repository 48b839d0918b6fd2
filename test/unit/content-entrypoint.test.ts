// @vitest-environment happy-dom
import { afterEach, beforeEach, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { ContentScriptContext } from 'wxt/utils/content-script-context';
import content from '@/entrypoints/content/index';
import { DEFENDER_ADAPTER, MICROFORMAT_ADAPTER } from '@/lib/site-adapters';
import { sitesItem } from '@/lib/sites-store';

// The real content script entrypoint: adapters from storage, messaging through fakeBrowser, WXT's context.
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

it('adds buttons with the stored adapters, follows storage changes, and sends page.openFlyout to the background', async () => {
  const received: unknown[] = [];
  fakeBrowser.runtime.onMessage.addListener((message) => {
    received.push(message);
    return Promise.resolve({ ok: false, error: { code: 'not-found', message: 'Not in the store.' } });
  });
  await content.main(ctx);
  expect(buttons()).toHaveLength(2);

  await sitesItem.setValue([{ ...MICROFORMAT_ADAPTER, enabled: false }, DEFENDER_ADAPTER]);
  await settle();
  expect(buttons()).toHaveLength(0);

  await sitesItem.setValue([]);
  await settle();
  expect(buttons()).toHaveLength(2);
  buttons()[0]!.shadowRoot!.querySelector('button')!.click();
  await settle();
  expect(received).toEqual([{ type: 'page.openFlyout', alertIds: ['a_1'] }]);
});

it('removes everything it added when WXT invalidates the context', async () => {
  await content.main(ctx);
  expect(buttons()).toHaveLength(2);
  ctx.notifyInvalidated();
  expect(buttons()).toHaveLength(0);
  document
    .querySelector('tbody')!
    .insertAdjacentHTML('beforeend', '<tr data-alert-id="c_3"><td>Three</td></tr>');
  await settle();
  expect(buttons()).toHaveLength(0);
});
