import { useAppStore } from '../store';

/** Says plainly when the database cannot be used, and offers the way out. */
export function StatusBanner() {
  const status = useAppStore((s) => s.status);
  const error = useAppStore((s) => s.error);
  const recover = useAppStore((s) => s.recover);
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
        {error.message}
      </div>
    );
  }
  return null;
}
