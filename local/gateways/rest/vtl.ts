import { Compile, parse } from "velocityjs";
import type { IncomingRequest } from "../events";

/**
 * API Gateway mapping templates (Apache Velocity, VTL) evaluated with velocityjs. API Gateway
 * runs Java's Velocity, where values are Java objects; the few Java methods templates call on
 * lists and strings (`contains`, `isEmpty`, `length`) are provided here.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-mapping-template-reference.html
 */

/** What `$context.responseOverride` collects (status and headers a template overrides). */
export interface ResponseOverride {
  status?: number;
  header: Record<string, string>;
}

export interface TemplateResult {
  body: string;
  override: ResponseOverride;
}

/** A template that API Gateway could not evaluate; API Gateway then answers 500. */
export class TemplateError extends Error {}

const javaMethods = [
  {
    uid: "java: contains",
    match: ({ property, context }: { property: string; context: unknown }) =>
      property === "contains" && (Array.isArray(context) || typeof context === "string"),
    resolve: ({ context, params }: { context: any; params: unknown[] }) => context.includes(params[0]),
  },
  {
    uid: "java: isEmpty",
    match: ({ property, context }: { property: string; context: unknown }) =>
      property === "isEmpty" && (Array.isArray(context) || typeof context === "string"),
    resolve: ({ context }: { context: any }) => context.length === 0,
  },
  {
    uid: "java: length",
    match: ({ property, context }: { property: string; context: unknown }) =>
      property === "length" && typeof context === "string",
    resolve: ({ context }: { context: string }) => context.length,
  },
];

/** `$input.params()` and `$input.params('x')`: header, querystring and path parameters. */
function inputOf(req: IncomingRequest, pathParams: Record<string, string>) {
  const header = new Map<string, string>();
  for (const [k, v] of Object.entries(req.headers))
    if (v !== undefined) header.set(k, Array.isArray(v) ? v[v.length - 1] : v);
  const querystring = new Map<string, string>(new URLSearchParams(req.rawQuery ?? "").entries());
  const path = new Map(Object.entries(pathParams));
  // A missing parameter is Java null: `#set` of null leaves the variable unset, so `"$!x"` renders empty.
  const getter = (m: Map<string, string>) => ({ get: (name: string) => m.get(name), keySet: () => [...m.keys()] });
  const body = req.body?.toString("utf8") ?? "";
  return {
    params: (name?: string) =>
      name === undefined
        ? { header: getter(header), querystring: getter(querystring), path: getter(path) }
        : (path.get(name) ?? querystring.get(name) ?? header.get(name) ?? ""),
    body,
    json: () => body,
  };
}

/** Renders a mapping template for a request; a template Velocity cannot parse is a TemplateError. */
export function renderTemplate(
  template: string,
  req: IncomingRequest,
  pathParams: Record<string, string>,
  context: Record<string, unknown> = {},
): TemplateResult {
  const override: ResponseOverride = { header: {} };
  let ast;
  try {
    ast = parse(template);
  } catch (err) {
    throw new TemplateError(
      `mapping template does not parse: ${err instanceof Error ? err.message.split("\n").slice(0, 3).join(" ") : err}`,
    );
  }
  const ctx = { input: inputOf(req, pathParams), context: { ...context, responseOverride: override } };
  const body = new Compile(ast, { customMethodHandlers: javaMethods } as any).render(ctx);
  return { body, override };
}
