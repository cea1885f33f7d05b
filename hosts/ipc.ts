import { channelName, listMethods } from '../shared/contract/contract';
import type { Dispatch, Envelope } from '../shared/contract/dispatch';

/** The slice of Electron's ipcMain we use, so the binding is testable without Electron. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => Promise<unknown>): void;
}

export interface IpcEventLike {
  senderFrame: { url: string } | null;
}

/**
 * Registers one `slipway:<domain>.<method>` channel per contract method and nothing else.
 * A call from a frame that is not the app's own is refused before the input is even read.
 */
export function bindIpc(ipcMain: IpcMainLike, dispatch: Dispatch, isTrustedUrl: (url: string) => boolean): string[] {
  const channels: string[] = [];
  for (const { domain, method } of listMethods()) {
    const channel = channelName(domain, method);
    ipcMain.handle(channel, async (event, input): Promise<Envelope> => {
      const url = event.senderFrame?.url ?? '';
      if (!isTrustedUrl(url)) {
        return {
          ok: false,
          error: { code: 'forbidden', message: `${domain}.${method} refused: the caller is not Slipway's own window` },
        };
      }
      return dispatch(domain, method, input);
    });
    channels.push(channel);
  }
  return channels;
}
