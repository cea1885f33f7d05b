import { useEffect, useMemo, useState } from 'react';
import type { TeamMatrix, TeamRelease } from '../../../shared/contract/teams';
import type { TeamCheck } from '../../../shared/contract/teams';
import { useSlice, useStores } from '../../app/context';
import { Dialog, DialogActions } from '../../app/Dialog';
import { ReasonDialog } from '../../app/ReasonDialog';
import { when } from '../../app/format';
import { errorMessage, selectAgents } from '../agents/store';

/** Which versions of the members work together: a grid per dependency, the reasons on hover. */
export function MatrixView({ matrix }: { matrix: TeamMatrix }) {
  if (matrix.edges.length === 0)
    return <p className="muted">No member of {matrix.team} declares a dependency on another (contract.yaml, requires).</p>;
  return (
    <div className="team-matrix" data-testid="team-matrix">
      {matrix.edges.map((edge) => (
        <table
          key={`${edge.consumer}-${edge.producer}`}
          className="matrix"
          data-testid={`matrix-${edge.consumer}-${edge.producer}`}
        >
          <caption>
            {edge.consumer} (rows) with {edge.producer} (columns)
          </caption>
          <thead>
            <tr>
              <th />
              {edge.producerVersions.map((version) => (
                <th key={version}>{version}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {edge.consumerVersions.map((consumer) => (
              <tr key={consumer}>
                <th>{consumer}</th>
                {edge.producerVersions.map((producer) => {
                  const cell = edge.cells.find((candidate) => candidate.consumer === consumer && candidate.producer === producer);
                  const reason = cell
                    ? [...cell.breaks, ...cell.notChecked.map((line) => `not checked: ${line}`)].join('\n') || 'compatible'
                    : '';
                  return (
                    <td
                      key={producer}
                      className={cell?.ok ? 'ok' : 'broken'}
                      title={reason}
                      data-testid={`cell-${edge.consumer}@${consumer}-${edge.producer}@${producer}`}
                    >
                      {cell?.ok ? '✓' : '✗'}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </div>
  );
}

function CheckList({ check }: { check: TeamCheck }) {
  return (
    <ul className="check-list">
      {check.dependencies.map((dependency) => (
        <li key={`${dependency.consumer}-${dependency.producer}`} className={dependency.ok ? 'ok' : 'broken'}>
          {dependency.consumer} → {dependency.producer}: {dependency.ok ? 'compatible' : dependency.breaks.join('; ')}
          {dependency.notChecked.length > 0 && <span className="muted"> (not checked: {dependency.notChecked.join(', ')})</span>}
        </li>
      ))}
      {check.dependencies.length === 0 && <li className="muted">No dependencies between the members.</li>}
    </ul>
  );
}

function TeamDialog({ editing, onClose }: { editing: { name: string; members: string[] } | null; onClose: () => void }) {
  const { teams, agents } = useStores();
  const all = useSlice(agents, selectAgents);
  const open = useSlice(agents, (state) => state.selected);
  const [name, setName] = useState(editing?.name ?? '');
  const [members, setMembers] = useState<string[]>(editing?.members ?? (open ? [open] : []));
  const valid = /^[a-z][a-z0-9-]*$/.test(name) && members.length > 0;
  const submit = async () => {
    const done = editing ? await teams.getState().setMembers(members) : await teams.getState().create(name, members);
    if (done) onClose();
  };
  return (
    <Dialog title={editing ? `Members of ${editing.name}` : 'New team'} onClose={onClose} testId="team-dialog">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (valid) void submit();
        }}
      >
        {!editing && (
          <label>
            Name
            <input value={name} onChange={(event) => setName(event.target.value)} placeholder="support" data-testid="team-name" />
          </label>
        )}
        <fieldset>
          <legend>Members: agents released together</legend>
          {all.map((agent) => (
            <label key={agent.name} className="check">
              <input
                type="checkbox"
                checked={members.includes(agent.name)}
                onChange={() =>
                  setMembers(
                    members.includes(agent.name) ? members.filter((member) => member !== agent.name) : [...members, agent.name],
                  )
                }
              />
              {agent.name}
            </label>
          ))}
        </fieldset>
        <DialogActions
          onCancel={onClose}
          disabled={!valid}
          submitTestId="team-save"
          submitLabel={editing ? 'Save members' : 'Create team'}
        />
      </form>
    </Dialog>
  );
}

function ReleaseDialog({ team, members, onClose }: { team: string; members: string[]; onClose: () => void }) {
  const { teams, client } = useStores();
  const [versions, setVersions] = useState<Record<string, string[]>>({});
  const [pins, setPins] = useState<Record<string, string>>({});
  const [message, setMessage] = useState('');
  const [check, setCheck] = useState<TeamCheck | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    void Promise.all(
      members.map(
        async (member) => [member, (await client.versions.list({ agent: member })).map((version) => version.semver)] as const,
      ),
    ).then((lists) => {
      setVersions(Object.fromEntries(lists));
      setPins(Object.fromEntries(lists.map(([member, list]) => [member, list[0] ?? ''])));
    });
  }, [client, members]);
  useEffect(() => {
    const chosen = Object.fromEntries(
      Object.entries(pins)
        .filter(([, semver]) => semver)
        .map(([member, semver]) => [member, `${member}@${semver}`]),
    );
    if (Object.keys(chosen).length !== members.length) return;
    client.teams
      .check({ name: team, pins: chosen })
      .then((result) => {
        setCheck(result);
        setProblem(null);
      })
      .catch((error: unknown) => setProblem(errorMessage(error)));
  }, [client, team, pins, members.length]);
  const submit = async () => {
    const done = await teams
      .getState()
      .release(Object.fromEntries(Object.entries(pins).map(([member, semver]) => [member, `${member}@${semver}`])), message);
    if (done) onClose();
  };
  return (
    <Dialog title={`New release of team ${team}`} onClose={onClose} testId="team-release-dialog">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (message.trim()) void submit();
        }}
      >
        {members.map((member) => (
          <label key={member}>
            {member}
            <select
              value={pins[member] ?? ''}
              onChange={(event) => setPins({ ...pins, [member]: event.target.value })}
              data-testid={`pin-${member}`}
            >
              {(versions[member] ?? []).map((semver) => (
                <option key={semver} value={semver}>
                  {semver}
                </option>
              ))}
            </select>
          </label>
        ))}
        {problem && <p className="field-error">{problem}</p>}
        {check && (
          <div data-testid="team-release-check">
            <strong>{check.ok ? 'Every dependency holds.' : 'Broken: this release cannot be promoted.'}</strong>
            <CheckList check={check} />
          </div>
        )}
        <label>
          Message
          <input
            value={message}
            onChange={(event) => setMessage(event.target.value)}
            placeholder="why these versions together"
            data-testid="team-release-message"
          />
        </label>
        <DialogActions
          onCancel={onClose}
          disabled={!message.trim()}
          submitTestId="team-release-save"
          submitLabel="Save the team release"
        />
      </form>
    </Dialog>
  );
}

function RollbackTeamDialog({ team, target, onClose }: { team: string; target: string; onClose: () => void }) {
  const { teams, release } = useStores();
  return (
    <ReasonDialog
      title={`Roll back team ${team} on ${target}`}
      testId="team-rollback-dialog"
      explanation="Every member goes back to the previous team release at once."
      reasonTestId="team-rollback-reason"
      submitLabel="Roll back the team"
      submitTestId="team-rollback-submit"
      onSubmit={async (reason) => {
        const done = await teams.getState().rollback(target, reason);
        if (done) await release.getState().refresh();
        return done;
      }}
      onClose={onClose}
    />
  );
}

function ReleaseRow({ release, target }: { release: TeamRelease; target: string | null }) {
  const { teams, release: agentRelease } = useStores();
  const busy = useSlice(teams, (state) => state.busy);
  return (
    <tr data-testid={`team-release-${release.number}`} className={release.check.ok ? undefined : 'broken'}>
      <td>
        <strong>{release.name}</strong>
      </td>
      <td>{release.pins.map((pin) => `${pin.agent}@${pin.semver}`).join(', ')}</td>
      <td title={release.check.dependencies.flatMap((dependency) => dependency.breaks).join('\n')}>
        {release.check.ok ? 'compatible' : `broken (${release.check.dependencies.filter((dependency) => !dependency.ok).length})`}
      </td>
      <td className="muted">
        {release.message} · {release.author} · {when(release.createdAt)}
      </td>
      <td>
        <button
          type="button"
          disabled={!target || busy}
          onClick={() =>
            target &&
            void teams
              .getState()
              .promote(release.number, target)
              .then((done) => (done ? agentRelease.getState().refresh() : undefined))
          }
          data-testid={`team-promote-${release.number}`}
        >
          Promote{target ? ` to ${target}` : ''}
        </button>
      </td>
    </tr>
  );
}

/** The open agent's team in the Release tab: members, the matrix, team releases with their checks, promote and roll back on the target. */
export function TeamPanel({
  agent,
  target,
  generation,
}: {
  agent: string;
  target: string | null;
  /** The open agent's release generation on the target: when a command moves it, what the team serves is read again. */
  generation: number | null;
}) {
  const { teams } = useStores();
  const list = useSlice(teams, (state) => state.teams);
  const selected = useSlice(teams, (state) => state.selected);
  const matrix = useSlice(teams, (state) => state.matrix);
  const view = useSlice(teams, (state) => state.view);
  const refusal = useSlice(teams, (state) => state.refusal);
  const [dialog, setDialog] = useState<'create' | 'members' | 'release' | 'rollback' | null>(null);
  const team = useMemo(() => list.find((candidate) => candidate.name === selected) ?? null, [list, selected]);
  useEffect(() => {
    if (teams.getState().agent !== agent) void teams.getState().load(agent);
  }, [teams, agent]);
  useEffect(() => {
    void teams.getState().watch(target);
  }, [teams, target, selected, generation]);

  return (
    <section className="team-panel" data-testid="team-panel">
      <header className="inline">
        <h4>Team</h4>
        {list.length > 1 && (
          <select value={selected ?? ''} onChange={(event) => void teams.getState().select(event.target.value)} aria-label="Team">
            {list.map((candidate) => (
              <option key={candidate.name}>{candidate.name}</option>
            ))}
          </select>
        )}
        {team && (
          <>
            <span data-testid="team-members">
              {team.name}: {team.members.join(', ')}
            </span>
            <button type="button" onClick={() => setDialog('members')}>
              Members…
            </button>
            <button type="button" className="primary" onClick={() => setDialog('release')} data-testid="new-team-release">
              New team release…
            </button>
            <button
              type="button"
              className="danger"
              disabled={!target}
              onClick={() => setDialog('rollback')}
              data-testid="team-rollback"
            >
              Roll back the team
            </button>
          </>
        )}
        <button type="button" onClick={() => setDialog('create')} data-testid="new-team">
          New team…
        </button>
      </header>
      {!team ? (
        <p
          className="muted"
          data-testid="team-empty"
          title="Agents that call each other (intake → router → handlers) are released together as a team: their contract.yaml says what each offers and requires, and a team release is promoted only when every dependency holds."
        >
          {agent} is in no team: agents that call each other are released together as a team, promoted only when every dependency
          in their contract.yaml holds.
        </p>
      ) : (
        <>
          {view && (
            <p className="muted" data-testid="team-live">
              On {view.target}:{' '}
              {view.state && Object.keys(view.state.members).length
                ? `${view.state.release ?? 'a team release'} — ${Object.entries(view.state.members)
                    .map(([member, version]) => `${member} ${version.semver}`)
                    .join(', ')} (generation ${view.state.generation})`
                : 'no team release yet'}
              {!view.reachable && ` — cannot reach it: ${view.problem ?? ''}`}
            </p>
          )}
          {view?.serving
            .filter((member) => member.left)
            .map((member) => (
              <p key={member.agent} className="field-error" data-testid="team-left">
                {member.agent} serves {member.stable?.semver ?? 'nothing'}
                {member.canary ? ` with a canary of ${member.canary.semver} at ${member.canary.weight}%` : ''}, not the team
                release&apos;s {member.pinned.semver}: it left the team release. Promote a team release to bring it back.
              </p>
            ))}
          {refusal && (
            <p className="field-error" role="alert" data-testid="team-refusal">
              {refusal}
            </p>
          )}
          <table className="team-releases">
            <tbody>
              {team.releases.map((release) => (
                <ReleaseRow key={release.number} release={release} target={target} />
              ))}
            </tbody>
          </table>
          {team.releases.length === 0 && (
            <p className="muted">No team releases yet: pin a version of each member with New team release.</p>
          )}
          {matrix && <MatrixView matrix={matrix} />}
        </>
      )}
      {dialog === 'create' && <TeamDialog editing={null} onClose={() => setDialog(null)} />}
      {dialog === 'members' && team && <TeamDialog editing={team} onClose={() => setDialog(null)} />}
      {dialog === 'release' && team && <ReleaseDialog team={team.name} members={team.members} onClose={() => setDialog(null)} />}
      {dialog === 'rollback' && team && target && (
        <RollbackTeamDialog team={team.name} target={target} onClose={() => setDialog(null)} />
      )}
    </section>
  );
}
