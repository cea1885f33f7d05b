import { join } from 'node:path';
import { RELEASE, requireTrustedRun } from '../bundles/trust';
import type { Handlers } from '../../shared/contract/contract';
import type { ReleaseAction, ReleaseView, TargetInfo } from '../../shared/contract/release';
import { SlipwayError } from '../../shared/errors';
import { writeTransaction } from '../../shared/node/sqlite';
import { z } from 'zod';
import { ReleaseState, type CommandAction } from '../../shared/release/protocol';
import { inWindow, windowStats } from '../../shared/release/window';
import { versionPutInFront } from '../../shared/release/state';
import { breaksOfLiveTeams, markLeft, teamsOf } from '../teams/live-teams';
import { gateCheck, gateMissing, planWithEvidence } from './evidence';
import { startLocalRuntime, type StartedRuntime } from './local-runtime';
import { RuntimeRefusal, runtimeClient, type RuntimeClient } from '../../shared/release/client';
import type { SecretVault } from '../keys/secret-vault';
import { appendAudit } from '../audit/audit-log';
import { getDataset, saveDataset } from '../comparing/datasets';
import { latestPlan, planRevisions, savePlan } from './plans';
import { setLabel } from '../versions/labels';
import { findAgent, requireAgent } from '../lookup';
import { getTarget, listTargets, removeTarget, saveTarget, targetTokenName, targetTokenVariable, type Target } from './targets';
import { readSetting, writeSetting } from '../settings/values';
import { resolveAgentRef } from '../versions/agent-ref';
import { typed } from '../statements';
import { jsonColumn } from '../../shared/json-column';
import type { Workspace } from '../workspace';

const SemverRow = z.object({ semver: z.string() });

const LOCAL = 'local';
/** Where a release command given a runtime's URL (no saved target) finds its token. */
const AD_HOC_TOKEN_VARIABLE = 'SLIPWAY_RUNTIME_TOKEN';

function isUrlTarget(target: string): boolean {
  return /^https?:\/\//.test(target);
}

/** The runtime's command for an action of the Release tab or the CLI, a named version given by its hash. */
function runtimeActionOf(action: ReleaseAction, hash: string | null): CommandAction {
  switch (action.type) {
    case 'deploy':
      return { type: 'deploy', version: hash ?? '' };
    case 'canary':
      return { type: 'canary', version: hash ?? '', weight: action.weight };
    case 'shadow':
      return { type: 'shadow', version: hash ?? '', share: action.share };
    case 'step':
      return { type: 'set-weight', weight: action.weight };
    case 'rollback':
      return { type: 'rollback', reason: action.reason, ...(hash ? { to: hash } : {}) };
    case 'pause':
    case 'resume':
    case 'promote':
    case 'shadow-off':
      return action;
  }
}

/**
 * Whether a failure means the runtime could not be used at all (down, another protocol, no
 * token): a view then shows the last known state instead of failing.
 */
export function unreachable(error: unknown): boolean {
  return error instanceof SlipwayError && ['unavailable', 'incompatible', 'unauthorized'].includes(error.code);
}
const WINDOW_FALLBACK_MS = 60_000;

type ReleaseHandlers = Pick<Handlers, 'targets' | 'release' | 'local'>;

const Known = z.object({ state: ReleaseState, at: z.string() });
/** How far the workspace has read a target's events. */
const Cursor = z.int();

/** A release command's audit row, as much of its answer as History shows. */
const Semver = z.object({ semver: z.string() }).nullable().optional();
const DeploymentRow = z.object({
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  subject: z.string(),
  after: jsonColumn(z.looseObject({ stable: Semver, canary: Semver, refused: z.string().optional() })).nullable(),
});

/** The runtime's events after which an agent's stable may be another version. */
const MOVES_STABLE = new Set(['promoted', 'rolled-back', 'deployed']);

/** What a captured sample's input may hold: the variables of an invoke, or a chat's messages. */
const SampleInput = z.looseObject({
  vars: z.record(z.string(), z.unknown()).optional(),
  messages: z.array(z.looseObject({ role: z.string(), content: z.unknown() })).optional(),
});

/** What team releases share with single-agent releases: a target's client, pulling its events, a label following the stable. */
export interface TargetAccess {
  /** A saved target's client and the label that follows its stable; a URL target has no label. */
  client: (target: string) => { client: RuntimeClient; url: string; label: string | null };
  pullEvents: (name: string, runtime: RuntimeClient, label: string | null) => Promise<Map<string, ReleaseState>>;
  followLabel: (agent: string, label: string | null, state: ReleaseState, reason: string) => void;
}

