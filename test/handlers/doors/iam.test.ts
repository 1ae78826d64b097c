import * as assert from "assert";
import { normalize } from "../../../handlers/http/request";
import { principalOf } from "../../../handlers/doors";
import { principalArn } from "../../../handlers/doors/iam";
import { envFor, restEvent } from "../../support/handler";
import { machineRoleKey } from "../../../components/doors/iam/machines";

/**
 * The `iam` door's machines, as the handler sees them: each listed principal assumes its own role
 * (components/doors/iam), so two machines are two role sessions of two roles, and the handler
 * keys each on its role: `iam:<role ARN>`, never the session the caller names.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns
 */
describe("handler: iam machines", () => {
  const roleName = (principal: string) => `door-machine-${machineRoleKey(principal)}-1a2b3c4`;
  const machine = (principal: string, session: string) =>
    principalOf(
      normalize(
        restEvent(
          { method: "GET", path: "/me" },
          {
            identity: {
              userArn: `arn:aws:sts::123456789012:assumed-role/${roleName(principal)}/${session}`,
              caller: `AROAEXAMPLE:${session}`,
              accountId: "123456789012",
            },
          },
        ),
      ),
      envFor("iam"),
    );

  it(
    "given two machines' sessions with the same session name, when each calls, then they are two " +
      "principals: iam:<each one's role ARN>",
    async () => {
      const reporting = await machine("arn:aws:iam::210987654321:role/reporting", "notes-auth-client");
      const billing = await machine("arn:aws:iam::345678901234:user/billing", "notes-auth-client");
      assert.equal(
        reporting.id,
        `iam:arn:aws:iam::123456789012:role/${roleName("arn:aws:iam::210987654321:role/reporting")}`,
      );
      assert.equal(
        billing.id,
        `iam:arn:aws:iam::123456789012:role/${roleName("arn:aws:iam::345678901234:user/billing")}`,
      );
      assert.notEqual(reporting.id, billing.id);
      assert.deepEqual(
        [reporting.kind, billing.kind, reporting.isAdmin, billing.isAdmin],
        ["machine", "machine", false, false],
      );
    },
  );

  it(
    "given one machine's two sessions (two ECS tasks), when each calls, then both are the same " + "principal",
    async () => {
      const principal = "arn:aws:iam::210987654321:role/reporting";
      assert.equal((await machine(principal, "ecs-task-1")).id, (await machine(principal, "ecs-task-2")).id);
    },
  );

  it("keys a role session on its role ARN in the session's partition and account", () => {
    assert.equal(
      principalArn("arn:aws-us-gov:sts::123456789012:assumed-role/door-machine-abc/s"),
      "arn:aws-us-gov:iam::123456789012:role/door-machine-abc",
    );
    assert.equal(principalArn("arn:aws:sts::123456789012:federated-user/bob"), undefined);
  });
});
