/**
 * The AWS actions the handler calls, and nothing more. The infrastructure grants exactly these
 * (components/backend/notesBackend.ts) on this stack's table and on `bucket/private/*`.
 * Kept free of imports so the Pulumi program can read it without loading the AWS SDK.
 */
export const DYNAMODB_ACTIONS = [
  "dynamodb:GetItem",
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:DeleteItem",
  "dynamodb:Query",
  "dynamodb:Scan",
] as const;

/**
 * Presigned uploads are signed with the function's role, so it needs PutObject on the prefix;
 * deleting a note deletes its attachments.
 */
export const S3_ACTIONS = ["s3:PutObject", "s3:DeleteObject"] as const;

/**
 * What the notes function may do on the revoked sessions table (`revocation: true`): read a session's record on each
 * request, write one on sign-out. Nothing else, on that table's ARN only.
 */
export const REVOCATION_ACTIONS = ["dynamodb:GetItem", "dynamodb:PutItem"] as const;
/** The Lambda authorizer only reads it (it refuses a signed-out session; it never records one). */
export const AUTHORIZER_REVOCATION_ACTIONS = ["dynamodb:GetItem"] as const;
