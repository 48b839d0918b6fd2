/**
 * The background's message router: validates every message, checks the sender, and calls into lib/.
 * Pure of `browser.*`: the entrypoint passes what it needs, so handlers are tested with fakeBrowser.
 */

import type { z } from 'zod';
import type { BackupService } from '../data/backup';
import { loadSample } from '../data/sample';
import { isMergeRecord, mergeAsMoveResult, mergeIncidents, undoMerge } from '../merge';
import type { Profile } from '../model';
import { isStorageFull, isStorageFullAfter, STORAGE_FULL, type StorageEstimate } from '../model/errors';
import { moveAlerts, moveStatus, splitIncident, undoMove } from '../move';
import type { MoverDB } from '../store/db';
import { createStoreGuard, type StoreGuard } from '../store/guard';
import type { StoreWitness } from '../store/witness';
import { handOff, type SessionStore, senderOrigin, takeHandoff } from './flyout-handoff';
import {
  CONTENT_REQUEST_TYPES,
  type ContentRequest,
  contentRequest,
  MoverError,
  type PageRequest,
  pageRequest,
  type Request,
  type Response,
  type ResponseMap,
} from './protocol';

/** The part of `runtime.MessageSender` the router trusts (set by the browser, not the page). */
export interface Sender {
  id?: string;
  url?: string;
  tab?: { id?: number };
  frameId?: number;
}

export interface RouterDeps {
  db: MoverDB;
  extensionId: string;
  /** `chrome-extension://<id>/`: a sender whose URL starts with it is an extension page. */
  extensionOrigin: string;
  getProfile(): Promise<Profile>;
  now(): string;
  newToken(): string;
  /** Session storage for selections handed from a page to the move window. */
  session: SessionStore;
  /** Optional services wired by the background (sites registration, sync). */
  sites?: {
    sync(): Promise<ResponseMap['sites.sync']>;
    /** Enabled, validated adapters whose URL pattern names `url`. */
    adaptersFor(url: string): Promise<unknown[]>;
  };
  sync?: {
    now(): Promise<ResponseMap['sync.now']>;
    signIn(): Promise<void>;
    signOut(): Promise<void>;
  };
  /** After a move or merge commits (the sync queues it by its token). */
  afterMove?(result: { undoToken: string }): void;
  /** Fault injection, in the test build only: e.g. a pause after a move commits, to stop the worker in it. */
  faults?: {
    afterMoveCommitted(): Promise<void>;
    /** A pause to run inside the move's transaction, before it commits (read before the transaction starts). */
    insideMove?(): Promise<(() => Promise<void>) | undefined>;
    /** The same inside a merge's transaction. */
    insideMerge?(): Promise<(() => Promise<void>) | undefined>;
  };
  /** Opens an extension page in a window of its own (the move window for a page's alerts). */
  openWindow?(url: string): Promise<void>;
  /** The witness of what the store holds (lib/store/guard.ts); it also clears the store. In memory if not given. */
  guard?: StoreGuard;
  backup?: Pick<BackupService, 'now' | 'restore'>;
  /** `navigator.storage.estimate`: a write that failed for no reason we know, with little room left, is a full disk. */
  storageEstimate?(): Promise<StorageEstimate>;
}

export type SenderKind = 'extension' | 'content' | 'foreign';

export function senderKind(
  sender: Sender,
  deps: Pick<RouterDeps, 'extensionId' | 'extensionOrigin'>,
): SenderKind {
  if (sender.id !== deps.extensionId) return 'foreign';
  if (sender.url?.startsWith(deps.extensionOrigin)) return 'extension';
  if (sender.tab) return 'content';
  return 'foreign';
}

export function errorResponse(e: unknown): Response<never> {
  if (e instanceof MoverError)
    return { ok: false, error: { code: e.code, message: e.message, details: e.details } };
  if (isStorageFull(e)) return { ok: false, error: { code: 'internal', message: STORAGE_FULL } };
  console.error('[incident-mover] unexpected error', e instanceof Error ? `${e.name}: ${e.message}` : e, e);
  return {
    ok: false,
    error: {
      code: 'internal',
      message: 'Something went wrong in the extension. Nothing was changed; try again.',
    },
  };
}

