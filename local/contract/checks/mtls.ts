import * as assert from "assert";
import * as crypto from "crypto";
import { distinguishedName, opensslSerial } from "../../gateways/events";
import type { Check } from "../check";
import { ContractContext, Reply, expectStatus } from "../context";
import { titles } from "../helpers";
import { machineCredential } from "../machines";

/** Why the mutual-TLS checks cannot run: no client certificate asked for, or none given. */
const mtlsDoor = (ctx: ContractContext) =>
  ctx.options.tls?.cert
    ? undefined
    : "the door's domain asks for no client certificate (no mtlsTruststoreUri), or the run was given none";

/**
 * The mutual-TLS domain's refusal of a call made with `tls`: the handshake fails, so no HTTP
 * answer comes (local mode), or API Gateway answers 403 Forbidden, which AWS's knowledge center
 * gives for a certificate whose issuer is not in the truststore
 * (https://repost.aws/knowledge-center/api-gateway-mutual-tls-403-errors). Never the handler's answer.
 */
async function expectTlsRefusal(
  ctx: ContractContext,
  what: string,
  path: string,
  o: { method?: string; body?: unknown; tls: { ca?: string; cert?: string; key?: string } },
): Promise<void> {
  let r: Reply;
  try {
    r = await ctx.call(path, { ...o, auth: await ctx.as(ctx.parties.a) });
  } catch (err) {
    const code = String((err as NodeJS.ErrnoException).code ?? "");
    assert.match(code, /^(ERR_SSL_\w+|ECONNRESET|EPIPE)$/, `${what}: the call failed, but not at TLS: ${err}`);
    return;
  }
  expectStatus(r, 403, what);
  assert.deepEqual(r.json, { message: "Forbidden" }, `${what}: API Gateway's own 403`);
}

/**
 * Mutual TLS at the door's custom domain: no certificate, another CA's, a valid one, machines'.
 * Listed at every door; one whose domain asks for no client certificate (or a run given none)
 * skips them.
 */
export const MTLS_CHECKS: Check[] = [
  {
    id: "mtls-no-certificate",
    title:
      "given the door's custom domain asks for mutual TLS, when a caller with valid credentials presents no " +
      "client certificate, then the domain refuses the connection (no HTTP answer; in AWS possibly its 403 " +
      "Forbidden) and nothing is written",
    skip: mtlsDoor,
    async run(ctx) {
      const tls = { ca: ctx.options.tls!.ca };
      const title = `no certificate ${crypto.randomUUID()}`;
      await expectTlsRefusal(ctx, "create without a client certificate", "/notes", {
        method: "POST",
        body: { title, content: "x" },
        tls,
      });
      await expectTlsRefusal(ctx, "/me without a client certificate", "/me", { tls });
      assert.ok(!(await titles(ctx, ctx.parties.a)).includes(title), "the refused note was written");
    },
  },
  {
    id: "mtls-other-ca",
    title:
      "given a client certificate with the same subject from a CA the truststore does not hold, when a caller " +
      "with valid credentials presents it, then the domain refuses the connection",
    skip: (ctx) =>
      mtlsDoor(ctx) ??
      (ctx.options.tls?.other ? undefined : "needs a certificate of another CA (local mode's test PKI has one)"),
    async run(ctx) {
      await expectTlsRefusal(ctx, "/me with another CA's certificate", "/me", {
        tls: { ca: ctx.options.tls!.ca, ...ctx.options.tls!.other },
      });
    },
  },
  {
    id: "mtls-valid-certificate",
    title:
      "given a client certificate the truststore's CA issued, when a caller presents it, then the door serves " +
      "the caller as before and /me shows the certificate's subject, issuer and serial as API Gateway hands " +
      "them on",
    skip: mtlsDoor,
    async run(ctx) {
      const me = await ctx.call("/me", { auth: await ctx.as(ctx.parties.a) });
      expectStatus(me, 200, "/me with the certificate");
      if (ctx.parties.a.user?.sub)
        assert.equal(me.json.id, ctx.parties.a.user.sub, "the certificate does not change who the caller is");
      const cert = new crypto.X509Certificate(ctx.options.tls!.cert!);
      assert.deepEqual(me.json.clientCert, {
        subject: distinguishedName(cert.subject),
        issuer: distinguishedName(cert.issuer),
        serialNumber: opensslSerial(cert.serialNumber),
      });
    },
  },
  {
    id: "mtls-required-for-machines",
    title:
      "given mtlsRequiredForMachines, when a machine calls with its client certificate, then the handler finds " +
      "the certificate where API Gateway puts it and serves the machine (one without a certificate never " +
      "reaches the handler: the handshake is refused)",
    skip: (ctx) =>
      mtlsDoor(ctx) ??
      (ctx.outputs.local?.mtls?.requiredForMachines
        ? undefined
        : "mtlsRequiredForMachines is off (only local outputs say whether it is on)"),
    async run(ctx) {
      const me = await ctx.call("/me", { auth: await machineCredential(ctx) });
      expectStatus(me, 200, "a machine with its certificate");
      assert.equal(me.json.kind, "machine");
      assert.ok(me.json.clientCert?.subject, "the handler saw the certificate");
    },
  },
];
