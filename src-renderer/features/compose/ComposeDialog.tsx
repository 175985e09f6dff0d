import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { PublishInput } from '../../../src-shared/worker-api';
import { engine } from '../../app/engine';
import { useUi } from '../../state/store';
import { accountsQuery } from '../accounts/queries';
import { EMPTY_DRAFT, type EditDraft } from './slice';

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

/** The dialog: a new post, or an edit of one of the person's own. */
export function ComposeDialog() {
  const editing = useUi((s) => s.editing);
  return editing ? <EditPost editing={editing} /> : <NewPost />;
}

/** Writing a new post: what it says, its warning, who sees it, its language, through which account. */
function NewPost() {
  const draft = useUi((s) => s.draft);
  const edit = useUi((s) => s.editDraft);
  const close = useUi((s) => s.closeCompose);
  const discard = useUi((s) => s.discardDraft);
  const accounts = (useQuery(accountsQuery).data ?? []).filter((a) => a.state === 'active');
  // The draft's account only while it is still signed in and working; else the default one.
  const accountId =
    accounts.find((a) => a.id === draft.accountId)?.id ??
    accounts.find((a) => a.isDefault)?.id ??
    accounts[0]?.id ??
    null;
  return (
    <PostForm
      title="New post"
      submitLabel="Publish"
      accountId={accountId}
      value={draft}
      onChange={edit}
      onClose={close}
      onSubmit={async (spoilerText) => {
        await engine().actions.publish({
          accountId: accountId!,
          text: draft.text,
          spoilerText,
          visibility: draft.visibility,
          language: draft.language,
        });
        discard();
        close();
      }}
      top={
        <>
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
        </>
      }
      options={
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
      }
      buttons={(resetWarning) => (
        <>
          <button
            type="button"
            onClick={() => {
              discard();
              resetWarning();
            }}
            disabled={draft === EMPTY_DRAFT}
          >
            Discard
          </button>
          <button type="button" onClick={close}>
            Close (keep the draft)
          </button>
        </>
      )}
    />
  );
}

/** Editing one of the person's own posts: its text, warning and language (who sees it stays). */
function EditPost({ editing }: { editing: EditDraft }) {
  const change = useUi((s) => s.changeEdit);
  const close = useUi((s) => s.closeEdit);
  return (
    <PostForm
      title="Edit post"
      submitLabel="Save"
      accountId={editing.accountId}
      value={editing}
      onChange={change}
      onClose={close}
      onSubmit={async (spoilerText) => {
        await engine().actions.perform({
          accountId: editing.accountId,
          statusId: editing.statusId,
          action: 'edit',
          edit: { text: editing.text, spoilerText, language: editing.language },
        });
        close();
      }}
      buttons={() => (
        <button type="button" onClick={close}>
          Cancel
        </button>
      )}
    />
  );
}

interface PostFormProps {
  title: string;
  submitLabel: string;
  /** The account it goes through (for its server's character limit); null when none can. */
  accountId: number | null;
  value: { text: string; spoilerText: string; language: string | null };
  onChange(patch: { text?: string; spoilerText?: string; language?: string | null }): void;
  /** Sends it, with the content warning as it stands (empty when switched off). */
  onSubmit(spoilerText: string): Promise<void>;
  onClose(): void;
  top?: ReactNode;
  options?: ReactNode;
  buttons(resetWarning: () => void): ReactNode;
}

/** The text, the warning, the language and the counter, in a modal dialog. */
function PostForm(props: PostFormProps) {
  const { value, onChange, accountId } = props;
  const report = useUi((s) => s.report);
  const info = useQuery({
    queryKey: ['server-info', accountId],
    queryFn: () => engine().servers.info(accountId!),
    enabled: accountId !== null,
  }).data;
  const limit = info?.maxCharacters ?? DEFAULT_LIMIT;
  const [sending, setSending] = useState(false);
  const [warning, setWarning] = useState(value.spoilerText !== '');
  const left = limit - postLength(value.text) - (warning ? postLength(value.spoilerText) : 0);
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);

  async function submit() {
    if (accountId === null) return;
    setSending(true);
    try {
      await props.onSubmit(warning ? value.spoilerText : '');
    } catch (error) {
      report(error);
    } finally {
      setSending(false);
    }
  }

  return (
    <dialog ref={dialog} className="dialog compose" aria-labelledby="compose-title" onClose={props.onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <h2 id="compose-title">{props.title}</h2>
        {props.top}
        {warning && (
          <input
            aria-label="Content warning"
            placeholder="Content warning"
            value={value.spoilerText}
            onChange={(e) => onChange({ spoilerText: e.currentTarget.value })}
          />
        )}
        <textarea
          aria-label="Post text"
          placeholder="What is on your mind?"
          rows={6}
          value={value.text}
          onChange={(e) => onChange({ text: e.currentTarget.value })}
          // The dialog opens to be written in.
          autoFocus
        />
        <div className="compose-options">
          <label>
            <input type="checkbox" checked={warning} onChange={(e) => setWarning(e.currentTarget.checked)} />{' '}
            Content warning
          </label>
          {props.options}
          <select
            aria-label="Language"
            value={value.language ?? ''}
            onChange={(e) => onChange({ language: e.currentTarget.value || null })}
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
          {props.buttons(() => setWarning(false))}
          <button
            type="submit"
            className="primary"
            disabled={sending || accountId === null || value.text.trim() === '' || left < 0}
          >
            {props.submitLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
