import type { IpcEventLike, IpcMainLike } from '../hosts/ipc';

/**
 * Behaves as Electron's ipcMain does for invoke: one handler per channel, a second registration
 * throws, and invoking a channel nobody handles rejects with Electron's message.
 */
export class FakeIpcMain implements IpcMainLike {
  private readonly handlers = new Map<string, (event: IpcEventLike, ...args: unknown[]) => Promise<unknown>>();

  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => Promise<unknown>): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }

  channels(): string[] {
    return [...this.handlers.keys()];
  }

  async invoke(channel: string, frameUrl: string | null, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`);
    return handler({ senderFrame: frameUrl === null ? null : { url: frameUrl } }, ...args);
  }
}
