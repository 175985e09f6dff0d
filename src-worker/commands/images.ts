import type { WorkerApi } from '../../src-shared/worker-api';
import { addImageHosts, imageHosts } from '../store/image-hosts';
import type { CommandContext } from './context';

export function imageCommands({ engine }: CommandContext): WorkerApi['images'] {
  return {
    hosts: () => engine.read((tx) => imageHosts(tx)),
    add: (hosts) => engine.write((tx, now) => addImageHosts(tx, hosts, now)),
  };
}
