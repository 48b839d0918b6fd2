// The benchmark's data: the Graph-shaped file it imports must be a valid import of the same tenant, and
// slices generated separately must add up to one consistent store.
import { describe, expect, it } from 'vitest';
import { normalizeTenant, toGraphFile } from '@/entrypoints/bench/tenant';
import { parseImport } from '@/lib/data/import';
import { generateTenant } from '@/lib/data/sample';

const now = '2026-11-27T08:00:00.000Z';

describe('bench tenant', () => {
  it('turns a generated tenant into a Graph file that imports every alert and incident, without local fields', () => {
    const tenant = normalizeTenant(generateTenant({ incidents: 40, alerts: 200, seed: 7, now }), now);
    expect(tenant.incidents).toHaveLength(40);
    expect(tenant.alerts).toHaveLength(200);

    const file = toGraphFile(tenant);
    const parsed = parseImport(file);
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    expect(parsed.data.incidents).toHaveLength(40);
    expect(parsed.data.incidents.flatMap((i) => i.alerts ?? [])).toHaveLength(200);

    const body = JSON.parse(file) as { value: Record<string, unknown>[] };
    const first = body.value[0]!;
    expect(first).not.toHaveProperty('alertCount');
    expect(first).not.toHaveProperty('version');
    expect((first.alerts as Record<string, unknown>[])[0]).not.toHaveProperty('scope');
  });

  it('shifts incident ids of a later slice and skips alerts already in the store', () => {
    const seen = new Set<string>();
    const first = normalizeTenant(generateTenant({ incidents: 10, alerts: 50, seed: 1, now }), now, 0, seen);
    const again = normalizeTenant(
      generateTenant({ incidents: 10, alerts: 50, seed: 1, now }),
      now,
      1_000_000,
      seen,
    );
    expect(again.alerts).toHaveLength(0);

    const second = normalizeTenant(
      generateTenant({ incidents: 10, alerts: 50, seed: 2, now }),
      now,
      1_000_000,
      seen,
    );
    const firstIds = new Set(first.incidents.map((i) => i.id));
    const secondIds = new Set(second.incidents.map((i) => i.id));
    expect([...secondIds].some((id) => firstIds.has(id))).toBe(false);
    for (const alert of second.alerts) expect(secondIds.has(alert.incidentId)).toBe(true);
    const counted = second.incidents.reduce((n, i) => n + i.alertCount, 0);
    expect(counted).toBe(second.alerts.length);
  });
});
