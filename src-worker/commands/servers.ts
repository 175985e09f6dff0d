import type { WorkerApi } from '../../src-shared/worker-api';
import {
  fieldDiagnostics,
  forgetSteps,
  listFeatures,
  listSteps,
  recordAccountDiagnostics,
  recordStep,
  saveServer,
  serverInfo,
  setFeature,
} from '../store/servers';
import type { CommandContext } from './context';

export function serverCommands({ engine }: CommandContext): WorkerApi['servers'] {
  return {
    save: (accountId, info, raw, features) =>
      engine.write((tx, now) => saveServer(tx, accountId, info, raw, features, now)),
    info: (accountId) => engine.read((tx) => serverInfo(tx, accountId)),
    setFeature: (accountId, feature, state) =>
      engine.write((tx, now) => setFeature(tx, accountId, feature, state, now)),
    features: (accountId) => engine.read((tx) => listFeatures(tx, accountId)),
    recordStep: (accountId, step, outcome) =>
      engine.write((tx, now) => recordStep(tx, accountId, step, outcome, now)),
    steps: (accountId) => engine.read((tx) => listSteps(tx, accountId)),
    forgetSteps: (accountId, steps) => engine.write((tx) => forgetSteps(tx, accountId, steps)),
    diagnostics: (instance) => engine.read((tx) => fieldDiagnostics(tx, instance)),
    recordDiagnostics: (accountId, dropped) =>
      engine.write((tx, now) => recordAccountDiagnostics(tx, accountId, dropped, now)),
  };
}