const REQUEST_SCHEMAS: ReadonlyMap<string, z.ZodType<Request>> = new Map(
  [...pageRequest.options, ...contentRequest.options].map((o) => [
    o.shape.type.value,
    o as z.ZodType<Request>,
  ]),
);

/** `input.comment` or `input.alertIds[0]`: where in the message a problem is. */
function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)),
    '',
  );
}

/**
 * Validates a message against the schema of its own type, so a refusal names the field and the rule
 * (`input.comment: The comment is longer than 30,000 characters.`), not just "invalid input".
 */
export function parseRequest(
  message: unknown,
): { ok: true; request: Request } | { ok: false; response: Extract<Response<never>, { ok: false }> } {
  const type = (message as { type?: unknown } | null)?.type;
  const refuse = (details: string[]) => ({
    ok: false as const,
    response: {
      ok: false as const,
      error: {
        code: 'bad-request' as const,
        message: `The extension received a malformed message${typeof type === 'string' ? ` (${type.slice(0, 60)})` : ''}; nothing was changed.`,
        details,
      },
    },
  });
  if (typeof message !== 'object' || message === null || Array.isArray(message))
    return refuse(['(message): should be an object with a "type"']);
  const schema = typeof type === 'string' ? REQUEST_SCHEMAS.get(type) : undefined;
  if (!schema) {
    return refuse([
      typeof type === 'string'
        ? `type: "${type.slice(0, 60)}" is not a message the extension knows`
        : 'type: is missing (a string naming the request)',
    ]);
  }
  const parsed = schema.safeParse(message);
  if (parsed.success) return { ok: true, request: parsed.data };
  return refuse(
    parsed.error.issues.slice(0, 20).map((i) => `${fieldPath(i.path) || '(message)'}: ${i.message}`),
  );
}

