import * as pulumi from "@pulumi/pulumi";
import type { AuthMode } from "../../handlers/contract/authModes";
import type { DoorSettings } from "../../handlers/contract/doors";
import type { StackConfig } from "../config";
import type { ConfigReader } from "../configReader";
import type { NotesBackend } from "../backend/notesBackend";
import type { UserDirectory } from "../userDirectory";
import type { ApiGatewayLogging } from "../apiGatewayLogging";
import type { DomainCitation, DomainTarget } from "../customDomain";
import type { DoorMetrics } from "../alarms";

/**
 * What a front door is, in one place: the interface every door module implements. The
 * registry (registry.ts) maps each authMode to its module; the stack, `npm run plan`,
 * `npm run compare`, local mode and the tests all iterate that registry.
 */

/** What every front door component gives the stack. */
export interface FrontDoor<M extends AuthMode, C extends string = string> extends pulumi.ComponentResource {
  readonly mode: M;
  /** Where clients send requests. */
  readonly url: pulumi.Output<string>;
  /** Where a custom domain sends its traffic. */
  readonly domainTarget: DomainTarget;
  /** What the stack's alarms watch. */
  readonly metrics: DoorMetrics;
  /** What the handler needs to derive the principal at this door (handlers/contract/doors/<mode>.ts). */
  readonly settings: pulumi.Output<DoorSettings<M>>;
  /** Everything a client needs to sign in and call the API (plain: no secrets). */
  readonly clientConfig: pulumi.Output<Record<string, unknown>>;
  /** Secret values (API keys, client secrets), exported only as Pulumi secrets. */
  readonly secrets?: pulumi.Output<Record<string, unknown>>;
  /** The children that reports cite (the capability matrix), by typed key. */
  readonly cited: Partial<Record<C, pulumi.Resource>>;
}

/**
 * How a client authenticates at a door: published in the stack's `client` output as `credential`,
 * so any client (local mode's `npm run token`, the contract suite, your own) reads it from the
 * stack instead of knowing doors by name.
 * - `user-token`: a user pool (or OIDC) token in `Authorization`, as is (`raw`) or `Bearer`;
 *   `apiKey` when an `x-api-key` goes with it;
 * - `identity-pool-sigv4`: SigV4 with the identity pool's temporary credentials;
 * - `api-key`: `x-api-key` alone (an application, not a user);
 * - `alb-session`: the load balancer's session cookie after its login.
 */
export type ClientCredential =
  | { kind: "user-token"; token: "id" | "access"; scheme: "raw" | "bearer"; apiKey: boolean }
  | { kind: "identity-pool-sigv4" }
  | { kind: "api-key" }
  | { kind: "alb-session" };

/** What a door component publishes once its children exist. */
export interface DoorPublication<M extends AuthMode, C extends string> {
  /** How its clients authenticate (merged into `clientConfig` as `credential`). */
  credential: ClientCredential;
  url: pulumi.Output<string>;
  /** Where a custom domain (components/customDomain.ts) sends its traffic. */
  domainTarget: DomainTarget;
  /** What the stack's alarms watch (components/alarms.ts). */
  metrics: DoorMetrics;
  settings: pulumi.Output<DoorSettings<M>>;
  clientConfig: pulumi.Output<Record<string, unknown>>;
  secrets?: pulumi.Output<Record<string, unknown>>;
  cited: Partial<Record<C, pulumi.Resource>>;
}

/**
 * The base of every door component: the FrontDoor fields, set once by `publish`, which also
 * registers the component's outputs (the URL, the client config and the URNs of cited children,
 * which the offline recorder keeps for reports).
 */
