import { hostname } from 'node:os';

/** This process as the owner of long work (a run, a comparison): host:pid. */
export const OWNER = `${hostname()}:${process.pid}`;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the owner was a process of this machine that is gone (a crash, a kill); other machines' work is never judged. */
export function ownerIsGone(owner: string | null): boolean {
  const [host, pid] = (owner ?? '').split(':');
  return host === hostname() && pid !== undefined && pid !== '' && !alive(Number(pid));
}
