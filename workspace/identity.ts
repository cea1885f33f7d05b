import { execFileSync } from 'node:child_process';
import { userInfo } from 'node:os';

export interface Identity {
  author: string;
  source: 'settings' | 'git' | 'os';
}

function gitConfig(key: string): string {
  try {
    return execFileSync('git', ['config', '--get', key], {
      encoding: 'utf8',
      timeout: 2000,
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return '';
  }
}

/** Who the author is when settings say nothing: git's user.name and user.email, else the OS user. */
export function defaultIdentity(): Identity {
  const name = gitConfig('user.name');
  const email = gitConfig('user.email');
  if (name) return { author: email ? `${name} <${email}>` : name, source: 'git' };
  return { author: userInfo().username, source: 'os' };
}
