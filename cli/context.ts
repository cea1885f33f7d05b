import type { Command } from 'commander';
import type { Client } from '../shared/contract/client';
import type { AppEvent } from '../shared/contract/contract';
import type { CliIo } from './io';

/** A check the command ran did not pass (audit verify, a gate): it has printed why. */
export class CheckFailed extends Error {}

/** What every command gets: the contract's client, the services' events, and how to print. */
export interface CliContext {
  io: CliIo;
  /** The contract's client; the workspace opens only when a method needs it. */
  api: (command: Command) => Promise<Client>;
  /** The services' events (run and comparison progress) to this listener, until the returned call. */
  onEvent: (command: Command, listener: (event: AppEvent) => void) => Promise<() => void>;
  /** Prints a result: JSON with --json, else the human text. */
  print: <T>(command: Command, value: T, human: (value: T) => string) => void;
  json: (command: Command) => boolean;
  /** The workspace folder the command names (-w, SLIPWAY_WORKSPACE), or undefined for the default. */
  workspaceDir: (command: Command) => string | undefined;
  /** Ends the command with this exit code once it has printed. */
  exitWith: (code: number) => void;
}
