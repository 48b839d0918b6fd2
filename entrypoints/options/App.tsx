import { ConnectorsSection } from '@/components/options/ConnectorsSection';
import { DataSection } from '@/components/options/DataSection';
import { PermissionsSection } from '@/components/options/PermissionsSection';
import { ProfileSection } from '@/components/options/ProfileSection';
import { SitesSection } from '@/components/options/SitesSection';

export function App() {
  return (
    <main class="options">
      <h1>Incident Mover</h1>
      <ProfileSection />
      <PermissionsSection />
      <SitesSection />
      <DataSection />
      <ConnectorsSection />
    </main>
  );
}
