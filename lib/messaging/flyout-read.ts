/**
 * The answers to `flyout.read` (the framed flyout's reads, asked of the background), one schema per query kind.
 * The framed flyout checks every answer against its kind's schema before it shows anything; protocol.ts types
 * the response by them. Each schema's output is the reader's own type (lib/move/flyout-reader.ts): `satisfies`
 * keeps the two in step.
 */
import { z } from 'zod';
import { evidenceSchema } from '../model';
import type {
  FlyoutAlert,
  FlyoutIncident,
  IncidentChoice,
  ResolvedTarget,
  Selection,
} from '../move/flyout-reader';

const flyoutAlert = z.object({
  id: z.string(),
  title: z.string(),
  incidentId: z.string(),
  severity: z.string(),
  scope: z.string(),
  category: z.string().nullish(),
  serviceSource: z.string().nullish(),
  evidence: z.array(evidenceSchema).nullish(),
  version: z.number(),
}) satisfies z.ZodType<FlyoutAlert>;

/** An alert the store does not have: undefined in the background, null once it crossed as JSON. */
const alertOrMissing = flyoutAlert.nullish().transform((a) => a ?? undefined);

const flyoutIncident = z.object({
  id: z.string(),
  displayName: z.string(),
  alertCount: z.number(),
  scopes: z.array(z.string()),
}) satisfies z.ZodType<FlyoutIncident>;

const incidentChoice = z.object({
  id: z.string(),
  displayName: z.string(),
  status: z.string(),
  severity: z.string(),
  redirectIncidentId: z.string().nullish(),
  scopes: z.array(z.string()),
}) satisfies z.ZodType<IncidentChoice>;

/** What `flyout.read` answers, per query kind. */
export const flyoutReadAnswers = {
  selection: z.object({
    alerts: z.array(alertOrMissing),
    sources: z.array(flyoutIncident),
  }) satisfies z.ZodType<Selection>,
  target: z.object({
    incident: flyoutIncident.optional(),
    redirectedFrom: z.string().optional(),
    problem: z.string().optional(),
    severities: z.array(z.string()),
  }) satisfies z.ZodType<ResolvedTarget>,
  incidents: z.array(incidentChoice) satisfies z.ZodType<IncidentChoice[]>,
  alerts: z.array(alertOrMissing) satisfies z.ZodType<(FlyoutAlert | undefined)[]>,
};

export type FlyoutReadKind = keyof typeof flyoutReadAnswers;
export type FlyoutReadAnswer<K extends FlyoutReadKind = FlyoutReadKind> = z.output<
  (typeof flyoutReadAnswers)[K]
>;
