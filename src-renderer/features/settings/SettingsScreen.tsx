import { AppearancePanel } from './AppearancePanel';
import { PrivacyPanel } from './PrivacyPanel';
import { RankingPanel } from './RankingPanel';
import { StoragePanel } from './StoragePanel';

/** How the timeline is ranked, how Corgi looks, and what it keeps. */
export function SettingsScreen() {
  return (
    <div className="screen settings-screen">
      <h1 className="screen-title">Settings</h1>
      <RankingPanel />
      <AppearancePanel />
      <PrivacyPanel />
      <StoragePanel />
    </div>
  );
}
