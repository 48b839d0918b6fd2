/**
 * Split an incident (DESIGN §7): the first group of its alerts stays, every other group becomes a new incident,
 * automatically named, in ONE read-write transaction, with activity entries on the incident and on every new one.
 * It is saved as one move per new incident (so each goes to Graph as its own `moveAlerts` with `incidentId: null`),
 * the moves sharing one batch, so one Undo reverts the whole split (undo.ts).
 */
import { z } from 'zod';
import { type Alert, alertId, type Incident, incidentId } from '../model';
import { tallyAlert, tallyOf, withTally } from '../model/derive';
import { MoverError } from '../model/errors';
import type { MoveResult } from '../model/move-result';
import { movePermissionProblems, summarizeProblems } from '../model/permissions';
import type { MoveRecord, MoverDB } from '../store/db';
import { expectedVersions, MAX_COMMENT, operationToken } from './input';
import { allocateIncidentId } from './move';
import { autoIncidentName } from './naming';
import {
  addActivity,
  listIds,
  type MoveContext,
  moveTables,
  type NewEntry,
  talliesOf,
  titles,
} from './shared';

export const MAX_SPLIT_GROUPS = 50;

export const splitInput = z.strictObject({
  incidentId,
  /** Alert ids per group; the first group stays in the incident. Empty groups are left out. */
  groups: z.array(z.array(alertId).max(100_000)).min(1).max(MAX_SPLIT_GROUPS),
  comment: z
    .string()
    .max(MAX_COMMENT, `The comment is longer than ${MAX_COMMENT.toLocaleString('en')} characters.`),
  /** Alert versions the analyst saw: a change made meanwhile elsewhere refuses the split. */
  expectedVersions: expectedVersions('alert'),
  token: operationToken,
});
export type SplitInput = z.output<typeof splitInput>;

/** Why a proposal can't be saved as it is, in a sentence (the dialog shows it before Save too). */
export function splitProblem(
  incident: Pick<Incident, 'id'>,
  alertCount: number,
  groups: readonly (readonly string[])[],
): string | undefined {
  if (alertCount < 2) return `Incident ${incident.id} has only one alert: there is nothing to split.`;
  const filled = groups.filter((g) => g.length > 0);
  if (!groups[0]?.length)
    return 'Group 1 stays in the incident, so it needs at least one alert. Move an alert into it.';
  if (filled.length < 2)
    return 'Every alert is in Group 1, so nothing would change. Move alerts to another group first.';
  return undefined;
}

