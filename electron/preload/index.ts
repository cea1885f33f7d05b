import { contextBridge, ipcRenderer } from 'electron';
import { createBridge, type Bridge } from '../../shared/contract/client';
import { channelName } from '../../shared/contract/contract';
import type { Envelope } from '../../shared/contract/dispatch';

// Built from the contract's method list: the renderer never sees ipcRenderer or a channel string.
const bridge = createBridge((domain, method, input) => ipcRenderer.invoke(channelName(domain, method), input) as Promise<Envelope>) satisfies Bridge;

contextBridge.exposeInMainWorld('slipway', bridge);