export function createRouter(deps: RouterDeps) {
  let memoryWitness: StoreWitness | undefined;
  const guard =
    deps.guard ??
    createStoreGuard({
      db: deps.db,
      readWitness: async () => memoryWitness,
      writeWitness: async (w) => {
        memoryWitness = w;
      },
      now: deps.now,
      newId: deps.newToken,
    });
  async function handlePage(req: PageRequest): Promise<ResponseMap[PageRequest['type']]> {
    switch (req.type) {
      case 'store.loadSample': {
        const r = await loadSample(deps.db, { ...req.size, now: deps.now() });
        return { incidents: r.incidents, alerts: r.alerts };
      }
      case 'store.clear':
        await guard.clear();
        return { cleared: true };
      case 'store.check':
        return guard.checkIdentity();
      case 'store.acknowledgeLoss':
        await guard.acknowledge();
        return { acknowledged: true };
      case 'backup.now':
        if (!deps.backup) throw new MoverError('internal', 'Backups are not available in this build.');
        return deps.backup.now();
      case 'backup.restore': {
        if (!deps.backup) throw new MoverError('internal', 'Backups are not available in this build.');
        const restored = await deps.backup.restore();
        await guard.acknowledge();
        await guard.check();
        return restored;
      }
      case 'move.run':
      case 'move.undo': {
        // The actor and the rights are the stored profile's, read at the time of the move.
        const profile = await deps.getProfile();
        const beforeCommit = req.type === 'move.run' ? await deps.faults?.insideMove?.() : undefined;
        const ctx = {
          actor: { displayName: profile.displayName, upn: profile.upn },
          profile,
          now: deps.now,
          newToken: deps.newToken,
          ...(beforeCommit ? { beforeCommit } : {}),
        };
        const result =
          req.type === 'move.run'
            ? await moveAlerts(deps.db, req.input, ctx)
            : // Undo from a list of operations (the popup's recent moves) may name a merge: it is unmerged.
              (await isMergeRecord(deps.db, req.token))
              ? mergeAsMoveResult(await undoMerge(deps.db, req.token, ctx))
              : await undoMove(deps.db, req.token, ctx);
        // An undone split is several moves: each goes to Graph on its own.
        for (const token of result.batchTokens ?? [result.undoToken])
          deps.afterMove?.({ ...result, undoToken: token });
        await deps.faults?.afterMoveCommitted();
        return result;
      }
      case 'move.status':
        return moveStatus(deps.db, req.token);
      case 'merge.run':
      case 'merge.undo': {
        const profile = await deps.getProfile();
        const beforeCommit = req.type === 'merge.run' ? await deps.faults?.insideMerge?.() : undefined;
        const ctx = {
          actor: { displayName: profile.displayName, upn: profile.upn },
          profile,
          now: deps.now,
          newToken: deps.newToken,
          ...(beforeCommit ? { beforeCommit } : {}),
        };
        const result =
          req.type === 'merge.run'
            ? await mergeIncidents(deps.db, req.input, ctx)
            : await undoMerge(deps.db, req.token, ctx);
        deps.afterMove?.({ undoToken: result.token });
        return result;
      }
      case 'incident.split': {
        const profile = await deps.getProfile();
        const ctx = {
          actor: { displayName: profile.displayName, upn: profile.upn },
          profile,
          now: deps.now,
          newToken: deps.newToken,
        };
        const result = await splitIncident(deps.db, req.input, ctx);
        // One move per new incident: each goes to Graph on its own.
        for (const token of result.batchTokens ?? [result.undoToken])
          deps.afterMove?.({ ...result, undoToken: token });
        return result;
      }
      case 'flyout.selection':
        return takeHandoff(deps.session, req.nonce, deps.now());
      case 'sites.sync':
        if (!deps.sites) throw new MoverError('internal', 'Site adapters are not available in this build.');
        return deps.sites.sync();
      case 'sync.now':
        if (!deps.sync) throw new MoverError('sync', 'No connector is configured.');
        return deps.sync.now();
      case 'sync.signIn':
        if (!deps.sync) throw new MoverError('sync', 'No connector is configured.');
        await deps.sync.signIn();
        return { signedIn: true };
      case 'sync.signOut':
        if (!deps.sync) throw new MoverError('sync', 'No connector is configured.');
        await deps.sync.signOut();
        return { signedIn: false };
    }
  }

  async function handleContent(
    req: ContentRequest,
    sender: Sender,
  ): Promise<ResponseMap[ContentRequest['type']]> {
    switch (req.type) {
      case 'page.adapters': {
        // Only for the page that asks: a page may learn nothing about the analyst's other sites.
        const sameOrigin = (() => {
          try {
            return !!sender.url && new URL(req.url).origin === new URL(sender.url).origin;
          } catch {
            return false;
          }
        })();
        if (!sameOrigin || !deps.sites) return { adapters: [] };
        return { adapters: await deps.sites.adaptersFor(req.url) };
      }
      case 'page.openFlyout': {
        // The ids the page showed at the click go to an extension window the page can't draw over or read.
        if (!deps.openWindow)
          throw new MoverError('internal', 'The move window is not available in this build.');
        const nonce = await handOff(
          deps.session,
          {
            alertIds: req.alertIds,
            origin: senderOrigin(sender.url),
            ...(req.pageTitles ? { pageTitles: req.pageTitles } : {}),
          },
          deps.newToken(),
          deps.now(),
        );
        await deps.openWindow(`${deps.extensionOrigin}flyout.html#${nonce}`);
        return { opened: true };
      }
    }
  }

  return async function handle(message: unknown, sender: Sender): Promise<Response<Request['type']>> {
    const kind = senderKind(sender, deps);
    if (kind === 'foreign') {
      return {
        ok: false,
        error: { code: 'forbidden-sender', message: 'Messages from outside the extension are refused.' },
      };
    }
    const parsed = parseRequest(message);
    if (!parsed.ok) return parsed.response;
    const req: Request = parsed.request;
    const isContentType = CONTENT_REQUEST_TYPES.has(req.type);
    if (kind === 'content' && !isContentType) {
      return {
        ok: false,
        error: {
          code: 'forbidden-sender',
          message: `A web page cannot ask for "${req.type}"; it needs the extension's own window.`,
        },
      };
    }
    try {
      await deps.db.reopenIfOpenFailed();
      const data = isContentType
        ? await handleContent(req as ContentRequest, sender)
        : await handlePage(req as PageRequest);
      return { ok: true, data } as Response<Request['type']>;
    } catch (e) {
      if (await isStorageFullAfter(e, deps.storageEstimate))
        return { ok: false, error: { code: 'internal', message: STORAGE_FULL } };
      return errorResponse(e);
    }
  };
}
