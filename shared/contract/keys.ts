import { z } from 'zod';
import { SecretName } from '../agent-files';
import { method, query } from './common';

/** Provider keys and runtime tokens by name: values never cross the contract. */

export const KeySource = z.enum(['environment', 'saved', 'session']);

/** A key as the renderer may know it: a name and whether it has a value — never the value. */
export const KeyState = z.object({
  name: z.string(),
  set: z.boolean(),
  source: KeySource.nullable(),
  /** Agents whose draft or latest version names this key in config.yaml. */
  usedBy: z.array(z.string()),
  /** The hosts it may be sent to (`host`, `host:port`, `*.domain`); empty when bound to none. */
  hosts: z.array(z.string()),
});
export type KeyState = z.infer<typeof KeyState>;

export const KeyStorage = z.object({
  kind: z.enum(['safeStorage', 'session']),
  /** Whether a key entered here survives a restart. */
  persistent: z.boolean(),
  /** One sentence on where keys are kept, shown on the settings page. */
  note: z.string(),
});
export type KeyStorage = z.infer<typeof KeyStorage>;

/** A host a key may go to: `api.openai.com`, `localhost:11434`, `*.example.com`. */
export const HostPattern = z
  .string()
  .trim()
  .regex(
    /^(\*\.)?[a-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-f:.]+\](:\d{1,5})?$/i,
    'a host is a name (api.openai.com), host:port, or *.domain',
  )
  .max(253);

/** Key names, where they are kept, set and remove. */
export const keysContract = {
  keys: {
    list: query(z.object({}), z.array(KeyState)),
    storage: query(z.object({}), KeyStorage),
    set: method(z.object({ name: SecretName, value: z.string().min(1, 'the key is empty').max(10_000) }), KeyState),
    remove: method(z.object({ name: SecretName }), KeyState),
    /** Binds a key to the hosts it may be sent to (none: unbound); a version sending it elsewhere fails its call. */
    bind: method(z.object({ name: SecretName, hosts: z.array(HostPattern).max(20, 'bind a key to at most 20 hosts') }), KeyState),
  },
} as const;
