import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";

/** Makes a presigned PUT URL bound to one key, content type and exact length. */
export type Presigner = (key: string, contentType: string, size: number, expiresInSeconds: number) => Promise<string>;

export function s3Presigner(bucket: string, client: S3Client = new S3Client({})): Presigner {
  return (key, contentType, size, expiresIn) =>
    getSignedUrl(client, new PutObjectCommand({ Bucket: bucket, Key: key, ContentType: contentType, ContentLength: size }), {
      expiresIn,
      signableHeaders: new Set(["content-type", "content-length"]),
    });
}

/** The object key of an attachment: always under the owner's private prefix. */
export function attachmentKey(principalId: string, noteId: string, uploadId: string): string {
  return `private/${encodeURIComponent(principalId)}/${noteId}/${uploadId}`;
}
