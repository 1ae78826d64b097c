import * as assert from "assert";
import * as http from "http";
import { AddressInfo } from "net";
import {
  GROUP_MAPPING_ENV,
  GroupMappingSettings,
  GroupMappingSettingsError,
  GetGroup,
  GroupRoleUnreadable,
  IDP_GROUPS_CLAIM,
  PreTokenGenerationEvent,
  cognitoGetGroup,
  encodeGroupMapping,
  federatedProvider,
  grantedGroups,
  idpGroups,
  preTokenGeneration,
  readGroupMapping,
} from "../../handlers/preTokenGeneration";
import { preTokenGenerationFromEnvironment } from "../../handlers/entries/preTokenGeneration";

const SETTINGS: GroupMappingSettings = {
  providers: { Corp: { "corp-admins": "admins", "corp-pro": "pro" } },
  groups: ["admins", "pro"],
  groupsWithRoles: [],
};

/** The iam door's settings: the admin group has a role (mapAdminGroupToRole), read at run time. */
const WITH_ROLES: GroupMappingSettings = { ...SETTINGS, groupsWithRoles: ["admins"] };
const ADMIN_ROLE = "arn:aws:iam::123456789012:role/notes-admins";

const corpIdentity = (provider = "Corp") =>
  JSON.stringify([
    { userId: "dana", providerName: provider, providerType: "OIDC", issuer: null, primary: "true", dateCreated: "1" },
  ]);

/** A V1_0 event as the developer guide shows it (user-pool-lambda-pre-token-generation.html). */
function event(
  attributes: Record<string, string>,
  groups: string[] = [],
  triggerSource = "TokenGeneration_HostedAuth",
): PreTokenGenerationEvent {
  return {
    version: "1",
    triggerSource,
    region: "eu-west-1",
    userPoolId: "eu-west-1_pool",
    userName: "Corp_dana",
    callerContext: { awsSdkVersion: "aws-sdk-unknown-unknown", clientId: "spa" },
    request: {
      userAttributes: { sub: "5f0c0f9e-0000-4000-8000-000000000001", email: "dana@corp.example", ...attributes },
      groupConfiguration: { groupsToOverride: groups, iamRolesToOverride: [], preferredRole: null },
    },
    response: { claimsOverrideDetails: null },
  };
}

const federated = (groups: string, provider = "Corp") => ({
  "cognito:user_status": "EXTERNAL_PROVIDER",
  identities: corpIdentity(provider),
  [IDP_GROUPS_CLAIM]: groups,
});

/** GetGroup that must not be called (no granted group has a role). */
const noReads: GetGroup = async (_pool, group) => assert.fail(`GetGroup ${group} was called`);

/** GetGroup over a pool's groups, recording each read. */
function readsOf(groups: Record<string, { roleArn?: string; precedence?: number }>) {
  const reads: string[][] = [];
  const getGroup: GetGroup = async (pool, name) => {
    reads.push([pool, name]);
    if (!groups[name]) throw new Error(`ResourceNotFoundException: no group ${name}`);
    return groups[name];
  };
  return { reads, getGroup };
}

const answer = async (settings: GroupMappingSettings, e: PreTokenGenerationEvent, getGroup: GetGroup = noReads) =>
  (await preTokenGeneration(settings, e, getGroup)).response.claimsOverrideDetails!.groupOverrideDetails!;

