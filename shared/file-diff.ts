import { createTwoFilesPatch } from 'diff';

export type FileStatus = 'added' | 'removed' | 'modified' | 'unchanged';

export interface FileDiff {
  name: string;
  status: FileStatus;
  /** Unified diff text; empty when the file is unchanged. */
  patch: string;
}

type Files = Readonly<Record<string, string>>;

/** A unified diff of every file of two file sets, names sorted. */
export function diffFiles(before: Files, after: Files, labels: { before: string; after: string }): FileDiff[] {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return names.map((name) => {
    const old = before[name];
    const now = after[name];
    const status: FileStatus =
      old === undefined ? 'added' : now === undefined ? 'removed' : old === now ? 'unchanged' : 'modified';
    const patch =
      status === 'unchanged'
        ? ''
        : createTwoFilesPatch(
            old === undefined ? '/dev/null' : `${labels.before}/${name}`,
            now === undefined ? '/dev/null' : `${labels.after}/${name}`,
            old ?? '',
            now ?? '',
            undefined,
            undefined,
            { context: 3 },
          );
    return { name, status, patch };
  });
}
