import type { AuthMode } from "../../handlers/contract/authModes";
import type { DomainCitation } from "../customDomain";
import { COGNITO_PROVIDER } from "../../awsRules/federation";

/**
 * What reports say of a door: the report half of a door folder (`<mode>/report.ts`), for
 * `npm run plan`, `npm run compare`, the cost model and local mode. The program never loads it:
 * the build half is `<mode>/door.ts` (a DoorModule of ./door.ts). reportRegistry.ts maps each
 * authMode to its report.
 */

/** Plain facts about a door, for `npm run plan`, `npm run compare` and docs/comparison.md. */
export interface DoorFacts {
  title: string;
  /** The AWS service in front. */
  front: string;
  /** What the client sends with each request. */
  clientPresents: string;
  /** How the client gets it. */
  howToGetIt: string;
  /** Who checks it before the Lambda runs, and what the handler checks on top. */
  verifiedBy: string;
  /** What the handler receives as identity. */
  backendReceives: string;
  /** The principal id the handler derives. */
  principalId: string;
  /** When to choose this door (the report's recommendation). */
  whenToChoose: string;
}

/** The rows of the capability matrix in `npm run compare`. */
export const CAPABILITIES = [
  "Users and machines",
  "Per-route authorization",
  "Identity provider",
  "Federated users",
  "Throttling and quotas per client",
  "Revocation and token lifetime",
  "Browser or API",
  "CORS",
  "WAF",
  "Custom domain",
  "mTLS",
  "Run beside another door",
] as const;
export type Capability = (typeof CAPABILITIES)[number];

/**
 * The reports' variant with two providers federated into the pool (`identityProviders`): Google and a corporate
 * OIDC IdP, for the "Federated users" row (any values; mocks never call AWS), beside every identity the stack keeps
 * for machines (API keys, a machine role, the machine client: components/identities.ts), so the door-switch spec of
 * federated users (test/components/federation.stack.test.ts) runs the very same stacks.
 */
export const FEDERATED_VARIANT = {
  federated: {
    identityProviders: [
      {
        name: "Google",
        type: "Google",
        settings: { clientId: "123.apps.googleusercontent.com" },
        attributeMapping: { email: "email" },
      },
      {
        name: "Corp",
        type: "OIDC",
        settings: { clientId: "notes", issuer: "https://login.corp.example" },
        attributeMapping: { email: "email" },
      },
    ],
    identityProviderSecrets: JSON.stringify({ Google: "placeholder", Corp: "placeholder" }),
    apiKeyClients: ["reporting", "ops"],
    machineRolePrincipals: ["arn:aws:iam::210987654321:role/reporting"],
    machineRoleExternalId: "notes-reporting-2026",
    m2mClient: true,
  },
};

/** The providers an app client lists besides the pool's own users (`COGNITO`), as a cell names them. */
export const federatedProviders = (client: CitedInputs) =>
  ((client.supportedIdentityProviders ?? []) as string[]).filter((p) => p !== COGNITO_PROVIDER).join(", ") || "none";

/** Recorded inputs of a cited resource (what a cell's text may quote). */
export type CitedInputs = Record<string, any>;

/**
 * One cell of the matrix. Either a claim backed by a child the door exposes (`cite`, a key of the
 * door's `cited`, or `users:<key>` for the user directory's), in the door's minimal run or in one
 * of its `variants`: if that child was not recorded, the cell says "not built". Or a claim whose
 * evidence is the handler's code, a documented AWS behaviour, or nothing.
 */
export type CellSpec<C extends string> =
  | {
      cite: C | `users:${UserDirectoryCitation}` | `domain:${DomainCitation}`;
      variant?: string;
      text: string | ((inputs: CitedInputs) => string);
    }
  | { evidence: "handler" | "AWS behaviour" | "not built"; text: string };

/** The user directory's children that reports cite. */
export type UserDirectoryCitation = "pool" | "spaClient" | "identityPoolProvider";

/** What a door costs besides Lambda and DynamoDB, for the cost model (tools/compare/cost.ts). */
export interface DoorPricing {
  /** Which gateway's price list applies. */
  gateway: "api-gateway-rest" | "api-gateway-http" | "alb";
  /** Signed-in users are Cognito MAUs at this door. */
  billsMau: boolean;
  /** Machines pay Cognito per client-credentials token at this door. */
  billsMachineTokens: boolean;
  /**
   * A Lambda authorizer runs on cache misses: the share of requests answered from cache, and its duration and memory.
   */
  authorizer?: { cacheHitRatio: number; ms: number; memoryMb: number };
  /** What the model assumes about this door, in the report's words. */
  notes: string[];
}

/** Everything reports say of one door (its build side is the DoorModule of the same mode). */
export interface DoorReport<M extends AuthMode, C extends string = string> {
  readonly mode: M;
  readonly facts: DoorFacts;
  /** A mermaid sequence diagram of the request path. */
  readonly diagram: string;
  /** Further configs the report runs to back capability cells (name -> extra config). */
  readonly variants: Record<string, Record<string, unknown>>;
  readonly capabilities: Record<Capability, CellSpec<C>>;
  readonly pricing: DoorPricing;
}

/** A token lifetime in minutes as the report prints it. */
export const minutes = (v: unknown) => (v === undefined ? "the Cognito default" : `${v} min`);
