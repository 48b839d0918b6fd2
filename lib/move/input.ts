/**
 * What a move takes as input, checked by the background before anything runs (the protocol's `move.run` carries
 * it). Kept with the move so the move depends on nothing above it.
 */
import { z } from 'zod';
import { alertId, CORRELATION_REASONS, incidentId } from '../model';

export const MAX_COMMENT = 30_000;
/** The most alerts one request may name. */
export const MAX_IDS = 200_000;

/**
 * Record versions the analyst saw (`alert` or `incident` ids): a change made meanwhile elsewhere wins and the
 * operation is refused. zod drops an own "__proto__" key of a record silently: it is refused instead.
 */
export const expectedVersions = (of: 'alert' | 'incident') =>
  z
    .custom<Record<string, number>>(
      (v) => typeof v !== 'object' || v === null || !Object.hasOwn(v, '__proto__'),
      `has a "__proto__" key, which is not an ${of} id`,
    )
    .pipe(z.record(z.string(), z.number().int().positive()))
    .optional();

/** An operation's own id, chosen by the page that asks: a repeat with it answers the first result. */
export const operationToken = z
  .string()
  .regex(/^[A-Za-z0-9-]{8,100}$/, 'should be 8–100 letters, digits or dashes')
  .optional();

export const moveTarget = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('existing'), incidentId }),
  z.strictObject({ kind: z.literal('new') }),
]);
export type MoveTarget = z.infer<typeof moveTarget>;

export const moveInput = z.strictObject({
  alertIds: z.array(alertId).min(1, 'Select at least one alert.').max(MAX_IDS),
  target: moveTarget,
  comment: z
    .string()
    .max(MAX_COMMENT, `The comment is longer than ${MAX_COMMENT.toLocaleString('en')} characters.`),
  reasons: z.array(z.enum(CORRELATION_REASONS)).max(CORRELATION_REASONS.length).default([]),
  /** Alert versions the user saw: a change made meanwhile elsewhere wins and this move is refused. */
  expectedVersions: expectedVersions('alert'),
  /**
   * The move's own id, chosen by the page that asks: a repeated request with the same token (an answer lost
   * when the background stopped) returns the first result instead of moving again. Also the undo token.
   */
  token: operationToken,
});
export type MoveInput = z.input<typeof moveInput>;
