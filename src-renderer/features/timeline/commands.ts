import { engine } from '../../app/engine';
import { keys, queryClient } from '../../app/query';
import { useUi } from '../../state/store';

/**
 * Brings new posts in: ranked again from the top (or newest first), and shown from the top. The
 * only way the order on screen changes, besides the person's own choice of order.
 */
export async function showNewPosts(): Promise<void> {
  const ui = useUi.getState();
  try {
    // Ranked again in either order, so that "new posts" counts from now on and the ranked order
    // is ready when the person switches back.
    await engine().ranking.refresh();
    ui.rememberScroll(`${ui.order}:${ui.timelineAccount ?? 'all'}`, 0);
    queryClient.setQueryData(keys.newPosts, 0);
    await queryClient.resetQueries({ queryKey: ['timeline'] });
    // Counted once the new ranking is on screen.
    if (ui.order === 'ranked') ui.countRanking();
  } catch (error) {
    ui.report(error);
  }
}
