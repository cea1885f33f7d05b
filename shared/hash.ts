import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

/** Hex sha256 of a string's UTF-8 bytes. Synchronous, and the same in Node and browsers. */
export function sha256Hex(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)));
}

export function utf8Length(text: string): number {
  return utf8ToBytes(text).length;
}
