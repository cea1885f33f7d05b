import { useEffect, useState, type ComponentType } from 'react';

/**
 * A component from a chunk loaded on demand, or null until it has arrived. Unlike React.lazy it
 * never suspends: React 19 holds a Suspense fallback on screen for at least 300 ms, which a chunk
 * that is already loaded should not pay.
 */
export function useLoaded<P extends object>(load: () => Promise<{ default: ComponentType<P> }>): ComponentType<P> | null {
  const [loaded, setLoaded] = useState<ComponentType<P> | null>(null);
  useEffect(() => {
    let current = true;
    void load().then((module) => {
      if (current) setLoaded(() => module.default);
    });
    return () => {
      current = false;
    };
  }, [load]);
  return loaded;
}
