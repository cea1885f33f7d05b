import { afterEach, describe, expect, it } from 'vitest';
import { agentFiles, tempWorkspace, type TestWorkspace } from '../../test-support/workspace';

let t: TestWorkspace;
afterEach(() => t.cleanup());

describe('migration 0010-init', () => {
  it('creates the store and makes versions, their files, blobs, label history and audit rows immutable', async () => {
    t = tempWorkspace();
    await t.client.agents.create({ name: 'triage' });
    await t.client.versions.snapshot({ agent: 'triage', message: 'first', files: agentFiles() });
    await t.client.labels.set({ agent: 'triage', label: 'production', ref: '1.0.0', reason: 'launch' });
    const refused: Array<[string, RegExp]> = [
      ["UPDATE versions SET message = 'rewritten'", /versions are immutable/],
      ['DELETE FROM versions', /versions are immutable/],
      ["UPDATE version_files SET name = 'x'", /version files are immutable/],
      ['DELETE FROM version_files', /version files are immutable/],
      ["UPDATE blobs SET content = 'x'", /blobs are immutable/],
      ['DELETE FROM blobs', /blobs are immutable/],
      ["UPDATE label_moves SET reason = 'x'", /append-only/],
      ['DELETE FROM label_moves', /append-only/],
      ["UPDATE audit SET actor = 'mallory'", /append-only/],
      ['DELETE FROM audit', /append-only/],
      ['DELETE FROM agents', /never deleted/],
    ];
    for (const [statement, message] of refused) expect(() => t.ws.db.exec(statement), statement).toThrowError(message);
    const version = t.ws.db.prepare('SELECT id FROM versions').get() as { id: number };
    const smuggle =
      "INSERT INTO version_files (version_id, name, blob_sha256) SELECT ?, 'contract.yaml', sha256 FROM blobs LIMIT 1";
    expect(() => t.ws.db.prepare(smuggle).run(version.id)).toThrowError(/files must match its manifest/);
  });

  it('refuses a second version with the same semver for an agent', async () => {
    t = tempWorkspace();
    await t.client.agents.create({ name: 'triage' });
    await t.client.versions.snapshot({ agent: 'triage', message: 'first', files: agentFiles() });
    const insert =
      "INSERT INTO versions (agent_id, semver, major, minor, patch, hash, manifest, author, message, created_at) VALUES (1, '1.0.0', 1, 0, 0, 'h', '', 'a', 'm', 't')";
    expect(() => t.ws.db.exec(insert)).toThrowError(/UNIQUE constraint failed/);
    const mismatched =
      "INSERT INTO versions (agent_id, semver, major, minor, patch, hash, manifest, author, message, created_at) VALUES (1, '1.0.0', 2, 0, 0, 'h', '', 'a', 'm', 't')";
    expect(() => t.ws.db.exec(mismatched)).toThrowError(/CHECK constraint failed/);
  });
});
