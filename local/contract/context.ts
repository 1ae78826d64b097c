import * as assert from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import type { AuthMode } from "../../handlers/contract/authModes";
import {
  AwsCredentials,
  ClientTls,
  Credential,
  OutgoingRequest,
  SignInOptions,
  StackOutputs,
  albSession,
  UserPresentation,
  doorToken,
  identityPoolCredentials as poolCredentials,
  presentedAs,
  refusal,
  send,
  signIn,
  credentialOf as doorCredential,
  userTokenKind,
  withHeader,
} from "../clients/doorClient";
import type { TokenSet } from "../clients/oauth";
import { DoorFacts, doorFacts } from "./facts";
import type { SeedUser } from "../clients/seedUsers";

/**
 * What a contract run knows: the stack outputs (`.local/outputs.json`, or a deployed stack's), the
 * test users, and the clients a user has (fetch and the OAuth flows, the AWS SDK's credential
 * providers and STS, SigV4, API keys, a browser's cookies). It knows each door's client side
 * (docs/calling-the-doors.md), never how a gateway is built.
 */

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

export interface CallOptions {
  method?: string;
  /** The caller's credentials; a string is an Authorization header value. */
  auth?: Credential | string;
  body?: unknown;
  origin?: string;
  headers?: Record<string, string>;
  /** Take a 429 Too Many Requests as the answer instead of retrying it (the throttling checks). */
  noRetry?: boolean;
  /** TLS other than the options' (another client certificate, or none). */
  tls?: ClientTls;
}

/** Throttled calls are retried with backoff, as the AWS SDKs retry them, this many times. */
const THROTTLE_RETRIES = 6;

/** Someone who calls the door: a user (with their sign-in), or an application with an API key. */
export interface Party {
  label: string;
  user?: SeedUser;
  /**
   * The API key it sends (an application at `api-key`; with `apiKeyWithCognito`, the app a user's calls go through).
   */
  key?: { name: string; value: string; keyId: string };
}

/** Who the contract calls as: two ordinary parties, an admin when the door has one, and a user of another tier. */
export interface ContractParties {
  a: Party;
  b: Party;
  admin?: Party;
  /** A user on a usage plan other than the default one (lambda-authorizer's tiers). */
  tiered?: Party;
}

export interface ContractOptions extends SignInOptions {
  /** The test users: the outputs' local users, or those `npm run smoke` created or was given. */
  users?: SeedUser[];
  /** Where the AWS SDK clients send their calls (local mode's endpoint); undefined: AWS. */
  awsEndpoint?: string;
  /** Credentials of the operator (Lambda Invoke and its configuration); undefined: the SDK's default chain. */
  operator?: AwsCredentials;
  /**
   * The machines of the `iam` door: each a principal listed in `machineRolePrincipals` (its
   * credentials, the principal as listed, the external id it must pass). Each assumes its own role
   * (`client.machineRoleArns[principal]`). Undefined credentials: the default chain; no principal:
   * the one the credentials belong to (STS GetCallerIdentity).
   */
  machines?: ContractMachine[];
  /** Spend a key's or a tier's whole quota (blocks all its callers until the period ends): local mode only. */
  spendQuotas: boolean;
  /**
   * Mutual TLS: what every call trusts and presents; with the certificate and key of a CA the truststore does not hold.
   */
  tls?: ClientTls & { other?: { cert: string; key: string } };
  /**
   * How long the revocation checks watch a signed-out token that the door still accepts (no `revocation`), in seconds.
   * @default 1
   */
  revocationWatchSeconds?: number;
}

/** A figure a check measured at a door (the revocation window), for a tool that writes it down (tools/compare). */
export interface Measurement {
  check: string;
  door: string;
  value: Record<string, unknown>;
}

export interface ContractMachine {
  principal?: string;
  credentials?: AwsCredentials;
  externalId?: string;
}

/** Options from local outputs: local endpoints and the principals local mode prints. */
export function localContractOptions(outputs: StackOutputs): ContractOptions {
  const local = outputs.local;
  const machineRoles = Object.values((outputs.client.machineRoleArns ?? {}) as Record<string, string>);
  const machines = (local?.principals.trusted ?? []).filter((t) => machineRoles.includes(t.roleArn));
  return {
    users: local?.users,
    awsEndpoint: local?.endpoints.aws,
    operator: local?.principals.operator,
    machines: machines.map((t) => ({ principal: t.principal, credentials: t, externalId: t.externalId })),
    spendQuotas: !!local,
    ...(local?.mtls ? { tls: localTls(local.mtls) } : {}),
  };
}

/** The test PKI's files local mode names (docs/local-mode.md). */
function localTls(files: NonNullable<NonNullable<StackOutputs["local"]>["mtls"]>): NonNullable<ContractOptions["tls"]> {
  const read = (file: string) => fs.readFileSync(file, "utf8");
  return {
    ca: read(files.caFile),
    cert: read(files.certFile),
    key: read(files.keyFile),
    other: { cert: read(files.otherCertFile), key: read(files.otherKeyFile) },
  };
}

