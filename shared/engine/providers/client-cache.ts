/**
 * One SDK client per endpoint and key for a provider's life: a run makes thousands of calls, and
 * a client holds its connection pool.
 */
export function clientCache<T>(create: (baseURL: string, key: string) => T): (baseURL: string, key: string) => T {
  const clients = new Map<string, T>();
  return (baseURL, key) => {
    const id = `${baseURL}\n${key}`;
    let client = clients.get(id);
    if (client === undefined) {
      client = create(baseURL, key);
      clients.set(id, client);
    }
    return client;
  };
}
