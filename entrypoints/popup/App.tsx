import { openWorkspace } from '@/lib/client';

export function App() {
  return (
    <main style={{ width: '360px', padding: '10px' }}>
      <h1 style={{ fontSize: '14px' }}>Incident Mover</h1>
      <button type="button" class="primary" onClick={() => void openWorkspace()}>
        Open side panel
      </button>
    </main>
  );
}