/** A check that finds, once running, that it cannot be done here; the runner reports it as skipped. */
export class Skip extends Error {}

export class ContractContext {
  /** The door's name, for messages: checks select themselves on `facts`. */
  readonly mode: AuthMode;
  /** What the outputs publish about the door (facts.ts). */
  readonly facts: DoorFacts;
  readonly parties: ContractParties;
  readonly region: string;
  private readonly tokens = new Map<string, Promise<TokenSet>>();
  private readonly credentials = new Map<Party, Promise<Credential>>();

  constructor(
    readonly outputs: StackOutputs,
    readonly options: ContractOptions = localContractOptions(outputs),
  ) {
    this.mode = outputs.authMode as AuthMode;
    this.facts = doorFacts(outputs);
    this.region = String(outputs.region ?? outputs.client.region ?? "us-east-1");
    this.parties = contractParties(outputs, options.users ?? []);
  }

  /** The door takes a bearer token (the user pool's), so the token checks apply. */
  get takesTokens(): boolean {
    return userTokenKind(this.outputs) !== undefined;
  }

  /** A user's sign-in at the door's client (or another), memoized per user, client and scopes. */
  signIn(user: SeedUser, opts: { clientId?: string; scopes?: string[] } = {}): Promise<TokenSet> {
    const key = JSON.stringify([user.email, opts.clientId, opts.scopes]);
    let t = this.tokens.get(key);
    if (!t) {
      t = signIn(this.outputs, user, {
        ...opts,
        cognitoDomain: this.options.cognitoDomain,
        callbackUrl: this.options.callbackUrl,
      });
      t.catch(() => this.tokens.delete(key));
      this.tokens.set(key, t);
    }
    return t;
  }

  /** A token sent the way this door takes it, with the party's API key when the door needs one too. */
  withToken(token: string, party: Party = this.parties.a): Credential {
    return presentedAs(this.outputs, { kind: "user-token", token }, { apiKey: party.key?.value, region: this.region });
  }

  /** What a party sends at this door, memoized. */
  as(party: Party): Promise<Credential> {
    let c = this.credentials.get(party);
    if (!c) {
      c = this.credentialOf(party);
      c.catch(() => this.credentials.delete(party));
      this.credentials.set(party, c);
    }
    return c;
  }

  private async credentialOf(party: Party): Promise<Credential> {
    if (!party.user) return withHeader("x-api-key", party.key!.value);
    return presentedAs(this.outputs, await this.presentation(party), { apiKey: party.key?.value, region: this.region });
  }

  /** What a party's user holds at this door, from the suite's memoized sign-in. */
  private async presentation(party: Party): Promise<UserPresentation> {
    const door = doorCredential(this.outputs);
    switch (door.kind) {
      case "user-token":
        return { kind: door.kind, token: doorToken(this.outputs, await this.signIn(party.user!)) };
      case "alb-session":
        return { kind: door.kind, cookie: await albSession(this.outputs, party.user!) };
      case "identity-pool-sigv4":
        return { kind: door.kind, credentials: await this.identityPoolCredentials(party.user!) };
      case "api-key":
        throw new Error(`the ${this.mode} door takes applications' API keys, not users: ${party.label} has none`);
      default: {
        const unknown: never = door;
        throw new Error(`unknown credential ${JSON.stringify(unknown)}`);
      }
    }
  }

  /** A user's credentials from the identity pool, with their ID token (docs/calling-the-doors.md, iam). */
  async identityPoolCredentials(user: SeedUser): Promise<AwsCredentials> {
    const tokens = await this.signIn(user);
    return poolCredentials(this.outputs, tokens.id_token!, {
      region: this.region,
      awsEndpoint: this.options.awsEndpoint,
    });
  }

  /** A request with the caller's credentials; redirects are not followed (a load balancer's login is an answer). */
  async call(path: string, o: CallOptions = {}): Promise<Reply> {
    const req: OutgoingRequest = {
      method: o.method ?? "GET",
      url: `${this.outputs.url.replace(/\/$/, "")}${path}`,
      headers: {
        ...(o.origin ? { origin: o.origin } : {}),
        ...(o.body !== undefined ? { "content-type": "application/json" } : {}),
        ...o.headers,
      },
      body: o.body === undefined ? undefined : JSON.stringify(o.body),
    };
    const authorize = o.auth
      ? typeof o.auth === "string"
        ? withHeader("authorization", o.auth)
        : o.auth
      : async (r: OutgoingRequest) => r;
    for (let attempt = 0; ; attempt++) {
      const signed = await authorize(req);
      const res = await send(signed, o.tls ?? this.options.tls);
      const text = await res.text();
      let json: any;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      // A throttled call is retried with backoff (the SDKs' way); a spent quota is an answer.
      // https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html
      if (res.status === 429 && json?.message === "Too Many Requests" && !o.noRetry && attempt < THROTTLE_RETRIES) {
        await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
        continue;
      }
      // Every note a check writes is deleted when the checks end (cleanup), as whoever wrote it.
      if (req.method === "POST" && path === "/notes" && res.status === 201 && typeof json?.noteId === "string")
        this.written.push({ id: json.noteId, auth: o.auth, tls: o.tls });
      return { status: res.status, headers: res.headers, text, json };
    }
  }

