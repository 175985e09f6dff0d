/**
 * The page's entry, kept small so that it runs as soon as it arrives: it starts the data worker
 * (boot.ts), whose own start (its code, SQLite, the database) is the longest part of opening, and
 * then loads the screen's code beside it.
 */
import './boot';
import './styles.css';

import('./start').catch((error: unknown) => {
  document.getElementById('root')!.textContent = `Corgi could not start: ${String(error)}`;
});
