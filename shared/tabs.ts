/** The tabs of an agent, in order (Ctrl+1…6); shared by the window's routing and slipway:// links. */
export const TABS = ['editor', 'history', 'audit', 'tests', 'compare', 'release'] as const;
export type Tab = (typeof TABS)[number];
