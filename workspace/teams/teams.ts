import { z } from 'zod';
import { load as loadYaml } from 'js-yaml';
import { ContractFile } from '../../shared/agent-files';
import { checkCompatibility, type Contract } from '../../shared/compat';
import type { DependencyCheck, TeamCheck, TeamDetail, TeamRelease, TeamReleaseOfVersion } from '../../shared/contract/teams';
import { SlipwayError } from '../../shared/errors';
import { writeTransaction } from '../../shared/node/sqlite';
import { compareSemver } from '../../shared/semver';
import { sql, typed } from '../statements';
import type { Workspace } from '../workspace';
import { appendAudit } from '../audit/audit-log';
import { parseRefIn } from '../../shared/ref';
import { requireAgent, resolveVersion, versionFiles } from '../lookup';

const IdNameRow = z.object({ id: z.number(), name: z.string() });
const NameRow = z.object({ name: z.string() });
const TeamReleaseRow = z.object({
  id: z.number(),
  number: z.number(),
  message: z.string(),
  author: z.string(),
  created_at: z.string(),
});
const NRow = z.object({ n: z.number().nullable() });
const PinOfAgentRow = z.object({ team: z.string(), number: z.int(), semver: z.string(), createdAt: z.string() });
const IdSemverRow = z.object({ id: z.number(), semver: z.string() });

/** Teams of agents, their releases (one version of each member, immutable) and the dependency checks between members. */

const Pinned = z.object({ agent: z.string(), semver: z.string(), hash: z.string(), versionId: z.int() });
export type Pinned = z.infer<typeof Pinned>;

/** The team's row, or a refusal naming the teams there are. */
export function requireTeam(ws: Workspace, name: string): { id: number; name: string } {
  const row = typed(ws.db, IdNameRow, 'SELECT id, name FROM teams WHERE name = ?').get(name);
  if (row) return row;
  const names = typed(ws.db, NameRow, 'SELECT name FROM teams ORDER BY name')
    .all()
    .map((team) => team.name);
  throw new SlipwayError(
    'not_found',
    `no team named "${name}" (${names.length ? `teams: ${names.join(', ')}` : 'the workspace has no teams yet: `slipway team create NAME AGENT…`'})`,
  );
}

function membersOf(ws: Workspace, teamId: number): string[] {
  return typed(
    ws.db,
    NameRow,
    'SELECT agents.name FROM team_members JOIN agents ON agents.id = team_members.agent_id WHERE team_id = ? ORDER BY agents.name',
  )
    .all(teamId)
    .map((row) => row.name);
}

/** A version's contract.yaml, or null when it declares none. */
function contractOf(ws: Workspace, versionId: number): Contract | null {
  const text = versionFiles(ws, versionId)['contract.yaml'];
  return text === undefined ? null : ContractFile.parse(loadYaml(text) ?? {});
}

/** Every dependency among the pinned versions, checked; a member's dependency on an agent outside them is a break. */
export function checkPins(ws: Workspace, pins: Pinned[], teamName: string): TeamCheck {
  const contracts = new Map(pins.map((pin) => [pin.agent, contractOf(ws, pin.versionId)]));
  const dependencies: DependencyCheck[] = [];
  for (const consumer of pins) {
    for (const [needed] of Object.entries(contracts.get(consumer.agent)?.requires ?? {})) {
      const producer = pins.find((pin) => pin.agent === needed);
      if (!producer) {
        // The team cannot satisfy it: released as one, it would run without what it needs.
        dependencies.push({
          consumer: `${consumer.agent}@${consumer.semver}`,
          producer: needed,
          ok: false,
          breaks: [
            `${consumer.agent} ${consumer.semver} requires ${needed}, which is not in team ${teamName}: add ${needed} to the team (slipway team members ${teamName} …), or release a ${consumer.agent} that does not require it`,
          ],
          notChecked: [],
        });
        continue;
      }
      const result = checkCompatibility(
        { ...consumer, contract: contracts.get(consumer.agent) ?? null },
        { ...producer, contract: contracts.get(producer.agent) ?? null },
      );
      dependencies.push({
        consumer: `${consumer.agent}@${consumer.semver}`,
        producer: `${producer.agent}@${producer.semver}`,
        ok: result.ok,
        breaks: result.breaks,
        notChecked: result.notChecked,
      });
    }
  }
  return { ok: dependencies.every((dependency) => dependency.ok), dependencies };
}

/** Whether a version's contract.yaml requires the other agent. */
export function dependsOn(ws: Workspace, version: Pinned, other: string): boolean {
  return contractOf(ws, version.versionId)?.requires?.[other] !== undefined;
}

