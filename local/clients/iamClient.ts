import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { SignatureV4 } from "@smithy/signature-v4";
import { Hash } from "@smithy/hash-node";

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/**
 * Credentials of a machine's own role at the `iam` door (its entry of the stack output
 * `client.machineRoleArns`), assumed with STS by that principal of `machineRolePrincipals`.
 */
export async function assumeMachineRole(opts: {
  roleArn: string;
  region: string;
  externalId?: string;
  sessionName?: string;
  sts?: STSClient;
}): Promise<AwsCredentials> {
  const sts = opts.sts ?? new STSClient({ region: opts.region });
  const out = await sts.send(
    new AssumeRoleCommand({
      RoleArn: opts.roleArn,
      RoleSessionName: opts.sessionName ?? "notes-auth-client",
      DurationSeconds: 900,
      ...(opts.externalId ? { ExternalId: opts.externalId } : {}),
    }),
  );
  const c = out.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`STS returned no credentials for ${opts.roleArn}`);
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
}

export interface SignedCall {
  url: string;
  method?: string;
  body?: unknown;
  region: string;
  credentials: AwsCredentials;
}

/** Calls the `iam` door: a SigV4-signed request for the service `execute-api`. */
export async function callSigned(call: SignedCall): Promise<{ status: number; body: unknown }> {
  const url = new URL(call.url);
  const body = call.body === undefined ? undefined : JSON.stringify(call.body);
  const signer = new SignatureV4({
    service: "execute-api",
    region: call.region,
    credentials: call.credentials,
    sha256: Hash.bind(null, "sha256"),
  });
  const signed = await signer.sign({
    method: call.method ?? "GET",
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: { host: url.host, ...(body ? { "content-type": "application/json" } : {}) },
    body,
  });
  const res = await fetch(url, { method: signed.method, headers: signed.headers as Record<string, string>, body });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}
