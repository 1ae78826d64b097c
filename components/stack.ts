import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { StackConfig, usesOwnUserPool } from "./config";
import { NotesBackend } from "./backend/notesBackend";
import { UserDirectory } from "./userDirectory";
import { FrontDoor, FrontDoorArgs, record } from "./doors/frontDoor";
import { CognitoFrontDoor } from "./doors/cognitoFrontDoor";
import { IamFrontDoor } from "./doors/iamFrontDoor";
import { ApiKeyFrontDoor } from "./doors/apiKeyFrontDoor";
import { HttpJwtFrontDoor } from "./doors/httpJwtFrontDoor";
import { AlbOidcFrontDoor } from "./doors/albOidcFrontDoor";

/** What the program exports (see index.ts). */
export interface NotesAuthOutputs {
  authMode: string;
  url: pulumi.Output<string>;
  region: pulumi.Output<string>;
  /** Door-specific sign-in facts: pool and client ids, identity pool, token endpoint, … */
  client: pulumi.Output<Record<string, unknown>>;
  tableName: pulumi.Output<string>;
  attachmentsBucket: pulumi.Output<string>;
  functionName: pulumi.Output<string>;
  /** Secret values (API keys, client secrets), wrapped with pulumi.secret. */
  secrets: pulumi.Output<Record<string, unknown>>;
}

/**
 * Builds the whole stack for a validated config: the user directory (unless an external IdP is
 * configured), the backend, and the one front door that `authMode` selects.
 */
export function buildNotesAuth(cfg: StackConfig): NotesAuthOutputs {
  const [adminRoleArn, setAdminRoleArn] = cfg.authMode === "iam" ? pulumi.deferredOutput<string>() : [undefined, undefined];
  const users = usesOwnUserPool(cfg)
    ? new UserDirectory("users", {
        protectData: cfg.protectData,
        mfa: cfg.mfa,
        adminGroup: cfg.adminGroup,
        callbackUrls: cfg.oauthCallbackUrls.length > 0 ? cfg.oauthCallbackUrls : undefined,
        logoutUrls: cfg.oauthLogoutUrls.length > 0 ? cfg.oauthLogoutUrls : undefined,
        domainPrefix: domainPrefix(cfg),
        adminRoleArn,
      })
    : undefined;

  // The door's handler settings exist only once the door does; the backend takes them as a
  // deferred output, so its own resources (and URNs) never depend on which door is built.
  const [doorEnvironment, setDoorEnvironment] = pulumi.deferredOutput<Record<string, string>>();
  const backend = new NotesBackend("notes", {
    protectData: cfg.protectData,
    logRetentionDays: cfg.logRetentionDays,
    memoryMb: cfg.lambdaMemoryMb,
    reservedConcurrency: cfg.lambdaReservedConcurrency,
    tracing: cfg.tracing,
    corsOrigins: cfg.corsOrigins,
    handlerEnvironment: doorEnvironment,
  });

  const door: FrontDoor = createFrontDoor({ backend, users, config: cfg });
  const secrets = record(pulumi.secret(door.secrets ?? record({})));
  setDoorEnvironment(door.handlerEnvironment);
  if (setAdminRoleArn) {
    if (!(door instanceof IamFrontDoor)) throw new Error("only the iam door maps the admin group to a role");
    setAdminRoleArn(door.adminRoleArn);
  }

  return {
    authMode: cfg.authMode,
    url: door.url,
    region: aws.getRegionOutput().region,
    client: door.clientConfig,
    tableName: backend.tableName,
    attachmentsBucket: backend.bucketName,
    functionName: backend.functionName,
    secrets,
  };
}

/** Picks the door for `authMode`; every mode has a case, and the compiler checks it. */
export function createFrontDoor(args: FrontDoorArgs): FrontDoor {
  const mode = args.config.authMode;
  switch (mode) {
    case "cognito":
      return new CognitoFrontDoor("door", args);
    case "iam":
      return new IamFrontDoor("door", args);
    case "api-key":
      return new ApiKeyFrontDoor("door", args);
    case "http-jwt":
      return new HttpJwtFrontDoor("door", args);
    case "alb-oidc":
      return new AlbOidcFrontDoor("door", args);
    default: {
      const unreachable: never = mode;
      throw new Error(`unknown notes-auth:authMode ${unreachable}`);
    }
  }
}

/** `cognitoDomainPrefix`, or `notes-auth-<stack>-<account>` (globally unique per account). */
function domainPrefix(cfg: StackConfig): pulumi.Input<string> {
  if (cfg.cognitoDomainPrefix) return cfg.cognitoDomainPrefix;
  const account = aws.getCallerIdentityOutput().accountId;
  return pulumi.interpolate`notes-auth-${pulumi.getStack().toLowerCase().replace(/[^a-z0-9-]/g, "-")}-${account}`;
}