/** The breaks between two versions, each way one depends on the other (none when neither does). */
export function pairBreaks(ws: Workspace, one: Pinned, other: Pinned): string[] {
  const contracts = new Map([
    [one.agent, contractOf(ws, one.versionId)],
    [other.agent, contractOf(ws, other.versionId)],
  ]);
  return [
    [one, other],
    [other, one],
  ].flatMap(([consumer, producer]) => {
    if (!consumer || !producer || !contracts.get(consumer.agent)?.requires?.[producer.agent]) return [];
    return checkCompatibility(
      { ...consumer, contract: contracts.get(consumer.agent) ?? null },
      { ...producer, contract: contracts.get(producer.agent) ?? null },
    ).breaks;
  });
}

function pinsOfRelease(ws: Workspace, releaseId: number): Pinned[] {
  return typed(
    ws.db,
    Pinned,
    `SELECT agents.name AS agent, versions.semver, versions.hash, versions.id AS versionId FROM team_release_pins
       JOIN agents ON agents.id = team_release_pins.agent_id JOIN versions ON versions.id = team_release_pins.version_id
       WHERE release_id = ? ORDER BY agents.name`,
  ).all(releaseId);
}

/** The team's releases (or the one numbered), newest first, each with its check. */
function releasesOf(ws: Workspace, team: { id: number; name: string }, number: number | null = null): TeamRelease[] {
  const rows = typed(
    ws.db,
    TeamReleaseRow,
    'SELECT id, number, message, author, created_at FROM team_releases WHERE team_id = ? AND (? IS NULL OR number = ?) ORDER BY number DESC',
  ).all(team.id, number, number);
  return rows.map((row) => {
    const pins = pinsOfRelease(ws, row.id);
    return {
      team: team.name,
      number: row.number,
      name: `${team.name}#${row.number}`,
      message: row.message,
      author: row.author,
      createdAt: row.created_at,
      pins: pins.map(({ agent, semver, hash }) => ({ agent, semver, hash })),
      check: checkPins(ws, pins, team.name),
    };
  });
}

export function getTeam(ws: Workspace, name: string): TeamDetail {
  const team = requireTeam(ws, name);
  return { name: team.name, members: membersOf(ws, team.id), releases: releasesOf(ws, team) };
}

export function listTeams(ws: Workspace): TeamDetail[] {
  return typed(ws.db, NameRow, 'SELECT name FROM teams ORDER BY name')
    .all()
    .map((row) => getTeam(ws, row.name));
}

function writeMembers(ws: Workspace, teamId: number, members: string[]): void {
  const twice = members.filter((member, index) => members.indexOf(member) !== index);
  if (twice.length > 0)
    throw new SlipwayError(
      'invalid_input',
      `${[...new Set(twice)].join(', ')} ${twice.length === 1 ? 'is' : 'are'} named twice: a team has each member once`,
    );
  if (members.length < 2)
    throw new SlipwayError(
      'invalid_input',
      `a team has at least two members: ${members[0] ?? 'an agent'} alone is released with slipway release, not as a team`,
    );
  const ids = members.map((member) => requireAgent(ws, member).id);
  sql(ws.db, 'DELETE FROM team_members WHERE team_id = ?').run(teamId);
  for (const id of ids) sql(ws.db, 'INSERT INTO team_members (team_id, agent_id) VALUES (?, ?)').run(teamId, id);
}

export function createTeam(ws: Workspace, name: string, members: string[]): TeamDetail {
  writeTransaction(ws.db, () => {
    if (sql(ws.db, 'SELECT 1 FROM teams WHERE name = ?').get(name))
      throw new SlipwayError('conflict', `a team named "${name}" exists already`);
    const id = Number(sql(ws.db, 'INSERT INTO teams (name, created_at) VALUES (?, ?)').run(name, ws.now()).lastInsertRowid);
    writeMembers(ws, id, members);
    appendAudit(ws, { action: 'team.create', agentId: null, subject: name, after: { members: membersOf(ws, id) } });
  });
  return getTeam(ws, name);
}

export function setTeamMembers(ws: Workspace, name: string, members: string[]): TeamDetail {
  writeTransaction(ws.db, () => {
    const team = requireTeam(ws, name);
    const before = membersOf(ws, team.id);
    writeMembers(ws, team.id, members);
    appendAudit(ws, {
      action: 'team.members',
      agentId: null,
      subject: name,
      before: { members: before },
      after: { members: membersOf(ws, team.id) },
    });
  });
  return getTeam(ws, name);
}

/** Each member at the ref given for it (AGENT@REF or REF), or its latest version. */
export function resolvePins(ws: Workspace, name: string, refs: Record<string, string>): Pinned[] {
  const members = membersOf(ws, requireTeam(ws, name).id);
  const strangers = Object.keys(refs).filter((agent) => !members.includes(agent));
  if (strangers.length)
    throw new SlipwayError(
      'invalid_input',
      `${strangers.join(', ')} ${strangers.length === 1 ? 'is' : 'are'} not in team ${name} (members: ${members.join(', ')})`,
    );
  return members.map((agent) => {
    const text = refs[agent] ?? 'latest';
    const ref = parseRefIn(agent, text);
    if (ref.selector.kind === 'draft')
      throw new SlipwayError('invalid_input', `${agent}: the draft cannot be pinned in a team release; snapshot it first`);
    const { version } = resolveVersion(ws, ref);
    return { agent, semver: version.semver, hash: version.hash, versionId: version.id };
  });
}

