import { createContext, useContext } from 'react';
import { useStore, type StoreApi } from 'zustand';
import type { AppStores } from './stores';

export const StoresContext = createContext<AppStores | null>(null);

export function useStores(): AppStores {
  const stores = useContext(StoresContext);
  if (!stores) throw new Error('useStores outside <StoresContext.Provider>');
  return stores;
}

/** Reads one slice of a feature store; re-renders only when that slice changes. */
export function useSlice<S, T>(store: StoreApi<S>, selector: (state: S) => T): T {
  return useStore(store, selector);
}
