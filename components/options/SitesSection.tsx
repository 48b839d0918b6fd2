import { useEffect, useState } from 'preact/hooks';
import { errorMessage, send } from '@/lib/messaging/client';
import { sitesItem } from '@/lib/settings/sites';
import { effectiveAdapters, originOf, type SiteAdapter, validateAdapter } from '@/lib/sites/adapters';
import { type ProbeResult, requestOrigin, testAdapterOnCurrentTab } from '@/lib/sites/probe';

type IdKind = SiteAdapter['idFrom']['kind'];
interface Draft {
  id?: string;
  name: string;
  urlPattern: string;
  rowSelector: string;
  idKind: IdKind;
  attribute: string;
  pattern: string;
}
const EMPTY: Draft = {
  name: '',
  urlPattern: '',
  rowSelector: '[data-alert-id]',
  idKind: 'attribute',
  attribute: 'data-alert-id',
  pattern: '',
};

function toAdapter(d: Draft): unknown {
  const idFrom =
    d.idKind === 'attribute'
      ? { kind: 'attribute', name: d.attribute }
      : d.idKind === 'text'
        ? { kind: 'text', pattern: d.pattern }
        : { kind: 'href', pattern: d.pattern };
  let name = d.name.trim();
  if (!name)
    name =
      originOf(d.urlPattern)
        ?.replace(/^\*?:?\/\/|\/\*$/g, '')
        .replace(/^[a-z*]+:\/\//, '') || 'My site';
  return {
    id: d.id ?? `site:${crypto.randomUUID()}`,
    name,
    enabled: true,
    urlPattern: d.urlPattern,
    rowSelector: d.rowSelector,
    idFrom,
    builtIn: false,
  };
}

function fromAdapter(a: SiteAdapter): Draft {
  return {
    id: a.id,
    name: a.name,
    urlPattern: a.urlPattern,
    rowSelector: a.rowSelector,
    idKind: a.idFrom.kind,
    attribute: a.idFrom.kind === 'attribute' ? a.idFrom.name : '',
    pattern: a.idFrom.kind === 'attribute' ? '' : a.idFrom.pattern,
  };
}

/** Sites whose pages get move buttons: the built-ins and the analyst's own adapters. */
export function SitesSection() {
  const [stored, setStored] = useState<unknown[]>([]);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [problems, setProblems] = useState<string[]>([]);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [probe, setProbe] = useState<ProbeResult | null>(null);

  useEffect(() => {
    void sitesItem.getValue().then((v) => setStored(Array.isArray(v) ? v : []));
    return sitesItem.watch((v) => setStored(Array.isArray(v) ? v : []));
  }, []);
  const adapters = effectiveAdapters(stored);

  const syncNow = async (saved: string) => {
    try {
      const r = await send({ type: 'sites.sync' });
      const off = r.disabled.length ? ` Switched off (permission removed): ${r.disabled.join(', ')}.` : '';
      setMessage({
        ok: true,
        text: `${saved} Buttons appear on ${r.registered.length ? r.registered.join(', ') : 'no site yet'}.${off}`,
      });
    } catch (e) {
      setMessage({ ok: false, text: errorMessage(e) });
    }
  };

  const writeSite = async (adapter: SiteAdapter) => {
    const list = (await sitesItem.getValue()) ?? [];
    const next = list.some((s) => s.id === adapter.id)
      ? list.map((s) => (s.id === adapter.id ? adapter : s))
      : [...list, adapter];
    await sitesItem.setValue(next);
  };

  const save = async (e: Event) => {
    e.preventDefault();
    if (!draft) return;
    const checked = validateAdapter(toAdapter(draft));
    if (!checked.ok) {
      setProblems(checked.problems);
      return;
    }
    setProblems([]);
    const origin = originOf(checked.adapter.urlPattern)!;
    // Asked now, in the click: the extension holds no host permission until the analyst grants this one.
    const granted = await requestOrigin(origin);
    await writeSite({ ...checked.adapter, enabled: granted });
    setDraft(null);
    if (!granted) {
      setMessage({
        ok: false,
        text: `Saved “${checked.adapter.name}”, switched off: permission for ${origin} was not granted.`,
      });
      return;
    }
    await syncNow(`Saved “${checked.adapter.name}”.`);
  };

  const toggle = async (a: SiteAdapter, enabled: boolean) => {
    if (enabled) {
      const origin = originOf(a.urlPattern);
      if (origin && origin !== '*://*/*' && !(await requestOrigin(origin))) {
        setMessage({ ok: false, text: `“${a.name}” stays off: permission for ${origin} was not granted.` });
        return;
      }
    }
    await writeSite(a.builtIn ? ({ id: a.id, enabled } as SiteAdapter) : { ...a, enabled });
    await syncNow(`“${a.name}” is ${enabled ? 'on' : 'off'}.`);
  };

  const remove = async (a: SiteAdapter) => {
    const list = (await sitesItem.getValue()) ?? [];
    await sitesItem.setValue(list.filter((s) => s.id !== a.id));
    await syncNow(`Removed “${a.name}”.`);
  };

  const test = async () => {
    if (!draft) return;
    const checked = validateAdapter(toAdapter(draft));
    if (!checked.ok) {
      setProblems(checked.problems);
      return;
    }
    setProblems([]);
    setProbe(await testAdapterOnCurrentTab(checked.adapter, originOf(checked.adapter.urlPattern)!));
  };

  const field = (label: string, key: keyof Draft, hint?: string) => (
    <label class="field">
      {label}
      <input
        value={draft?.[key] as string}
        onInput={(e) => setDraft((d) => (d ? { ...d, [key]: e.currentTarget.value } : d))}
        placeholder={hint}
        spellcheck={false}
      />
    </label>
  );

  return (
    <section aria-labelledby="sites-title">
      <h2 id="sites-title">Sites</h2>
      <p class="muted">
        Pages that list alerts get a move button on each alert row. The extension asks for access to a site
        only when you save or switch it on.
      </p>
      <table>
        <caption class="visually-hidden">Sites</caption>
        <thead>
          <tr>
            <th scope="col">On</th>
            <th scope="col">Site</th>
            <th scope="col">URL pattern</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {adapters.map((a) => (
            <tr key={a.id}>
              <td>
                <input
                  type="checkbox"
                  aria-label={`Enabled: ${a.name}`}
                  checked={a.enabled}
                  onChange={(e) => void toggle(a, e.currentTarget.checked)}
                />
              </td>
              <td>{a.name}</td>
              <td>
                <code>{a.urlPattern}</code>
              </td>
              <td>
                {!a.builtIn && (
                  <>
                    <button
                      type="button"
                      onClick={() => {
                        setDraft(fromAdapter(a));
                        setProbe(null);
                      }}
                      aria-label={`Edit ${a.name}`}
                    >
                      Edit
                    </button>{' '}
                    <button
                      type="button"
                      class="danger"
                      onClick={() => void remove(a)}
                      aria-label={`Remove ${a.name}`}
                    >
                      Remove
                    </button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {!draft ? (
        <button
          type="button"
          onClick={() => {
            setDraft({ ...EMPTY });
            setProbe(null);
            setProblems([]);
          }}
        >
          Add site
        </button>
      ) : (
        <form onSubmit={save} aria-label={draft.id ? 'Edit site' : 'New site'}>
          {field('Name', 'name', 'SIEM alerts')}
          {field('URL pattern', 'urlPattern', 'https://siem.example.com/*')}
          {field('Alert row selector', 'rowSelector', 'tr[data-alert-id]')}
          <label class="field">
            Read the alert ID from
            <select
              value={draft.idKind}
              onChange={(e) => setDraft({ ...draft, idKind: e.currentTarget.value as IdKind })}
            >
              <option value="attribute">An attribute of the row</option>
              <option value="text">The row’s text (pattern)</option>
              <option value="href">A link’s address (pattern)</option>
            </select>
          </label>
          {draft.idKind === 'attribute'
            ? field('Alert ID attribute', 'attribute', 'data-alert-id')
            : field('Alert ID pattern', 'pattern', '/alerts/([\\w-]+)')}
          {problems.length > 0 && (
            <ul role="alert" class="error">
              {problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          )}
          <div class="row">
            <button type="submit" class="primary">
              Save site
            </button>
            <button type="button" onClick={() => void test()}>
              Test on current tab
            </button>
            <button type="button" onClick={() => setDraft(null)}>
              Cancel
            </button>
          </div>
          <div role="status" aria-live="polite">
            {probe?.ok === true &&
              `${probe.count} alert rows found${probe.firstIds.length ? `: ${probe.firstIds.join(', ')}` : ''}${probe.skipped ? ` (${probe.skipped} rows without a readable alert ID)` : ''}.`}
            {probe?.ok === false && <span class="error">{probe.message}</span>}
          </div>
        </form>
      )}
      {message && (
        <p role={message.ok ? 'status' : 'alert'} class={message.ok ? 'ok' : 'error'}>
          {message.text}
        </p>
      )}
    </section>
  );
}
