import { X509Certificate } from "crypto";
import { distinguishedName } from "./events";
import type { LocalS3 } from "../services/s3";

/**
 * The truststore of a mutual-TLS custom domain: a PEM bundle of CA certificates in S3 at the
 * domain's `truststoreUri` (s3://bucket/key). In AWS the operator uploads it and API Gateway reads
 * it when the domain is created or updated; locally both steps run against local S3 at start,
 * at the URI the program recorded.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mutual-tls.html
 */

/** `s3://bucket/key` as bucket and key. */
export function s3Location(uri: string): { bucket: string; key: string } {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!m) throw new Error(`${uri} is not an s3://<bucket>/<key> URI`);
  return { bucket: m[1], key: m[2] };
}

/** User metadata on a truststore local mode put itself, which it may replace (with a newer test PKI's). */
const PUT_BY_LOCAL_MODE = { "notes-auth-local": "test-pki" };

async function s3Client(s3: LocalS3) {
  const sdk = await import("@aws-sdk/client-s3");
  return {
    sdk,
    client: new sdk.S3Client({
      region: "us-east-1",
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: s3.credentials,
    }),
  };
}

/**
 * The operator's step, which local mode plays: the test PKI's clients CA at the truststore URI.
 * A truststore someone else put there (another bundle, without local mode's mark) is kept as it is.
 */
export async function seedTruststore(s3: LocalS3, uri: string, bundle: string): Promise<"put" | "kept"> {
  const { bucket, key } = s3Location(uri);
  const { sdk, client } = await s3Client(s3);
  try {
    const head = await client.send(new sdk.HeadObjectCommand({ Bucket: bucket, Key: key })).catch((err) => {
      if (err?.name === "NotFound" || err?.$metadata?.httpStatusCode === 404) return undefined;
      throw err;
    });
    if (head && head.Metadata?.["notes-auth-local"] !== PUT_BY_LOCAL_MODE["notes-auth-local"]) return "kept";
    await client.send(
      new sdk.PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: bundle,
        ContentType: "application/x-pem-file",
        Metadata: PUT_BY_LOCAL_MODE,
      }),
    );
    return "put";
  } finally {
    client.destroy();
  }
}

/**
 * API Gateway's step: the truststore read from S3 at the URI, each certificate parsed. A bundle
 * without one cannot serve mutual TLS (AWS refuses to update the domain). s3rver keeps no object
 * versions, so a `truststoreVersion` cannot be honoured: the caller says so.
 */
export async function readTruststore(s3: LocalS3, uri: string): Promise<{ bundle: string; subjects: string[] }> {
  const { bucket, key } = s3Location(uri);
  const { sdk, client } = await s3Client(s3);
  try {
    const object = await client.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: key })).catch((err) => {
      throw new Error(`the truststore ${uri} could not be read from local S3: ${err?.name ?? err}`);
    });
    const bundle = await object.Body!.transformToString("utf8");
    const pems = bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    if (pems.length === 0) throw new Error(`the truststore ${uri} holds no PEM certificate`);
    return { bundle: pems.join("\n"), subjects: pems.map((p) => distinguishedName(new X509Certificate(p).subject)) };
  } finally {
    client.destroy();
  }
}
