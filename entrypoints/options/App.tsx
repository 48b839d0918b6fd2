import { ConnectorsSection } from '@/components/options/ConnectorsSection';
import { DataSection } from '@/components/options/DataSection';
import { PermissionsSection } from '@/components/options/PermissionsSection';
import { ProfileSection } from '@/components/options/ProfileSection';

export function App() {
  return (
    <main class="options">
      <h1>Incident Mover</h1>
      <ProfileSection />
      <PermissionsSection />
      <DataSection />
      <ConnectorsSection />
    </main>
  );
}
