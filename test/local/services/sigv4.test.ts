import * as assert from "assert";
import { SignatureV4 } from "@smithy/signature-v4";
import { Hash } from "@smithy/hash-node";
import { KnownCredentials, SignedRequest, verifySigV4 } from "../../../local/services/sigv4";

/** A request signed as the AWS SDK signs it, in the shape a local endpoint receives it. */
async function signed(
  creds: KnownCredentials,
  opts: { date?: Date; body?: string; region?: string } = {},
): Promise<SignedRequest & { headers: Record<string, string> }> {
  const signer = new SignatureV4({
    service: "execute-api",
    region: opts.region ?? "us-east-1",
    credentials: {
      accessKeyId: creds.accessKeyId,
      secretAccessKey: creds.secretAccessKey,
      sessionToken: creds.sessionToken,
    },
    sha256: Hash.bind(null, "sha256"),
  });
  const req = await signer.sign(
    {
      method: "POST",
      protocol: "http:",
      hostname: "127.0.0.1",
      port: 3000,
      path: "/v1/notes",
      query: { limit: "5" },
      headers: { host: "127.0.0.1:3000", "content-type": "application/json" },
      body: opts.body ?? "{}",
    },
    opts.date ? { signingDate: opts.date } : {},
  );
  return {
    method: "POST",
    rawPath: "/v1/notes",
    rawQuery: "limit=5",
    headers: req.headers as Record<string, string>,
    body: Buffer.from(opts.body ?? "{}"),
  };
}

describe("local AWS services: SigV4 verification", () => {
  const creds = {
    accessKeyId: "ASIAEXAMPLEEXAMPLE01",
    secretAccessKey: "secret",
    sessionToken: "token",
    expiration: Date.now() + 24 * 3600_000,
  };
  const verify = (req: SignedRequest, lookup = (k: string) => (k === creds.accessKeyId ? creds : undefined)) =>
    verifySigV4(req, { service: "execute-api", region: "us-east-1", lookup });

  it(
    "given a request the AWS SDK's signer signed with issued credentials, when verified, then it " +
      "passes; with its body or signature changed it does not",
    async () => {
      const req = await signed(creds);
      assert.equal((await verify(req)).ok, true);
      assert.deepEqual(
        await verify({ ...req, body: Buffer.from('{"x":1}') }).then((o) => !o.ok && o.failure),
        "mismatch",
      );
      const auth = String(req.headers.authorization);
      assert.deepEqual(
        await verify({
          ...req,
          headers: { ...req.headers, authorization: auth.replace(/.$/, auth.endsWith("0") ? "1" : "0") },
        }).then((o) => !o.ok && o.failure),
        "mismatch",
      );
    },
  );

  it(
    "given credentials never issued, another session token, expired credentials, a date beyond five " +
      "minutes or another region, when verified, then each is refused for its own reason",
    async () => {
      const failure = async (p: Promise<{ ok: boolean; failure?: string }>) =>
        ((await p) as { failure?: string }).failure;
      assert.equal(
        await failure(verify(await signed({ ...creds, accessKeyId: "ASIANEVERISSUED0000" }))),
        "unknown-credentials",
      );
      assert.equal(await failure(verify(await signed({ ...creds, sessionToken: "another" }))), "unknown-credentials");
      assert.equal(
        await failure(verify(await signed(creds), () => ({ ...creds, expiration: Date.now() - 1 }))),
        "expired-credentials",
      );
      assert.equal(await failure(verify(await signed(creds, { date: new Date(Date.now() - 6 * 60_000) }))), "skew");
      assert.equal(
        (await verify(await signed(creds, { date: new Date(Date.now() - 4 * 60_000) }))).ok,
        true,
        "four minutes of skew are fine",
      );
      assert.equal(await failure(verify(await signed(creds, { region: "eu-west-1" }))), "scope");
      assert.equal(await failure(verify({ method: "GET", rawPath: "/v1/notes", headers: {} })), "missing");
    },
  );
});
