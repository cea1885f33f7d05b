import { z } from 'zod';
import { readJsonOr, writeJsonAtomic } from '../../shared/node/json-file';

/** The main window's bounds between runs, kept where it can be seen. */

export const WindowState = z.object({
  x: z.int(),
  y: z.int(),
  width: z.int().min(200),
  height: z.int().min(200),
  maximized: z.boolean(),
});
export type WindowState = z.infer<typeof WindowState>;

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const DEFAULT_SIZE = { width: 1280, height: 820 };

/** How much of the title bar must be on a display for the saved place to be used. */
const VISIBLE_STRIP = { width: 120, height: 40 };

function overlap(a: Rect, b: Rect): Rect | null {
  const x = Math.max(a.x, b.x);
  const y = Math.max(a.y, b.y);
  const right = Math.min(a.x + a.width, b.x + b.width);
  const bottom = Math.min(a.y + a.height, b.y + b.height);
  return right > x && bottom > y ? { x, y, width: right - x, height: bottom - y } : null;
}

/**
 * Where the window opens: where it was, if its title bar can still be grabbed on one of the
 * displays (a monitor may have gone); else centred by the OS, at most as large as the largest
 * display; else the default size.
 */
export function restoreWindow(
  saved: WindowState | null,
  displays: Rect[],
): { bounds: Partial<Rect> & { width: number; height: number }; maximized: boolean } {
  if (!saved) return { bounds: { ...DEFAULT_SIZE }, maximized: false };
  const titleBar = { x: saved.x, y: saved.y, width: saved.width, height: VISIBLE_STRIP.height };
  const grabbable = displays.some((display) => {
    const seen = overlap(titleBar, display);
    return seen !== null && seen.width >= Math.min(VISIBLE_STRIP.width, saved.width) && seen.height >= VISIBLE_STRIP.height;
  });
  if (grabbable)
    return { bounds: { x: saved.x, y: saved.y, width: saved.width, height: saved.height }, maximized: saved.maximized };
  const largest = displays.reduce(
    (best, display) => (display.width * display.height > best.width * best.height ? display : best),
    { x: 0, y: 0, ...DEFAULT_SIZE },
  );
  return {
    bounds: { width: Math.min(saved.width, largest.width), height: Math.min(saved.height, largest.height) },
    maximized: saved.maximized,
  };
}

export function readWindowState(file: string): WindowState | null {
  return readJsonOr(file, WindowState.nullable(), null);
}

export function writeWindowState(file: string, state: WindowState): void {
  writeJsonAtomic(file, WindowState.parse(state));
}
