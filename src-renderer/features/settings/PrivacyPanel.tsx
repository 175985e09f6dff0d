import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { PRIVACY_LEVELS, type PrivacyLevel } from '../../../src-shared/worker-api';
import { engine } from '../../app/engine';
import { useUi } from '../../state/store';
import { deleteEverything, updatePrivacy } from './commands';
import { privacyQuery } from './queries';
import { saveExport } from './save-export';

const LEVEL_TEXT: Record<PrivacyLevel, string> = {
  NONE: 'Keep only my Mastodon actions; record no views, reading time or feedback.',
  LIMITED: 'Record reading signals, and fold them into summaries after the retention period.',
  FULL: 'Keep every reading signal until I delete it.',
};

export function PrivacyPanel() {
  const privacy = useQuery(privacyQuery).data;
  const report = useUi((s) => s.report);
  const [confirming, setConfirming] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  if (!privacy) return null;

  async function exportAll() {
    try {
      const bundle = await engine().privacy.exportEverything();
      const where = await saveExport(bundle);
      setMessage(where ? `Exported to ${where}.` : 'Export cancelled.');
    } catch (error) {
      report(error);
    }
  }

  return (
    <section className="privacy" aria-label="Privacy and data">
      <h2>Privacy and data</h2>
      <fieldset>
        <legend>What Corgi keeps on this computer</legend>
        {PRIVACY_LEVELS.map((level) => (
          <label key={level}>
            <input
              type="radio"
              name="privacy-level"
              value={level}
              checked={privacy.level === level}
              onChange={() => void updatePrivacy({ level })}
            />
            <strong>{level}</strong> {LEVEL_TEXT[level]}
          </label>
        ))}
      </fieldset>
      <label>
        Retention (days){' '}
        <input
          type="number"
          min={1}
          max={3650}
          defaultValue={privacy.retentionDays}
          key={privacy.retentionDays}
          disabled={privacy.level === 'FULL'}
          onBlur={(e) => void updatePrivacy({ retentionDays: Number(e.currentTarget.value) })}
        />
      </label>
      <div className="privacy-actions">
        <button type="button" onClick={() => void exportAll()}>
          Export everything
        </button>
        {confirming ? (
          <span role="alertdialog" aria-label="Confirm delete everything">
            Delete every post, interaction and setting from this computer?{' '}
            <button
              type="button"
              className="danger"
              onClick={() => {
                setConfirming(false);
                void deleteEverything().then((done) => done && setMessage('Everything was deleted.'));
              }}
            >
              Delete for good
            </button>{' '}
            <button type="button" onClick={() => setConfirming(false)}>
              Keep my data
            </button>
          </span>
        ) : (
          <button type="button" className="danger" onClick={() => setConfirming(true)}>
            Delete everything
          </button>
        )}
      </div>
      {message && <p role="status">{message}</p>}
    </section>
  );
}
