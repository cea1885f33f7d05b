// A child process for the crash and concurrency tests: snapshots AGENT in a loop in WORKSPACE,
// printing "committed N" after each commit. Run: node --import tsx snapshot-loop.ts DIR AGENT COUNT
import { connect } from '../workspace/connect';
import { openWorkspace } from '../workspace/workspace';
import { agentFiles } from './workspace';

const [dir, agent, countText] = process.argv.slice(2);
if (!dir || !agent || !countText) throw new Error('usage: snapshot-loop DIR AGENT COUNT');
const ws = openWorkspace(dir, { identity: () => ({ author: `loop ${agent}`, source: 'os' }) });
const { client } = connect(ws);
const existing = await client.agents.list({});
if (!existing.some((summary) => summary.name === agent)) await client.agents.create({ name: agent });
for (let index = 1; index <= Number(countText); index += 1) {
  const files = agentFiles({ 'prompt.md': `You sort tickets. Revision ${index}.\n${'Context line.\n'.repeat(200)}` });
  await client.versions.snapshot({ agent, message: `revision ${index}`, files });
  process.stdout.write(`committed ${index}\n`);
}
ws.close();
