import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { AuthMode } from "../../handlers/contract/authModes";
import type { StackRun } from "../../offline/runStack";
import { RunningLocalStack, startLocalStack } from "../../local/localStack";
import { newSigningKey, signingKeyFile } from "../../local/services/idp";
import { CODES_FILE } from "../../local/services/userPool/publicApi";
import { TestPki, ensureTestPki } from "../../local/pki";
import { copyRun } from "../../local/recorded";
import { DOOR_REPORTS } from "../../components/doors/reportRegistry";
import { runMode } from "./stack";

/**
 * A corporate OIDC IdP federated into the pool (identityProviders), with its secret: local mode plays it with an
 * upstream stand-in (local/services/upstream.ts). Spread into a test door's `extra`.
 */
export const CORP_IDP = {
  identityProviders: [
    {
      name: "Corp",
      type: "OIDC",
      settings: { clientId: "notes", issuer: "https://login.corp.example" },
      attributeMapping: { email: "email" },
      groupsClaim: "groups",
    },
  ],
  identityProviderSecrets: JSON.stringify({ Corp: "Corp-secret" }),
};

/**
 * The local doors the specs start, each with a config the offline runs share (one recorded run
 * per config). Usage plans are small, so a test can spend a quota and pass a burst quickly: each
 * key's (tier's) quota holds the suite's own calls and the burst check's, and little more.
 */
export const LOCAL_DOORS = {
  cognito: { mode: "cognito", extra: { ...CORP_IDP, revocation: true } },
  "http-jwt": { mode: "http-jwt", extra: { ...CORP_IDP, revocation: true } },
  "http-jwt with m2mClient and mutual TLS": {
    mode: "http-jwt",
    extra: { m2mClient: true, ...DOOR_REPORTS["http-jwt"].variants.mtls, mtlsRequiredForMachines: true },
  },
  "iam with a machine role": { mode: "iam", extra: { ...DOOR_REPORTS.iam.variants.machines, ...CORP_IDP } },
  "api-key": {
    mode: "api-key",
    extra: {
      apiKeyClients: ["reporting", "ops", "admin-tool"],
      apiKeyAdminClients: ["admin-tool"],
      apiKeyRateLimit: 40,
      apiKeyBurstLimit: 40,
      apiKeyQuotaLimit: 120,
      throttleRateLimit: 1000,
      throttleBurstLimit: 2000,
    },
  },
  "api-key with apiKeyWithCognito": {
    mode: "api-key",
    extra: { ...DOOR_REPORTS["api-key"].variants.users, apiKeyRateLimit: 500, apiKeyBurstLimit: 500, ...CORP_IDP },
  },
  "alb-oidc": { mode: "alb-oidc", extra: { ...CORP_IDP } },
  "lambda-authorizer": {
    mode: "lambda-authorizer",
    extra: {
      revocation: true,
      authorizerPlans: [
        "name=free,rate=40,burst=40,quota=120,period=DAY",
        "name=pro,group=pro,rate=200,burst=200,quota=2000,period=MONTH",
      ],
      throttleRateLimit: 1000,
      throttleBurstLimit: 2000,
      ...CORP_IDP,
    },
  },
} as const satisfies Record<string, { mode: AuthMode; extra: Record<string, unknown> }>;

let testKey: ReturnType<typeof newSigningKey> | undefined;
let testPkiDir: string | undefined;

/** Where the one test PKI of every mutual-TLS door of the run lives (made by the first; removed when the run ends). */
function sharedPkiDir(): string {
  if (!testPkiDir) {
    const dir = (testPkiDir = fs.mkdtempSync(path.join(os.tmpdir(), "notes-auth-pki-")));
    process.once("exit", () => removeDir(dir));
  }
  return testPkiDir;
}

/** The test PKI the mutual-TLS doors of this run share. */
export const testPki = (): TestPki => ensureTestPki(sharedPkiDir());

export interface TestDoor extends RunningLocalStack {
  /** What the gateway logged (why it refused calls). */
  logs: string[];
  dataDir: string;
}

/**
 * A local door for a spec: the door's recorded program (memoized, as the stack specs run it),
 * optionally altered, served on free loopback ports with its data in `dataDir` (a fresh temp
 * folder unless given). Close it in `after`.
 */
export async function startTestDoor(
  mode: AuthMode,
  opts: { extra?: Record<string, unknown>; alter?: (run: StackRun) => void; dataDir?: string } = {},
): Promise<TestDoor> {
  const run = copyRun(await runMode(mode, opts.extra));
  opts.alter?.(run);
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "notes-auth-local-"));
  // One signing key for every test door (RSA key generation is the slowest part of a start).
  if (!fs.existsSync(signingKeyFile(dataDir)))
    fs.writeFileSync(signingKeyFile(dataDir), JSON.stringify((testKey ??= newSigningKey())));
  const logs: string[] = [];
  const stack = await startLocalStack({
    run,
    stack: "test",
    dataDir,
    port: 0,
    pkiDir: sharedPkiDir(),
    log: (line) => logs.push(line),
  });
  return { ...stack, logs, dataDir };
}

/**
 * A test door for the specs of one describe: started before them (as startTestDoor), closed and its data folder
 * removed after them; `started` receives it.
 */
export function useTestDoor(
  started: (door: TestDoor) => void,
  mode: AuthMode,
  opts?: Parameters<typeof startTestDoor>[1],
): void {
  let door: TestDoor | undefined;
  before(async () => started((door = await startTestDoor(mode, opts))));
  after(async () => {
    await door?.close();
    if (door) removeDir(door.dataDir);
  });
}

/** Removes a temp data folder. */
export const removeDir = (dir: string) => fs.rmSync(dir, { recursive: true, force: true });

/** The last code the local pool sent to an address (CODES_FILE under the data folder). */
export function lastCode(door: TestDoor, email: string, purpose: string): string {
  const lines = fs.readFileSync(path.join(door.dataDir, CODES_FILE), "utf8").trim().split("\n");
  const line = lines.reverse().find((l) => l.includes(` ${email} ${purpose} `));
  assert.ok(line, `no ${purpose} code for ${email} in ${CODES_FILE}`);
  return line.split(" ").pop()!;
}
