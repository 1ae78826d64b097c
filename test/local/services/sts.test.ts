import * as assert from "assert";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { LOCAL_DOORS, TestDoor, useTestDoor } from "../../support/localStack";

/**
 * The local STS decides AssumeRole by the RECORDED trust policy (local/services/sts.ts). At `iam` each
 * principal of machineRolePrincipals has its own role, trusting it alone: each machine gets its
 * own role and is refused the other's.
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
 */
describe("local STS: the iam door's machines", function () {
  this.timeout(30000);
  let door: TestDoor;
  // given the iam door with the door's two example machines
  useTestDoor((started) => (door = started), "iam", { extra: LOCAL_DOORS["iam with a machine role"].extra });

  const assume = async (
    as: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
    roleArn: string,
    externalId?: string,
    sessionName = "spec",
  ) => {
    const sts = new STSClient({ region: "us-east-1", endpoint: door.outputs.local.endpoints.aws, credentials: as });
    try {
      return await sts.send(
        new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName, ExternalId: externalId }),
      );
    } finally {
      sts.destroy();
    }
  };

  it("prints one trusted principal per listed machine, each with its own role from client.machineRoleArns", () => {
    const roles = door.outputs.client.machineRoleArns as Record<string, string>;
    const trusted = door.outputs.local.principals.trusted;
    assert.equal(Object.keys(roles).length, 2);
    assert.deepEqual(trusted.map((t) => [t.principal, t.roleArn]).sort(), Object.entries(roles).sort());
    assert.equal(new Set(Object.values(roles)).size, 2);
  });

  it(
    "given each machine, when it assumes its own role, then STS answers with a session of that role; " +
      "when it asks for the other's, then AccessDenied",
    async () => {
      const [a, b] = door.outputs.local.principals.trusted;
      for (const [me, other] of [
        [a, b],
        [b, a],
      ]) {
        const own = await assume(me, me.roleArn, me.externalId);
        assert.match(
          String(own.AssumedRoleUser?.Arn),
          new RegExp(`:assumed-role/${me.roleArn.split("/").pop()}/spec$`),
        );
        await assert.rejects(
          assume(me, other.roleArn, other.externalId),
          (err: Error) => err.name === "AccessDenied",
          `${me.principal} assuming ${other.roleArn}`,
        );
      }
    },
  );

  it(
    "given a one-character session name, when a machine assumes its role, then STS refuses it with AWS's " +
      "ValidationError naming the length constraint (RoleSessionName: 2-64 characters of [\\w+=,.@-])",
    async () => {
      // https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
      const [me] = door.outputs.local.principals.trusted;
      await assert.rejects(
        assume(me, me.roleArn, me.externalId, "a"),
        (err: Error) =>
          err.name === "ValidationError" &&
          err.message ===
            "1 validation error detected: Value 'a' at 'roleSessionName' failed to satisfy constraint: Member " +
              "must have length greater than or equal to 2",
      );
      await assert.rejects(
        assume(me, me.roleArn, me.externalId, "a b"),
        (err: Error) =>
          err.name === "ValidationError" &&
          /Member must satisfy regular expression pattern: \[\\w\+=,\.@-\]\*/.test(err.message),
      );
      await assert.rejects(
        assume(me, me.roleArn, me.externalId, "x".repeat(65)),
        (err: Error) => err.name === "ValidationError" && /length less than or equal to 64/.test(err.message),
      );
    },
  );
});
