/**
 * The alerts table of the alerts queue and of the incident's Alerts tab: virtualized, read a window at a
 * time through the indexes, every row with its `Select alert …` checkbox.
 */
import type { ComponentChildren } from 'preact';
import { useCallback, useState } from 'preact/hooks';
import type { Alert } from '@/lib/model';
import type { QueuePlan } from '@/lib/store/queue';
import { useDb } from '../hooks/db-context';
import { useLiveQuery } from '../hooks/use-live-query';
import { AlertRow, AlertsHeadCells, LoadingAlertRow } from './AlertRows';
import { QueueStatus } from './QueueStatus';
import { type QueueView, useQueue } from './use-queue';
import { clickSelect, SELECT_CAP, type Selection } from './use-selection';
import { ROW_HEIGHT, VirtualTable } from './VirtualTable';

interface AlertsTableProps {
  plan: QueuePlan<Alert>;
  selection: Selection;
  /** Identity of the list for Shift-click ranges (changes with the filters). */
  listKey: string;
  showIncident?: boolean;
  label?: string;
  empty: ComponentChildren;
  sortDir?: 'asc' | 'desc';
  onSortLastActivity?(): void;
}

export function AlertsTable({
  plan,
  selection,
  listKey,
  showIncident,
  label = 'Alerts',
  empty,
  sortDir,
  onSortLastActivity,
}: AlertsTableProps) {
  const db = useDb();
  const view = useQueue(plan);
  const [note, setNote] = useState<string | undefined>();
  const [range, setRange] = useState<[number, number]>([0, 0]);

  // Names of the incidents the rows on screen belong to (a handful of gets, live).
  const visible: Alert[] = [];
  for (let i = range[0]; i <= range[1]; i++) {
    const a = view.rowAt(i);
    if (a) visible.push(a);
  }
  const incidentIds = showIncident ? [...new Set(visible.map((a) => a.incidentId))].sort() : [];
  const idsKey = incidentIds.join('\n');
  const names = useLiveQuery(async () => {
    const rows = await db.incidents.bulkGet(incidentIds);
    return new Map(rows.flatMap((r) => (r ? [[r.id, r.displayName] as const] : [])));
  }, [db, idsKey]);

  const total = view.rowCount;
  const loadedSelected = visible.length > 0 && visible.every((a) => selection.has(a.id));
  const allSelected =
    !!view.count && total > 0 && loadedSelected && selection.size >= Math.min(total, SELECT_CAP);
  const someSelected = !allSelected && visible.some((a) => selection.has(a.id));

  const selectAll = async () => {
    if (!view.count) return;
    const n = Math.min(view.count.total, SELECT_CAP);
    const ids = await view.readIds(0, n);
    selection.setMany(ids, !allSelected);
    setNote(
      !allSelected && view.count.total > SELECT_CAP
        ? `Selected the first ${SELECT_CAP.toLocaleString('en')}; narrow the filters to select the rest.`
        : undefined,
    );
  };

  const showIncidentCol = !!showIncident;
  const colSpan = showIncidentCol ? 12 : 11;
  const setQueueRange = view.setRange;
  const onRange = useCallback(
    (s: number, e: number) => {
      setQueueRange(s, e);
      setRange((r) => (r[0] === s && r[1] === e ? r : [s, e]));
    },
    [setQueueRange],
  );

  return (
    <div class="queue-body">
      <QueueStatus view={view as QueueView<unknown>} noun={['alert', 'alerts']} />
      {note && <p class="muted">{note}</p>}
      <VirtualTable
        label={label}
        count={total}
        itemHeight={ROW_HEIGHT}
        colSpan={colSpan}
        resetKey={plan.key}
        busy={view.loading || !view.count}
        onRange={onRange}
        getItemKey={(i) => view.rowAt(i)?.id ?? `row-${i}`}
        colgroup={null}
        head={
          <AlertsHeadCells
            showIncident={showIncidentCol}
            allSelected={allSelected}
            someSelected={someSelected}
            selectDisabled={!view.count || total === 0}
            onSelectAll={() => void selectAll()}
            sortDir={sortDir}
            onSortLastActivity={onSortLastActivity}
          />
        }
        empty={
          view.count && view.count.total === 0 ? (
            empty
          ) : view.loading ? (
            <p class="queue-empty muted">Loading alerts…</p>
          ) : null
        }
        renderItem={(index) => {
          const a = view.rowAt(index);
          if (!a) return <LoadingAlertRow key={`row-${index}`} index={index} />;
          return (
            <AlertRow
              key={a.id}
              alert={a}
              index={index}
              checked={selection.has(a.id)}
              showIncident={showIncidentCol}
              incidentName={names.data?.get(a.incidentId)}
              onSelect={(checked, shiftKey) =>
                void clickSelect(selection, listKey, index, a.id, checked, shiftKey, view.readIds)
              }
            />
          );
        }}
      />
    </div>
  );
}
