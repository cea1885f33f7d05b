import type { GateCheck } from '../../shared/contract/release';
import type { RunSummary } from '../../shared/contract/testing';
import type { Attestation, LiveAssertion, ReleasePlan } from '../../shared/release/protocol';
import type { Assertion } from '../../shared/suite';
import { listRuns } from '../testing/runs';
import { getSuite, listSuites } from '../testing/suites';
import { resolveAgentRef } from '../versions/agent-ref';
import { latestPlan } from './plans';
import type { Workspace } from '../workspace';
import { SlipwayError } from '../../shared/errors';

/** A suite assertion a runtime can check on every live response, if it is one. */
function liveAssertion(assertion: Assertion): LiveAssertion[] {
  if (assertion.not) return [];
  switch (assertion.type) {
    case 'is-json':
      return [{ type: 'is-json' }];
    case 'json-schema':
      return [{ type: 'json-schema', value: assertion.value }];
    case 'not-contains':
      return [{ type: 'not-contains', value: assertion.value }];
    case 'regex':
      return [{ type: 'regex', value: assertion.value, ...(assertion.flags ? { flags: assertion.flags } : {}) }];
    case 'no-tool-called':
      return [{ type: 'no-tool-called', ...(assertion.names ? { names: assertion.names } : {}) }];
    case 'step-count': {
      const { type, min_turns, max_turns, min_tool_calls, max_tool_calls } = assertion;
      return [{ type, min_turns, max_turns, min_tool_calls, max_tool_calls }];
    }
    default:
      return [];
  }
}

/** The newest passing run of each gate suite for this exact version: its evidence. */
export function gateAttestations(ws: Workspace, agent: string, suites: string[], versionHash: string): Attestation[] {
  return suites.flatMap((suite) => {
    const run = listRuns(ws, agent, suite).find(
      (candidate) => candidate.versionHash === versionHash && candidate.gatePassed === true,
    );
    const attestation = run?.attestation ?? null;
    return attestation ? [attestation] : [];
  });
}

/** Gate suites with no passing run for the version. */
export function gateMissing(ws: Workspace, agent: string, plan: ReleasePlan | null, versionHash: string): string[] {
  if (!plan) return [];
  const have = new Set(gateAttestations(ws, agent, plan.gate.suites, versionHash).map((attestation) => attestation.suite));
  return plan.gate.suites.filter((suite) => !have.has(suite));
}

function verdictOf(run: RunSummary | undefined): GateCheck['suites'][number]['verdict'] {
  if (!run) return 'missing';
  if (run.status === 'running') return 'running';
  return run.gatePassed === true ? 'passed' : 'failed';
}

/**
 * What the eval gate would find for a version: each gate suite's latest run of it (a cancelled or
 * failed one is red). With no saved plan, every suite of the agent is the gate, so a version
 * without evidence is never released without a word.
 */
export function gateCheck(ws: Workspace, agent: string, ref: string): GateCheck {
  const version = resolveAgentRef(ws, ref, agent);
  if (version.semver === null) throw new SlipwayError('invalid_input', 'the draft cannot be released: snapshot it first');
  const planned = latestPlan(ws, agent)?.plan.gate.suites ?? null;
  const suites = planned ?? listSuites(ws, agent).map((suite) => suite.name);
  const runs = listRuns(ws, agent).filter((run) => run.versionHash === version.versionHash);
  return {
    semver: version.semver,
    planned: planned !== null,
    suites: suites.map((suite) => {
      const run = runs.find((candidate) => candidate.suite === suite);
      return {
        suite,
        verdict: verdictOf(run),
        run: run ? { id: run.id, passed: run.passed, total: run.total, finishedAt: run.finishedAt } : null,
      };
    }),
  };
}

/** A plan as pushed to a runtime: with the gate suites' evidence for a version, and their live assertions. */
export function planWithEvidence(ws: Workspace, agent: string, plan: ReleasePlan, versionHash: string | null): ReleasePlan {
  const attestations = versionHash ? gateAttestations(ws, agent, plan.gate.suites, versionHash) : [];
  const live = plan.gate.suites.flatMap((suite) => getSuite(ws, agent, suite).suite.defaults.assert.flatMap(liveAssertion));
  return {
    ...plan,
    assertions: [...plan.assertions, ...live],
    gate: { suites: plan.gate.suites, attestations: [...plan.gate.attestations, ...attestations] },
  };
}
