import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { environmentProblem } from "../../awsRules/lambda";
import { policyJson } from "../iamPolicy";
import { HANDLER_ENTRY } from "./bundle";
import { bundledFunction } from "./bundledFunction";
import { DYNAMODB_ACTIONS, REVOCATION_ACTIONS, S3_ACTIONS } from "../../handlers/contract/permissions";
import {
  MAX_ATTACHMENT_BYTES,
  backendSettings,
  revocationSettings,
  signOutSettings,
} from "../../handlers/contract/stack";
import { REVOKED_SESSION_KEYS, TABLE_KEYS } from "../../handlers/contract/table";

/** The notes function's timeout; every storage deadline stays well under it. */
export const NOTES_FUNCTION_TIMEOUT_SECONDS = 10;

/** How long a replaced or deleted attachment version is kept before S3 expires it. */
export const NONCURRENT_VERSION_DAYS = 30;

export interface NotesBackendArgs {
  /** Retain and protect the table and bucket, and turn on DynamoDB deletion protection. @default false */
  protectData?: boolean;
  /** Retention of the function's log group, in days. */
  logRetentionDays: number;
  /** Lambda memory in MB. */
  memoryMb: number;
  /** Reserved concurrency; -1 leaves it unreserved. */
  reservedConcurrency: number;
  /** Active X-Ray tracing. @default false */
  tracing?: boolean;
  /** Origins allowed to upload attachments from a browser with the presigned URL. @default [] */
  corsOrigins?: string[];
  /**
   * What the stack and the front door tell the handler (AUTH_MODE, audiences, ALB ARN, …). It may
   * be an output of resources the door makes after the backend exists; it never changes a URN here.
   */
  handlerEnvironment: pulumi.Input<Record<string, string>>;
  /**
   * What must be in place before callers see a new version of the function (its `live` alias
   * moves): every door fully deployed. Any output: only the resources it comes from matter.
   */
  liveAfter?: pulumi.Input<unknown>;
  /**
   * Sign-out that every token door honours (`revocation: true`): a revoked sign-in sessions table the function may
   * read and write (GetItem, PutItem) and `POST /me/sign-out`. Unset: no table, and the route answers 404.
   */
  revocation?: RevocationArgs;
}

/** What revocation needs to know (components/stack.ts derives it from the config). */
export interface RevocationArgs {
  /** How long a container trusts a "not revoked" answer (`revocationCacheSeconds`). */
  cacheSeconds: number;
  /** The refresh token lifetime, in seconds: a signed-out session is refused this long. */
  refreshSeconds: number;
}

/**
 * The alias every door invokes. Each change of the function's code or configuration publishes a
 * version ("a snapshot of your function's code and configuration",
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-versions.html), which callers see only
 * once the alias points at it: after every door is deployed (NotesBackendArgs.liveAfter).
 */
export const LIVE_ALIAS = "live";

/**
 * The notes backend: one DynamoDB table, one S3 attachments bucket and one Lambda function (and, with `revocation`,
 * the revoked sign-in sessions table).
 * It is the same in every auth mode (same names, same URNs), so switching doors never touches data.
 */
export class NotesBackend extends pulumi.ComponentResource {
  public readonly table: aws.dynamodb.Table;
  /** The revoked sign-in sessions (`revocation: true`), which the Lambda authorizer also reads. */
  public readonly revokedSessions?: aws.dynamodb.Table;
  /** `revocationCacheSeconds`, with revocation on: the authorizer's cache is the function's. */
  public readonly revocationCacheSeconds?: number;
  public readonly bucket: aws.s3.Bucket;
  public readonly function: aws.lambda.Function;
  public readonly role: aws.iam.Role;
  public readonly logGroup: aws.cloudwatch.LogGroup;
  /** What every door invokes: the version published last once every door is deployed. */
  public readonly live: aws.lambda.Alias;
  public readonly tableName: pulumi.Output<string>;
  public readonly bucketName: pulumi.Output<string>;
  public readonly functionName: pulumi.Output<string>;

