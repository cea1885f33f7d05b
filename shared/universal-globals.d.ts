// The few globals that both Node and browsers provide and shared/ may use. shared/ compiles
// without DOM or Node types so it cannot lean on either by accident; these are declared here,
// by hand, as the common subset of both.

declare class URL {
  constructor(url: string, base?: string | URL);
  href: string;
  pathname: string;
  protocol: string;
  host: string;
  toString(): string;
}

type TimerHandle = { readonly __timer: unique symbol } | number;
declare function setTimeout(callback: () => void, ms?: number): TimerHandle;
declare function clearTimeout(handle: TimerHandle | undefined): void;
