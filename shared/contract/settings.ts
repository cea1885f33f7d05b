import { z } from 'zod';
import { AuthorName, method, query } from './common';

/** The workspace's settings and what the About window shows. */

export const Settings = z.object({
  author: z.string(),
  authorSource: z.enum(['settings', 'git', 'os']),
});
export type Settings = z.infer<typeof Settings>;

/** What the About window shows: every version that matters in a bug report, and where the data is. */
export const About = z.object({
  slipway: z.string(),
  electron: z.string().nullable(),
  chrome: z.string().nullable(),
  node: z.string(),
  sqlite: z.string(),
  betterSqlite3: z.string(),
  platform: z.string(),
  workspace: z.string(),
});
export type About = z.infer<typeof About>;

/** Author identity and About. */
export const settingsContract = {
  settings: {
    get: query(z.object({}), Settings),
    setAuthor: method(z.object({ author: AuthorName }), Settings),
    about: query(z.object({}), About),
  },
} as const;
