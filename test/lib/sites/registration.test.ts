import { describe, expect, it } from 'vitest';
import type { SiteAdapter } from '@/lib/sites/adapters';
import {
  CONTENT_SCRIPT_ID,
  type ContentScriptRegistration,
  type RegistrationApis,
  syncRegistrations,
} from '@/lib/sites/registration';

const site = (id: string, urlPattern: string, enabled = true): SiteAdapter => ({
  id,
  name: id,
  enabled,
  urlPattern,
  rowSelector: 'tr[data-alert-id]',
  idFrom: { kind: 'attribute', name: 'data-alert-id' },
});

function fakeApis(granted: string[], sites: unknown[]) {
  const state = { registered: [] as ContentScriptRegistration[], sites };
  const apis: RegistrationApis = {
    hasOrigin: async (o) => granted.includes(o),
    getRegistered: async () => state.registered,
    register: async (s) => {
      state.registered.push(s);
    },
    update: async (s) => {
      state.registered = state.registered.map((r) => (r.id === s.id ? s : r));
    },
    unregister: async (ids) => {
      state.registered = state.registered.filter((r) => !ids.includes(r.id));
    },
    readSites: async () => state.sites,
    writeSites: async (s) => {
      state.sites = s;
    },
  };
  return { apis, state };
}

describe('content script registration follows the sites and the granted permissions', () => {
  it('registers only on granted origins of enabled sites, never a broad pattern', async () => {
    const { apis, state } = fakeApis(
      ['https://siem.example.com/*'],
      [site('siem', 'https://siem.example.com/alerts/*'), site('off', 'https://off.example.com/*', false)],
    );
    const r = await syncRegistrations(apis);
    expect(r.registered).toEqual(['https://siem.example.com/*']);
    expect(state.registered).toHaveLength(1);
    expect(state.registered[0]).toMatchObject({
      id: CONTENT_SCRIPT_ID,
      matches: ['https://siem.example.com/*'],
    });
  });

  it('switches off a site whose permission was revoked, says so, and unregisters when nothing is left', async () => {
    const { apis, state } = fakeApis(
      ['https://siem.example.com/*'],
      [site('siem', 'https://siem.example.com/*')],
    );
    await syncRegistrations(apis);
    const revoked = fakeApis([], state.sites);
    revoked.state.registered = state.registered;
    const r = await syncRegistrations(revoked.apis);
    expect(r.disabled).toEqual(['siem']);
    expect(r.registered).toEqual([]);
    expect(revoked.state.registered).toEqual([]);
    expect((revoked.state.sites[0] as SiteAdapter).enabled).toBe(false);
  });

  it('ignores malformed stored sites instead of registering them', async () => {
    const { apis, state } = fakeApis(
      ['https://x.example.com/*'],
      [{ id: 'bad', urlPattern: 'javascript:alert(1)' }, 42, null],
    );
    const r = await syncRegistrations(apis);
    expect(r.registered).toEqual([]);
    expect(state.registered).toEqual([]);
  });
});
