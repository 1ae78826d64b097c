import * as assert from "assert";
import {
  GROUP_MAPPING_ENV,
  GroupMappingSettings,
  GroupMappingSettingsError,
  IDP_GROUPS_CLAIM,
  PreTokenGenerationEvent,
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
};

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

const answer = (settings: GroupMappingSettings, e: PreTokenGenerationEvent) =>
  preTokenGeneration(settings, e).response.claimsOverrideDetails!.groupOverrideDetails!;

describe("the pre token generation trigger (V1_0): IdP groups to pool groups", () => {
  it("given a federated user whose IdP groups include corp-admins, when tokens are made, then they are admins", () => {
    const out = answer(SETTINGS, event(federated("[corp-admins, staff]"), ["eu-west-1_pool_Corp"]));
    assert.deepEqual(out.groupsToOverride, ["eu-west-1_pool_Corp", "admins"]);
  });

  it("given each trigger source, when the trigger runs, then it maps the same way (refreshes too)", () => {
    for (const source of ["TokenGeneration_HostedAuth", "TokenGeneration_RefreshTokens"])
      assert.deepEqual(answer(SETTINGS, event(federated("[corp-pro]"), [], source)).groupsToOverride, ["pro"]);
  });

  it("given IdP groups the mapping does not name, then they grant nothing (and no IdP group reaches the token)", () => {
    assert.deepEqual(answer(SETTINGS, event(federated("[admins, staff, pro]"))).groupsToOverride, []);
  });

  it("given a pool user (CONFIRMED) who wrote custom:idp_groups themselves, then they gain nothing", () => {
    const self = { "cognito:user_status": "CONFIRMED", [IDP_GROUPS_CLAIM]: "[corp-admins]" };
    assert.deepEqual(answer(SETTINGS, event(self, ["editors"])).groupsToOverride, ["editors"]);
    // Even with an identities value of their own making beside it: the status is Cognito's.
    assert.deepEqual(grantedGroups(SETTINGS, { ...self, identities: corpIdentity() }), []);
  });

  it("given a federated user of another provider, then Corp's mapping does not apply to them", () => {
    assert.deepEqual(answer(SETTINGS, event(federated("[corp-admins]", "Google"))).groupsToOverride, []);
  });

  it("given a mapping onto a group the stack does not have, then it grants nothing", () => {
    const stray: GroupMappingSettings = { providers: { Corp: { "corp-admins": "root" } }, groups: SETTINGS.groups };
    assert.deepEqual(answer(stray, event(federated("[corp-admins]"))).groupsToOverride, []);
  });

  it("given the user's own groups and roles, then they are kept (the answer replaces the whole configuration)", () => {
    const e = event(federated("[corp-pro]"), ["editors"]);
    e.request.groupConfiguration = {
      groupsToOverride: ["editors"],
      iamRolesToOverride: ["arn:r"],
      preferredRole: "arn:r",
    };
    assert.deepEqual(answer(SETTINGS, e), {
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

  it("given identities naming two providers, or none, or not JSON, then the user counts as no provider's", () => {
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
