import { NotEmulatedYet, RecordedProgram } from "../recorded";
import type { LocalGateway } from "./gateway";

/**
 * An API Gateway custom domain name, from the recorded `DomainName` (the v2 resource, which maps
 * REST and HTTP API stages alike) and its `ApiMapping`s: the stack's `url` when it has one.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mappings.html
 */
export interface RecordedDomain {
  name: string;
  /** Mutual TLS: the S3 object API Gateway reads the truststore (a PEM bundle of CA certificates) from. */
  mtls?: { truststoreUri: string; truststoreVersion?: string };
  /** Each mapping's API, stage and key (`""`: the domain's root). */
  mappings: { apiId: string; stage: string; key: string }[];
}

const T = {
  domainName: "aws:apigatewayv2/domainName:DomainName",
  apiMapping: "aws:apigatewayv2/apiMapping:ApiMapping",
} as const;

/** The recorded custom domain name, if the program has one. */
export function recordedDomain(program: RecordedProgram): RecordedDomain | undefined {
  const domains = program.ofType(T.domainName);
  if (domains.length === 0) return undefined;
  if (domains.length > 1)
    throw new NotEmulatedYet(
      `more than one custom domain name (${domains.map((d) => d.inputs.domainName).join(", ")})`,
    );
  const [domain] = domains;
  const mtls = domain.inputs.mutualTlsAuthentication;
  return {
    name: String(domain.inputs.domainName),
    ...(mtls?.truststoreUri
      ? {
          mtls: {
            truststoreUri: String(mtls.truststoreUri),
            ...(mtls.truststoreVersion ? { truststoreVersion: String(mtls.truststoreVersion) } : {}),
          },
        }
      : {}),
    mappings: program
      .ofType(T.apiMapping)
      .filter((m) => m.inputs.domainName === program.idOf(domain))
      .map((m) => ({
        apiId: String(m.inputs.apiId),
        stage: String(m.inputs.stage),
        key: String(m.inputs.apiMappingKey ?? "").replace(/^\/+|\/+$/g, ""),
      })),
  };
}

export type Route = (path: string) => { gateway: LocalGateway; path: string } | undefined;

/**
 * Which gateway answers a path, and the path within its stage. On a custom domain the mapping
 * whose key is the longest whole-segment prefix of the path takes it (the empty key the rest),
 * and the path below the key goes to the mapped stage; a stage whose API keeps its execute-api
 * endpoint on (or a load balancer) is reached under its base path, as local mode serves one
 * origin. Undefined: API Gateway's 403 for a path no mapping or stage takes.
 */
export function router(gateways: LocalGateway[], domain?: RecordedDomain): Route {
  const mapped = (domain?.mappings ?? [])
    .map((m) => ({ key: m.key, gateway: gateways.find((g) => g.api?.id === m.apiId && g.api.stage === m.stage) }))
    .filter((m): m is { key: string; gateway: LocalGateway } => !!m.gateway)
    .sort((a, b) => b.key.length - a.key.length);
  const byBase = gateways
    .filter((g) => !g.api || g.api.executeApiEndpoint)
    .sort((a, b) => b.basePath.length - a.basePath.length);
  const below = (path: string, prefix: string) =>
    path === prefix || path.startsWith(`${prefix}/`) ? path.slice(prefix.length) || "/" : undefined;
  return (path) => {
    for (const m of mapped) {
      const rest = below(path, m.key ? `/${m.key}` : "");
      if (rest !== undefined) return { gateway: m.gateway, path: rest };
    }
    for (const g of byBase) {
      const rest = below(path, g.basePath);
      if (rest !== undefined) return { gateway: g, path: rest };
    }
    return undefined;
  };
}
