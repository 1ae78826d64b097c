import * as pulumi from "@pulumi/pulumi";
import { UserPoolsAuthorizer } from "../../restAuthorizers/userPools";
import { NotesRestApi, RestApiOptions, restCitations, restDoorTargets } from "../../rest/restApi";
import { DoorComponent, DoorDeps, record, requireUsers } from "../door";

export const COGNITO_DOOR_TYPE = "notes-auth:door:CognitoFrontDoor";

export interface CognitoFrontDoorArgs {
  /** The REST API's shared settings (CORS, throttling, logs, WAF). */
  rest: RestApiOptions;
}

export type CognitoCitation = keyof ReturnType<typeof restCitations>;

/**
 * `cognito`: API Gateway REST with a COGNITO_USER_POOLS authorizer on every non-OPTIONS method.
 *
 * It accepts Cognito **ID tokens** (no scopes on the methods, so API Gateway validates an ID
 * token): that is what a SPA gets from SRP sign-in. API Gateway checks signature, issuer and
 * expiry but not the app client, so the handler pins the audience: `aud` must be this stack's
 * SPA client and `token_use` must be `id`. A token from another app client of the same pool
 * gets a 401.
 */
export class CognitoFrontDoor extends DoorComponent<"cognito", CognitoCitation> {
  public readonly mode = "cognito" as const;
  public readonly rest: NotesRestApi;

  constructor(name: string, args: CognitoFrontDoorArgs, deps: DoorDeps, opts?: pulumi.ComponentResourceOptions) {
    super(COGNITO_DOOR_TYPE, name, {}, opts);
    const users = requireUsers(deps, "CognitoFrontDoor");
    this.rest = new NotesRestApi(
      `${name}-api`,
      {
        ...args.rest,
        backend: deps.backend,
        accountLogging: deps.apiGatewayLogging?.account,
        clientHeaders: ["authorization"],
        authorizer: new UserPoolsAuthorizer({ userPoolArn: users.userPoolArn }),
      },
      { parent: this },
    );
    const url = this.rest.url;
    const settings = pulumi.output({ allowedClientIds: [users.clientId] });
    const clientConfig = record({
      signIn: "Cognito user pool (SRP) with the SPA client; send the ID token as `Authorization: <idToken>`",
      region: users.region,
      userPoolId: users.userPoolId,
      userPoolClientId: users.clientId,
      tokenType: "id",
    });
    const cited = restCitations(this.rest);
    this.publish({
      url,
      ...restDoorTargets(this.rest),
      credential: { kind: "user-token", token: "id", scheme: "raw", apiKey: false },
      settings,
      clientConfig,
      cited,
    });
  }
}
