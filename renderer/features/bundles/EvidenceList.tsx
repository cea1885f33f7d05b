import { useEffect } from 'react';
import { useSlice, useStores } from '../../app/context';
import { when } from '../../app/format';

/** Runs and comparison reports that came with bundles: made elsewhere, shown as such, saved as they came. */
export function EvidenceList({ agent }: { agent: string }) {
  const { bundles } = useStores();
  const evidence = useSlice(bundles, (state) => state.evidence);
  useEffect(() => {
    void bundles.getState().loadEvidence(agent);
  }, [bundles, agent]);
  if (evidence.length === 0) return null;
  return (
    <details className="label-history" data-testid="imported-evidence">
      <summary>Evidence from bundles ({evidence.length})</summary>
      <ul>
        {evidence.map((item) => (
          <li key={item.id}>
            {item.kind === 'run' ? 'Run' : 'Comparison'}: {item.title} · from “{item.source.workspace}” by {item.source.author}
            {item.source.signedBy ? `, signed ${item.source.signedBy}` : ', unsigned'} · imported {when(item.importedAt)}{' '}
            <button type="button" className="link" onClick={() => void bundles.getState().saveEvidence(item.id)}>
              Save {item.kind === 'run' ? 'JSON' : 'report'}
            </button>
          </li>
        ))}
      </ul>
    </details>
  );
}
