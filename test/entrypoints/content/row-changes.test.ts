// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { createRowChanges, type RowLocator } from '@/entrypoints/content/row-changes';

const isOwn = (n: Node) => n.nodeType === 1 && (n as Element).localName.startsWith('incident-mover-');
const locator: RowLocator = {
  rowOf: (node) =>
    (node.nodeType === 1 ? (node as Element) : node.parentElement)?.closest('[data-alert-id]') ?? undefined,
  rowsIn: (root) => Array.from(root.querySelectorAll('[data-alert-id]')),
};
/** The MutationObserver's records for what `change` does to the document, delivered at once. */
async function recordsOf(change: () => void): Promise<MutationRecord[]> {
  const out: MutationRecord[] = [];
  const observer = new MutationObserver((r) => out.push(...r));
  observer.observe(document.documentElement, { childList: true, subtree: true, attributes: true });
  change();
  await new Promise((r) => setTimeout(r, 0));
  observer.disconnect();
  return out;
}

describe('row changes', () => {
  it('queues the rows a change touched, once each, and tells which elements were removed', async () => {
    document.body.innerHTML =
      '<div id="list"><div data-alert-id="a"><span>A</span></div><div data-alert-id="b"><span>B</span></div><div data-alert-id="c"></div></div>';
    const changes = createRowChanges(isOwn, 100);
    const list = document.getElementById('list')!;
    const removed = list.lastElementChild!;
    const records = await recordsOf(() => {
      list.querySelector('[data-alert-id="a"] span')!.textContent = 'A, again';
      list.querySelector('[data-alert-id="a"]')!.setAttribute('data-alert-id', 'a2');
      removed.remove();
      const added = document.createElement('section');
      added.innerHTML = '<div data-alert-id="d"></div><div data-alert-id="e"></div>';
      list.append(added);
    });
    expect(changes.record(records)).toBe(true);
    const dropped: Element[] = [];
    expect(changes.resolve(locator, (e) => dropped.push(e))).toBe(true);
    expect(dropped).toEqual([removed]);
    expect(changes.take(10).map((r) => r.getAttribute('data-alert-id'))).toEqual(['a2', 'd', 'e']);
    expect(changes.pending).toBe(false);
  });

  it('ignores the extension’s own elements coming and going', async () => {
    document.body.innerHTML = '<div data-alert-id="a"><span></span></div>';
    const changes = createRowChanges(isOwn, 100);
    const records = await recordsOf(() => {
      document.querySelector('span')!.append(document.createElement('incident-mover-row-button'));
    });
    expect(records).toHaveLength(1);
    expect(changes.record(records)).toBe(false);
    expect(changes.pending).toBe(false);
  });

  it('hands out a budget of rows at a time, skipping rows the page took away meanwhile', () => {
    document.body.innerHTML = Array.from({ length: 5 }, (_, i) => `<p data-alert-id="r${i}"></p>`).join('');
    const changes = createRowChanges(isOwn, 100);
    changes.enqueue(document.querySelectorAll('p'));
    document.querySelector('[data-alert-id="r1"]')!.remove();
    expect(changes.take(2).map((r) => r.getAttribute('data-alert-id'))).toEqual(['r0', 'r2']);
    expect(changes.queued).toBe(2);
    expect(changes.take(2).map((r) => r.getAttribute('data-alert-id'))).toEqual(['r3', 'r4']);
    expect(changes.queued).toBe(0);
  });

  it('keeps a bounded number of changes: past it, it says the page must be read again', async () => {
    document.body.innerHTML = '<div id="list"></div>';
    const changes = createRowChanges(isOwn, 50);
    const list = document.getElementById('list')!;
    const records = await recordsOf(() => {
      for (let i = 0; i < 200; i++) {
        const row = document.createElement('p');
        row.setAttribute('data-alert-id', `r${i}`);
        list.append(row);
      }
    });
    changes.record(records);
    expect(changes.pending).toBe(true);
    expect(changes.resolve(locator, () => {})).toBe(false);
    expect(changes.queued).toBe(0);
    // A container added at once with many rows overflows the queue the same way.
    const many = await recordsOf(() => {
      const box = document.createElement('div');
      box.innerHTML = '<p data-alert-id="x"></p>'.repeat(80);
      list.append(box);
    });
    changes.record(many);
    expect(changes.resolve(locator, () => {})).toBe(false);
  });
});
