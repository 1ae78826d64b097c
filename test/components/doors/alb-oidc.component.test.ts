import * as assert from "assert";
import { DOORS } from "../../../components/doors/registry";
import { RecordedResource } from "../../../offline/mocks";
import { STUB_FUNCTION_ARN, StubBackend, buildDoorAlone, doorArgs, only, valueOf } from "../alone";

describe("AlbOidcFrontDoor, built alone", function () {
  let resources: RecordedResource[];
  let stub: StubBackend;
  before(async () => {
    // given a stub backend and a user directory of its own, and the door's certificate and name
    ({ resources, stub } = await buildDoorAlone("alb-oidc", doorArgs("alb-oidc")));
  });

  it(
    "when built, then the HTTPS listener logs in at the directory's pool with the door's own client before " +
      "it forwards",
    () => {
      const listener = only(resources, "aws:lb/listener:Listener", "door-https");
      const pool = only(resources, "aws:cognito/userPool:UserPool");
      const login = only(resources, "aws:cognito/userPoolClient:UserPoolClient", "door-alb-client");
      const [authenticate, forward] = listener.inputs.defaultActions;
      assert.equal(authenticate.type, "authenticate-cognito");
      assert.equal(authenticate.authenticateCognito.userPoolArn, pool.state.arn);
      assert.equal(authenticate.authenticateCognito.userPoolClientId, login.state.id);
      assert.equal(forward.type, "forward");
      assert.equal(listener.inputs.certificateArn, DOORS["alb-oidc"].minimalConfig.domainCertificateArn);
    },
  );

  it(
    "when built, then its target group holds the backend function's live alias, which the load balancer may " +
      "invoke from that group",
    async () => {
      const group = only(resources, "aws:lb/targetGroup:TargetGroup");
      const target = only(resources, "aws:lb/targetGroupAttachment:TargetGroupAttachment");
      assert.deepEqual(
        [target.inputs.targetGroupArn, target.inputs.targetId],
        [group.state.arn, `${STUB_FUNCTION_ARN}:live`],
      );
      assert.equal(stub.invokes.length, 1);
      assert.equal(stub.invokes[0].principal, "elasticloadbalancing.amazonaws.com");
      assert.equal(await valueOf(stub.invokes[0].sourceArn), group.state.arn);
    },
  );
});
