import * as assert from "assert";
import { SignatureV4 } from "@smithy/signature-v4";
import { Hash } from "@smithy/hash-node";
import { presignPutObject, s3Remover } from "../../../handlers/notes/attachments";
import { Fault, hangingStandIn, proxyStandIn, refusingEndpoint, timed } from "../../support/standins";

const creds = () => ({ accessKeyId: "AKIDTEST", secretAccessKey: "secret" });
const CLEANUP = { deadlineMs: 300, attemptTimeoutMs: 100, baseDelayMs: 5, maxDelayMs: 20 };

describe("attachments in S3 (handlers/notes/attachments.ts)", () => {
  describe("presigned URLs, signed by aws4", () => {
    it(
      "given fixed credentials and time, when a PutObject URL is signed, then it is identical to " +
        "@smithy/signature-v4's and binds key, type and length",
      async () => {
        const credentials = {
          accessKeyId: "AKIDEXAMPLE",
          secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
          sessionToken: "token/with+chars=",
        };
        const at = new Date("2026-11-23T12:34:56Z");
        const key = "private/client%3Amachine/11111111-1111-4111-8111-111111111111/file name.png";
        const ours = new URL(
          presignPutObject(
            { bucket: "notes-attachments", region: "us-east-1", credentials: () => credentials, now: () => at },
            key,
            "image/png",
            1024,
            300,
          ),
        );
        const signer = new SignatureV4({
          service: "s3",
          region: "us-east-1",
          credentials,
          sha256: Hash.bind(null, "sha256"),
          uriEscapePath: false,
          applyChecksum: false,
        });
        const theirs = await signer.presign(
          {
            method: "PUT",
            protocol: "https:",
            hostname: "notes-attachments.s3.us-east-1.amazonaws.com",
            path: `/${key.split("/").map(encodeURIComponent).join("/")}`,
            query: { "x-id": "PutObject" },
            // as S3RequestPresigner does: the header is hoisted into the query and is the payload hash
            headers: {
              host: "notes-attachments.s3.us-east-1.amazonaws.com",
              "content-type": "image/png",
              "content-length": "1024",
              "x-amz-content-sha256": "UNSIGNED-PAYLOAD",
            },
          } as any,
          {
            signingDate: at,
            expiresIn: 300,
            unhoistableHeaders: new Set(["content-type", "content-length"]),
            signableHeaders: new Set(["content-type", "content-length"]),
          } as any,
        );
        assert.equal(ours.searchParams.get("X-Amz-Signature"), (theirs.query as any)["X-Amz-Signature"]);
        assert.equal(ours.searchParams.get("X-Amz-SignedHeaders"), "content-length;content-type;host");
        assert.equal(ours.searchParams.get("X-Amz-Expires"), "300");
        assert.equal(ours.searchParams.get("X-Amz-Security-Token"), credentials.sessionToken);
        assert.equal(decodeURIComponent(ours.pathname.slice(1)), key);
      },
    );

    it("given no endpoint, when signing, then the URL is S3's virtual-hosted one of the region's partition", () => {
      assert.equal(
        new URL(presignPutObject({ bucket: "bkt", region: "eu-west-1", credentials: creds }, "k", "text/plain", 3, 60))
          .host,
        "bkt.s3.eu-west-1.amazonaws.com",
      );
      assert.equal(
        new URL(presignPutObject({ bucket: "bkt", region: "cn-north-1", credentials: creds }, "k", "text/plain", 3, 60))
          .host,
        "bkt.s3.cn-north-1.amazonaws.com.cn",
      );
    });

    it("given a local endpoint, when signing, then the URL is path-style at that endpoint", () => {
      const url = new URL(
        presignPutObject(
          { bucket: "bkt", region: "us-east-1", credentials: creds, endpoint: "http://127.0.0.1:4569" },
          "private/a b",
          "text/plain",
          3,
          60,
        ),
      );
      assert.equal(url.origin, "http://127.0.0.1:4569");
      assert.equal(url.pathname, "/bkt/private/a%20b");
    });
  });

  describe("deleting a note's objects, within the cleanup deadline", () => {
    const keys = Array.from({ length: 25 }, (_, i) => `private/u/n/${i}`);

    it(
      "given a working S3, when 25 objects are deleted, then all are, at most 10 at a time, with " + "signed DELETEs",
      async () => {
        const s3 = await proxyStandIn(undefined);
        try {
          const report = await s3Remover(
            { bucket: "bkt", region: "us-east-1", credentials: creds, endpoint: s3.endpoint },
            CLEANUP,
          )(keys);
          assert.deepEqual(report, { deleted: keys, failed: [] });
          assert.deepEqual(s3.calls.sort(), keys.map((k) => `DELETE /bkt/${k}`).sort());
          assert.ok(s3.maxInFlight <= 10, `in flight: ${s3.maxInFlight}`);
          // each DELETE carries the signature @smithy/signature-v4 computes for the same request
          const h = s3.headers[0];
          const signer: any = new SignatureV4({
            service: "s3",
            region: "us-east-1",
            credentials: creds(),
            sha256: Hash.bind(null, "sha256"),
            uriEscapePath: false,
            applyChecksum: false,
          });
          const signed = await signer.sign(
            {
              method: "DELETE",
              protocol: "http:",
              hostname: "127.0.0.1",
              port: Number(new URL(s3.endpoint).port),
              path: s3.calls[0].split(" ")[1],
              query: {},
              headers: {
                host: String(h.host),
                "x-amz-date": String(h["x-amz-date"]),
                "x-amz-content-sha256": String(h["x-amz-content-sha256"]),
              },
            },
            {
              signingDate: new Date(
                String(h["x-amz-date"]).replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, "$1-$2-$3T$4:$5:$6Z"),
              ),
            },
          );
          assert.match(
            String(h.authorization),
            new RegExp(
              String.raw`^AWS4-HMAC-SHA256 Credential=AKIDTEST\/\d{8}\/us-east-1\/s3\/aws4_request, ` +
                String.raw`SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$`,
            ),
          );
          assert.equal(h.authorization, signed.headers.authorization);
        } finally {
          await s3.close();
        }
      },
    );

    it(
      "given S3 answers 503 SlowDown once per key, when deleting, then each delete is retried and " + "succeeds",
      async () => {
        const seen = new Set<string>();
        const slowDown: Fault = {
          kind: "answer",
          status: 503,
          body: "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>",
          contentType: "application/xml",
        };
        const s3 = await proxyStandIn(undefined, (_n, op) => (seen.has(op) ? undefined : (seen.add(op), slowDown)));
        try {
          const report = await s3Remover(
            { bucket: "bkt", region: "us-east-1", credentials: creds, endpoint: s3.endpoint },
            CLEANUP,
          )(keys.slice(0, 3));
          assert.deepEqual(report.failed, []);
          assert.equal(s3.calls.length, 6);
        } finally {
          await s3.close();
        }
      },
    );

    // DeleteObject answers 204 for a key that is not there; a 404 is NoSuchBucket, so nothing says the objects are
    // gone:
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObject.html, https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
    it(
      "given S3 answers 404 NoSuchBucket, when deleting, then no key is counted as deleted and each " +
        "is reported with the error",
      async () => {
        const noSuchBucket: Fault = {
          kind: "answer",
          status: 404,
          body: "<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message></Error>",
          contentType: "application/xml",
        };
        const s3 = await proxyStandIn(undefined, () => noSuchBucket);
        try {
          const report = await s3Remover(
            { bucket: "bkt", region: "us-east-1", credentials: creds, endpoint: s3.endpoint },
            CLEANUP,
          )(keys.slice(0, 2));
          assert.deepEqual(report, {
            deleted: [],
            failed: keys.slice(0, 2).map((key) => ({ key, error: "S3 answered 404 NoSuchBucket" })),
          });
        } finally {
          await s3.close();
        }
      },
    );

    it(
      "given S3 refuses connections, when deleting, then it returns promptly and reports every key as " + "not deleted",
      async () => {
        const endpoint = await refusingEndpoint();
        const { ms, value } = await timed(() =>
          s3Remover({ bucket: "bkt", region: "us-east-1", credentials: creds, endpoint }, CLEANUP)(keys),
        );
        assert.ok(ms < CLEANUP.deadlineMs + 150, `${ms} ms`);
        assert.deepEqual(
          value.failed.map((f) => f.key),
          keys,
        );
      },
    );

    it(
      "given S3 accepts and never answers, when deleting, then it gives up by the deadline and " +
        "reports every key as not deleted",
      async () => {
        const s3 = await hangingStandIn();
        try {
          const { ms, value } = await timed(() =>
            s3Remover({ bucket: "bkt", region: "us-east-1", credentials: creds, endpoint: s3.endpoint }, CLEANUP)(keys),
          );
          assert.ok(ms < CLEANUP.deadlineMs + 150, `${ms} ms`);
          assert.deepEqual(value.deleted, []);
          assert.deepEqual(value.failed.map((f) => f.key).sort(), [...keys].sort());
        } finally {
          await s3.close();
        }
      },
    );
  });
});
