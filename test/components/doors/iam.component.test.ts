import * as assert from "assert";
import type { FrontDoor } from "../../../components/doors/door";
import { RecordedResource } from "../../../offline/mocks";
import { all, buildDoorAlone, doorArgs, identityArgs, only, valueOf, withSpecRoutes } from "../alone";

describe("IamFrontDoor, built alone", function () {
  let resources: RecordedResource[];
  let door: FrontDoor<"iam">;
  before(async () => {
    // given a stub backend, a user directory of its own, and one machine principal
    const args = withSpecRoutes(doorArgs("iam", DOORS_IAM_MACHINE));
    ({ resources, door } = await buildDoorAlone("iam", args, identityArgs("iam", DOORS_IAM_MACHINE)));
  });

  it(
    "when built, then every non-OPTIONS method needs SigV4 (AWS_IAM) and no API key, and the API has no " +
      "authorizer",
    () => {
      const methods = all(resources, "aws:apigateway/method:Method").filter((m) => m.inputs.httpMethod !== "OPTIONS");
      assert.ok(methods.length > 0);
      for (const m of methods) {
        assert.equal(m.inputs.authorization, "AWS_IAM", m.name);
        assert.equal(m.inputs.authorizerId, undefined, m.name);
        assert.equal(m.inputs.apiKeyRequired, false, m.name);
      }
      assert.equal(all(resources, "aws:apigateway/authorizer:Authorizer").length, 0);
      assert.equal(only(resources, "aws:apigateway/restApi:RestApi").inputs.description, "notes-auth (iam)");
    },
  );

  it(
    "when built, then the identity pool trusts the directory's SPA client, and the machine gets a role of " + "its own",
    () => {
      const client = only(resources, "aws:cognito/userPoolClient:UserPoolClient");
      const pool = only(resources, "aws:cognito/identityPool:IdentityPool");
      assert.deepEqual(
        pool.inputs.cognitoIdentityProviders.map((p: { clientId: string }) => p.clientId),
        [client.state.id],
      );
      const machine = all(resources, "aws:iam/role:Role").filter((r) => r.name.startsWith("door-machine-"));
      assert.equal(machine.length, 1);
      // the role is the stack's (components/identities.ts); the door attaches what it may invoke
      const access = only(resources, "aws:iam/rolePolicy:RolePolicy", `${machine[0].name}-access`);
      assert.equal(access.inputs.role, machine[0].state.id);
      assert.equal(access.parent, only(resources, "notes-auth:door:IamFrontDoor").urn);
    },
  );

  it("when built, then its clients are told to sign with the identity pool's credentials", async () => {
    assert.deepEqual((await valueOf(door.clientConfig)).credential, { kind: "identity-pool-sigv4" });
  });
});

/** One machine principal and the external id its role demands. */
const DOORS_IAM_MACHINE = {
  machineRolePrincipals: ["arn:aws:iam::210987654321:role/reporting"],
  machineRoleExternalId: "notes-reporting-2026",
};