/**
 * The app's side of releasing: targets (tokens in the vault), each agent's release on a target
 * as the Release tab shows it (the last known state when the runtime cannot be reached), the
 * commands (audited with the runtime's answer; promotion and rollback move the target's label),
 * the runtime's events pulled into the audit, and a local runtime with a traffic generator.
 */
export function createReleaseHandlers(
  ws: Workspace,
  deps: { vault: SecretVault; env?: NodeJS.ProcessEnv },
): ReleaseHandlers & { close: () => Promise<void>; access: TargetAccess } {
  let local: StartedRuntime | null = null;
  let traffic: {
    agent: string;
    dataset: string;
    ratePerSecond: number;
    sent: number;
    failed: number;
    timer: ReturnType<typeof setInterval>;
  } | null = null;

  const env = deps.env ?? process.env;
  const client = (name: string): { client: RuntimeClient; url: string; label: string | null } => {
    if (isUrlTarget(name)) {
      const token = env[AD_HOC_TOKEN_VARIABLE];
      if (!token)
        throw new SlipwayError(
          'unauthorized',
          `set ${AD_HOC_TOKEN_VARIABLE} to a token of the runtime at ${name} (or save the target: \`slipway release target add NAME URL\`)`,
        );
      return { client: runtimeClient(name, token), url: name, label: null };
    }
    const target = getTarget(ws, name);
    const token = deps.vault.get(targetTokenName(name)) ?? env[targetTokenVariable(name)];
    if (!token)
      throw new SlipwayError(
        'unauthorized',
        `target ${name} has no token: add it in the Release tab's target settings (or set ${targetTokenVariable(name)})`,
      );
    return { client: runtimeClient(target.url, token), url: target.url, label: target.label };
  };

  const info = (target: Target): TargetInfo => ({
    ...target,
    tokenSet: deps.vault.get(targetTokenName(target.name)) !== undefined,
    tokenVariable: targetTokenVariable(target.name),
    local: target.name === LOCAL,
  });

  /**
   * The runtime's events since the last pull go into the audit as runtime:<target>, once each.
   * The runtime moved a stable on its own (a guardrail's rollback, a plan's promotion) or someone
   * else did: the target's label follows it here too, as it does for a command made from here.
   * Answers the states it read for that, taken after the events so none is older than they are.
   */
  const pullEvents = async (name: string, runtime: RuntimeClient, label: string | null): Promise<Map<string, ReleaseState>> => {
    const cursor = readSetting(ws, `cursor:${name}`, Cursor) ?? 0;
    const { events } = await runtime.events(cursor);
    if (events.length === 0) return new Map();
    const moved = new Set<string>();
    writeTransaction(ws.db, () => {
      for (const event of events) {
        const agentId = findAgent(ws, event.agent)?.id ?? null;
        appendAudit(ws, {
          action: `runtime.${event.type}`,
          agentId,
          subject: `${event.agent || 'the runtime'} on ${name} (event ${event.id})`,
          actor: `runtime:${name}`,
          reason: typeof event.detail.reason === 'string' ? event.detail.reason : '',
          after: { ...event.detail, by: event.actor, at: event.at },
        });
        if (agentId !== null && label !== null && MOVES_STABLE.has(event.type)) moved.add(event.agent);
      }
      writeSetting(ws, `cursor:${name}`, events[events.length - 1]?.id ?? cursor);
    });
    const states = new Map<string, ReleaseState>();
    for (const agent of moved) {
      const state = await runtime.state(agent);
      states.set(agent, state);
      followLabel(agent, label, state, `the runtime on ${name} moved its stable`);
    }
    return states;
  };

  const view = async (agent: string, name: string): Promise<ReleaseView> => {
    const known = readSetting(ws, `release:${name}:${agent}`, Known);
    try {
      const { client: runtime, label } = client(name);
      const pulled = await pullEvents(name, runtime, label);
      const [state, { plan }, { guardrails }] = await Promise.all([
        pulled.get(agent) ?? runtime.state(agent),
        runtime.plan(agent),
        runtime.guardrails(agent),
      ]);
      const at = new Date().toISOString();
      writeSetting(ws, `release:${name}:${agent}`, { state, at });
      const windowMs = guardrails?.windowMs ?? WINDOW_FALLBACK_MS;
      const canary = state.canary;
      let window: ReleaseView['window'] = null;
      if (canary) {
        const { buckets } = await runtime.metrics(agent, new Date(Date.now() - windowMs).toISOString());
        const stats = windowStats(
          inWindow(
            buckets.filter((bucket) => bucket.version === canary.hash),
            windowMs,
            Date.now(),
          ),
        );
        window = {
          requests: stats.requests,
          errorRate: stats.errorRate,
          p95LatencyMs: stats.p95LatencyMs,
          costPerRequestUsd: stats.costPerRequestUsd,
        };
      }
      const progress =
        state.plan && plan
          ? {
              step: state.plan.step,
              heldMs: Date.now() - Date.parse(state.plan.since),
              holdMs: state.plan.step < 0 ? (plan.shadow?.durationMs ?? 0) : (plan.steps[state.plan.step]?.holdMs ?? 0),
            }
          : null;
      const savedPlan = latestPlan(ws, agent)?.plan ?? null;
      const candidate = canary?.hash;
      return {
        target: name,
        agent,
        reachable: true,
        state,
        lastContact: at,
        problem: null,
        problemCode: null,
        plan,
        guardrails,
        progress,
        window,
        gateMissing: candidate ? gateMissing(ws, agent, savedPlan ?? plan, candidate) : [],
      };
    } catch (error) {
      if (!unreachable(error)) throw error;
      return {
        target: name,
        agent,
        reachable: false,
        state: known?.state ?? null,
        lastContact: known?.at ?? null,
        problem: error instanceof Error ? error.message : String(error),
        problemCode: error instanceof SlipwayError ? error.code : null,
        plan: null,
        guardrails: null,
        progress: null,
        window: null,
        gateMissing: [],
      };
    }
  };

  const versionOf = (agent: string, ref: string) => {
    const target = resolveAgentRef(ws, ref, agent);
    if (target.semver === null) throw new SlipwayError('invalid_input', 'the draft cannot be released: snapshot it first');
    // The local runtime lets versions call anything: what an untrusted bundle brought is not released.
    requireTrustedRun(ws, target, RELEASE);
    return { hash: target.versionHash, semver: target.semver, files: target.files };
  };

  /** After a promotion or a rollback, the target's label points where the runtime's stable does, audited. */
  const followLabel = (agent: string, label: string | null, state: ReleaseState, reason: string) => {
    const stable = state.stable;
    if (!stable || label === null) return;
    try {
      setLabel(ws, { agent, label, ref: `sha256:${stable.hash}`, reason });
    } catch (error) {
      if (!(error instanceof SlipwayError && (error.code === 'no_changes' || error.code === 'not_found'))) throw error;
    }
  };

  const runTraffic = (agent: string, dataset: string, ratePerSecond: number) => {
    if (!local) throw new SlipwayError('invalid_input', 'start the local runtime first');
    const items = getDataset(ws, agent, dataset).dataset.items;
    const runtime = runtimeClient(local.url, local.invokerToken);
    let index = 0;
    const timer = setInterval(
      () => {
        const item = items[index % items.length];
        index += 1;
        if (!item || !traffic) return;
        const current = traffic;
        runtime
          .invoke(agent, item.vars ?? {})
          .then(() => (current.sent += 1))
          .catch(() => {
            current.sent += 1;
            current.failed += 1;
          });
      },
      Math.max(5, 1000 / ratePerSecond),
    );
    timer.unref();
    traffic = { agent, dataset, ratePerSecond, sent: 0, failed: 0, timer };
  };

  const localStatus = () => ({
    running: local !== null,
    url: local?.url ?? null,
    traffic: traffic
      ? {
          agent: traffic.agent,
          dataset: traffic.dataset,
          ratePerSecond: traffic.ratePerSecond,
          sent: traffic.sent,
          failed: traffic.failed,
        }
      : null,
  });

  return {
    targets: {
      list: () => listTargets(ws).map(info),
      save: ({ name, url, label, token }) => {
        const saved = saveTarget(ws, { name, url, label });
        if (token) deps.vault.set(targetTokenName(name), token);
        return info(saved);
      },
      remove: ({ name }) => {
        removeTarget(ws, name);
        if (deps.vault.names().some((entry) => entry.name === targetTokenName(name) && entry.source !== 'environment'))
          deps.vault.remove(targetTokenName(name));
        return listTargets(ws).map(info);
      },
    },
    release: {
      view: ({ agent, target }) => view(agent, target),
      command: async ({ agent, target, action, leaveTeam }) => {
        const { client: runtime, label } = client(target);
        const agentRow = requireAgent(ws, agent);
        const record = (after: Record<string, unknown>) =>
          writeTransaction(ws.db, () =>
            appendAudit(ws, {
              action: `release.${action.type}`,
              agentId: agentRow.id,
              subject: `${agent} on ${target}`,
              ...(action.type === 'rollback' ? { reason: action.reason } : {}),
              after,
            }),
          );
        // The version a command names is resolved here first (a bad ref is the caller's mistake);
        // everything said to the runtime from then on is audited, answered or refused.
        const named =
          action.type === 'deploy' || action.type === 'canary' || action.type === 'shadow'
            ? versionOf(agent, action.ref)
            : action.type === 'rollback' && action.to !== undefined
              ? versionOf(agent, action.to)
              : null;
        const runtimeAction = runtimeActionOf(action, named?.hash ?? null);
        // A canary, or a rollback to a version that may never have served, meets the plan's eval gate: its evidence goes with it.
        const saved =
          action.type === 'canary' || (action.type === 'rollback' && named) ? (latestPlan(ws, agent)?.plan ?? null) : null;
        try {
          // A member of a team live here is not released alone into a broken team.
          // An agent in no team of this workspace has nothing to check: no extra read of the runtime.
          const moving =
            teamsOf(ws, agent).length === 0
              ? undefined
              : action.type === 'deploy' || action.type === 'canary'
                ? named?.hash
                : action.type === 'promote' || action.type === 'rollback'
                  ? versionPutInFront(await runtime.state(agent), runtimeAction)
                  : undefined;
          const broken = moving ? await breaksOfLiveTeams(ws, runtime, agent, moving) : [];
          // A rollback to the previous stable is never held back; one to a version named (--to) is a release like any.
          const heldBack = action.type !== 'rollback' || action.to !== undefined;
          if (broken.length && heldBack && !leaveTeam)
            throw new SlipwayError(
              'check_failed',
              `${broken
                .map(
                  (team) =>
                    `${agent} would break team ${team.team}${team.release ? ` (${team.release})` : ''} on ${target}: ${team.breaks.join('; ')}`,
                )
                .join(
                  '; ',
                )}. Release the team together (slipway team release, then team promote), or pass --leave-team to take ${agent} out of the team release`,
            );
          if (named) await runtime.upload(agent, named.hash, named.semver, named.files);
          if (saved && named) await runtime.setPlan(agent, planWithEvidence(ws, agent, saved, named.hash));
          const { state } = await runtime.command(agent, runtimeAction);
          for (const team of broken)
            writeTransaction(ws.db, () => {
              appendAudit(ws, {
                action: 'team.left',
                agentId: agentRow.id,
                subject: `${agent} left ${team.release ?? `team ${team.team}`} on ${target}`,
                reason: team.breaks.join('; '),
                after: { team: team.team, action: action.type, version: moving, generation: state.generation },
              });
              if (moving) markLeft(ws, target, team.team, agent, moving);
            });
          record({
            generation: state.generation,
            stable: state.stable,
            canary: state.canary,
            shadow: state.shadow,
            paused: state.paused,
          });
          if (action.type === 'promote' || action.type === 'rollback' || action.type === 'deploy')
            followLabel(
              agent,
              label,
              state,
              `${action.type} on ${target}${action.type === 'rollback' ? `: ${action.reason}` : ''}`,
            );
        } catch (error) {
          record({
            refused: error instanceof Error ? error.message : String(error),
            ...(error instanceof RuntimeRefusal ? { status: error.status } : {}),
          });
          throw error;
        }
        return view(agent, target);
      },
      setGuardrails: async ({ agent, target, guardrails }) => {
        await client(target).client.setGuardrails(agent, guardrails);
        writeTransaction(ws.db, () =>
          appendAudit(ws, {
            action: 'release.guardrails',
            agentId: requireAgent(ws, agent).id,
            subject: `${agent} on ${target}`,
            after: guardrails,
          }),
        );
        return view(agent, target);
      },
      plans: ({ agent }) => planRevisions(ws, agent),
      setPlan: async ({ agent, target, plan, for: forRef }) => {
        writeTransaction(ws.db, () => {
          const { saved, previous } = savePlan(ws, agent, plan);
          if (saved.revision !== previous?.revision)
            appendAudit(ws, {
              action: 'release.plan',
              agentId: requireAgent(ws, agent).id,
              subject: `${agent} plan revision ${saved.revision}`,
              before: previous?.plan ?? null,
              after: plan,
            });
        });
        const { client: runtime } = client(target);
        const evidenceFor =
          forRef === undefined ? ((await runtime.state(agent)).canary?.hash ?? null) : versionOf(agent, forRef).hash;
        await runtime.setPlan(agent, planWithEvidence(ws, agent, plan, evidenceFor));
        return view(agent, target);
      },
      metrics: async ({ agent, target, minutes }) => {
        const { buckets } = await client(target).client.metrics(agent, new Date(Date.now() - minutes * 60_000).toISOString());
        const versions: Record<string, string> = {};
        for (const bucket of buckets)
          versions[bucket.version] ??=
            typed(ws.db, SemverRow, 'SELECT semver FROM versions WHERE hash = ?').get(bucket.version)?.semver ??
            bucket.version.slice(0, 8);
        return { buckets, versions };
      },
      events: async ({ agent, target }) => {
        const { events } = await client(target).client.events(0, agent);
        return { events: events.slice(-100).reverse() };
      },
      gate: ({ agent, ref }) => gateCheck(ws, agent, ref),
      deployments: ({ agent }) => {
        const rows = typed(
          ws.db,
          DeploymentRow,
          "SELECT at, actor, action, subject, after FROM audit WHERE agent_id = ? AND action IN ('release.deploy', 'release.canary', 'release.promote', 'release.rollback', 'release.step') ORDER BY id DESC",
        ).all(requireAgent(ws, agent).id);
        return rows.flatMap((row) => {
          const after = row.after ?? {};
          if (after.refused) return [];
          return [
            {
              target: row.subject.split(' on ').pop() ?? '',
              action: row.action.slice('release.'.length),
              at: row.at,
              actor: row.actor,
              semver:
                (row.action === 'release.canary' || row.action === 'release.step'
                  ? after.canary?.semver
                  : after.stable?.semver) ?? null,
            },
          ];
        });
      },
      samplesToDataset: async ({ agent, target, name }) => {
        const { samples } = await client(target).client.samples(agent);
        if (samples.length === 0)
          throw new SlipwayError('invalid_input', `${target} has captured no shadow samples of ${agent} yet`);
        const items = samples.map((sample) => {
          const parsed = SampleInput.safeParse(sample.input);
          const input = parsed.success ? parsed.data : {};
          const messages = (input.messages ?? []).filter(
            (message): message is { role: 'user' | 'assistant'; content: string } =>
              (message.role === 'user' || message.role === 'assistant') && typeof message.content === 'string',
          );
          return {
            id: `sample-${sample.id}`,
            ...(input.vars ? { vars: input.vars } : messages.length ? { messages } : { vars: {} }),
            tools: [],
          };
        });
        const saved = saveDataset(ws, agent, { name, items }, `${samples.length} shadow samples from ${target}`);
        return {
          agent,
          name: saved.name,
          revision: saved.revision,
          hash: saved.hash,
          items: saved.items,
          author: saved.author,
          message: saved.message,
          createdAt: saved.createdAt,
          description: null,
          list: saved.dataset.items,
        };
      },
    },
    local: {
      status: () => localStatus(),
      start: async () => {
        if (!local) {
          local = await startLocalRuntime(join(ws.dir, 'runtime'));
          saveTarget(ws, { name: LOCAL, url: local.url, label: 'production' });
          deps.vault.set(targetTokenName(LOCAL), local.adminToken);
        }
        return localStatus();
      },
      stop: async () => {
        if (traffic) clearInterval(traffic.timer);
        traffic = null;
        await local?.stop();
        local = null;
        return localStatus();
      },
      traffic: ({ agent, dataset, ratePerSecond }) => {
        if (traffic) clearInterval(traffic.timer);
        traffic = null;
        if (ratePerSecond > 0) runTraffic(agent, dataset, ratePerSecond);
        return localStatus();
      },
    },
    close: async () => {
      if (traffic) clearInterval(traffic.timer);
      await local?.stop();
    },
    access: { client, pullEvents, followLabel },
  };
}
