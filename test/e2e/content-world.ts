/**
 * Runs code in the content script's own context (its isolated world) on a web page, through CDP: the page's
 * scripts cannot reach that world, and the extension needs no hook for it. Chromium reports every execution
 * context on `Runtime.enable`; the content script's is the isolated one whose origin is the extension's.
 */
import type { CDPSession, Page } from '@playwright/test';
import { expect } from '@playwright/test';

interface Context {
  id: number;
  origin: string;
  auxData?: { type?: string; isDefault?: boolean; frameId?: string };
}

export interface ContentWorld {
  /** Evaluates `expression` (awaiting a promise it returns) and answers its value, copied by JSON. */
  evaluate<T>(expression: string): Promise<T>;
  session: CDPSession;
}

export async function contentWorld(page: Page, extensionId: string): Promise<ContentWorld> {
  const session = await page.context().newCDPSession(page);
  const contexts: Context[] = [];
  session.on('Runtime.executionContextCreated', (e) => contexts.push(e.context as Context));
  session.on('Runtime.executionContextDestroyed', (e) => {
    const at = contexts.findIndex((c) => c.id === e.executionContextId);
    if (at >= 0) contexts.splice(at, 1);
  });
  await session.send('Runtime.enable');
  const { frameTree } = await session.send('Page.getFrameTree');
  const mainFrame = frameTree.frame.id;
  const find = () =>
    contexts.find(
      (c) =>
        c.auxData?.type === 'isolated' &&
        c.auxData.frameId === mainFrame &&
        c.origin === `chrome-extension://${extensionId}`,
    );
  await expect.poll(() => find() !== undefined, { timeout: 15_000 }).toBe(true);
  const contextId = find()!.id;
  return {
    session,
    async evaluate<T>(expression: string): Promise<T> {
      const { result, exceptionDetails } = await session.send('Runtime.evaluate', {
        expression,
        contextId,
        awaitPromise: true,
        returnByValue: true,
      });
      if (exceptionDetails)
        throw new Error(
          `In the content script's world: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`,
        );
      return result.value as T;
    },
  };
}
