/**
 * A small record of what the store holds, kept OUTSIDE IndexedDB (in extension storage), so that a store the
 * browser threw away is noticed and said plainly instead of looking like a first start. Chromium discards a
 * corrupted IndexedDB on the next start ("recovering from a corrupted (and deleted) database") and hands the
 * extension a new, empty one: the witness still remembers what was there.
 *
 * Pure: the background reads the store and the stored witness and writes back what this module returns.
 */

/** What the store held, as last seen. `storeId` is the random id written into the store when it was created. */
export interface StoreSnapshot {
  storeId: string;
  incidents: number;
  alerts: number;
  activity: number;
}

/** A store that vanished: what it held and when it was last seen changing. */
export interface LostStore {
  incidents: number;
  alerts: number;
  activity: number;
  lastChangedAt: string;
  detectedAt: string;
}

export interface StoreWitness extends StoreSnapshot {
  /** When the counts last changed. */
  changedAt: string;
  /** Set while a lost store has not been restored or dismissed by the analyst. */
  lost?: LostStore;
}

const holdsData = (s: Pick<StoreSnapshot, 'incidents' | 'alerts' | 'activity'>) =>
  s.incidents + s.alerts + s.activity > 0;

/**
 * The witness after looking at the store as it is now. A store with another id than the one the witness knows,
 * while the witness remembers data, was replaced behind the extension's back: that is a loss, kept until the
 * analyst acts (restore, import, sync or dismiss), however the new store fills meanwhile.
 */
export function reconcileWitness(
  previous: StoreWitness | undefined,
  current: StoreSnapshot,
  now: string,
): StoreWitness {
  if (!previous) return { ...current, changedAt: now };
  const lost =
    previous.lost ??
    (previous.storeId !== current.storeId && holdsData(previous)
      ? {
          incidents: previous.incidents,
          alerts: previous.alerts,
          activity: previous.activity,
          lastChangedAt: previous.changedAt,
          detectedAt: now,
        }
      : undefined);
  const same =
    previous.storeId === current.storeId &&
    previous.incidents === current.incidents &&
    previous.alerts === current.alerts &&
    previous.activity === current.activity;
  return {
    ...current,
    changedAt: same ? previous.changedAt : now,
    ...(lost ? { lost } : {}),
  };
}

/** The witness once the analyst has dealt with a loss (restored, imported, or chose to start empty). */
export function acknowledgeLoss(witness: StoreWitness): StoreWitness {
  const { lost: _lost, ...rest } = witness;
  return rest;
}

/** The witness of a store the analyst emptied on purpose: nothing to miss afterwards. */
export function clearedWitness(storeId: string, now: string): StoreWitness {
  return { storeId, incidents: 0, alerts: 0, activity: 0, changedAt: now };
}

const n = (count: number, one: string, many: string) =>
  `${count.toLocaleString('en')} ${count === 1 ? one : many}`;

/** One sentence for the analyst about a lost store. */
export function describeLoss(lost: LostStore): string {
  return `The extension's local store was lost: it held ${n(lost.incidents, 'incident', 'incidents')}, ${n(
    lost.alerts,
    'alert',
    'alerts',
  )} and ${n(lost.activity, 'activity entry', 'activity entries')} (last changed ${lost.lastChangedAt.slice(0, 16).replace('T', ' ')} UTC). The browser discarded the database, usually after a crash or a full disk.`;
}
