/** What a merge takes as input, checked by the background before anything runs (the protocol's `merge.run`). */
import { z } from 'zod';
import { CORRELATION_REASONS } from '../model';
import { expectedVersions, MAX_COMMENT, operationToken } from '../move/input';

/** More than five is refused by the merge with a sentence; past this the message itself is malformed. */
const MAX_NAMED = 50;

export const mergeInput = z.strictObject({
  // Ids as strings: a message is not a Graph file, where a number would be read as its digits.
  incidentIds: z
    .array(
      z
        .string()
        .min(1, 'is empty')
        .max(64, 'is longer than 64 characters')
        .regex(/^[A-Za-z0-9_.:-]+$/, 'has characters an incident id cannot have'),
    )
    .min(1, 'Select the incidents to merge.')
    .max(MAX_NAMED),
  /** The `Reason for merging` (Graph's `incidentComment`). */
  comment: z
    .string()
    .max(MAX_COMMENT, `The reason is longer than ${MAX_COMMENT.toLocaleString('en')} characters.`),
  reasons: z.array(z.enum(CORRELATION_REASONS)).max(CORRELATION_REASONS.length).default([]),
  /** Incident versions the dialog showed: one changed meanwhile is a conflict and nothing is merged. */
  expectedVersions: expectedVersions('incident'),
  /** The merge's own id: a repeated request with it answers the first result instead of merging again. */
  token: operationToken,
});
export type MergeInput = z.input<typeof mergeInput>;
export type MergeRequest = z.output<typeof mergeInput>;
