import { ZodError, type z } from 'zod';
import { SlipwayError, type ErrorInfo, type FieldProblem } from '../errors';
import type { DomainName, Handlers } from './contract';
import { describeIssues } from '../issues';

/** Methods by domain, each with its input and output schema: the whole contract, or a domain's part of it. */
export type MethodTable = Readonly<Record<string, Readonly<Record<string, MethodSpec>>>>;
/** A method's schemas; `reads` marks a query (see common.ts). */
export type MethodSpec = { input: z.ZodType; output: z.ZodType; reads?: boolean };

/** Services for some of the contract's methods: a method without one is answered with `internal`. */
export type HandlerMap = { [D in DomainName]?: Partial<Handlers[D]> };

export type Envelope<T = unknown> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

export type Dispatch = (domain: string, method: string, input: unknown) => Promise<Envelope>;

/** A method of the table by name; only the table's own keys count (a caller's "constructor" is no method). */
export function findMethod(table: MethodTable, domain: string, method: string): MethodSpec | null {
  const methods = Object.hasOwn(table, domain) ? table[domain] : undefined;
  return methods && Object.hasOwn(methods, method) ? (methods[method] ?? null) : null;
}

/** The first issue's field and words, for a form to show where the mistake is. */
function fieldOf(error: z.ZodError): FieldProblem | null {
  const [issue] = error.issues;
  if (!issue || issue.path.length === 0) return null;
  return { path: issue.path.map(String).join('.'), message: describeIssues(new ZodError([{ ...issue, path: [] }])) };
}

export function unknownMethod(domain: string, method: string): Envelope {
  return { ok: false, error: { code: 'unknown_method', message: `unknown method ${domain}.${method}` } };
}

export interface DispatchOptions {
  /**
   * Also parse every result with the method's output schema. On by default and in every test,
   * so the services cannot drift from the contract; the app and the CLI turn it off, since
   * re-checking their own results costs as much as a 10,000-version history takes to read.
   */
  checkOutputs?: boolean;
  onInternalError?: (error: unknown) => void;
}

/**
 * The gate over some of the contract's methods (`table`), for a program that serves only those
 * and should not load the rest (`slipway test --from`): the same checks, the same envelopes.
 */
export function createGate(table: MethodTable, handlers: HandlerMap, options: DispatchOptions = {}): Dispatch {
  const checkOutputs = options.checkOutputs ?? true;
  const onInternalError = options.onInternalError ?? (() => {});
  return async (domain, method, input) => {
    const spec = findMethod(table, domain, method);
    if (!spec) return unknownMethod(domain, method);
    const parsed = spec.input.safeParse(input ?? {});
    if (!parsed.success) {
      const message = `${domain}.${method}: ${describeIssues(parsed.error)}`;
      const field = fieldOf(parsed.error);
      return { ok: false, error: field ? { code: 'invalid_input', message, field } : { code: 'invalid_input', message } };
    }
    try {
      const service = (handlers[domain as DomainName] as Record<string, ((value: unknown) => unknown) | undefined> | undefined)?.[
        method
      ];
      if (!service) throw new SlipwayError('internal', `${domain}.${method} has no service`);
      const result = await service(parsed.data);
      return { ok: true, value: checkOutputs ? spec.output.parse(result) : result };
    } catch (error) {
      if (error instanceof SlipwayError) return { ok: false, error: error.toInfo() };
      onInternalError(error);
      return {
        ok: false,
        error: {
          code: 'internal',
          message: `${domain}.${method} failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`,
        },
      };
    }
  };
}
