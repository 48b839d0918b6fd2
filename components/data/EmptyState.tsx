import { DataActions } from './DataActions';

/** What a new analyst sees with an empty store: a way to get data in. */
export function EmptyState() {
  return (
    <section class="empty-state" aria-labelledby="empty-title">
      <h2 id="empty-title">No incidents yet</h2>
      <p class="muted">
        Load a realistic sample tenant to try the extension, or import incidents exported from Microsoft
        Defender (the body of <code>GET /security/incidents?$expand=alerts</code>).
      </p>
      <DataActions />
    </section>
  );
}
