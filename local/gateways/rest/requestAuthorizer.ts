import type { RecordedResource } from "../../../offline/mocks";
import type { IncomingRequest } from "../events";
import type { LocalIam } from "../../services/iam";
import type { LocalLambda } from "../../services/lambda";
import { lambdaOfUri } from "../gateway";
import { headerAs } from "../http";

/**
 * A REST `REQUEST` Lambda authorizer, from its recorded `Authorizer`: the identity sources are
 * the cache key; a missing one is 401 without a call when caching is on; the recorded function is
 * invoked through the local Lambda service, so its recorded Permission must let this API's
 * authorizer in; `Unauthorized` thrown is 401, any other error or a malformed answer is 500; the
 * returned policy is cached for the recorded TTL and evaluated (IAM rules) for the method ARN of
 * EVERY request it serves, later ones on other routes included: an explicit Deny is 403 "…with an
 * explicit deny", no Allow is 403. The principalId, context and usageIdentifierKey go on.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-use-lambda-authorizer.html
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/configure-api-gateway-lambda-authorization-with-console.html (caching)
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html
 * https://repost.aws/knowledge-center/api-gateway-403-error-lambda-authorizer (messages)
 */

export interface AuthorizerAnswer {
  principalId: string;
  policyDocument: { Version?: string; Statement: unknown };
  context: Record<string, string>;
  usageIdentifierKey?: string;
}

export type AuthorizerOutcome =
  | { ok: true; answer: AuthorizerAnswer; cached: boolean }
  | {
      ok: false;
      type: "UNAUTHORIZED" | "ACCESS_DENIED" | "AUTHORIZER_FAILURE" | "AUTHORIZER_CONFIGURATION_ERROR";
      message: string | null;
      reason: string;
    };

/** The default TTL when none is recorded: 300 s. */
const DEFAULT_TTL = 300;

/**
 * `method.request.header.X`, `method.request.querystring.X`: the identity sources' values, or undefined when one is
 * missing.
 */
function identityValues(sources: string[], req: IncomingRequest): string[] | undefined {
  const values = sources.map((s) => {
    const header = /^method\.request\.header\.(.+)$/.exec(s)?.[1];
    if (header) return headerAs("rest", req.headers, header);
    const query = /^method\.request\.querystring\.(.+)$/.exec(s)?.[1];
    if (query) return new URLSearchParams(req.rawQuery ?? "").get(query) ?? undefined;
    return undefined;
  });
  return values.every((v) => v !== undefined && v !== "") ? (values as string[]) : undefined;
}

/** The context values as API Gateway passes them on: every value stringified. */
function stringified(context: unknown): Record<string, string> | undefined {
  if (context === undefined || context === null) return {};
  if (typeof context !== "object" || Array.isArray(context)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(context)) {
    if (!["string", "number", "boolean"].includes(typeof v)) return undefined;
    out[k] = String(v);
  }
  return out;
}

export class RequestAuthorizer {
  private readonly cache = new Map<string, { answer: AuthorizerAnswer; until: number }>();
  private readonly sources: string[];
  private readonly ttlSeconds: number;

  constructor(
    private readonly resource: RecordedResource,
    private readonly deps: {
      iam: LocalIam;
      lambda: () => LocalLambda;
      account: string;
      authorizerArn: string;
      now?: () => number;
    },
  ) {
    this.sources = String(resource.inputs.identitySource ?? "method.request.header.Authorization")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    this.ttlSeconds = resource.inputs.authorizerResultTtlInSeconds ?? DEFAULT_TTL;
  }

  /** Authorizes one request to `methodArn`; `event` builds the authorizer's input when it must be called. */
  async authorize(
    req: IncomingRequest,
    methodArn: string,
    event: () => Record<string, unknown>,
  ): Promise<AuthorizerOutcome> {
    const now = (this.deps.now ?? Date.now)();
    const values = identityValues(this.sources, req);
    if (!values && this.ttlSeconds > 0)
      return {
        ok: false,
        type: "UNAUTHORIZED",
        message: "Unauthorized",
        reason: `the identity source (${this.sources.join(", ")}) is missing`,
      };
    const cacheKey = JSON.stringify(values);
    const hit = this.ttlSeconds > 0 ? this.cache.get(cacheKey) : undefined;
    let answer: AuthorizerAnswer;
    const cached = !!hit && hit.until > now;
    if (cached) {
      answer = hit!.answer;
    } else {
      const called = await this.call(event());
      if (!("answer" in called)) return called;
      answer = called.answer;
      if (this.ttlSeconds > 0) this.cache.set(cacheKey, { answer, until: now + this.ttlSeconds * 1000 });
    }
    const decision = await this.deps.iam.evaluate({
      principal: `arn:aws:iam::${this.deps.account}:root`,
      identityPolicies: [answer.policyDocument],
      action: "execute-api:Invoke",
      resource: methodArn,
    });
    if (decision === "ExplicitlyDenied")
      return {
        ok: false,
        type: "ACCESS_DENIED",
        message: "User is not authorized to access this resource with an explicit deny",
        reason: `the ${cached ? "cached " : ""}policy denies ${methodArn}`,
      };
    if (decision !== "Allowed")
      return {
        ok: false,
        type: "ACCESS_DENIED",
        message: "User is not authorized to access this resource",
        reason: `the ${cached ? "cached " : ""}policy does not allow ${methodArn}`,
      };
    return { ok: true, answer, cached };
  }

  private async call(
    event: Record<string, unknown>,
  ): Promise<{ answer: AuthorizerAnswer } | Extract<AuthorizerOutcome, { ok: false }>> {
    const invoked = await this.deps
      .lambda()
      .invokeAs(
        { principal: "apigateway.amazonaws.com", sourceArn: this.deps.authorizerArn, sourceAccount: this.deps.account },
        lambdaOfUri(String(this.resource.inputs.authorizerUri)),
        event,
      );
    if (!invoked.allowed)
      return {
        ok: false,
        type: "AUTHORIZER_CONFIGURATION_ERROR",
        message: null,
        reason: `API Gateway may not invoke the authorizer (${invoked.reason})`,
      };
    if (invoked.error) {
      // Exactly "Unauthorized" is the documented way to answer 401; any other error is a 500.
      if (invoked.error.errorMessage === "Unauthorized")
        return {
          ok: false,
          type: "UNAUTHORIZED",
          message: "Unauthorized",
          reason: "the authorizer answered Unauthorized",
        };
      return {
        ok: false,
        type: "AUTHORIZER_FAILURE",
        message: null,
        reason: `the authorizer failed (${invoked.error.errorType})`,
      };
    }
    const r = invoked.result;
    const context = stringified(r?.context);
    if (
      !r ||
      typeof r.principalId !== "string" ||
      !r.policyDocument ||
      typeof r.policyDocument.Statement !== "object" ||
      !context
    ) {
      return {
        ok: false,
        type: "AUTHORIZER_CONFIGURATION_ERROR",
        message: null,
        reason: "the authorizer's answer is not a principalId, a policy and a context of strings, numbers and booleans",
      };
    }
    return {
      answer: {
        principalId: r.principalId,
        policyDocument: r.policyDocument,
        context,
        ...(typeof r.usageIdentifierKey === "string" ? { usageIdentifierKey: r.usageIdentifierKey } : {}),
      },
    };
  }
}
