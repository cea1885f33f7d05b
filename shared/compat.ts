import satisfies from 'semver/functions/satisfies';
import validRange from 'semver/ranges/valid';
import type { z } from 'zod';
import type { ContractFile } from './agent-files';

/**
 * Whether a consumer version works with a producer version, from their contract.yaml: the
 * semver range, the tools, and the fields of the producer's output the consumer requires.
 * What the check does not evaluate is listed, never passed silently.
 */

export type Contract = z.infer<typeof ContractFile>;

export interface ContractedVersion {
  agent: string;
  semver: string;
  contract: Contract | null;
}

export interface Compatibility {
  /** Whether the consumer depends on the producer at all. */
  depends: boolean;
  ok: boolean;
  /** Each break in words: what the consumer needs and what the producer does instead. */
  breaks: string[];
  /** Keywords met on the way that the check does not evaluate, with their path. */
  notChecked: string[];
}

type Schema = Record<string, unknown>;

/** The keywords the check evaluates; every other one is reported as not checked. */
const EVALUATED = new Set([
  'type',
  'properties',
  'required',
  'items',
  'title',
  'description',
  '$schema',
  '$comment',
  'examples',
  'default',
]);

function asSchema(value: unknown): Schema | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Schema) : null;
}

function typesOf(schema: Schema): string[] | null {
  const type = schema.type;
  if (typeof type === 'string') return [type];
  if (Array.isArray(type) && type.every((item) => typeof item === 'string')) return type as string[];
  return null;
}

/** Every value of the producer's types is one the consumer accepts (an integer is a number). */
function typesFit(produced: string[], consumed: string[]): boolean {
  return produced.every((type) => consumed.includes(type) || (type === 'integer' && consumed.includes('number')));
}

function describeTypes(types: string[] | null): string {
  return types ? types.join(' or ') : 'any type';
}

function fieldName(path: string): string {
  return `\`${path}\``;
}

interface Walk {
  consumer: string;
  producer: string;
  breaks: string[];
  notChecked: string[];
}

/** Compares the consumer's schema at a path with the producer's schema at the same path. */
function compareAt(consumed: Schema, produced: Schema | null, path: string, walk: Walk): void {
  const at = path || '(the whole output)';
  for (const keyword of Object.keys(consumed)) if (!EVALUATED.has(keyword)) walk.notChecked.push(`${at}: ${keyword}`);
  if (!produced) return;
  const consumedTypes = typesOf(consumed);
  const producedTypes = typesOf(produced);
  if (consumedTypes && path) {
    if (!producedTypes) walk.notChecked.push(`${at}: ${walk.producer} gives no type`);
    else if (!typesFit(producedTypes, consumedTypes)) {
      walk.breaks.push(
        `${walk.consumer} requires ${walk.producer.split(' ')[0]} output field ${fieldName(path)} (${describeTypes(consumedTypes)}); ${walk.producer} emits it as ${describeTypes(producedTypes)}`,
      );
      return;
    }
  }
  const required = Array.isArray(consumed.required)
    ? consumed.required.filter((key): key is string => typeof key === 'string')
    : [];
  const consumedProperties = asSchema(consumed.properties) ?? {};
  const producedProperties = asSchema(produced.properties) ?? {};
  const producedRequired = Array.isArray(produced.required) ? produced.required : [];
  for (const key of required) {
    const child = path ? `${path}.${key}` : key;
    const wanted = asSchema(consumedProperties[key]);
    const given = asSchema(producedProperties[key]);
    const wantedType = wanted ? typesOf(wanted) : null;
    const what = `${walk.consumer} requires ${walk.producer.split(' ')[0]} output field ${fieldName(child)}${wantedType ? ` (${describeTypes(wantedType)})` : ''}`;
    if (!given) walk.breaks.push(`${what}; ${walk.producer} no longer emits it`);
    else if (!producedRequired.includes(key))
      walk.breaks.push(`${what}; ${walk.producer} may leave it out (it is not in its required list)`);
    else if (wanted) compareAt(wanted, given, child, walk);
  }
  const items = asSchema(consumed.items);
  if (items) compareAt(items, asSchema(produced.items), `${path}[]`, walk);
}

/** The consumer's requirements of the producer, checked against what the producer declares. */
export function checkCompatibility(consumer: ContractedVersion, producer: ContractedVersion): Compatibility {
  const requirement = consumer.contract?.requires?.[producer.agent];
  if (!requirement) return { depends: false, ok: true, breaks: [], notChecked: [] };
  const walk: Walk = {
    consumer: `${consumer.agent} ${consumer.semver}`,
    producer: `${producer.agent} ${producer.semver}`,
    breaks: [],
    notChecked: [],
  };
  if (requirement.range !== undefined) {
    if (validRange(requirement.range) === null)
      walk.breaks.push(`${walk.consumer} requires ${producer.agent} "${requirement.range}", which is not a semver range`);
    else if (!satisfies(producer.semver, requirement.range))
      walk.breaks.push(`${walk.consumer} requires ${producer.agent} ${requirement.range}; ${producer.semver} is outside it`);
  }
  const offered = producer.contract?.offers?.tools ?? [];
  for (const tool of requirement.tools ?? []) {
    if (!offered.includes(tool))
      walk.breaks.push(`${walk.consumer} calls ${producer.agent}'s tool \`${tool}\`; ${walk.producer} does not offer it`);
  }
  if (requirement.schema) {
    const output = asSchema(producer.contract?.offers?.output_schema);
    if (!output)
      walk.breaks.push(
        `${walk.consumer} consumes ${producer.agent}'s output by a schema; ${walk.producer} declares no output schema`,
      );
    else compareAt(requirement.schema, output, '', walk);
  }
  return { depends: true, ok: walk.breaks.length === 0, breaks: walk.breaks, notChecked: walk.notChecked };
}
