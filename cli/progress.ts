import type { CliIo } from './io';

/**
 * A background job's progress on stderr: on a terminal one line redrawn in place, in a log (CI)
 * a line at each quarter; nothing with --json. Lines of their own (the plan, a failure) go above.
 */
export function progressOutput(io: CliIo, quiet: boolean) {
  const tty = (io.isTTY ?? false) && !quiet;
  let lastShown = -1;
  return {
    say: (line: string) => {
      if (quiet) return;
      if (tty) io.redraw?.(`${line}\n`);
      else io.stderr(`${line}\n`);
    },
    /** `bar` is the terminal's line; `logged` says whether this event may write a quarter's line. */
    show: (done: number, total: number, bar: string, logged = true) => {
      if (total === 0) return;
      const percent = Math.floor((done / total) * 100);
      if (tty) io.redraw?.(bar);
      else if (!quiet && logged && done > 0 && Math.floor(percent / 25) > Math.floor(lastShown / 25))
        io.stderr(`${done}/${total} done\n`);
      lastShown = percent;
    },
    done: () => {
      if (tty) io.redraw?.('');
    },
  };
}
