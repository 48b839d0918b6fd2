import { useEffect, useState } from 'preact/hooks';
import { errorMessage, send } from '@/lib/messaging/client';
import {
  type ConnectorSettings,
  connectorOrigins,
  connectorRedirectUri,
  connectorSettingsItem,
  connectorSettingsSchema,
  DEFAULT_CONNECTOR_SETTINGS,
  requestConnectorAccess,
  settingsProblems,
} from '@/lib/settings/connector';
import { SyncStatus } from '../sync/SyncStatus';

type Form = { [K in keyof ConnectorSettings]: ConnectorSettings[K] extends boolean ? boolean : string };

const LABELS: Record<keyof ConnectorSettings, string> = {
  enabled: 'Sync with Microsoft Defender',
  tenantId: 'Tenant ID',
  clientId: 'Application (client) ID',
  graphBaseUrl: 'Microsoft Graph URL',
  authorityBaseUrl: 'Sign-in URL',
};

/** The form's problems as sentences naming the field, or the valid settings. */
function validate(form: Form): { ok: true; settings: ConnectorSettings } | { ok: false; problems: string[] } {
  const parsed = connectorSettingsSchema.safeParse(form);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map(
        (i) => `${LABELS[i.path[0] as keyof ConnectorSettings] ?? 'A field'} ${i.message}.`,
      ),
    };
  }
  return { ok: true, settings: parsed.data };
}

/**
 * Connectors: Microsoft Defender through the Microsoft Graph security API. Settings are saved in
 * extension storage; host access is asked for on the click that needs it; sign-in and sync run in
 * the background (tokens never reach this page).
 */
export function ConnectorsSection() {
  const [form, setForm] = useState<Form>(DEFAULT_CONNECTOR_SETTINGS);
  const [message, setMessage] = useState<{ ok: boolean; text: string; problems?: string[] } | null>(null);
  const [busy, setBusy] = useState(false);
  const redirectUri = connectorRedirectUri();

  useEffect(() => {
    const apply = (value: unknown) => {
      const parsed = connectorSettingsSchema.safeParse(value);
      if (parsed.success) setForm(parsed.data);
    };
    void connectorSettingsItem.getValue().then(apply);
    return connectorSettingsItem.watch(apply);
  }, []);

  const field = (key: Exclude<keyof ConnectorSettings, 'enabled'>, hint?: string) => (
    <label class="field">
      {LABELS[key]}
      <input
        value={form[key]}
        onInput={(e) => setForm({ ...form, [key]: e.currentTarget.value })}
        spellcheck={false}
        autoComplete="off"
        {...(hint ? { placeholder: hint } : {})}
      />
    </label>
  );

  /**
   * Validates, asks for the hosts' permission (first: it needs this click), then saves. Resolves with
   * the saved settings, or undefined after saying what is wrong.
   */
  const saveWith = async (changes: Partial<Form>): Promise<ConnectorSettings | undefined> => {
    const v = validate({ ...form, ...changes });
    if (!v.ok) {
      setMessage({ ok: false, text: 'The connector was not saved.', problems: v.problems });
      return undefined;
    }
    if (v.settings.enabled) {
      let granted = false;
      try {
        granted = await requestConnectorAccess(v.settings);
      } catch {
        granted = false;
      }
      if (!granted) {
        setMessage({
          ok: false,
          text: `The connector needs access to ${connectorOrigins(v.settings).join(' and ')}; it was not granted, so nothing was saved.`,
        });
        return undefined;
      }
    }
    await connectorSettingsItem.setValue(v.settings);
    return v.settings;
  };

  const save = async (e: Event) => {
    e.preventDefault();
    const saved = await saveWith({});
    if (!saved) return;
    if (saved.enabled) {
      setMessage({ ok: true, text: 'Connector saved and turned on.' });
      return;
    }
    // Off means no sync at all: the sign-in goes too, so the status says what is true.
    try {
      await send({ type: 'sync.signOut' });
      setMessage({ ok: true, text: 'Connector saved and turned off; you are signed out.' });
    } catch (err) {
      setMessage({ ok: false, text: errorMessage(err) });
    }
  };

  const signIn = async () => {
    const missing = settingsProblems({
      ...DEFAULT_CONNECTOR_SETTINGS,
      tenantId: form.tenantId.trim(),
      clientId: form.clientId.trim(),
    });
    if (missing.length) {
      setMessage({ ok: false, text: missing.join(' ') });
      return;
    }
    const saved = await saveWith({ enabled: true });
    if (!saved) return;
    setBusy(true);
    setMessage({ ok: true, text: 'Signing in…' });
    try {
      await send({ type: 'sync.signIn' });
      setMessage({ ok: true, text: 'Signed in. The first sync has started.' });
    } catch (err) {
      setMessage({ ok: false, text: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };

  const signOut = async () => {
    try {
      await send({ type: 'sync.signOut' });
      setMessage({ ok: true, text: 'Signed out. Moves are now kept in this browser only.' });
    } catch (err) {
      setMessage({ ok: false, text: errorMessage(err) });
    }
  };

  return (
    <section aria-labelledby="connectors-title">
      <h2 id="connectors-title">Connectors</h2>
      <p class="muted">
        Microsoft Defender, through the Microsoft Graph security API: incidents and alerts come from your
        tenant, and your moves go to it. Register an application in Microsoft Entra ID with the redirect URI
        below as a single-page application (SPA) redirect URI, and the delegated permissions
        SecurityIncident.Read.All, SecurityAlert.Read.All and SecurityData.Manage.All.
      </p>
      <form onSubmit={save}>
        <label class="row">
          <input
            type="checkbox"
            checked={form.enabled}
            onChange={(e) => setForm({ ...form, enabled: e.currentTarget.checked })}
          />
          {LABELS.enabled}
        </label>
        {field('tenantId', 'contoso.onmicrosoft.com or a GUID')}
        {field('clientId', '00000000-0000-0000-0000-000000000000')}
        {field('graphBaseUrl')}
        {field('authorityBaseUrl')}
        {redirectUri && (
          <p class="field">
            <span>Redirect URI</span>
            <code>{redirectUri}</code>
          </p>
        )}
        <div class="row">
          <button type="submit">Save connector</button>
          <button type="button" class="primary" onClick={signIn} disabled={busy}>
            Sign in
          </button>
          <button type="button" onClick={signOut}>
            Sign out
          </button>
        </div>
      </form>
      {message && (
        <div role={message.ok ? 'status' : 'alert'} class={message.ok ? 'ok' : 'error'}>
          <p>{message.text}</p>
          {message.problems && (
            <ul>
              {message.problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      <SyncStatus />
    </section>
  );
}
