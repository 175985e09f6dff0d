import { useState, type MouseEvent } from 'react';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useLocation } from 'wouter';
import type { ProfileView, RelationAction } from '../../../src-shared/worker-api';
import { Avatar } from '../../ui/Avatar';
import { EmojiText } from '../../ui/EmojiText';
import { usePicture, usePicturePolicy } from '../../ui/picture-policy';
import { accountsQuery } from '../accounts/queries';
import { openInApp, richHtml } from '../post/rich-content';
import { PostListScreen, postListQuery } from '../timeline/PostListScreen';
import { profileQuery, relate } from './queries';

const joined = new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric' });
const number = new Intl.NumberFormat();

/**
 * One person: who they are and how the person's account stands with them, as that account's server
 * says (when it can be asked), and their posts stored on this computer, with their newest from the
 * server added.
 */
export function ProfileScreen({ acct }: { acct: string }) {
  const of = { author: acct };
  // The same query the list below reads: its first post names the author when the server cannot.
  const stored = useInfiniteQuery(postListQuery(of)).data?.pages[0]?.posts[0]?.author;
  const profile = useQuery(profileQuery(acct));
  const author = profile.data ?? stored;
  const banner = usePicture(profile.data?.headerUrl);
  return (
    <PostListScreen
      title={author?.displayName || `@${acct}`}
      of={of}
      empty={profile.isPending ? 'Loading…' : `No posts by @${acct} are stored here.`}
      header={
        <section className="profile" aria-label="Profile">
          {banner && <img className="profile-banner" src={banner} alt="" referrerPolicy="no-referrer" />}
          <div className="profile-header">
            {author && <Avatar author={author} size={64} />}
            <div className="profile-who">
              <p className="profile-name">
                <EmojiText text={author?.displayName || author?.acct || acct} emojis={author?.emojis} />
                {author?.bot && <span className="badge">Automated</span>}
                {profile.data?.locked && <span className="badge">Approves followers</span>}
              </p>
              <p className="post-acct">@{acct}</p>
              {profile.data?.relationship?.followedBy && <span className="badge">Follows you</span>}
            </div>
            {profile.data && <Relationship profile={profile.data} />}
          </div>
          {profile.data && <ProfileDetails profile={profile.data} />}
          {profile.isError && (
            <p className="profile-offline" role="status">
              Their profile could not be read from your server ({(profile.error as Error).message}). Their
              posts stored here are below.
            </p>
          )}
          {author?.url && /^https:\/\//i.test(author.url) && (
            <a href={author.url} target="_blank" rel="noopener noreferrer">
              Open their profile on their server
            </a>
          )}
        </section>
      }
    />
  );
}

function ProfileDetails({ profile }: { profile: ProfileView }) {
  const [, navigate] = useLocation();
  const pictures = usePicturePolicy();
  const inApp = (event: MouseEvent) => {
    if (openInApp(event.target, navigate)) event.preventDefault();
  };
  const counts: [number | null, string][] = [
    [profile.posts, 'posts'],
    [profile.following, 'following'],
    [profile.followers, 'followers'],
  ];
  return (
    <>
      {profile.note && (
        <div
          className="profile-note post-content"
          onClick={inApp}
          dangerouslySetInnerHTML={{ __html: richHtml(profile.note, profile.emojis, pictures) }}
        />
      )}
      {profile.fields.length > 0 && (
        <dl className="profile-fields" onClick={inApp}>
          {profile.fields.map((field, i) => (
            <div key={i} className={field.verified ? 'profile-field verified' : 'profile-field'}>
              <dt>
                <EmojiText text={field.name} emojis={profile.emojis} />
              </dt>
              <dd>
                <span dangerouslySetInnerHTML={{ __html: richHtml(field.value, profile.emojis, pictures) }} />
                {field.verified && <span className="visually-hidden"> (verified link)</span>}
              </dd>
            </div>
          ))}
        </dl>
      )}
      <p className="profile-counts">
        {counts
          .filter(([n]) => n !== null)
          .map(([n, label]) => `${number.format(n!)} ${label}`)
          .join(' · ')}
        {profile.joinedAt !== null && ` · joined ${joined.format(profile.joinedAt)}`}
      </p>
    </>
  );
}

/** Follow, mute and block, through the account whose server answered, each undone the same way. */
function Relationship({ profile }: { profile: ProfileView }) {
  const accounts = useQuery(accountsQuery).data ?? [];
  const [busy, setBusy] = useState(false);
  const via = accounts.find((a) => a.id === profile.viaAccountId);
  const r = profile.relationship;
  if (!r || !via || via.acct === profile.acct) return null;
  const act = async (action: RelationAction) => {
    setBusy(true);
    await relate(profile, action);
    setBusy(false);
  };
  const followLabel = r.following ? 'Unfollow' : r.requested ? 'Cancel follow request' : 'Follow';
  return (
    <div className="profile-actions" role="group" aria-label={`As @${via.acct}`}>
      {!r.blocking && (
        <button
          type="button"
          className={r.following || r.requested ? undefined : 'primary'}
          disabled={busy || r.blockedBy}
          onClick={() => void act(r.following || r.requested ? 'unfollow' : 'follow')}
        >
          {followLabel}
        </button>
      )}
      <button type="button" disabled={busy} onClick={() => void act(r.muting ? 'unmute' : 'mute')}>
        {r.muting ? 'Unmute' : 'Mute'}
      </button>
      <button
        type="button"
        className={r.blocking ? undefined : 'danger'}
        disabled={busy}
        onClick={() =>
          r.blocking
            ? void act('unblock')
            : window.confirm(`Block @${profile.acct}? They will not see your posts, nor you theirs.`) &&
              void act('block')
        }
      >
        {r.blocking ? 'Unblock' : 'Block'}
      </button>
      {accounts.length > 1 && <span className="profile-via">as @{via.acct}</span>}
    </div>
  );
}