describe("the pre token generation trigger (V1_0): IdP groups to pool groups", () => {
  it("given a federated user in corp-admins at the IdP, when tokens are made, then they are admins", async () => {
    const out = await answer(SETTINGS, event(federated("[corp-admins, staff]"), ["eu-west-1_pool_Corp"]));
    assert.deepEqual(out.groupsToOverride, ["eu-west-1_pool_Corp", "admins"]);
  });

  it("given each trigger source, when the trigger runs, then it maps the same way (refreshes too)", async () => {
    for (const source of ["TokenGeneration_HostedAuth", "TokenGeneration_RefreshTokens"])
      assert.deepEqual((await answer(SETTINGS, event(federated("[corp-pro]"), [], source))).groupsToOverride, ["pro"]);
  });

  it("given IdP groups the mapping does not name, then they grant nothing (no IdP group in the token)", async () => {
    assert.deepEqual((await answer(SETTINGS, event(federated("[admins, staff, pro]")))).groupsToOverride, []);
  });

  it("given a pool user (CONFIRMED) who wrote custom:idp_groups themselves, then they gain nothing", async () => {
    const self = { "cognito:user_status": "CONFIRMED", [IDP_GROUPS_CLAIM]: "[corp-admins]" };
    assert.deepEqual((await answer(SETTINGS, event(self, ["editors"]))).groupsToOverride, ["editors"]);
    // Even with an identities value of their own making beside it: the status is Cognito's.
    assert.deepEqual(grantedGroups(SETTINGS, { ...self, identities: corpIdentity() }), []);
  });

  it("given a federated user of another provider, then Corp's mapping does not apply to them", async () => {
    assert.deepEqual((await answer(SETTINGS, event(federated("[corp-admins]", "Google")))).groupsToOverride, []);
  });

  it("given a mapping onto a group the stack does not have, then it grants nothing", async () => {
    const stray: GroupMappingSettings = { ...SETTINGS, providers: { Corp: { "corp-admins": "root" } } };
    assert.deepEqual((await answer(stray, event(federated("[corp-admins]")))).groupsToOverride, []);
  });

  it("given the user's own groups and roles, then they are kept (the answer replaces the configuration)", async () => {
    const e = event(federated("[corp-pro]"), ["editors"]);
    e.request.groupConfiguration = {
      groupsToOverride: ["editors"],
      iamRolesToOverride: ["arn:r"],
      preferredRole: "arn:r",
    };
    assert.deepEqual(await answer(SETTINGS, e), {
      groupsToOverride: ["editors", "pro"],
      iamRolesToOverride: ["arn:r"],
      preferredRole: "arn:r",
    });
  });

  it("given the attribute as Cognito writes a list, a JSON list or one value, then each reads as the groups", () => {
    assert.deepEqual(idpGroups("[a, b c, d]"), ["a", "b c", "d"]);
    assert.deepEqual(idpGroups('["a","b"]'), ["a", "b"]);
    assert.deepEqual(idpGroups("corp-admins"), ["corp-admins"]);
    assert.deepEqual(idpGroups(undefined), []);
    assert.deepEqual(idpGroups("[]"), []);
  });

  it("given identities naming two providers, or none, or not JSON, then the user counts as no provider's", async () => {
    const two = JSON.stringify([{ providerName: "Corp" }, { providerName: "Google" }]);
    for (const identities of [two, "[]", "Corp", ""])
      assert.equal(federatedProvider({ "cognito:user_status": "EXTERNAL_PROVIDER", identities }), undefined);
  });

  it("given the stack's environment, when the entry runs, then it answers; without, every sign-in fails", async () => {
    const handler = preTokenGenerationFromEnvironment(encodeGroupMapping(SETTINGS));
    const out = await handler(event(federated("[corp-admins]")));
    assert.deepEqual(out.response.claimsOverrideDetails?.groupOverrideDetails?.groupsToOverride, ["admins"]);
    await assert.rejects(preTokenGenerationFromEnvironment({})(event({})), GroupMappingSettingsError);
    assert.throws(() => readGroupMapping({ [GROUP_MAPPING_ENV]: '{"providers":{"Corp":{"a":1}},"groups":[]}' }));
  });
});

