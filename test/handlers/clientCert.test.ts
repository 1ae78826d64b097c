import * as assert from "assert";
import { normalize } from "../../handlers/http/request";
import { clientCertOf } from "../../handlers/clientCert";
import { principalOf } from "../../handlers/doors";
import { createHandler } from "../../handlers/app";
import {
  M2M_CLIENT,
  USER_A,
  accessClaims,
  envFor,
  forbiddenStore,
  httpEvent,
  idClaims,
  machineClaims,
  restEvent,
} from "../support/handler";
import { eventSources, load } from "../support/events";

/** What API Gateway hands over after mutual TLS (the shape of its published sample events). */
const CERT = {
  clientCertPem: "-----BEGIN CERTIFICATE-----\nMIIB...\n-----END CERTIFICATE-----",
  subjectDN: "CN=reporting-job,O=Example Corp",
  issuerDN: "CN=Example Corp Clients CA",
  serialNumber: "5b:9f:01:22",
  validity: { notBefore: "Nov 25 00:00:00 2026 GMT", notAfter: "Nov 25 00:00:00 2027 GMT" },
};
const EXPECTED = {
  subjectDN: CERT.subjectDN,
  issuerDN: CERT.issuerDN,
  serialNumber: CERT.serialNumber,
  notBefore: CERT.validity.notBefore,
  notAfter: CERT.validity.notAfter,
};
const GET_ME = { method: "GET", path: "/me" };
const withHttpCert = (e: any) => ((e.requestContext.authentication = { clientCert: CERT }), e);
const restMachine = (cert?: typeof CERT) =>
  restEvent(GET_ME, { identity: { apiKeyId: "key-reporting", ...(cert ? { clientCert: cert } : {}) } });
const httpMachine = (cert?: typeof CERT) => {
  const e = httpEvent(GET_ME, machineClaims(["notes/read"]));
  return cert ? withHttpCert(e) : e;
};

describe("handler: the client certificate (mutual TLS)", () => {
  describe("clientCertOf", () => {
    it(
      "reads REST's requestContext.identity.clientCert and the HTTP API's " +
        "requestContext.authentication.clientCert",
      () => {
        assert.deepEqual(clientCertOf(normalize(restMachine(CERT))), EXPECTED);
        assert.deepEqual(clientCertOf(normalize(httpMachine(CERT))), EXPECTED);
      },
    );
    it("is absent without mutual TLS (API Gateway sends null or nothing)", () => {
      assert.equal(clientCertOf(normalize(restMachine())), undefined);
      const e = restMachine();
      e.requestContext.identity.clientCert = null;
      assert.equal(clientCertOf(normalize(e)), undefined);
      assert.equal(clientCertOf(normalize(httpMachine())), undefined);
    });
    it("never comes from a client header", () => {
      const e = restEvent(
        { ...GET_ME, headers: { "x-amzn-clientcert-subject": CERT.subjectDN, "x-client-cert": CERT.clientCertPem } },
        { identity: { apiKeyId: "k" } },
      );
      assert.equal(clientCertOf(normalize(e)), undefined);
    });
    for (const source of eventSources().filter((s) => s.samples.withClientCert)) {
      it(`reads the certificate of each ${source.label} event that carries one`, () => {
        for (const file of source.samples.withClientCert!) {
          const cert = clientCertOf(normalize(load(source, file)));
          assert.ok(cert && cert.subjectDN && cert.serialNumber && cert.issuerDN, file);
        }
      });
    }
  });

  describe("with mtlsRequiredForMachines", () => {
    const REQUIRED = { MTLS_REQUIRED_FOR_MACHINES: "true" };
    it("refuses a machine without a certificate with 403, at REST and HTTP API doors", async () => {
      for (const [event, mode, env] of [
        [restMachine(), "api-key", REQUIRED],
        [httpMachine(), "http-jwt", { ...REQUIRED, ALLOWED_CLIENT_IDS: M2M_CLIENT }],
      ] as const) {
        await assert.rejects(
          principalOf(normalize(event), envFor(mode, env)),
          (err: any) => err.status === 403 && /client certificate/.test(err.message),
          mode,
        );
      }
    });
    it("accepts a machine with one, and keeps the certificate on the principal", async () => {
      const p = await principalOf(normalize(restMachine(CERT)), envFor("api-key", REQUIRED));
      assert.deepEqual({ id: p.id, cert: p.clientCert }, { id: "apikey:key-reporting", cert: EXPECTED });
    });
    it("does not ask it of users", async () => {
      const p = await principalOf(
        normalize(restEvent(GET_ME, { claims: idClaims(USER_A) })),
        envFor("cognito", REQUIRED),
      );
      assert.equal(p.id, USER_A);
      const u = await principalOf(
        normalize(httpEvent(GET_ME, accessClaims(USER_A, ["notes/read"]))),
        envFor("http-jwt", REQUIRED),
      );
      assert.equal(u.kind, "user");
    });
    it("is off by default: machines without certificates are served", async () => {
      assert.equal((await principalOf(normalize(restMachine()), envFor("api-key"))).kind, "machine");
    });
  });

  it("GET /me shows the certificate's subject, issuer and serial", async () => {
    // given a handler whose storage must not be touched by /me
    const never = async (): Promise<never> => {
      throw new Error("/me touched storage");
    };
    const handler = createHandler({
      env: envFor("api-key"),
      store: forbiddenStore(),
      presign: never,
      removeObjects: never,
      maxAttachmentBytes: 1,
      now: () => new Date(),
      newId: () => "id",
    });
    const res: any = await handler(restMachine(CERT));
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(JSON.parse(res.body).clientCert, {
      subject: CERT.subjectDN,
      issuer: CERT.issuerDN,
      serialNumber: CERT.serialNumber,
    });
    const without: any = await handler(restMachine());
    assert.equal(JSON.parse(without.body).clientCert, undefined);
  });
});
