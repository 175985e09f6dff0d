import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { PostRetentionView } from '../../../src-shared/worker-api';
import { engine } from '../../app/engine';
import { keys, queryClient } from '../../app/query';
import { useUi } from '../../state/store';
import { retentionQuery } from './queries';

/** The choices offered; the engine takes any whole number of months from 1 to 120. */
const CHOICES: { months: number | null; label: string }[] = [
  { months: null, label: 'for ever' },
  { months: 1, label: 'for 1 month' },
  { months: 3, label: 'for 3 months' },
  { months: 6, label: 'for 6 months' },
  { months: 12, label: 'for a year' },
  { months: 24, label: 'for 2 years' },
];

const labelOf = (months: number | null): string =>
  CHOICES.find((c) => c.months === months)?.label ?? `for ${months} months`;

function size(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${Math.round(bytes / 1e6)} MB`;
  return `${Math.max(1, Math.round(bytes / 1e3))} kB`;
}

const count = (n: number, one: string, many: string): string =>
  `${n.toLocaleString()} ${n === 1 ? one : many}`;

/**
 * How long posts are kept on this computer. Choosing a limit shows first what it would drop now
 * and about how much room that makes; the posts go in the background, while the app is idle.
 */
export function StoragePanel() {
  const view = useQuery(retentionQuery).data;
  const report = useUi((s) => s.report);
  const [asking, setAsking] = useState<PostRetentionView | null>(null);
  const [counting, setCounting] = useState(false);

  if (!view) return null;
  const setView = (next: PostRetentionView) => queryClient.setQueryData(keys.retention, next);

  async function choose(months: number | null) {
    try {
      if (months === null) {
        setAsking(null);
        setView(await engine().storage.setRetention(null));
        return;
      }
      setCounting(true);
      setAsking(await engine().storage.retention(months));
    } catch (error) {
      report(error);
    } finally {
      setCounting(false);
    }
  }

  async function confirm(months: number) {
    try {
      setView(await engine().storage.setRetention(months));
      setAsking(null);
    } catch (error) {
      report(error);
    }
  }

  const shown = asking?.preview ? asking.preview.keepMonths : view.keepMonths;
  return (
    <section className="storage" aria-label="Storage">
      <h2>Storage</h2>
      <p>
        {count(view.posts, 'post', 'posts')} in {size(view.databaseBytes)} on this computer.
      </p>
      <label>
        Keep posts{' '}
        <select
          value={String(shown)}
          disabled={counting}
          onChange={(e) =>
            void choose(e.currentTarget.value === 'null' ? null : Number(e.currentTarget.value))
          }
        >
          {CHOICES.map((c) => (
            <option key={String(c.months)} value={String(c.months)}>
              {c.label}
            </option>
          ))}
        </select>
      </label>
      {counting && <p role="status">Counting what that would drop…</p>}
      {asking?.preview && asking.preview.keepMonths !== null && (
        <div role="alertdialog" aria-label="Confirm keeping posts">
          <p>
            Keeping posts {labelOf(asking.preview.keepMonths)} drops{' '}
            {count(asking.preview.posts, 'post', 'posts')} now
            {asking.preview.posts > 0 && <> (about {size(asking.preview.bytes)})</>}, and older ones as they
            come of age. Posts you favourited, boosted, replied to, bookmarked or opened stay, as do your own
            and those a kept post quotes or answers.
          </p>
          <button type="button" onClick={() => void confirm(asking.preview!.keepMonths!)}>
            Keep posts {labelOf(asking.preview.keepMonths)}
          </button>{' '}
          <button type="button" onClick={() => setAsking(null)}>
            Cancel
          </button>
        </div>
      )}
      {view.keepMonths !== null && !asking && (
        <p>
          {view.lastRunAt === null
            ? 'Older posts go in the background while Corgi is idle.'
            : `Last pass ${new Date(view.lastRunAt).toLocaleDateString()}: ${count(view.lastDropped, 'post', 'posts')} dropped.`}
        </p>
      )}
    </section>
  );
}
