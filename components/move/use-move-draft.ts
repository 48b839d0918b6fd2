/**
 * The flyout's comment as a draft that survives the panel being closed by accident: saved (debounced) in
 * extension storage keyed by the selected alerts, offered back when the flyout opens again for the same
 * alerts, removed after a successful Save.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { flyoutDraftItem } from '@/lib/settings/profile';

type Drafts = Record<string, { comment: string; savedAt: string }>;

const SAVE_DELAY_MS = 400;
const MAX_DRAFTS = 20;
const MAX_AGE_MS = 30 * 24 * 3600 * 1000;

/** FNV-1a, 52 bits (exact in a double): a short key for large selections. */
function hash(text: string): string {
  let h = 0xcbf29ce484222325n & 0xfffffffffffffn;
  const prime = 0x100000001b3n;
  for (let i = 0; i < text.length; i++) h = ((h ^ BigInt(text.charCodeAt(i))) * prime) & 0xfffffffffffffn;
  return h.toString(36);
}

/** The key of a selection: its sorted, distinct alert ids (hashed when long). */
export function draftKey(alertIds: readonly string[]): string {
  const joined = [...new Set(alertIds)].sort().join(' ');
  return joined.length <= 400 ? joined : `${alertIds.length}#${hash(joined)}`;
}

/** Keeps the newest drafts within bounds: at most MAX_DRAFTS, none older than MAX_AGE_MS. */
function prune(drafts: Drafts, now: number): Drafts {
  const kept = Object.entries(drafts)
    .filter(([, d]) => now - Date.parse(d.savedAt) < MAX_AGE_MS)
    .sort(([, a], [, b]) => b.savedAt.localeCompare(a.savedAt))
    .slice(0, MAX_DRAFTS);
  return Object.fromEntries(kept);
}

async function writeDraft(key: string, comment: string): Promise<void> {
  const drafts = { ...((await flyoutDraftItem.getValue()) ?? {}) };
  if (comment.trim()) drafts[key] = { comment, savedAt: new Date().toISOString() };
  else delete drafts[key];
  await flyoutDraftItem.setValue(prune(drafts, Date.now()));
}

export async function readDraft(alertIds: readonly string[]): Promise<string | undefined> {
  const drafts = (await flyoutDraftItem.getValue()) ?? {};
  const draft = Object.hasOwn(drafts, draftKey(alertIds)) ? drafts[draftKey(alertIds)] : undefined;
  return typeof draft?.comment === 'string' && draft.comment.trim() ? draft.comment : undefined;
}

export async function clearDraft(alertIds: readonly string[]): Promise<void> {
  await writeDraft(draftKey(alertIds), '');
}

/**
 * Restores the draft into `setComment` once (unless the analyst already typed), then saves `comment`
 * as they type. Returns whether a draft was restored, and `discard()` for after a successful Save.
 */
export function useMoveDraft(
  alertIds: readonly string[],
  comment: string,
  setComment: (comment: string) => void,
): { restored: boolean; discard(): Promise<void> } {
  const key = draftKey(alertIds);
  const [restored, setRestored] = useState(false);
  const ready = useRef(false);
  const pending = useRef<{ timer: ReturnType<typeof setTimeout>; comment: string } | undefined>(undefined);
  const latest = useRef(comment);
  latest.current = comment;

  useEffect(() => {
    ready.current = false;
    let live = true;
    void readDraft(alertIds)
      .then((draft) => {
        if (!live) return;
        if (draft && !latest.current) {
          setComment(draft);
          setRestored(true);
        }
      })
      .catch(() => undefined)
      .finally(() => {
        ready.current = true;
      });
    return () => {
      live = false;
    };
  }, [key]);

  const flush = () => {
    const p = pending.current;
    if (!p) return;
    clearTimeout(p.timer);
    pending.current = undefined;
    void writeDraft(key, p.comment).catch(() => undefined);
  };

  useEffect(() => {
    // Before the stored draft was read, an empty field must not overwrite it.
    if (!ready.current && !comment) return;
    if (pending.current) clearTimeout(pending.current.timer);
    pending.current = { comment, timer: setTimeout(flush, SAVE_DELAY_MS) };
  }, [comment, key]);

  // Closing the panel (unmount, or the page going away) must not lose the last keystrokes.
  useEffect(() => {
    addEventListener('pagehide', flush);
    return () => {
      removeEventListener('pagehide', flush);
      flush();
    };
  }, [key]);

  return {
    restored,
    async discard() {
      if (pending.current) clearTimeout(pending.current.timer);
      pending.current = undefined;
      await writeDraft(key, '').catch(() => undefined);
    },
  };
}
