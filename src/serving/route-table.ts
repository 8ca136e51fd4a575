// The server's route paths, recorded as routes are added, so that an unmatched request can be told
// 405 (the path exists with other methods, listed in `Allow`) rather than 404.

/** Routes seen so far, by path template. */
export interface RouteTable {
  add(path: string, methods: string | readonly string[]): void;
  /** Methods the concrete `url` (query ignored) is served with; empty when no route matches. */
  allowedMethods(url: string): string[];
}

/** An empty table. */
export function createRouteTable(): RouteTable {
  const routes = new Map<string, { pattern: RegExp; methods: Set<string> }>();
  return {
    add(path, methods) {
      const entry = routes.get(path) ?? { pattern: templatePattern(path), methods: new Set<string>() };
      for (const method of typeof methods === 'string' ? [methods] : methods)
        entry.methods.add(method.toUpperCase());
      routes.set(path, entry);
    },
    allowedMethods(url) {
      const path = url.split('?')[0];
      const allowed = new Set<string>();
      for (const { pattern, methods } of routes.values()) {
        if (pattern.test(path)) for (const method of methods) allowed.add(method);
      }
      return [...allowed].sort();
    },
  };
}

/** `/v1/conversations/:id/messages` → a regex where each `:param` is one path segment, `*` the rest. */
function templatePattern(path: string): RegExp {
  const source = path
    .split('/')
    .map((segment) => {
      if (segment.startsWith(':')) return '[^/]+';
      if (segment === '*') return '.*';
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return new RegExp(`^${source}/?$`);
}
