import type { WorkerApi } from '../../src-shared/worker-api';
import { recordInteraction, undoInteraction } from '../store/interactions';
import { getPrivacy } from '../store/privacy';
import type { CommandContext } from './context';

export function interactionCommands({ engine }: CommandContext): WorkerApi['interactions'] {
  return {
    record: (input) =>
      engine.write(async (tx, now) => recordInteraction(tx, input, (await getPrivacy(tx)).level, now)),
    undo: (input) => engine.write((tx, now) => undoInteraction(tx, input, now)),
  };
}
