import type { Attestation, LiveAssertion, ReleasePlan } from '../../shared/release/protocol';
import type { Assertion } from '../../shared/suite';
import { listRuns } from '../testing/runs';
import { getSuite } from '../testing/suites';
import type { Workspace } from '../workspace';

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
