import { useQuery } from '@tanstack/react-query';
import { RANKING_PRESETS, type RankingPreset } from '../../../src-shared/worker-api';
import { updateRanking as update } from './commands';
import { FEATURE_LABELS, PRESET_LABELS } from './labels';
import { rankingQuery } from './queries';

function signed(x: number): string {
  return `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(2)}`;
}

/** How the timeline is ranked: the preset, a weight per feature, and what learning changed. */
export function RankingPanel() {
  const ranking = useQuery(rankingQuery).data;
  if (!ranking) return null;
  const chronological = ranking.preset === 'chronological';
  return (
    <section className="panel ranking-panel" aria-label="Ranking">
      <h2>Ranking</h2>
      <label>
        Order{' '}
        <select
          aria-label="Ranking preset"
          value={ranking.preset}
          onChange={(e) => void update({ preset: e.currentTarget.value as RankingPreset })}
        >
          {RANKING_PRESETS.map((preset) => (
            <option key={preset} value={preset}>
              {PRESET_LABELS[preset]}
            </option>
          ))}
        </select>
      </label>
      {!chronological && (
        <>
          <ul className="weights">
            {ranking.features.map((f) => (
              <li key={f.feature}>
                <label>
                  <span>{FEATURE_LABELS[f.feature]}</span>
                  <input
                    type="range"
                    min={-5}
                    max={5}
                    step={0.1}
                    value={f.prior}
                    aria-label={`Weight: ${FEATURE_LABELS[f.feature]}`}
                    onChange={(e) => void update({ weights: { [f.feature]: Number(e.currentTarget.value) } })}
                  />
                  <output>{f.prior.toFixed(1)}</output>
                </label>
                {f.learned !== 0 && <span className="learned"> learned {signed(f.learned)}</span>}
                {f.manual && (
                  <button type="button" onClick={() => void update({ weights: { [f.feature]: null } })}>
                    Preset value
                  </button>
                )}
              </li>
            ))}
          </ul>
          <label>
            <input
              type="checkbox"
              checked={ranking.learning}
              onChange={(e) => void update({ learning: e.currentTarget.checked })}
            />{' '}
            Learn from what I do, a day after each ranking (learned from {ranking.examples} posts of the last
            two weeks)
          </label>{' '}
          <button type="button" onClick={() => void update({ resetLearned: true })}>
            Reset learned weights
          </button>
          <label>
            Posts from lists, hashtags and trends: {Math.round(ranking.discoveryShare * 100)}%
            <input
              type="range"
              min={0}
              max={1}
              step={0.05}
              value={ranking.discoveryShare}
              aria-label="Share of discovery posts"
              onChange={(e) => void update({ discoveryShare: Number(e.currentTarget.value) })}
            />
          </label>
        </>
      )}
    </section>
  );
}
