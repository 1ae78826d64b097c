import * as fs from "fs";
import type { AddressInfo } from "net";
import type { RecordedProgram } from "../recorded";

/**
 * S3 for attachments: @20minutes/s3rver (the maintained s3rver fork, which verifies SigV4
 * signatures, signed headers included: a presigned PUT with another content type or length is
 * refused, as S3 does). Buckets and their CORS rules come from the recorded `Bucket` and
 * `BucketCorsConfiguration` resources; objects are kept on disk under `directory`.
 */
export interface LocalS3 {
  /** http://127.0.0.1:<port>: what AWS_ENDPOINT_URL_S3 points at (path-style URLs). */
  endpoint: string;
  /** The credentials this S3 accepts (s3rver's built-in account). */
  credentials: { accessKeyId: string; secretAccessKey: string };
  buckets: string[];
  /** Lets s3rver verify signatures of credentials the local services issued (it knows only its own account). */
  trust(credentials: { accessKeyId: string; secretAccessKey: string }): void;
  close(): Promise<void>;
}

/** s3rver's built-in account: the only keys it accepts. */
export const S3RVER_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

const xmlEscape = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * A BucketCorsConfiguration's rules as S3's CORSConfiguration XML.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketCors.html
 */
export function corsXml(
  rules: {
    allowedHeaders?: string[];
    allowedMethods: string[];
    allowedOrigins: string[];
    exposeHeaders?: string[];
    maxAgeSeconds?: number;
  }[],
): string {
  const tags = (name: string, values: string[] = []) =>
    values.map((v) => `<${name}>${xmlEscape(v)}</${name}>`).join("");
  return `<CORSConfiguration>${rules
    .map(
      (r) =>
        `<CORSRule>${tags("AllowedOrigin", r.allowedOrigins)}${tags("AllowedMethod", r.allowedMethods)}` +
        `${tags("AllowedHeader", r.allowedHeaders)}` +
        (`${tags("ExposeHeader", r.exposeHeaders)}` +
          `${r.maxAgeSeconds !== undefined ? `<MaxAgeSeconds>${r.maxAgeSeconds}</MaxAgeSeconds>` : ""}</CORSRule>`),
    )
    .join("")}</CORSConfiguration>`;
}

export async function startS3(program: RecordedProgram, directory: string, others: string[] = []): Promise<LocalS3> {
  fs.mkdirSync(directory, { recursive: true });
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const S3rver = require("@20minutes/s3rver");
  const buckets = program.ofType("aws:s3/bucket:Bucket").map((b) => ({
    name: String(program.stateOf(b).bucket),
    configs: program
      .ofType("aws:s3/bucketCorsConfiguration:BucketCorsConfiguration")
      .filter((c) => c.inputs.bucket === program.stateOf(b).bucket)
      .map((c) => corsXml(c.inputs.corsRules ?? [])),
  }));
  for (const name of others) if (!buckets.some((b) => b.name === name)) buckets.push({ name, configs: [] });
  const s3 = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory, configureBuckets: buckets });
  const address = (await s3.run()) as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    credentials: S3RVER_CREDENTIALS,
    buckets: buckets.map((b) => b.name),
    trust: ({ accessKeyId, secretAccessKey }) => {
      // s3rver's own account registry (lib/models/account.js): the keys it verifies signatures with.
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      require("@20minutes/s3rver/lib/models/account").DUMMY_ACCOUNT.createKeyPair(accessKeyId, secretAccessKey);
    },
    close: async () => {
      s3.httpServer?.closeAllConnections?.();
      await s3.close();
    },
  };
}
