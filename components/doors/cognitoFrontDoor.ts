import * as pulumi from "@pulumi/pulumi";
import { NotesRestApi, restApiArgsFromConfig } from "../rest/restApi";
import { FrontDoor, FrontDoorArgs, baseHandlerEnvironment, record, requireUsers, withHandlerEnvironment } from "./frontDoor";

/**
 * `cognito`: API Gateway REST with a COGNITO_USER_POOLS authorizer on every non-OPTIONS method.
 *
 * It accepts Cognito **ID tokens** (no scopes on the methods, so API Gateway validates an ID
 * token): that is what a SPA gets from SRP sign-in. API Gateway checks signature, issuer and
 * expiry but not the app client, so the handler pins the audience: `aud` must be this stack's
 * SPA client (ALLOWED_CLIENT_IDS) and `token_use` must be `id`. A token from another app client
 * of the same pool gets a 401.
 */
export class CognitoFrontDoor extends pulumi.ComponentResource implements FrontDoor {
  public readonly mode = "cognito" as const;
  public readonly rest: NotesRestApi;
  public readonly url: pulumi.Output<string>;
  public readonly handlerEnvironment: pulumi.Output<Record<string, string>>;
  public readonly clientConfig: pulumi.Output<Record<string, unknown>>;

  constructor(name: string, args: FrontDoorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("notes-auth:door:CognitoFrontDoor", name, {}, opts);
    const cfg = args.config;
    const users = requireUsers(args, "CognitoFrontDoor");
    this.rest = new NotesRestApi(`${name}-api`, restApiArgsFromConfig(args.backend, cfg, { kind: "cognito", userPoolArn: users.userPoolArn }), { parent: this });
    this.url = this.rest.url;
    this.handlerEnvironment = withHandlerEnvironment(baseHandlerEnvironment(this.mode, cfg, users), {
      ALLOWED_CLIENT_IDS: users.clientId,
    });
    this.clientConfig = record({
      signIn: "Cognito user pool (SRP) with the SPA client; send the ID token as `Authorization: <idToken>`",
      region: users.region,
      userPoolId: users.userPoolId,
      userPoolClientId: users.clientId,
      tokenType: "id",
    });
    this.registerOutputs({ url: this.url, clientConfig: this.clientConfig });
  }
}
