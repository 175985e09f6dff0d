import { useQuery } from '@tanstack/react-query';
import { engine } from './engine';
import { queryClient } from './query';
import { useUi } from '../state/store';
import { engineStatusQuery } from '../features/timeline/queries';

async function recover(): Promise<void> {
  try {
    await engine().recoverDamagedDatabase();
    useUi.getState().reset();
    await queryClient.resetQueries();
  } catch (error) {
    useUi.getState().report(error);
  }
}

/** Says plainly when the database cannot be used, and offers the way out; and what last failed. */
export function StatusBanner() {
  const status = useQuery(engineStatusQuery).data;
  const error = useUi((s) => s.error);
  const dismiss = useUi((s) => s.dismissError);
  if (status?.state === 'damaged') {
    return (
      <div role="alert" className="banner banner-error">
        <p>
          Corgi's database on this computer is damaged ({status.detail}). Recovering keeps a copy of the
          damaged file and starts an empty database; your Mastodon accounts will fill it again.
        </p>
        <button type="button" onClick={() => void recover()}>
          Keep a copy and start fresh
        </button>
      </div>
    );
  }
  if (error) {
    return (
      <div role="alert" className="banner banner-error">
        <span>{error.message}</span>{' '}
        <button type="button" className="link-button" onClick={dismiss}>
          Dismiss
        </button>
      </div>
    );
  }
  return null;
}
