import { EngineError } from '../types';

/** A tool call's arguments from the JSON text a model sent (whole, or gathered from a stream's pieces). */
export function toolArguments(text: string, tool: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text || '{}') as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through to the error below
  }
  throw new EngineError('malformed', `the model called ${tool} with arguments that are not a JSON object: ${text.slice(0, 200)}`);
}
