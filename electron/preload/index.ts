import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { createBridge, type Bridge, type EventBridge } from '../../shared/contract/bridge';
import { channelName, EVENT_CHANNEL, type AppEvent } from '../../shared/contract/contract';
import type { Envelope } from '../../shared/contract/dispatch';

// Built from the contract's method list: the renderer never sees ipcRenderer or a channel string.
const bridge = createBridge(
  (domain, method, input) => ipcRenderer.invoke(channelName(domain, method), input) as Promise<Envelope>,
) satisfies Bridge;

const eventBridge: EventBridge = {
  subscribe: (listener) => {
    const handler = (_event: IpcRendererEvent, event: AppEvent) => listener(event);
    ipcRenderer.on(EVENT_CHANNEL, handler);
    return () => ipcRenderer.removeListener(EVENT_CHANNEL, handler);
  },
};

contextBridge.exposeInMainWorld('slipway', bridge);
contextBridge.exposeInMainWorld('slipwayEvents', eventBridge);
