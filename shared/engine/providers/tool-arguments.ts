import { EngineError } from '../types';
import { clip } from '../../issues';
import { modelJson } from './answer';

/** A tool call's arguments from the JSON text a model sent (whole, or gathered from a stream's pieces). */
export function toolArguments(text: string, tool: string): Record<string, unknown> {
  const value = modelJson(text || '{}', `the arguments of ${tool}`);
  if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  throw new EngineError('malformed', `the model called ${tool} with arguments that are not a JSON object: ${clip(text)}`);
}
