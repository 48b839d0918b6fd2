import { ACCESS_LEVELS, type Access, UNSCOPED } from '@/lib/model';
import { profileItem } from '@/lib/settings/profile';
import { useDb } from '../hooks/db-context';
import { useLiveQuery } from '../hooks/use-live-query';
import { useProfile } from '../hooks/use-profile';

const ACCESS_LABELS: Record<Access, string> = { none: 'None', read: 'Read', readWrite: 'Read and write' };

/** The analyst's rights, as in the seed's prerequisites: view the incidents queue, and access per device group. */
export function PermissionsSection() {
  const db = useDb();
  const { profile } = useProfile();
  const groups = useLiveQuery(async () => {
    const keys = (await db.alerts.orderBy('scope').uniqueKeys()) as string[];
    return [...new Set([...keys, ...Object.keys(profile.scopes)])].sort((a, b) =>
      a === UNSCOPED ? 1 : b === UNSCOPED ? -1 : a.localeCompare(b),
    );
  }, [db, profile.scopes]);

  const update = (patch: Partial<typeof profile>) => profileItem.setValue({ ...profile, ...patch });

  return (
    <section aria-labelledby="permissions-title">
      <h2 id="permissions-title">Permissions</h2>
      <p class="muted">
        Moving alerts needs permission to view the incidents queue, and read and write on every alert’s device
        group. Alerts in a group set to None are not shown anywhere.
      </p>
      <label class="row">
        <input
          type="checkbox"
          checked={profile.canViewIncidentsQueue}
          onChange={(e) => void update({ canViewIncidentsQueue: e.currentTarget.checked })}
        />
        View incidents queue
      </label>
      {groups.status === 'ready' && groups.data.length > 0 ? (
        <table>
          <caption class="visually-hidden">Access per device group</caption>
          <thead>
            <tr>
              <th scope="col">Device group</th>
              <th scope="col">Access</th>
            </tr>
          </thead>
          <tbody>
            {groups.data.map((g) => (
              <tr key={g}>
                <th scope="row">{g}</th>
                <td>
                  <select
                    aria-label={g}
                    value={profile.scopes[g] ?? profile.defaultAccess}
                    onChange={(e) =>
                      void update({ scopes: { ...profile.scopes, [g]: e.currentTarget.value as Access } })
                    }
                  >
                    {ACCESS_LEVELS.map((a) => (
                      <option key={a} value={a}>
                        {ACCESS_LABELS[a]}
                      </option>
                    ))}
                  </select>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="muted">Device groups appear here once the store has alerts.</p>
      )}
    </section>
  );
}