describe("the pre token generation trigger: the granted groups' IAM roles (GetGroup at run time)", () => {
  it("given the admin group's role, when a federated corp-admin signs in, then it is theirs, preferred", async () => {
    const { reads, getGroup } = readsOf({ admins: { roleArn: ADMIN_ROLE, precedence: 1 } });
    const out = await answer(
      WITH_ROLES,
      event(federated("[corp-admins, corp-pro]"), ["eu-west-1_pool_Corp"]),
      getGroup,
    );
    assert.deepEqual(out, {
      groupsToOverride: ["eu-west-1_pool_Corp", "admins", "pro"],
      iamRolesToOverride: [ADMIN_ROLE],
      preferredRole: ADMIN_ROLE,
    });
    // Only the granted group with a role is read (pro has none; the user has no own roles).
    assert.deepEqual(reads, [["eu-west-1_pool", "admins"]]);
  });

  it("given a pool user (CONFIRMED) who wrote [corp-admins], then nothing is read and no role is theirs", async () => {
    const self = { "cognito:user_status": "CONFIRMED", [IDP_GROUPS_CLAIM]: "[corp-admins]" };
    assert.deepEqual(await answer(WITH_ROLES, event(self)), { groupsToOverride: [], iamRolesToOverride: [] });
  });

  it("given no granted group with a role (corp-pro only), then nothing is read", async () => {
    assert.deepEqual((await answer(WITH_ROLES, event(federated("[corp-pro]")))).iamRolesToOverride, []);
  });

  it("given own roles too, then the lowest precedence wins; tied with other roles, none is preferred", async () => {
    const e = (own: string[]) => {
      const ev = event(federated("[corp-admins]"), own);
      ev.request.groupConfiguration = {
        groupsToOverride: own,
        iamRolesToOverride: ["arn:own"],
        preferredRole: "arn:own",
      };
      return ev;
    };
    const first = readsOf({
      admins: { roleArn: ADMIN_ROLE, precedence: 1 },
      editors: { roleArn: "arn:own", precedence: 5 },
    });
    assert.deepEqual(await answer(WITH_ROLES, e(["editors"]), first.getGroup), {
      groupsToOverride: ["editors", "admins"],
      iamRolesToOverride: ["arn:own", ADMIN_ROLE],
      preferredRole: ADMIN_ROLE,
    });
    assert.deepEqual(first.reads.map((r) => r[1]).sort(), ["admins", "editors"]);
    const lower = readsOf({
      admins: { roleArn: ADMIN_ROLE, precedence: 1 },
      editors: { roleArn: "arn:own", precedence: 0 },
    });
    assert.equal((await answer(WITH_ROLES, e(["editors"]), lower.getGroup)).preferredRole, "arn:own");
    const tied = readsOf({
      admins: { roleArn: ADMIN_ROLE, precedence: 1 },
      editors: { roleArn: "arn:own", precedence: 1 },
    });
    const out = await answer(WITH_ROLES, e(["editors"]), tied.getGroup);
    assert.deepEqual([out.iamRolesToOverride, out.preferredRole], [["arn:own", ADMIN_ROLE], undefined]);
  });

  it("given GetGroup fails, then the trigger fails naming the group, and the entry logs it (closed)", async () => {
    const failing = readsOf({});
    await assert.rejects(
      answer(WITH_ROLES, event(federated("[corp-admins]")), failing.getGroup),
      (err: unknown) => err instanceof GroupRoleUnreadable && err.group === "admins" && /admins/.test(err.message),
    );
    const lines: string[] = [];
    // An endpoint that refuses every connection: the read fails within its deadline.
    const env = {
      ...encodeGroupMapping(WITH_ROLES),
      AWS_REGION: "eu-west-1",
      AWS_ACCESS_KEY_ID: "AKID",
      AWS_SECRET_ACCESS_KEY: "secret",
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: "http://127.0.0.1:9",
    };
    await assert.rejects(
      preTokenGenerationFromEnvironment(env, (l) => lines.push(l))(event(federated("[corp-admins]"))),
      GroupRoleUnreadable,
    );
    assert.equal(JSON.parse(lines[0]).group, "admins");
  });
});

describe("cognitoGetGroup: Cognito's GetGroup, signed with the function's credentials", () => {
  let server: http.Server;
  let endpoint: string;
  const seen: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  let answers: { status: number; body: object }[] = [];
  before(async () => {
    server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        seen.push({ headers: req.headers, body });
        const next = answers.shift() ?? { status: 500, body: { __type: "InternalErrorException" } };
        res.writeHead(next.status, { "content-type": "application/x-amz-json-1.1" }).end(JSON.stringify(next.body));
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  after(() => server.close());
  const client = () =>
    cognitoGetGroup({
      region: "eu-west-1",
      endpoint,
      credentials: () => ({ accessKeyId: "AKIDTRIGGER", secretAccessKey: "s", sessionToken: "tok" }),
      policy: { baseDelayMs: 1, maxDelayMs: 1 },
    });

  it("given a throttled then answered call, then it retries and reads RoleArn and Precedence", async () => {
    seen.length = 0;
    answers = [
      { status: 400, body: { __type: "TooManyRequestsException", message: "slow down" } },
      { status: 200, body: { Group: { GroupName: "admins", RoleArn: ADMIN_ROLE, Precedence: 1 } } },
    ];
    assert.deepEqual(await client()("eu-west-1_pool", "admins"), { roleArn: ADMIN_ROLE, precedence: 1 });
    assert.equal(seen.length, 2);
    assert.equal(seen[1].headers["x-amz-target"], "AWSCognitoIdentityProviderService.GetGroup");
    assert.match(
      String(seen[1].headers.authorization),
      /^AWS4-HMAC-SHA256 Credential=AKIDTRIGGER\/\d+\/eu-west-1\/cognito-idp\//,
    );
    assert.equal(seen[1].headers["x-amz-security-token"], "tok");
    assert.deepEqual(JSON.parse(seen[1].body), { UserPoolId: "eu-west-1_pool", GroupName: "admins" });
  });

  it("given an access denial, then it fails at once with Cognito's error", async () => {
    seen.length = 0;
    answers = [{ status: 400, body: { __type: "AccessDeniedException", message: "not authorized" } }];
    await assert.rejects(client()("eu-west-1_pool", "admins"), /AccessDeniedException/);
    assert.equal(seen.length, 1);
  });

  it("given a group without a role, then neither is read", async () => {
    answers = [{ status: 200, body: { Group: { GroupName: "pro" } } }];
    assert.deepEqual(await client()("eu-west-1_pool", "pro"), {});
  });
});
