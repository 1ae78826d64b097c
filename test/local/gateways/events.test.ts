import * as assert from "assert";
import { X509Certificate } from "crypto";
import * as fs from "fs";
import {
  GatewayClientCert,
  IncomingRequest,
  gatewayClientCert,
  httpV2Event,
  opensslSerial,
  restV1Event,
} from "../../../local/gateways/events";
import { testPki } from "../../support/localStack";

describe("local events: the client certificate of mutual TLS", () => {
  const REST = {
    apiId: "a1b2c3d4e5",
    stage: "v1",
    accountId: "123456789012",
    resourcePath: "/me",
    pathParameters: null,
  };
  const HTTP = { apiId: "a1b2c3d4e5", stage: "$default", accountId: "123456789012", routeKey: "GET /me" };
  const request = (clientCert?: GatewayClientCert): IncomingRequest => ({
    method: "GET",
    path: "/me",
    headers: {},
    ...(clientCert ? { clientCert } : {}),
  });

  it(
    "given a verified certificate, when it is handed on, then its names, serial and dates are written as in " +
      "AWS's sample events",
    () => {
      const file = testPki().clientCertFile;
      const cert = gatewayClientCert(new X509Certificate(fs.readFileSync(file)));
      assert.equal(cert.subjectDN, "C=US,O=notes-auth local,OU=machines,CN=reporting-job");
      assert.equal(cert.issuerDN, "C=US,O=notes-auth local,CN=notes-auth local clients CA");
      assert.match(
        cert.serialNumber,
        /^[0-9a-f]{2}(:[0-9a-f]{2}){15}$/,
        "16 bytes: colon-separated hex, as AWS's a1:a1:… sample",
      );
      assert.match(
        cert.validity.notBefore,
        /^[A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4} GMT$/,
        "as AWS's Aug 29 00:28:21 2020 GMT",
      );
      assert.match(cert.clientCertPem, /^-----BEGIN CERTIFICATE-----\n[\s\S]+\n-----END CERTIFICATE-----\n$/);
      assert.equal(
        new X509Certificate(cert.clientCertPem).fingerprint256,
        new X509Certificate(fs.readFileSync(file)).fingerprint256,
      );
    },
  );

  it(
    "given serials of up to 63 bits and longer, when printed, then small ones are decimal (AWS's sample: " +
      '"1") and long ones hex bytes',
    () => {
      assert.equal(opensslSerial("01"), "1");
      assert.equal(opensslSerial("1000"), "4096");
      assert.equal(opensslSerial("7FFFFFFFFFFFFFFF"), "9223372036854775807");
      assert.equal(opensslSerial("8000000000000000"), "80:00:00:00:00:00:00:00");
      assert.equal(
        opensslSerial("A1A1A1A1A1A1A1A1A1A1A1A1A1A1A1A1"),
        "a1:a1:a1:a1:a1:a1:a1:a1:a1:a1:a1:a1:a1:a1:a1:a1",
      );
    },
  );

  it(
    "given a request with a certificate, when the REST and HTTP API events are built, then it is at " +
      "identity.clientCert and authentication.clientCert; without one, REST's is null and HTTP's authentication " +
      "absent",
    () => {
      const cert = gatewayClientCert(new X509Certificate(fs.readFileSync(testPki().clientCertFile)));
      const rest = (req: IncomingRequest) => (restV1Event(req, REST).requestContext as any).identity.clientCert;
      const http = (req: IncomingRequest) => (httpV2Event(req, HTTP).requestContext as any).authentication;
      assert.deepEqual(rest(request(cert)), cert);
      assert.deepEqual(http(request(cert)), { clientCert: cert });
      assert.equal(rest(request()), null);
      assert.equal(http(request()), undefined);
    },
  );
});
