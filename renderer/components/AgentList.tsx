import type { AgentSummary } from '../../shared/contract/entities';

interface Props {
  agents: AgentSummary[];
  selected: string | null;
  onSelect: (agent: string) => void;
}

export function AgentList({ agents, selected, onSelect }: Props) {
  if (agents.length === 0) {
    return <p className="empty">No agents yet. Create one with <code>slipway agent create NAME</code>.</p>;
  }
  return (
    <ul className="agent-list" data-testid="agent-list">
      {agents.map((agent) => (
        <li key={agent.name}>
          <button type="button" aria-current={agent.name === selected} onClick={() => onSelect(agent.name)} data-testid={`agent-${agent.name}`}>
            <span className="agent-name">{agent.name}</span>
            <span className="agent-latest">{agent.latest?.semver ?? 'no versions'}</span>
            {agent.labels.map((label) => (
              <span key={label.name} className="label-chip">
                {label.name} {label.semver}
              </span>
            ))}
          </button>
        </li>
      ))}
    </ul>
  );
}
