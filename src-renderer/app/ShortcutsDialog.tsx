import { useEffect, useRef } from 'react';
import { POST_ACTIONS } from '../features/post/actions';
import { GLOBAL_SHORTCUTS } from './shortcuts';

/** Every keyboard shortcut, from the same lists the keys are handled from. */
export function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  const rows = [
    ...GLOBAL_SHORTCUTS,
    ...POST_ACTIONS.filter((a) => a.key).map((a) => ({
      keys: a.key!,
      label: `${a.label} (the post in focus)`,
    })),
  ];
  return (
    <dialog ref={dialog} className="dialog" aria-labelledby="shortcuts-title" onClose={onClose}>
      <h2 id="shortcuts-title">Keyboard shortcuts</h2>
      <table className="shortcuts">
        <tbody>
          {rows.map((row) => (
            <tr key={row.keys}>
              <th scope="row">
                {row.keys.split(' ').map((key, i) => (
                  <kbd key={i}>{key}</kbd>
                ))}
              </th>
              <td>{row.label}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form method="dialog">
        <button type="submit">Close</button>
      </form>
    </dialog>
  );
}