  constructor(name: string, args: NotesBackendArgs, opts?: pulumi.ComponentResourceOptions) {
    super("notes-auth:backend:NotesBackend", name, {}, opts);
    const protect = args.protectData ?? false;
    const dataOpts: pulumi.CustomResourceOptions = { parent: this, protect, retainOnDelete: protect };

    this.table = new aws.dynamodb.Table(
      `${name}-table`,
      {
        billingMode: "PAY_PER_REQUEST",
        hashKey: TABLE_KEYS.partition,
        rangeKey: TABLE_KEYS.sort,
        attributes: [
          { name: TABLE_KEYS.partition, type: "S" },
          { name: TABLE_KEYS.sort, type: "S" },
        ],
        pointInTimeRecovery: { enabled: true },
        serverSideEncryption: { enabled: true },
        deletionProtectionEnabled: protect,
      },
      dataOpts,
    );

    // The revoked sign-in sessions: one item per signed-out session, keyed by its id (the tokens' origin_jti),
    // deleted by DynamoDB's TTL once none of its tokens can turn up
    // (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/TTL.html). The notes table's guard rails
    // (encryption, point-in-time recovery, deletion protection with protectData). Its own name, from nothing a door
    // decides: switching revocation on or off touches no other resource.
    if (args.revocation) {
      this.revokedSessions = new aws.dynamodb.Table(
        `${name}-revoked-sessions`,
        {
          billingMode: "PAY_PER_REQUEST",
          hashKey: REVOKED_SESSION_KEYS.partition,
          attributes: [{ name: REVOKED_SESSION_KEYS.partition, type: "S" }],
          ttl: { attributeName: REVOKED_SESSION_KEYS.ttl, enabled: true },
          pointInTimeRecovery: { enabled: true },
          serverSideEncryption: { enabled: true },
          deletionProtectionEnabled: protect,
        },
        dataOpts,
      );
      this.revocationCacheSeconds = args.revocation.cacheSeconds;
    }

    // A versioned bucket that ever held an object cannot be deleted until every version and delete
    // marker is gone (S3 answers BucketNotEmpty): unprotected stacks let the provider empty it on
    // destroy; protected ones keep refusing. https://docs.aws.amazon.com/AmazonS3/latest/userguide/delete-bucket.html
    this.bucket = new aws.s3.Bucket(`${name}-attachments`, { forceDestroy: !protect }, dataOpts);
    // The bucket's guard rails (public-access block, ownership, versioning, lifecycle, encryption,
    // TLS-only policy, CORS) are protected and retained with it: `pulumi destroy --exclude-protected`
    // or a retained bucket must never be left without them. Options only: the URNs are unchanged.
    const bucketOpts = dataOpts;
    const publicAccess = new aws.s3.BucketPublicAccessBlock(
      `${name}-attachments-public-access`,
      {
        bucket: this.bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      bucketOpts,
    );
    new aws.s3.BucketOwnershipControls(
      `${name}-attachments-ownership`,
      {
        bucket: this.bucket.id,
        rule: { objectOwnership: "BucketOwnerEnforced" },
      },
      bucketOpts,
    );
    new aws.s3.BucketVersioning(
      `${name}-attachments-versioning`,
      {
        bucket: this.bucket.id,
        versioningConfiguration: { status: "Enabled" },
      },
      bucketOpts,
    );
    // Versioning keeps replaced and deleted uploads; keep them 30 days, and drop abandoned multipart uploads.
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-attachments-lifecycle`,
      {
        bucket: this.bucket.id,
        rules: [
          {
            id: "old-versions-and-abandoned-uploads",
            status: "Enabled",
            filter: { prefix: "private/" },
            noncurrentVersionExpiration: { noncurrentDays: NONCURRENT_VERSION_DAYS },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
          },
        ],
      },
      bucketOpts,
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-attachments-encryption`,
      {
        bucket: this.bucket.id,
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }],
      },
      bucketOpts,
    );
    new aws.s3.BucketPolicy(
      `${name}-attachments-tls-only`,
      {
        bucket: this.bucket.id,
        policy: policyJson([
          {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: { AWS: "*" },
            Action: "s3:*",
            Resource: [this.bucket.arn, pulumi.interpolate`${this.bucket.arn}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
        ]),
      },
      { ...dataOpts, dependsOn: [publicAccess] },
    );
    if ((args.corsOrigins ?? []).length > 0) {
      new aws.s3.BucketCorsConfiguration(
        `${name}-attachments-cors`,
        {
          bucket: this.bucket.id,
          corsRules: [
            {
              allowedMethods: ["PUT", "GET"],
              allowedOrigins: args.corsOrigins!,
              allowedHeaders: ["content-type", "content-length"],
              maxAgeSeconds: 3000,
            },
          ],
        },
        bucketOpts,
      );
    }

    const api = bundledFunction(
      `${name}-api`,
      {
        entry: HANDLER_ENTRY,
        memoryMb: args.memoryMb,
        timeoutSeconds: NOTES_FUNCTION_TIMEOUT_SECONDS,
        reservedConcurrency: args.reservedConcurrency,
        tracing: args.tracing ?? false,
        logRetentionDays: args.logRetentionDays,
        statements: [
          { Sid: "NotesTable", Effect: "Allow", Action: [...DYNAMODB_ACTIONS], Resource: this.table.arn },
          {
            Sid: "PrivateAttachments",
            Effect: "Allow",
            Action: [...S3_ACTIONS],
            Resource: pulumi.interpolate`${this.bucket.arn}/private/*`,
          },
          ...(this.revokedSessions
            ? [
                {
                  Sid: "RevokedSessions",
                  Effect: "Allow" as const,
                  Action: [...REVOCATION_ACTIONS],
                  Resource: this.revokedSessions.arn,
                },
              ]
            : []),
        ],
        environment: pulumi
          .all([
            pulumi.output(args.handlerEnvironment),
            this.table.name,
            this.bucket.bucket,
            this.revokedSessions?.name,
          ])
          .apply(([door, table, bucket, revoked]): Record<string, string> => {
            const r = args.revocation;
            const variables = {
              ...door,
              ...backendSettings.encode({ table, bucket, maxAttachmentBytes: MAX_ATTACHMENT_BYTES }),
              ...(r && revoked
                ? {
                    ...revocationSettings.encode({ table: revoked, cacheSeconds: r.cacheSeconds }),
                    ...signOutSettings.encode({ refreshSeconds: r.refreshSeconds }),
                  }
                : {}),
            };
            // Refused here, at preview, rather than by Lambda in the middle of `pulumi up`.
            const problem = environmentProblem(variables);
            if (problem) throw new Error(problem);
            return variables;
          }),
        publish: true,
      },
      this,
    );
    this.function = api.fn;
    this.role = api.role;
    this.logGroup = api.logGroup;
    // Moves to a new version only after what liveAfter comes from: so a door switch deploys the new
    // door (which invokes this alias by an ARN composed from the function's, liveArn) before any
    // caller runs the configuration that serves it.
    this.live = new aws.lambda.Alias(
      `${name}-api-live`,
      {
        name: LIVE_ALIAS,
        functionName: this.function.name,
        functionVersion: pulumi.all([this.function.version, args.liveAfter]).apply(([version]) => version),
      },
      { parent: this },
    );

    this.tableName = this.table.name;
    this.bucketName = this.bucket.bucket;
    this.functionName = this.function.name;
    this.registerOutputs({ tableName: this.tableName, bucketName: this.bucketName, functionName: this.functionName });
  }

  /**
   * Lets one AWS service invoke the function, only from `sourceArn` (this API's stage or this
   * target group, never a wildcard account): the one Lambda permission every door makes. `via`
   * is the ARN the door invokes: the `live` alias (liveArn) or the unqualified function. A
   * permission holds for that ARN only, and one on an alias needs the alias to exist
   * (https://docs.aws.amazon.com/lambda/latest/dg/using-aliases.html), so it waits for it.
   */
  public allowInvoke(
    name: string,
    principal: "apigateway.amazonaws.com" | "elasticloadbalancing.amazonaws.com",
    sourceArn: pulumi.Input<string>,
    opts: pulumi.CustomResourceOptions,
    via: "live" | "function" = "function",
  ): aws.lambda.Permission {
    return new aws.lambda.Permission(
      name,
      {
        action: "lambda:InvokeFunction",
        function: this.function.name,
        ...(via === "live" ? { qualifier: this.live.name } : {}),
        principal,
        sourceArn,
      },
      opts,
    );
  }
}

/**
 * The `live` alias's ARN, composed from the function's: a door that invokes it does not wait for
 * the alias, so the alias can wait for the door (NotesBackendArgs.liveAfter).
 */
export function liveArn(backend: NotesBackend): pulumi.Output<string> {
  return pulumi.interpolate`${backend.function.arn}:${LIVE_ALIAS}`;
}

/**
 * What a REST integration's `uri` names to invoke the `live` alias:
 * arn:{partition}:apigateway:{region}:lambda:path/2015-03-31/functions/{alias ARN}/invocations
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html).
 * API Gateway resolves the function an integration names when it invokes it (a stage variable may
 * name it: https://docs.aws.amazon.com/apigateway/latest/developerguide/aws-api-gateway-stage-variables-reference.html),
 * so the alias need not exist yet when the integration is made (a first deploy).
 */
export function liveInvokeArn(backend: NotesBackend): pulumi.Output<string> {
  return liveArn(backend).apply((arn) => {
    const [, partition, , region] = arn.split(":");
    return `arn:${partition}:apigateway:${region}:lambda:path/2015-03-31/functions/${arn}/invocations`;
  });
}
