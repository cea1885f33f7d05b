import { useSlice, useStores } from '../../app/context';
import { selectSelectedAgent } from '../agents/store';

/** The refs of the open agent a person can pick: latest, each label, each version (newest first). */
export function RefOptions() {
  const { agents, history } = useStores();
  const summary = useSlice(agents, selectSelectedAgent);
  const versions = useSlice(history, (state) => state.versions);
  return (
    <>
      {summary?.latest && <option value="latest">latest ({summary.latest.semver})</option>}
      {summary?.labels.map((label) => (
        <option key={label.name} value={label.name}>
          label {label.name} ({label.semver})
        </option>
      ))}
      {versions.map((version) => (
        <option key={version.semver} value={version.semver}>
          {version.semver} — {version.message.slice(0, 50)}
        </option>
      ))}
    </>
  );
}