export async function splitIncident(db: MoverDB, input: SplitInput, ctx: MoveContext): Promise<MoveResult> {
  const comment = input.comment;
  if (!comment.trim())
    throw new MoverError('validation', 'Add a comment that says why the incident is split.');
  const at = ctx.now();
  const firstToken = input.token ?? ctx.newToken();
  const { actor } = ctx;

  return db.transaction('rw', moveTables(db), async () => {
    const done = await db.moves.get(firstToken);
    if (done?.result) return done.result;

    const source = await db.incidents.get(input.incidentId);
    if (!source) throw new MoverError('not-found', `Incident ${input.incidentId} does not exist (any more).`);
    if (source.status === 'redirected')
      throw new MoverError(
        'redirected',
        `Incident ${source.id} was merged into incident ${source.redirectIncidentId ?? 'another one'}; split that one instead.`,
      );
    const members = await db.alerts.where('incidentId').equals(source.id).toArray();
    const groups = input.groups.map((g) => [...new Set(g)]);
    const problem = splitProblem(source, members.length, groups);
    if (problem) throw new MoverError('validation', problem);

    // The groups must be exactly the incident's alerts now: anything moved in or out meanwhile refuses the split.
    const byId = new Map(members.map((a) => [a.id, a]));
    const named = groups.flat();
    const strangers = named.filter((id) => !byId.has(id));
    const twice = named.filter((id, i) => named.indexOf(id) !== i);
    const namedSet = new Set(named);
    const left = members.filter((a) => !namedSet.has(a.id));
    if (strangers.length || twice.length || left.length) {
      const what = [
        ...(strangers.length
          ? [`${listIds(strangers)} ${strangers.length === 1 ? 'is' : 'are'} no longer in it`]
          : []),
        ...(left.length ? [`${listIds(left.map((a) => a.id))} joined it`] : []),
        ...(twice.length
          ? [`${listIds([...new Set(twice)])} ${twice.length === 1 ? 'is' : 'are'} in two groups`]
          : []),
      ];
      throw new MoverError(
        'conflict',
        `Incident ${source.id} changed since the split was proposed: ${what.join('; ')}. Nothing was split; look again.`,
      );
    }
    const expected = input.expectedVersions ?? {};
    const changed = members.filter((a) => Object.hasOwn(expected, a.id) && expected[a.id] !== a.version);
    if (changed.length)
      throw new MoverError(
        'conflict',
        `${listIds(changed.map((a) => `"${a.title}" (${a.id})`))} changed elsewhere since the split was proposed. Nothing was split; look again.`,
      );

    const moving = groups
      .slice(1)
      .filter((g) => g.length)
      .map((g) => g.map((id) => byId.get(id)!));
    const allMoving = moving.flat();
    const problems = movePermissionProblems(ctx.profile, allMoving);
    if (problems.length) throw new MoverError('permission', summarizeProblems(problems), problems);

    const [sourceTally] = [...(await talliesOf(db, [source])).values()];
    for (const a of allMoving) tallyAlert(sourceTally!, a, -1);
    const updatedSource = withTally(source, sourceTally!, at);
    const tokens = moving.map((_, k) => (k === 0 ? firstToken : ctx.newToken()));

    const created: Incident[] = [];
    const movedAlerts: Alert[] = [];
    const entries: NewEntry[] = [];
    const records: MoveRecord[] = [];
    for (const [k, group] of moving.entries()) {
      const id = await allocateIncidentId(db);
      const moved = group.map((a) => ({
        ...a,
        incidentId: id,
        version: a.version + 1,
        lastUpdateDateTime: at,
      }));
      const incident = withTally(
        {
          id,
          displayName: autoIncidentName(moved),
          status: 'active',
          severity: 'unknown',
          createdDateTime: at,
          lastUpdateDateTime: at,
          version: 0,
          origin: 'local',
          alertCount: 0,
          categories: [],
          serviceSources: [],
          detectionSources: [],
          assets: [],
          scopes: [],
        },
        tallyOf(moved),
        at,
      );
      created.push(incident);
      movedAlerts.push(...moved);
      const names = {
        incidents: { [source.id]: source.displayName, [id]: incident.displayName },
        alerts: titles(group),
      };
      const entry = (incidentId: string, kind: string, extra: Partial<NewEntry> = {}) =>
        ({
          incidentId,
          at,
          actor,
          kind,
          alertIds: group.map((a) => a.id),
          fromIncidentIds: [source.id],
          toIncidentId: id,
          comment,
          reasons: [],
          names,
          moveToken: tokens[k]!,
          ...extra,
        }) satisfies NewEntry;
      entries.push(
        entry(id, 'incidentCreated', {
          comment: `Split from incident ${source.id} "${source.displayName}": ${comment}`,
        }),
        entry(id, 'alertCorrelated'),
        entry(source.id, 'alertMovedOut', {
          comment: `Split into new incident ${id} "${incident.displayName}": ${comment}`,
        }),
      );
      records.push({
        token: tokens[k]!,
        at,
        actor,
        comment,
        destinationIncidentId: id,
        createdIncident: true,
        alerts: group.map((a, i) => ({
          alertId: a.id,
          fromIncidentId: source.id,
          versionAfter: moved[i]!.version,
        })),
        incidents: [
          {
            id,
            displayName: incident.displayName,
            severity: incident.severity,
            status: incident.status,
            versionAfter: incident.version,
          },
          {
            id: source.id,
            displayName: source.displayName,
            severity: source.severity,
            status: source.status,
            versionAfter: updatedSource.version,
          },
        ],
        emptiedIncidentIds: [],
        batch: tokens,
      });
    }

    const result: MoveResult = {
      destinationIncidentId: created[0]!.id,
      destinationName: created[0]!.displayName,
      createdIncident: true,
      movedAlertIds: allMoving.map((a) => a.id),
      skippedAlertIds: [],
      emptiedIncidentIds: [],
      undoToken: firstToken,
      batchTokens: tokens,
      split: { incidentId: source.id, createdIncidentIds: created.map((i) => i.id) },
    };
    await db.alerts.bulkPut(movedAlerts);
    await db.incidents.bulkPut([updatedSource, ...created]);
    await addActivity(db, entries);
    await db.moves.bulkAdd(records.map((r, k) => (k === 0 ? { ...r, result } : r)));
    return result;
  });
}
