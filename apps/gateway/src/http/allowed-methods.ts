/** What the gateway reads of an Express 5 router (the `router` package): its layers, a route's methods. */
interface RouterLayer {
  route?: { path: string | string[]; methods: Record<string, boolean | undefined> };
  match(path: string): unknown;
}
export interface RouterLike {
  stack: RouterLayer[];
}

/** A route path of parameters only (`/:shortId`, the short-URL catch-all) claims no path: it matches any. */
const onlyParameters = (path: string) => /^(\/:[A-Za-z0-9_]+)+\/?$/.test(path);

/**
 * The methods the routes declared on a path, for a 405 with `Allow` (RFC 9110 §15.5.6) to a method none of them
 * takes, in every dialect alike: one table read from the Express router the gateway's Nest routes are registered
 * on, not a catch-all per controller. A path no route claims is undefined (404). A route taking every method
 * (`all`) and the parameters-only catch-all name no methods. GET brings HEAD, as Express answers it.
 */
export class AllowedMethods {
  private routes?: { layer: RouterLayer; methods: string[] }[];

  constructor(private readonly router: () => RouterLike) {}

  of(path: string): string[] | undefined {
    const allowed = new Set<string>();
    for (const { layer, methods } of this.table()) {
      if (layer.match(path)) for (const method of methods) allowed.add(method);
    }
    if (allowed.has('GET')) allowed.add('HEAD');
    return allowed.size ? [...allowed].sort() : undefined;
  }

  /** Read once, at the first request that needs it: every route is registered by then (the gateway listens after `init`). */
  private table() {
    this.routes ??= this.router()
      .stack.filter((layer) => layer.route && ![layer.route.path].flat().every(onlyParameters))
      .map((layer) => ({
        layer,
        methods: Object.keys(layer.route!.methods)
          .filter((m) => m !== '_all' && layer.route!.methods[m])
          .map((m) => m.toUpperCase()),
      }));
    return this.routes;
  }
}