  /** What the checks measured, in the order they ran. */
  readonly measurements: Measurement[] = [];

  /** Records a figure a check measured. */
  measure(check: string, value: Record<string, unknown>): void {
    this.measurements.push({ check, door: this.mode, value });
  }

  /** Notes the checks wrote, with how to reach them again. */
  private readonly written: { id: string; auth: CallOptions["auth"]; tls: CallOptions["tls"] }[] = [];

  /**
   * Deletes every note the checks wrote that is still there (a deployed stack's tables keep only
   * what they had); the ids it could not delete, so the caller can say so.
   */
  async cleanup(): Promise<string[]> {
    const left: string[] = [];
    for (const n of this.written.splice(0)) {
      const r = await this.call(`/notes/${n.id}`, { method: "DELETE", auth: n.auth, tls: n.tls }).catch(
        () => undefined,
      );
      if (!r || (r.status !== 204 && r.status !== 404)) left.push(n.id);
    }
    return left;
  }

  /** Creates a note as a party; fails the check unless it is 201. */
  async createNote(party: Party, title = `contract ${crypto.randomUUID()}`): Promise<{ id: string; title: string }> {
    const r = await this.call("/notes", {
      method: "POST",
      auth: await this.as(party),
      body: { title, content: "written by the contract suite" },
    });
    expectStatus(r, 201, `${party.label} creates a note`);
    return { id: r.json.noteId, title: r.json.title };
  }

  /** The door's answer to a request without credentials, checked. */
  expectRefused(r: Reply, what: string): void {
    const expected = refusal(this.outputs);
    assert.equal(
      r.status,
      expected.status,
      `${what}: expected ${expected.what} (${expected.status}), got ${r.status} ${r.text.slice(0, 200)}`,
    );
    if (expected.message) assert.equal(r.json?.message, expected.message, `${what}: ${r.text.slice(0, 200)}`);
  }
}

/**
 * The parties of a door, from the outputs and the test users: at a door of API keys alone (`api-key` without tokens),
 * the
 * applications (keys; the admin one from `client.clients[].admin`); elsewhere, users (two outside
 * the admin group and every tier group, one admin, one of a non-default tier), with the first
 * key when the door also wants one.
 */
export function contractParties(outputs: StackOutputs, users: SeedUser[]): ContractParties {
  const keys = Object.entries((outputs.client.clients ?? {}) as Record<string, { keyId: string; admin: boolean }>).map(
    ([name, c]) => ({ name, keyId: c.keyId, admin: c.admin, value: String(outputs.secrets?.apiKeys?.[name] ?? "") }),
  );
  if (doorCredential(outputs).kind === "api-key") {
    const plain = keys.filter((k) => !k.admin);
    const admin = keys.find((k) => k.admin);
    if (plain.length < 2)
      throw new Error(
        `the contract needs two API keys of ordinary clients; the outputs list ` +
          `${keys.map((k) => k.name).join(", ") || "none"}`,
      );
    const party = (k: (typeof keys)[number]): Party => ({
      label: `the ${k.name} key`,
      key: { name: k.name, value: k.value, keyId: k.keyId },
    });
    return { a: party(plain[0]), b: party(plain[1]), ...(admin ? { admin: party(admin) } : {}) };
  }
  const adminGroup = outputs.local?.adminGroup ?? "admins";
  const tierGroups = Object.values((outputs.client.tiers ?? {}) as Record<string, { group?: string }>)
    .map((t) => t.group)
    .filter((g): g is string => !!g);
  const key = keys[0] && { name: keys[0].name, value: keys[0].value, keyId: keys[0].keyId };
  const party = (u: SeedUser): Party => ({ label: u.username, user: u, ...(key ? { key } : {}) });
  const plain = users.filter((u) => !u.groups.includes(adminGroup) && !u.groups.some((g) => tierGroups.includes(g)));
  const admin = users.find((u) => u.groups.includes(adminGroup));
  const tiered = users.find((u) => u.groups.some((g) => tierGroups.includes(g)));
  if (plain.length < 2)
    throw new Error(
      `the contract needs two users outside the ${adminGroup} group; the users are ` +
        `${users.map((u) => u.username).join(", ") || "none"}`,
    );
  return {
    a: party(plain[0]),
    b: party(plain[1]),
    ...(admin ? { admin: party(admin) } : {}),
    ...(tiered ? { tiered: party(tiered) } : {}),
  };
}

export function expectStatus(r: Reply, status: number, what: string): void {
  assert.equal(r.status, status, `${what}: expected ${status}, got ${r.status} ${r.text.slice(0, 300)}`);
}
