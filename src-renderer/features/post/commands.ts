/**
 * What the person does to a post. Each shows at once (the worker applies it locally before it
 * sends it), and the change events bring the post as stored back into the cache.
 */
import type { ActionInput, MastodonAction, PostView } from '../../../src-shared/worker-api';
import { engine } from '../../app/engine';
import { keys, queryClient } from '../../app/query';
import { useUi } from '../../state/store';

export type ToggleAction = Exclude<MastodonAction, 'post' | 'reply' | 'delete' | 'vote' | 'edit'>;

const FLAG: Record<ToggleAction, ['favourited' | 'reblogged' | 'bookmarked', boolean]> = {
  favourite: ['favourited', true],
  unfavourite: ['favourited', false],
  reblog: ['reblogged', true],
  unreblog: ['reblogged', false],
  bookmark: ['bookmarked', true],
  unbookmark: ['bookmarked', false],
};

/** The post as it will be once the action is done. */
export function withAction(post: PostView, action: ToggleAction, accountId: number): PostView {
  const [flag, on] = FLAG[action];
  const was = post.own.find((o) => o.accountId === accountId)?.[flag] ?? false;
  const step = was === on ? 0 : on ? 1 : -1;
  return {
    ...post,
    own: post.own.map((o) => (o.accountId === accountId ? { ...o, [flag]: on } : o)),
    favourites: flag === 'favourited' ? Math.max(0, post.favourites + step) : post.favourites,
    reblogs: flag === 'reblogged' ? Math.max(0, post.reblogs + step) : post.reblogs,
  };
}

/** Favourite, boost or bookmark (or undo one) through the given account; shown before it is sent. */
export async function act(post: PostView, action: ToggleAction, accountId: number): Promise<void> {
  const key = keys.post(post.id);
  await queryClient.cancelQueries({ queryKey: key });
  const before = queryClient.getQueryData<PostView>(key) ?? post;
  queryClient.setQueryData(key, withAction(before, action, accountId));
  try {
    await engine().actions.perform({ accountId, statusId: post.id, action });
  } catch (error) {
    queryClient.setQueryData(key, before);
    useUi.getState().report(error);
  }
}

/** Replies through the given account; true once queued. */
export async function reply(
  post: PostView,
  content: NonNullable<ActionInput['reply']>,
  accountId: number,
): Promise<boolean> {
  try {
    await engine().actions.perform({ accountId, statusId: post.id, action: 'reply', reply: content });
    return true;
  } catch (error) {
    useUi.getState().report(error);
    return false;
  }
}

/** "More/less like this" on the reason a post is shown. */
export async function feedback(post: PostView, direction: 'more' | 'less'): Promise<void> {
  try {
    await engine().ranking.feedback({ statusId: post.id, direction });
    useUi.getState().markFeedback(post, direction);
  } catch (error) {
    useUi.getState().report(error);
  }
}

/** Opening a post's thread or one of its links: a strong sign of interest, for the ranking. */
export function recordOpen(post: PostView): void {
  engine()
    .interactions.record({ statusId: post.id, kind: 'open' })
    .catch((error: unknown) => useUi.getState().report(error));
}

/** Deletes one of the person's own posts, through the account that wrote it. */
export async function deletePost(post: PostView, accountId: number): Promise<void> {
  try {
    await engine().actions.perform({ accountId, statusId: post.id, action: 'delete' });
  } catch (error) {
    useUi.getState().report(error);
  }
}

/** Votes in the post's poll through the given account; shown at once, sent when it can be. */
export async function vote(post: PostView, choices: number[], accountId: number): Promise<void> {
  try {
    await engine().actions.perform({ accountId, statusId: post.id, action: 'vote', choices });
  } catch (error) {
    useUi.getState().report(error);
  }
}

/**
 * Opens one of the person's own posts for editing, from its text as written (the server's copy,
 * which keeps mentions whole); from the text shown here when the server cannot be asked.
 */
export async function startEdit(post: PostView, accountId: number): Promise<void> {
  let source = { text: post.contentText, spoilerText: post.spoilerText };
  try {
    source = await engine().mastodon.statusSource(post.id);
  } catch {
    // Offline, or a server without `…/source`: the text shown is the best there is.
  }
  useUi.getState().openEdit({ statusId: post.id, accountId, ...source, language: post.language });
}
