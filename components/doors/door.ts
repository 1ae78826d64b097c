import * as pulumi from "@pulumi/pulumi";
import type { AuthMode } from "../../handlers/contract/authModes";
import type { DoorSettings } from "../../handlers/contract/doors";
import type { StackConfig } from "../config";
import type { ConfigReader } from "../configReader";
import type { NotesBackend } from "../backend/notesBackend";
import type { UserDirectory } from "../userDirectory";
import type { ApiGatewayLogging } from "../apiGatewayLogging";
import type { MachineIdentities } from "../identities";
import type { DomainTarget } from "../customDomain";
import type { DoorMetrics } from "../alarms";
import { citedUrns } from "../cited";

/**
 * What a front door is to the program, in one place: the component every door builds and the
 * DoorModule every `<mode>/door.ts` implements. The registry (registry.ts) maps each authMode to
 * its module; the stack and local mode iterate it. What reports say of a door is in report.ts.
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
  /**
   * What this door's events carry that no other door's do, by which the notes function tells the
   * doors apart: the API id (REST and HTTP API `requestContext.apiId`) or the target group ARN
   * (ALB `requestContext.elb.targetGroupArn`).
   */
  readonly eventSource: pulumi.Output<string>;
  /**
   * What the function's configuration for this door is made of, of what does not itself wait for
   * the function: the API and its methods or authorizer, the load balancer's listener. What
   * invokes the function (integrations, so the deployment and stage) waits for the function
   * resource, whose update callers see only once its `live` alias moves (`deployed`; docs/deploying.md).
   */
  readonly ready: pulumi.Resource[];
  /**
   * What must be in place before any caller runs a version of the function that serves this door
   * (the backend's `live` alias moves after it): the door fully deployed (REST: deployment and
   * stage; HTTP API: integration, routes and stage). None of it waits for the alias.
   */
  readonly deployed: pulumi.Resource[];
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
  /** What this door's events carry (FrontDoor.eventSource). */
  eventSource: pulumi.Output<string>;
  /** What must exist before the function serves this door (FrontDoor.ready). */
  ready: pulumi.Resource[];
  /** What must be in place before callers run the function that serves it (FrontDoor.deployed). @default ready */
  deployed?: pulumi.Resource[];
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
  declare public readonly eventSource: pulumi.Output<string>;
  declare public readonly ready: pulumi.Resource[];
  declare public readonly deployed: pulumi.Resource[];
  declare public readonly settings: pulumi.Output<DoorSettings<M>>;
  declare public readonly clientConfig: pulumi.Output<Record<string, unknown>>;
  declare public readonly secrets?: pulumi.Output<Record<string, unknown>>;
  declare public readonly cited: Partial<Record<C, pulumi.Resource>>;

  protected publish({ credential, ...p }: DoorPublication<M, C>): void {
    const clientConfig = record(p.clientConfig.apply((c) => ({ ...c, credential })));
    Object.assign(this, { ...p, deployed: p.deployed ?? p.ready, clientConfig });
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
  /** The stack's machine identities (API keys), which doors attach to and never own. */
  identities?: MachineIdentities;
}

/**
 * How the program builds one door: the build half of a door folder (`<mode>/door.ts`). What reports
 * say of it is the other half (`<mode>/report.ts`, a DoorReport of ./report.ts), which the program
 * never loads.
 */
export interface DoorModule<M extends AuthMode, A, C extends string = string> {
  readonly mode: M;
  /** The component's type token (notes-auth:door:<Type>). */
  readonly componentType: string;
  /** The least config this door needs (besides authMode): what reports, tests and local mode run. */
  readonly minimalConfig: Record<string, unknown>;
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

/** A plain record of (possibly nested) inputs as one output, typed for FrontDoor fields. */
export function record(value: pulumi.Input<Record<string, unknown>>): pulumi.Output<Record<string, unknown>> {
  return pulumi.output(value).apply((v): Record<string, unknown> => v as Record<string, unknown>);
}

/** The user directory a door cannot work without; a programming error if the stack left it out. */
export function requireUsers(deps: DoorDeps, door: string): UserDirectory {
  if (!deps.users) throw new Error(`${door} needs the stack's UserDirectory`);
  return deps.users;
}

/** The stack's machine identities a door attaches to; a programming error if the stack left them out. */
export function requireIdentities(deps: DoorDeps, door: string): MachineIdentities {
  if (!deps.identities) throw new Error(`${door} needs the stack's MachineIdentities`);
  return deps.identities;
}
