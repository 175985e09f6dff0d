import { useUi } from '../../state/store';
import { TEXT_SIZES, type TextSize, type Theme } from './prefs-slice';

const THEMES: [Theme, string][] = [
  ['system', 'As the system'],
  ['light', 'Light'],
  ['dark', 'Dark'],
];

const SIZE_LABELS: Record<TextSize, string> = {
  small: 'Small',
  medium: 'Medium',
  large: 'Large',
  larger: 'Larger',
};

/** Light or dark, and the size of the text. */
export function AppearancePanel() {
  const theme = useUi((s) => s.theme);
  const textSize = useUi((s) => s.textSize);
  const setTheme = useUi((s) => s.setTheme);
  const setTextSize = useUi((s) => s.setTextSize);
  return (
    <section className="panel" aria-labelledby="appearance-heading">
      <h2 id="appearance-heading">Appearance</h2>
      <fieldset>
        <legend>Theme</legend>
        {THEMES.map(([value, label]) => (
          <label key={value}>
            <input type="radio" name="theme" checked={theme === value} onChange={() => setTheme(value)} />{' '}
            {label}
          </label>
        ))}
      </fieldset>
      <label>
        Text size{' '}
        <select value={textSize} onChange={(e) => setTextSize(e.currentTarget.value as TextSize)}>
          {TEXT_SIZES.map((size) => (
            <option key={size} value={size}>
              {SIZE_LABELS[size]}
            </option>
          ))}
        </select>
      </label>
    </section>
  );
}
