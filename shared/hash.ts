import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

/** A function giving the hex sha256 of a string's UTF-8 bytes. Node passes in its native one. */
export type Sha256 = (text: string) => string;

/** Hex sha256 of a string's UTF-8 bytes: portable and synchronous, but ten times slower than Node's. */
export function sha256Hex(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)));
}

export function utf8Length(text: string): number {
  return utf8ToBytes(text).length;
}
