import type { VersionSummary } from '../../shared/contract/entities';

export function VersionTable({ versions }: { versions: VersionSummary[] }) {
  if (versions.length === 0) return <p className="empty">No versions yet. Snapshot the draft to make the first one.</p>;
  return (
    <table className="versions" data-testid="version-table">
      <thead>
        <tr>
          <th>Version</th>
          <th>Labels</th>
          <th>Message</th>
          <th>Author</th>
          <th>Created</th>
          <th>Hash</th>
        </tr>
      </thead>
      <tbody>
        {versions.map((version) => (
          <tr key={version.semver}>
            <td>{version.semver}</td>
            <td>{version.labels.join(', ')}</td>
            <td>{version.message}</td>
            <td>{version.author}</td>
            <td>{version.createdAt.replace('T', ' ').slice(0, 16)}</td>
            <td>
              <code>{version.hash.slice(0, 12)}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