export abstract class DoorComponent<M extends AuthMode, C extends string>
  extends pulumi.ComponentResource
  implements FrontDoor<M, C>
{
  public abstract readonly mode: M;
  declare public readonly url: pulumi.Output<string>;
  declare public readonly domainTarget: DomainTarget;
  declare public readonly metrics: DoorMetrics;
  declare public readonly settings: pulumi.Output<DoorSettings<M>>;
  declare public readonly clientConfig: pulumi.Output<Record<string, unknown>>;
  declare public readonly secrets?: pulumi.Output<Record<string, unknown>>;
  declare public readonly cited: Partial<Record<C, pulumi.Resource>>;

  protected publish({ credential, ...p }: DoorPublication<M, C>): void {
    const clientConfig = record(p.clientConfig.apply((c) => ({ ...c, credential })));
    Object.assign(this, { ...p, clientConfig });
    this.registerOutputs({ url: p.url, clientConfig, cited: citedUrns(p.cited) });
  }
}

/** What the stack hands every door besides its own arguments. */
export interface DoorDeps {
  /** The one backend; the door routes to its function. */
  backend: NotesBackend;
  /** The stack's user directory; undefined when the door uses an external IdP. */
  users?: UserDirectory;
  /** API Gateway's regional CloudWatch role when this stack manages it (`apiGatewayAccountRole`). */
  apiGatewayLogging?: ApiGatewayLogging;
}

/** Plain facts about a door, for `npm run plan`, `npm run compare` and the README. */
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
  "Throttling and quotas per client",
  "Revocation and token lifetime",
  "Browser or API",
  "CORS",
  "WAF",
  "Custom domain",
  "mTLS",
] as const;
export type Capability = (typeof CAPABILITIES)[number];

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
  /** A Lambda authorizer runs on cache misses: the share of requests answered from cache, and its duration and memory. */
  authorizer?: { cacheHitRatio: number; ms: number; memoryMb: number };
  /** What the model assumes about this door, in the report's words. */
  notes: string[];
}

/** Everything about one door. */
export interface DoorModule<M extends AuthMode, A, C extends string = string> {
  readonly mode: M;
  /** The component's type token (notes-auth:door:<Type>). */
  readonly componentType: string;
  readonly facts: DoorFacts;
  /** A mermaid sequence diagram of the request path. */
  readonly diagram: string;
  /** The least config this door needs (besides authMode): what reports, tests and local mode run. */
  readonly minimalConfig: Record<string, unknown>;
  /** Further configs the report runs to back capability cells (name -> extra config). */
  readonly variants: Record<string, Record<string, unknown>>;
  readonly capabilities: Record<Capability, CellSpec<C>>;
  readonly pricing: DoorPricing;
  /** The door's own arguments from the config, validating the keys only this door reads. */
  argsFrom(config: ConfigReader, stack: StackConfig): A;
  /** True when the stack must create its own Cognito user directory for these arguments. */
  usesUserPool(args: A): boolean;
  /**
   * True when the door's own listener holds `domainCertificateArn` (alb-oidc), so its argsFrom
   * decides whether the certificate may come without `domainName`. Unset: the certificate is the
   * custom domain's, and needs the name.
   */
  readonly listenerCertificate?: boolean;
  create(name: string, args: A, deps: DoorDeps, opts?: pulumi.ComponentResourceOptions): FrontDoor<M, C>;
}

/** A token lifetime in minutes as the report prints it. */
export const minutes = (v: unknown) => (v === undefined ? "the Cognito default" : `${v} min`);

/** A plain record of (possibly nested) inputs as one output, typed for FrontDoor fields. */
export function record(value: pulumi.Input<Record<string, unknown>>): pulumi.Output<Record<string, unknown>> {
  return pulumi.output(value).apply((v): Record<string, unknown> => v as Record<string, unknown>);
}

/** URNs of cited children, the form the offline recorder keeps (tools never look children up by name). */
export function citedUrns(cited: Partial<Record<string, pulumi.Resource>>): Record<string, pulumi.Output<string>> {
  return Object.fromEntries(
    Object.entries(cited)
      .filter(([, r]) => r !== undefined)
      .map(([k, r]) => [k, r!.urn]),
  );
}

/** The user directory a door cannot work without; a programming error if the stack left it out. */
export function requireUsers(deps: DoorDeps, door: string): UserDirectory {
  if (!deps.users) throw new Error(`${door} needs the stack's UserDirectory`);
  return deps.users;
}
