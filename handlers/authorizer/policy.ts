import { API_ROUTES, ApiRoute } from "../contract/routeTable";

/** The IAM policy a REST Lambda authorizer returns. */
export interface AuthorizerPolicy {
  Version: "2012-10-17";
  Statement: { Effect: "Allow" | "Deny"; Action: "execute-api:Invoke"; Resource: string[] }[];
}

/**
 * `arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/` from the method ARN of the call.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html
 * (Resource: arn:aws:execute-api:{regionId}:{accountId}:{apiId}/{stage}/{httpVerb}/[{resource}/[{child-resources}]])
 */
export function stagePrefix(methodArn: string): string | undefined {
  const m = /^(arn:aws[a-z-]*:execute-api:[a-z0-9-]+:\d{12}:[A-Za-z0-9]+\/[^/]+\/)/.exec(methodArn);
  return m?.[1];
}

/** A route's method ARN on a stage: path parameters become `*`. */
export const routeArn = (prefix: string, route: ApiRoute) =>
  `${prefix}${route.method}/${route.path.replace(/\{[^}]+\}/g, "*").replace(/^\//, "")}`;

/**
 * Every route the caller may call, allowed, and every other explicitly denied. API Gateway caches
 * the policy for the identity source and applies it to the caller's next requests on OTHER routes,
 * so a policy for the current method alone would refuse them, and a `*` would open admin routes.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/configure-api-gateway-lambda-authorization-with-console.html
 * ("To enable caching, your authorizer must return a policy that is applicable to all methods across an API.")
 */
export function callerPolicy(
  methodArn: string,
  isAdmin: boolean,
  routes: readonly ApiRoute[] = API_ROUTES,
): AuthorizerPolicy | undefined {
  const prefix = stagePrefix(methodArn);
  if (!prefix) return undefined;
  const allowed = routes.filter((r) => isAdmin || !r.admin).map((r) => routeArn(prefix, r));
  const denied = routes.filter((r) => !isAdmin && r.admin).map((r) => routeArn(prefix, r));
  return {
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: "execute-api:Invoke", Resource: allowed },
      ...(denied.length > 0
        ? [{ Effect: "Deny" as const, Action: "execute-api:Invoke" as const, Resource: denied }]
        : []),
    ],
  };
}
