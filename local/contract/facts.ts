import type { ClientCredential } from "../../components/doors/door";
import { StackOutputs, credentialOf } from "../clients/doorClient";

/**
 * What the contract knows of a door before it calls it: facts read from the stack outputs alone,
 * which each check selects itself by (check.ts), so no check knows doors by name. Most are
 * published as such in the `client` output; the authorizer and the gateway are not named there,
 * so they are derived from what each publishes (`authorizerOf`, `gatewayOf`).
 */
export interface DoorFacts {
  /** The door's name (`authMode`), for messages only: checks select themselves on the facts below. */
  name: string;
  /** How its clients authenticate (`client.credential`). */
  credential: ClientCredential;
  /** What checks the caller's credential before the function runs (derived: `authorizerOf`). */
  authorizer: AuthorizerKind;
  /** What receives the requests (derived: `gatewayOf`). */
  gateway: GatewayKind;
  /** The door asks for an API key, alone or with a user's token (`client.credential`). */
  apiKey: boolean;
  /** Callers come in tiers, each with its own usage plan (`client.tiers`). */
  tiers: boolean;
}

/**
 * What checks a caller's credential at the door, in API Gateway's and the load balancer's terms:
 * an authorizer (a user pools one, an HTTP API's JWT one, a Lambda function), IAM (SigV4), the API
 * key alone (no authorizer: `none`), or the load balancer's authenticate action.
 */
export type AuthorizerKind = "cognito-user-pools" | "jwt" | "lambda" | "aws-iam" | "none" | "load-balancer";

/** What receives the requests: API Gateway's REST API, its HTTP API, or an Application Load Balancer. */
export type GatewayKind = "rest-api" | "http-api" | "load-balancer";

export function doorFacts(outputs: Pick<StackOutputs, "authMode" | "client">): DoorFacts {
  const credential = credentialOf(outputs);
  const authorizer = authorizerOf(credential, outputs.client);
  return {
    name: String(outputs.authMode),
    credential,
    authorizer,
    gateway: gatewayOf(authorizer),
    apiKey: credential.kind === "api-key" || (credential.kind === "user-token" && credential.apiKey),
    tiers: Object.keys(outputs.client.tiers ?? {}).length > 0,
  };
}

/**
 * The authorizer, from the credential and what only some authorizers publish: a JWT authorizer
 * checks each route's scopes (`client.routeScopes`), a Lambda authorizer's answer is cached for
 * `client.authorizerCacheSeconds`; any other token is a user pool's, checked by a user pools
 * authorizer.
 */
function authorizerOf(credential: ClientCredential, client: StackOutputs["client"]): AuthorizerKind {
  switch (credential.kind) {
    case "user-token":
      if (client.routeScopes !== undefined) return "jwt";
      if (client.authorizerCacheSeconds !== undefined) return "lambda";
      return "cognito-user-pools";
    case "identity-pool-sigv4":
      return "aws-iam";
    case "api-key":
      return "none";
    case "alb-session":
      return "load-balancer";
    default: {
      const unknown: never = credential;
      throw new Error(`unknown credential ${JSON.stringify(unknown)}`);
    }
  }
}

/** The gateway: a load balancer authenticates by itself, a JWT authorizer is an HTTP API's, the others a REST API's. */
function gatewayOf(authorizer: AuthorizerKind): GatewayKind {
  switch (authorizer) {
    case "load-balancer":
      return "load-balancer";
    case "jwt":
      return "http-api";
    case "cognito-user-pools":
    case "lambda":
    case "aws-iam":
    case "none":
      return "rest-api";
    default: {
      const unknown: never = authorizer;
      throw new Error(`unknown authorizer ${JSON.stringify(unknown)}`);
    }
  }
}

/** What a door's clients present, in words (a check's reason for not being about a door). */
export function presents(credential: ClientCredential): string {
  switch (credential.kind) {
    case "user-token":
      return (
        `a user pool ${credential.token === "id" ? "ID" : "access"} ` +
        `token${credential.apiKey ? " and an API key" : ""}`
      );
    case "identity-pool-sigv4":
      return "SigV4 signatures of identity-pool credentials";
    case "api-key":
      return "an application's API key";
    case "alb-session":
      return "a load balancer's session cookie";
    default: {
      const unknown: never = credential;
      throw new Error(`unknown credential ${JSON.stringify(unknown)}`);
    }
  }
}

/** What checks a door's callers, in words: "a user pools authorizer checks the token". */
export function whoChecks(authorizer: AuthorizerKind): string {
  switch (authorizer) {
    case "cognito-user-pools":
      return "a user pools authorizer checks the token";
    case "jwt":
      return "an HTTP API's JWT authorizer checks the token";
    case "lambda":
      return "a Lambda authorizer checks the token";
    case "aws-iam":
      return "IAM checks the SigV4 signature";
    case "none":
      return "API Gateway checks the API key alone (no authorizer)";
    case "load-balancer":
      return "the load balancer's authenticate action checks the session";
    default: {
      const unknown: never = authorizer;
      throw new Error(`unknown authorizer ${JSON.stringify(unknown)}`);
    }
  }
}
