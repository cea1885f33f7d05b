import { z } from 'zod';
import { method } from './common';

/** The workspace itself: made on purpose, with the sample agents if asked. */
export const workspaceContract = {
  workspace: {
    /** Creates the workspace folder if it is new, and loads the two sample agents with `sample`. */
    init: method(
      z.object({ sample: z.boolean().default(false) }),
      z.object({ workspace: z.string(), created: z.boolean(), samples: z.array(z.string()) }),
    ),
  },
} as const;
