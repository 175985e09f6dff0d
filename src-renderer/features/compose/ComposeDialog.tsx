import { useEffect, useRef, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { PublishInput } from '../../../src-shared/worker-api';
import { engine } from '../../app/engine';
import { useUi } from '../../state/store';
import { accountsQuery } from '../accounts/queries';
import { EMPTY_DRAFT } from './slice';

/** Mastodon's own limit where a server does not say. */
const DEFAULT_LIMIT = 500;
/** Mastodon counts every link as this many characters, however long it is. */
const LINK_LENGTH = 23;
const LANGUAGES = ['en', 'de', 'fr', 'es', 'it', 'nl', 'pt', 'sv', 'da', 'fi', 'pl', 'cs', 'ja', 'ko', 'zh'];
const languageNames = new Intl.DisplayNames(undefined, { type: 'language' });

const VISIBILITIES: [NonNullable<PublishInput['visibility']>, string][] = [
  ['public', 'Public'],
  ['unlisted', 'Quiet public'],
  ['private', 'Followers'],
  ['direct', 'Mentioned people only'],
];

/** How long Mastodon counts a text: links count as 23, a mention by its name without the server. */
export function postLength(text: string): number {
  return [...text.replace(/https?:\/\/\S+/g, 'x'.repeat(LINK_LENGTH)).replace(/(@\w+)@[\w.-]+\w/g, '$1')]
    .length;
}

/** Writing a new post: what it says, its warning, who sees it, its language, through which account. */
export function ComposeDialog() {
  const draft = useUi((s) => s.draft);
  const edit = useUi((s) => s.editDraft);
  const close = useUi((s) => s.closeCompose);
  const discard = useUi((s) => s.discardDraft);
  const report = useUi((s) => s.report);
  const accounts = (useQuery(accountsQuery).data ?? []).filter((a) => a.state === 'active');
  // The draft's account only while it is still signed in and working; else the default one.
  const accountId =
    accounts.find((a) => a.id === draft.accountId)?.id ??
    accounts.find((a) => a.isDefault)?.id ??
    accounts[0]?.id ??
    null;
  const info = useQuery({
    queryKey: ['server-info', accountId],
    queryFn: () => engine().servers.info(accountId!),
    enabled: accountId !== null,
  }).data;
  const limit = info?.maxCharacters ?? DEFAULT_LIMIT;
  const [sending, setSending] = useState(false);
  const [warning, setWarning] = useState(draft.spoilerText !== '');
  const left = limit - postLength(draft.text) - (warning ? postLength(draft.spoilerText) : 0);
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);

  async function publish() {
    if (accountId === null) return;
    setSending(true);
    try {
      await engine().actions.publish({
        accountId,
        text: draft.text,
        spoilerText: warning ? draft.spoilerText : '',
        visibility: draft.visibility,
        language: draft.language,
      });
      discard();
      close();
    } catch (error) {
      report(error);
    } finally {
      setSending(false);
    }
  }

  return (
    <dialog ref={dialog} className="dialog compose" aria-labelledby="compose-title" onClose={close}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void publish();
        }}
      >
        <h2 id="compose-title">New post</h2>
        {accounts.length === 0 && <p>Sign in to an account to post.</p>}
        {accounts.length > 1 && (
          <label>
            Post as{' '}
            <select
              value={accountId ?? ''}
              onChange={(e) => edit({ accountId: Number(e.currentTarget.value) })}
            >
              {accounts.map((a) => (
                <option key={a.id} value={a.id}>
                  @{a.acct}
                </option>
              ))}
            </select>
          </label>
        )}
        {warning && (
          <input
            aria-label="Content warning"
            placeholder="Content warning"
            value={draft.spoilerText}
            onChange={(e) => edit({ spoilerText: e.currentTarget.value })}
          />
        )}
        <textarea
          aria-label="Post text"
          placeholder="What is on your mind?"
          rows={6}
          value={draft.text}
          onChange={(e) => edit({ text: e.currentTarget.value })}
          // The dialog opens to be written in.
          autoFocus
        />
        <div className="compose-options">
          <label>
            <input type="checkbox" checked={warning} onChange={(e) => setWarning(e.currentTarget.checked)} />{' '}
            Content warning
          </label>
          <select
            aria-label="Visibility"
            value={draft.visibility}
            onChange={(e) => edit({ visibility: e.currentTarget.value as (typeof VISIBILITIES)[number][0] })}
          >
            {VISIBILITIES.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
          <select
            aria-label="Language"
            value={draft.language ?? ''}
            onChange={(e) => edit({ language: e.currentTarget.value || null })}
          >
            <option value="">Language: as the server guesses</option>
            {LANGUAGES.map((code) => (
              <option key={code} value={code}>
                {languageNames.of(code) ?? code}
              </option>
            ))}
          </select>
          <output className={left < 0 ? 'counter over' : 'counter'} aria-live="polite">
            {left} characters left
          </output>
        </div>
        <div className="compose-actions">
          <button
            type="button"
            onClick={() => {
              discard();
              setWarning(false);
            }}
            disabled={draft === EMPTY_DRAFT}
          >
            Discard
          </button>
          <button type="button" onClick={close}>
            Close (keep the draft)
          </button>
          <button
            type="submit"
            className="primary"
            disabled={sending || accountId === null || draft.text.trim() === '' || left < 0}
          >
            Publish
          </button>
        </div>
      </form>
    </dialog>
  );
}
