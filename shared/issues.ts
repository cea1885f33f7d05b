import type { z } from 'zod';

/**
 * A schema's refusal in words, as every boundary shows it: each problem as "path: message"
 * (`root` names the whole value when the path is empty), the first `most` of them, joined by "; ".
 */
export function describeIssues(error: z.ZodError, options: { root?: string; most?: number } = {}): string {
  return error.issues
    .slice(0, options.most ?? error.issues.length)
    .map((issue) => {
      const path = issue.path.map(String).join('.') || options.root;
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}
