import type { WorkerApi } from '../../src-shared/worker-api';
import { searchPosts } from '../store/posts';
import type { CommandContext } from './context';

export function searchCommands({ engine }: CommandContext): WorkerApi['search'] {
  return {
    posts: (query, limit) => engine.read((tx) => searchPosts(tx, query, limit)),
  };
}
