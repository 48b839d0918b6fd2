/**
 * The one protocol between contexts. zod schemas are the single source of truth for every
 * request (and its response type); the background `safeParse`s every message and answers
 * errors as data: `{ ok: false, error: { code, message } }`.
 */
import { z } from 'zod';
import type { BackupInfo, RestoreCounts } from '../data/backup';
import { ERROR_CODES, type ErrorCode, MoverError } from '../model/errors';
import type { StoreWitness } from '../store/witness';

export { MAX_COMMENT, type MoveInput, type MoveTarget, moveInput, moveTarget } from '../move/input';

import { mergeInput } from '../merge/input';
import { moveInput } from '../move/input';
import type { MergeResult } from '../store/db';

export { type MergeInput, mergeInput } from '../merge/input';
export type { MergeResult } from '../store/db';

import { splitInput } from '../move/split';

export const sampleSize = z.strictObject({
  incidents: z.number().int().min(1).max(100_000).optional(),
  alerts: z.number().int().min(1).max(500_000).optional(),
  seed: z.number().int().optional(),
});

/**
 * Requests from extension pages (trusted). Strict objects: a message with a field the protocol does not name is
 * refused, not acted on with the field dropped (test/entrypoints/background-fuzz.test.ts).
 */
export const pageRequest = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('store.loadSample'), size: sampleSize.optional() }),
  z.strictObject({ type: z.literal('store.clear') }),
  /** Compares the store with the witness kept outside IndexedDB (a lost store is noticed here). */
  z.strictObject({ type: z.literal('store.check') }),
  /** The analyst chose to go on without the lost store's data. */
  z.strictObject({ type: z.literal('store.acknowledgeLoss') }),
  z.strictObject({ type: z.literal('backup.now') }),
  z.strictObject({ type: z.literal('backup.restore') }),
  z.strictObject({ type: z.literal('move.run'), input: moveInput }),
  z.strictObject({ type: z.literal('move.undo'), token: z.string().min(1).max(100) }),
  /** Whether the move with this token was saved, and its result: asked when an answer was lost. */
  z.strictObject({ type: z.literal('move.status'), token: z.string().min(1).max(100) }),
  /** Merge incidents (DESIGN §8); its undo (unmerge) is a new logged operation. */
  z.strictObject({ type: z.literal('merge.run'), input: mergeInput }),
  z.strictObject({ type: z.literal('merge.undo'), token: z.string().min(1).max(100) }),
  z.strictObject({ type: z.literal('flyout.selection'), nonce: z.string().min(1).max(100) }),
  /** Split an incident: the first group stays, every other group becomes a new incident (one Undo). */
  z.strictObject({ type: z.literal('incident.split'), input: splitInput }),
  z.strictObject({ type: z.literal('sites.sync') }),
  z.strictObject({ type: z.literal('sync.now') }),
  z.strictObject({ type: z.literal('sync.signIn') }),
  z.strictObject({ type: z.literal('sync.signOut') }),
]);

/** The most of a row's text the content script sends as what the page showed (lib/sites/rows.ts cuts it). */
export const MAX_PAGE_TITLE = 300;

/** Requests a content script may send: only what a page button needs. Never a move. */
export const contentRequest = z.discriminatedUnion('type', [
  /** The site adapters that apply to the page (validated here, so the content script carries no schema library). */
  z.strictObject({ type: z.literal('page.adapters'), url: z.string().max(4_000) }),
  z.strictObject({
    type: z.literal('page.openFlyout'),
    alertIds: z.array(z.string().max(200)).min(1).max(1_000),
    /**
     * What the page showed in each alert's row at the click, in the same order (text, cut by the content script):
     * the move window shows it next to the store's record when the two disagree. Never trusted, never markup.
     */
    pageTitles: z.array(z.string().max(MAX_PAGE_TITLE)).max(1_000).optional(),
  }),
]);

export const request = z.union([pageRequest, contentRequest]);
export type PageRequest = z.infer<typeof pageRequest>;
export type ContentRequest = z.infer<typeof contentRequest>;
export type Request = z.infer<typeof request>;
export type RequestType = Request['type'];
export const CONTENT_REQUEST_TYPES: ReadonlySet<string> = new Set(
  contentRequest.options.map((o) => o.shape.type.value),
);

export type { MoveResult } from '../model/move-result';

import type { MoveResult } from '../model/move-result';

/** What each request answers with. */
export interface ResponseMap {
  'store.loadSample': { incidents: number; alerts: number };
  'store.clear': { cleared: true };
  'store.check': StoreWitness;
  'store.acknowledgeLoss': { acknowledged: true };
  'backup.now': BackupInfo;
  'backup.restore': RestoreCounts;
  'move.run': MoveResult;
  'move.undo': MoveResult;
  'move.status': { committed: false } | { committed: true; result: MoveResult };
  'merge.run': MergeResult;
  'merge.undo': MergeResult;
  'flyout.selection': { alertIds: string[]; origin: string; pageTitles?: string[] };
  'incident.split': MoveResult;
  'sites.sync': { registered: string[]; disabled: string[] };
  'sync.now': { pulled: number; pushed: number };
  'sync.signIn': { signedIn: true };
  'sync.signOut': { signedIn: false };
  'page.adapters': { adapters: unknown[] };
  'page.openFlyout': { opened: true };
}

export { ERROR_CODES, type ErrorCode, MoverError };

export type Response<T extends RequestType> =
  | { ok: true; data: ResponseMap[T] }
  | { ok: false; error: { code: ErrorCode; message: string; details?: string[] } };

export const responseEnvelope = z.union([
  z.object({ ok: z.literal(true), data: z.unknown() }),
  z.object({
    ok: z.literal(false),
    error: z.object({
      code: z.enum(ERROR_CODES),
      message: z.string(),
      details: z.array(z.string()).optional(),
    }),
  }),
]);

/**
 * Port protocol for long writes with progress: imports (files can be large: sent in chunks, written in one
 * transaction) and sample data.
 */
export const IMPORT_PORT = 'import';
export const importPortMessage = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('chunk'), text: z.string().max(16 * 1024 * 1024) }),
  z.strictObject({ type: z.literal('end'), fileName: z.string().max(500).optional() }),
  z.strictObject({ type: z.literal('sample'), size: sampleSize.optional() }),
]);
export type ImportPortMessage = z.infer<typeof importPortMessage>;
export type ImportProgress =
  | {
      type: 'progress';
      phase: 'receiving' | 'parsing' | 'validating' | 'writing';
      done: number;
      total: number;
    }
  | { type: 'done'; incidents: number; alerts: number; activity: number }
  | { type: 'error'; message: string; problems: string[] };
