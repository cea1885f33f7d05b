import { createHash } from 'node:crypto';
import type { Sha256 } from '../hash';

/** Node's native sha256: what the store hashes with, about ten times faster than the portable one. */
export const nodeSha256: Sha256 = (text) => createHash('sha256').update(text, 'utf8').digest('hex');