/** A new team release pinning one version of each member, audited with its check; it may be broken (promotion refuses it). */
export function createTeamRelease(ws: Workspace, name: string, refs: Record<string, string>, message: string): TeamRelease {
  const number = writeTransaction(ws.db, () => {
    const team = requireTeam(ws, name);
    const pins = resolvePins(ws, name, refs);
    const next = (typed(ws.db, NRow, 'SELECT max(number) AS n FROM team_releases WHERE team_id = ?').one(team.id).n ?? 0) + 1;
    const id = Number(
      sql(ws.db, 'INSERT INTO team_releases (team_id, number, message, author, created_at) VALUES (?, ?, ?, ?, ?)').run(
        team.id,
        next,
        message,
        ws.identity().author,
        ws.now(),
      ).lastInsertRowid,
    );
    for (const pin of pins)
      sql(ws.db, 'INSERT INTO team_release_pins (release_id, agent_id, version_id) VALUES (?, ?, ?)').run(
        id,
        requireAgent(ws, pin.agent).id,
        pin.versionId,
      );
    const check = checkPins(ws, pins, name);
    appendAudit(ws, {
      action: 'team.release',
      agentId: null,
      subject: `${name}#${next}`,
      reason: message,
      after: {
        pins: Object.fromEntries(pins.map((pin) => [pin.agent, pin.semver])),
        compatible: check.ok,
        breaks: check.dependencies.flatMap((dependency) => dependency.breaks),
      },
    });
    return next;
  });
  return teamRelease(ws, name, number);
}

export function teamRelease(ws: Workspace, name: string, number: number): TeamRelease {
  const [found] = releasesOf(ws, requireTeam(ws, name), number);
  if (!found) throw new SlipwayError('not_found', `team ${name} has no release #${number}`);
  return found;
}

/** The team releases that pinned each version of an agent, newest first, for History. */
export function teamReleasesOfAgent(ws: Workspace, agent: string): TeamReleaseOfVersion[] {
  const id = requireAgent(ws, agent).id;
  return typed(
    ws.db,
    PinOfAgentRow,
    `SELECT teams.name AS team, team_releases.number, versions.semver, team_releases.created_at AS createdAt
    FROM team_release_pins JOIN team_releases ON team_releases.id = team_release_pins.release_id JOIN teams ON teams.id = team_releases.team_id JOIN versions ON versions.id = team_release_pins.version_id
    WHERE team_release_pins.agent_id = ? ORDER BY team_releases.created_at DESC, team_releases.number DESC`,
  )
    .all(id)
    .map((row) => ({ ...row, name: `${row.team}#${row.number}` }));
}

const MATRIX_VERSIONS = 12;

/** For each dependency between members: the consumer's recent versions against the producer's, each cell checked. */
export function teamMatrix(
  ws: Workspace,
  name: string,
): {
  team: string;
  edges: Array<{
    consumer: string;
    producer: string;
    consumerVersions: string[];
    producerVersions: string[];
    cells: Array<{ consumer: string; producer: string; ok: boolean; breaks: string[]; notChecked: string[] }>;
  }>;
} {
  const members = membersOf(ws, requireTeam(ws, name).id);
  const versions = new Map(
    members.map((agent) => {
      const rows = typed(ws.db, IdSemverRow, 'SELECT id, semver FROM versions WHERE agent_id = ?').all(
        requireAgent(ws, agent).id,
      );
      const recent = rows.sort((a, b) => compareSemver(b.semver, a.semver)).slice(0, MATRIX_VERSIONS);
      return [agent, recent.map((row) => ({ ...row, contract: contractOf(ws, row.id) }))];
    }),
  );
  const edges = [];
  for (const consumer of members) {
    for (const producer of members) {
      const consumerVersions = versions.get(consumer) ?? [];
      if (producer === consumer || !consumerVersions.some((version) => version.contract?.requires?.[producer])) continue;
      const producerVersions = versions.get(producer) ?? [];
      const cells = consumerVersions.flatMap((c) =>
        producerVersions.map((p) => {
          const result = checkCompatibility(
            { agent: consumer, semver: c.semver, contract: c.contract },
            { agent: producer, semver: p.semver, contract: p.contract },
          );
          return {
            consumer: c.semver,
            producer: p.semver,
            ok: result.ok,
            breaks: result.depends ? result.breaks : [],
            notChecked: result.depends ? result.notChecked : [`${consumer} ${c.semver} does not depend on ${producer}`],
          };
        }),
      );
      edges.push({
        consumer,
        producer,
        consumerVersions: consumerVersions.map((version) => version.semver),
        producerVersions: producerVersions.map((version) => version.semver),
        cells,
      });
    }
  }
  return { team: name, edges };
}
