/**
 * Writes test/fixtures/store/v<N>.json: every object store of the current schema version N with its raw
 * records as IndexedDB holds them, and the schema itself, so test/lib/store/migrations.test.ts can rebuild
 * that database long after the code has moved on and open it with the current MoverDB.
 *
 * Run it once per schema version, when the version is added (`node scripts/make-store-fixture.mjs`), and
 * commit the file. It will not overwrite one: once the version is released, its fixture stands for browsers
 * that still hold it and never changes.
 *
 * The data is the sample tenant (12 incidents, 40 alerts) after what an analyst does: moves with reasons, a
 * move into a new incident and its undo, then the Graph connector signing in, one move sent (its new incident
 * renamed to the id Graph gave it) and one still waiting in the outbox. Every input is fixed, so the output
 * is the same on every run.
 */
import 'fake-indexeddb/auto';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, createServerModuleRunner } from 'vite';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'test/fixtures/store');

// Loads the TypeScript in lib/ as the extension runs it (one module graph, so one MoverDB class).
const server = await createServer({
  root,
  configFile: false,
  logLevel: 'error',
  server: { middlewareMode: true, hmr: false, ws: false },
  appType: 'custom',
  resolve: { alias: { '@': root } },
});
const runner = createServerModuleRunner(server.environments.ssr, { hmr: false });
const load = (path) => runner.import(join(root, path));
const { MoverDB } = await load('lib/store/db.ts');
const { schemaOf } = await load('lib/store/migrations.ts');
const { generateTenant, loadSample } = await load('lib/data/sample/index.ts');
const { moveAlerts, undoMove } = await load('lib/move/index.ts');
const { DEFAULT_PROFILE, SYSTEM_ACTOR } = await load('lib/model/index.ts');
const { enqueueMove } = await load('lib/graph/outbox.ts');
const { reserveProvisionalIds } = await load('lib/graph/provisional-ids.ts');
const { drainOutbox } = await load('lib/graph/drain.ts');
const { CONNECTED_SINCE_KEY, updateSyncStatus, writePullState } = await load('lib/graph/state.ts');

const { version, stores } = schemaOf();
const existing = await readdir(outDir).catch(() => []);
if (existing.includes(`v${version}.json`)) {
  console.error(
    `test/fixtures/store/v${version}.json exists: a released version's fixture never changes (delete it first only if version ${version} is unreleased).`,
  );
  process.exit(1);
}

const NOW = '2026-03-02T09:00:00.000Z';
let tick = 0;
const now = () => new Date(Date.parse(NOW) + ++tick * 60_000).toISOString();
let tokens = 0;
const ctx = {
  actor: { displayName: 'Ann Analyst', upn: 'ann@contoso.com' },
  profile: DEFAULT_PROFILE,
  now,
  newToken: () => `00000000-0000-4000-8000-${String(++tokens).padStart(12, '0')}`,
};
let ids = 0;
const newId = () => `10000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`;

const db = new MoverDB(`fixture-v${version}`);
const size = { incidents: 12, alerts: 40, now: NOW };
await loadSample(db, size);
const tenant = generateTenant(size);

// Local moves: a miscorrelated alert back with its own incident, two alerts into a new incident, then Undo.
const [hint] = tenant.miscorrelated;
const byIncident = new Map();
for (const a of await db.alerts.orderBy('id').toArray())
  byIncident.set(a.incidentId, [...(byIncident.get(a.incidentId) ?? []), a]);
const crowded = [...byIncident.values()].filter((list) => list.length >= 3);
const first = hint
  ? { alertIds: [hint.alertId], incidentId: hint.belongsWithIncidentId }
  : { alertIds: [crowded[0][0].id], incidentId: crowded[1][0].incidentId };
await moveAlerts(
  db,
  {
    alertIds: first.alertIds,
    target: { kind: 'existing', incidentId: first.incidentId },
    comment: 'Same device and user as the rest of this incident.',
    reasons: ['sameAsset', 'sameEntity'],
  },
  ctx,
);
const split = await moveAlerts(
  db,
  {
    alertIds: crowded
      .at(-1)
      .slice(0, 2)
      .map((a) => a.id),
    target: { kind: 'new' },
    comment: 'A separate attack: different host, two days apart.',
    reasons: [],
  },
  ctx,
);
await undoMove(db, split.undoToken, ctx);

// The connector signs in; a move into a new incident is sent, Graph answers with its own id.
await db.meta.put({ key: CONNECTED_SINCE_KEY, value: now() });
await reserveProvisionalIds(db);
await updateSyncStatus(db, { signedIn: true, phase: 'idle' });
const sent = await moveAlerts(
  db,
  {
    alertIds: [crowded[0].at(-1).id],
    target: { kind: 'new' },
    comment: 'Unrelated phishing attempt.',
    reasons: [],
  },
  ctx,
);
await enqueueMove(db, sent.undoToken, { now, newId });
// The id Graph gives the new incident: its own numbering, past the sample's 2000…2011.
const graphIncidentId = '2037';
const client = {
  apiBase: 'https://graph.microsoft.com/v1.0',
  async request(method, path) {
    if (method === 'POST') return { targetIncidentId: graphIncidentId };
    if (path.startsWith('/security/incidents/'))
      return {
        id: graphIncidentId,
        displayName: 'Phishing attempt involving one user',
        status: 'active',
        severity: 'medium',
        createdDateTime: now(),
        lastUpdateDateTime: now(),
        incidentWebUrl: `https://security.microsoft.com/incidents/${graphIncidentId}?tid=4c2f6a1e-8b3d-4e9a-9f17-5d0c8e2b7a64`,
      };
    throw new Error(`${method} ${path} is not part of the fixture`);
  },
};
await drainOutbox({ db, client, now, newId, actor: SYSTEM_ACTOR });
await updateSyncStatus(db, { lastSyncAt: now(), lastPushed: 1, lastPulled: 0, lastPullFull: true });
await writePullState(db, { highWater: NOW, runPulled: 0, runPages: 0 });

// One more move, queued but not sent yet (the worker stopped before its next run).
const waiting = await moveAlerts(
  db,
  {
    alertIds: [crowded[1].at(-1).id],
    target: { kind: 'existing', incidentId: crowded[2][0].incidentId },
    comment: 'Lateral movement from the same account.',
    reasons: ['lateralMovement'],
  },
  ctx,
);
await enqueueMove(db, waiting.undoToken, { now, newId });

// Raw records, straight from IndexedDB.
const idb = db.backendDB();
const names = [...idb.objectStoreNames];
const tx = idb.transaction(names, 'readonly');
const tables = {};
await Promise.all(
  names.map(
    (name) =>
      new Promise((resolve, reject) => {
        const request = tx.objectStore(name).getAll();
        request.onsuccess = () => {
          tables[name] = request.result;
          resolve();
        };
        request.onerror = () => reject(request.error);
      }),
  ),
);
db.close();
await server.close();

const fixture = {
  about: `The IndexedDB store at schema version ${version}, made by scripts/make-store-fixture.mjs. Never edit or regenerate.`,
  version,
  stores,
  tables,
};
await mkdir(outDir, { recursive: true });
const file = join(outDir, `v${version}.json`);
await writeFile(file, `${JSON.stringify(fixture, null, 1)}\n`);
console.log(`${file}: ${names.map((n) => `${tables[n].length} ${n}`).join(', ')}`);
