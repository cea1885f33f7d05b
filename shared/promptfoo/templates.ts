/**
 * promptfoo renders `{{var}}` in assertion values and rubrics with the case's variables; an import
 * does the same, so a Slipway case holds the text the assertion will check. Filters and `{% %}`
 * blocks are nunjucks Slipway does not run: the caller reports them.
 */
const VARIABLE = /\{\{\s*([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*)\s*\}\}/g;
export const NUNJUCKS_ONLY = /\{%|\{\{[^}]*\|[^}]*\}\}/;

function lookup(vars: Record<string, unknown>, path: string): unknown {
  let value: unknown = vars;
  for (const key of path.split('.')) {
    if (!value || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** A value with every `{{name}}` in its text replaced by the variable (objects as JSON, missing as empty, as nunjucks does). */
export function renderValue<T>(value: T, vars: Record<string, unknown>): T {
  if (typeof value === 'string')
    return value.replace(VARIABLE, (_, path: string) => {
      const found = lookup(vars, path);
      if (found === undefined || found === null) return '';
      return typeof found === 'object' ? JSON.stringify(found) : String(found);
    }) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => renderValue(item, vars)) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, renderValue(item, vars)])) as T;
  return value;
}

export function hasTemplate(value: unknown): boolean {
  return JSON.stringify(value ?? '').includes('{{');
}
