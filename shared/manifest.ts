import { sha256Hex, type Sha256 } from './hash';

export interface ManifestEntry {
  name: string;
  sha256: string;
}

/**
 * The canonical manifest of a set of files: one `<sha256>  <name>` line per file, sorted by
 * name, each ending in LF — the format `sha256sum` prints, so anyone can recompute it.
 * A version's content hash is the sha256 of these bytes: the same files always give it.
 */
export function canonicalManifest(
  files: Readonly<Record<string, string>>,
  sha256: Sha256 = sha256Hex,
): { text: string; hash: string; entries: ManifestEntry[] } {
  const entries = Object.keys(files)
    .sort()
    .map((name) => ({ name, sha256: sha256(files[name] ?? '') }));
  const text = entries.map((entry) => `${entry.sha256}  ${entry.name}\n`).join('');
  return { text, hash: sha256(text), entries };
}
