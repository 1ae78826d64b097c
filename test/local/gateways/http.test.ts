import * as assert from "assert";
import * as fs from "fs";
import * as http from "http";
import { ClientTls, send } from "../../../local/clients/doorClient";
import { IncomingRequest, httpV2Event, restV1Event } from "../../../local/gateways/events";
import { TokenBucket, headerAs, listen, matchTemplate, messageReply, proxyResult } from "../../../local/gateways/http";
import { testPki } from "../../support/localStack";

describe("local gateways: routing, throttling, proxy results", () => {
  it(
    "given a header sent twice, when a REST API and an HTTP API take it, then every step reads what the Lambda " +
      "event carries: REST the last value, HTTP APIs the values joined with commas",
    () => {
      const req: IncomingRequest = {
        method: "GET",
        path: "/notes",
        headers: { Authorization: ["Bearer a", "Bearer b"] },
      };
      const rest = restV1Event(req, {
        apiId: "api",
        stage: "v1",
        accountId: "1",
        resourcePath: "/notes",
        pathParameters: null,
      }) as { headers: Record<string, string> };
      const v2 = httpV2Event(req, { apiId: "api", stage: "$default", accountId: "1", routeKey: "GET /notes" }) as {
        headers: Record<string, string>;
      };
      assert.equal(headerAs("rest", req.headers, "authorization"), "Bearer b");
      assert.equal(rest.headers.Authorization, headerAs("rest", req.headers, "authorization"));
      assert.equal(headerAs("httpApi", req.headers, "authorization"), "Bearer a,Bearer b");
      assert.equal(v2.headers.authorization, headerAs("httpApi", req.headers, "authorization"));
      assert.equal(headerAs("rest", req.headers, "x-api-key"), undefined);
    },
  );

  it(
    "given a path with a malformed percent escape, when a gateway reads it, then it answers 400 with a JSON " +
      "message and runs no route",
    async () => {
      const handled: string[] = [];
      const logged: string[] = [];
      const server = await listen(
        0,
        async (req) => (handled.push(req.path), messageReply(200, "ok")),
        (line) => logged.push(line),
      );
      try {
        for (const path of ["/notes/%zz", "/notes/%E0%A4%A", "/notes/%C0%AF"]) {
          const { status, body } = await new Promise<{ status?: number; body: string }>((resolve, reject) =>
            http
              .get(`${server.origin}${path}`, (res) => {
                let body = "";
                res.on("data", (c) => (body += c)).on("end", () => resolve({ status: res.statusCode, body }));
              })
              .on("error", reject),
          );
          assert.equal(status, 400, path);
          assert.match(JSON.parse(body).message, /not valid percent-encoded UTF-8/);
        }
        assert.deepEqual(handled, []);
        assert.ok(
          logged.every((l) => l.startsWith("400: ")),
          logged.join("\n"),
        );
      } finally {
        await server.close();
      }
    },
  );

  it(
    "given literal and parameter paths, when a path matches both, then the literal one wins and parameters " +
      "are read",
    () => {
      const paths = ["/notes", "/notes/{id}", "/notes/{id}/attachment", "/notes/shared", "/{proxy+}"];
      assert.deepEqual(matchTemplate(paths, "/notes/shared"), { template: "/notes/shared", params: {} });
      assert.deepEqual(matchTemplate(paths, "/notes/42"), { template: "/notes/{id}", params: { id: "42" } });
      assert.deepEqual(matchTemplate(paths, "/notes/42/attachment"), {
        template: "/notes/{id}/attachment",
        params: { id: "42" },
      });
      assert.deepEqual(matchTemplate(paths, "/a/b/c"), { template: "/{proxy+}", params: { proxy: "a/b/c" } });
      assert.equal(matchTemplate(["/notes"], "/notes/1"), undefined);
    },
  );

  it(
    "given a token bucket of burst 2 and rate 1/s, when 3 requests come at once, then the third waits a " + "second",
    () => {
      let t = 0;
      const bucket = new TokenBucket(1, 2, () => t);
      assert.deepEqual([bucket.take(), bucket.take(), bucket.take()], [true, true, false]);
      t = 1000;
      assert.equal(bucket.take(), true);
    },
  );

  it(
    "given Lambda proxy results, when mapped, then REST needs a statusCode and HTTP APIs take a bare body " +
      "as 200 JSON",
    () => {
      assert.equal(proxyResult({ body: "x" }, "1.0"), undefined, "REST: malformed");
      assert.equal(proxyResult({ hello: 1 }, "2.0")?.status, 200);
      const r = proxyResult(
        {
          statusCode: 201,
          headers: { "Content-Type": "application/json" },
          body: Buffer.from("{}").toString("base64"),
          isBase64Encoded: true,
        },
        "1.0",
      )!;
      assert.equal(r.status, 201);
      assert.equal(r.body.toString(), "{}");
      assert.equal(r.headers["content-type"], "application/json");
    },
  );

  it(
    "given an HTTPS listener with mutual TLS, when the clients CA is trusted, then the test machine's " +
      "request carries its certificate, and no certificate or another CA's ends at the handshake; before, none is " +
      "trusted",
    async () => {
      const pki = testPki();
      const read = (file: string) => fs.readFileSync(file, "utf8");
      const seen: IncomingRequest[] = [];
      const server = await listen(
        0,
        async (req) => (seen.push(req), messageReply(200, "ok")),
        () => undefined,
        { cert: read(pki.serverCertFile), key: read(pki.serverKeyFile) },
      );
      const call = (tls: ClientTls) =>
        send({ method: "GET", url: `${server.origin}/me`, headers: {} }, { ca: read(pki.serverCaFile), ...tls });
      const refused = (what: string, tls: ClientTls) =>
        assert.rejects(
          call(tls),
          (err: NodeJS.ErrnoException) => /^(ERR_SSL_\w+|ECONNRESET)$/.test(String(err.code)),
          what,
        );
      const machine = { cert: read(pki.clientCertFile), key: read(pki.clientKeyFile) };
      try {
        assert.match(server.origin, /^https:\/\/127\.0\.0\.1:\d+$/);
        await refused("the machine, before a truststore is set", machine);
        server.trustClients!(read(pki.clientsCaFile));
        assert.equal((await call(machine)).status, 200);
        assert.equal(seen[0].clientCert?.subjectDN, "C=US,O=notes-auth local,OU=machines,CN=reporting-job");
        await refused("no certificate", {});
        await refused("another CA's certificate", { cert: read(pki.otherCertFile), key: read(pki.otherKeyFile) });
        assert.equal(seen.length, 1, "no refused request was read");
      } finally {
        await server.close();
      }
    },
  );
});
