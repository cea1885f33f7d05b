import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import yauzl from 'yauzl';
import yazl from 'yazl';
import { LIMITS } from '../bundle';
import { SlipwayError } from '../errors';
import { pathsInside } from './inside-folder';

/** How a bundle's entries are stored: a zip (.slipway) or a plain folder. Nothing read here is trusted. */

export function refuse(message: string): SlipwayError {
  return new SlipwayError('invalid_files', message);
}

/** Every entry of a zip, checked as it is read: names, links, duplicates, sizes and ratios. */
export async function readZipEntries(data: Buffer): Promise<Map<string, Buffer>> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(data, { lazyEntries: true, validateEntrySizes: true, strictFileNames: true }, (error, opened) =>
      error || !opened ? reject(refuse(`not a bundle: ${error?.message ?? 'unreadable'}`)) : resolve(opened),
    ),
  );
  const entries = new Map<string, Buffer>();
  let total = 0;
  return new Promise((resolve, reject) => {
    const fail = (error: SlipwayError) => {
      zip.close();
      reject(error);
    };
    zip.on('error', (error: Error) => fail(refuse(`not a bundle: ${error.message}`)));
    zip.on('end', () => resolve(entries));
    zip.on('entry', (entry: yauzl.Entry) => {
      const name = entry.fileName;
      if (name.endsWith('/')) return zip.readEntry();
      if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return fail(refuse(`${name}: an absolute path`));
      if (name.split('/').includes('..')) return fail(refuse(`${name}: a path outside the bundle`));
      if (((entry.externalFileAttributes >>> 16) & 0o170000) === 0o120000) return fail(refuse(`${name}: a symbolic link`));
      if (entries.has(name)) return fail(refuse(`${name}: the entry appears twice`));
      if (entry.uncompressedSize > LIMITS.entryBytes) return fail(refuse(`${name}: over 50 MiB`));
      if (total + entry.uncompressedSize > LIMITS.totalBytes) return fail(refuse('the bundle expands to over 500 MiB'));
      if (entry.uncompressedSize > 64 * 1024 && entry.uncompressedSize / Math.max(entry.compressedSize, 1) > LIMITS.ratio)
        return fail(refuse(`${name}: compressed more than 100:1`));
      zip.openReadStream(entry, (error, stream) => {
        if (error || !stream) return fail(refuse(`${name}: cannot be read (${error?.message ?? 'no data'})`));
        const chunks: Buffer[] = [];
        let size = 0;
        stream.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > LIMITS.entryBytes) stream.destroy(refuse(`${name}: over 50 MiB`));
          else chunks.push(chunk);
        });
        stream.on('error', (streamError: Error) =>
          fail(streamError instanceof SlipwayError ? streamError : refuse(`${name}: ${streamError.message}`)),
        );
        stream.on('end', () => {
          total += size;
          entries.set(name, Buffer.concat(chunks));
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
}

/** A folder's files as bundle entries, under the same rules as a zip's: no links, no oversize. */
function readFolderEntries(root: string): Map<string, Buffer> {
  if (!existsSync(root) || !lstatSync(root).isDirectory()) throw refuse(`${root} is not a folder`);
  const entries = new Map<string, Buffer>();
  let total = 0;
  const walk = (relative: string) => {
    for (const name of readdirSync(join(root, relative))) {
      const path = relative ? `${relative}/${name}` : name;
      const stat = lstatSync(join(root, path));
      if (stat.isSymbolicLink()) throw refuse(`${path}: a symbolic link`);
      if (stat.isDirectory()) walk(path);
      else {
        if (stat.size > LIMITS.entryBytes) throw refuse(`${path}: over 50 MiB`);
        total += stat.size;
        if (total > LIMITS.totalBytes) throw refuse('the folder holds over 500 MiB');
        entries.set(path, readFileSync(join(root, path)));
      }
    }
  };
  walk('');
  return entries;
}

/** A bundle's entries from a .slipway file's bytes, or from a folder's path. */
export async function readBundleEntries(source: Buffer | string): Promise<Map<string, Buffer>> {
  return typeof source === 'string' ? readFolderEntries(source) : readZipEntries(source);
}

export async function zipEntries(entries: Array<[string, Buffer]>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [path, content] of entries) zip.addBuffer(content, path);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Writes entries as plain files under dir, which must be new or empty; an entry that would leave it is refused before any is written. */
export function writeFolder(dir: string, entries: Array<[string, Buffer]>): void {
  if (existsSync(dir) && readdirSync(dir).length > 0)
    throw new SlipwayError('invalid_input', `${dir} is not empty: export into a new folder`);
  const targets = pathsInside(
    dir,
    entries.map(([path]) => path),
    { nested: true },
  );
  const made = new Set<string>();
  entries.forEach(([, content], index) => {
    const target = targets[index] ?? '';
    const folder = dirname(target);
    if (!made.has(folder)) mkdirSync(folder, { recursive: true });
    made.add(folder);
    writeFileSync(target, content);
  });
}
